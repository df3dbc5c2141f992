// The buddy allocator's core: blocks of 2^order physically contiguous
// page frames, orders 0..BUDDY_MAX_ORDER (4 KiB .. 4 MiB).
//
// This file and buddy.c have no locking and no kernel dependencies, so the
// same code is compiled into the host unit tests (tests/host/). kalloc.c
// wraps it with a lock and turns frame numbers into kernel addresses.
#pragma once
#include "types.h"

#define BUDDY_MAX_ORDER 10 // largest block: 2^10 pages = 4 MiB
#define BUDDY_ORDERS (BUDDY_MAX_ORDER + 1)
#define BUDDY_NONE 0xFFFFFFFFu // "no frame" in a free-list link

// Frame flags.
#define PAGE_FREE 0x1     // heads a free block (order in `order`)
#define PAGE_RESERVED 0x2 // never managed (kernel image, firmware, DTB, hole)
#define PAGE_SLAB 0x4     // belongs to a slab (slab.c); `slab` says which

// One per page frame of RAM, indexed by frame number minus base_pfn.
struct page {
  uint32 next; // free-list links (frame indexes), while PAGE_FREE
  uint32 prev;
  int refcount; // > 0 exactly for the first frame of an allocated block
  uint8 order;  // order of the block this frame heads (free or allocated)
  uint8 flags;
  void *slab; // PAGE_SLAB: the slab holding this frame
};

struct buddy {
  uint64 base_pfn; // frame number of pages[0]
  uint64 nframes;  // frames covered by pages[]
  struct page *pages;
  uint32 free_head[BUDDY_ORDERS];   // first free block of each order
  uint64 free_blocks[BUDDY_ORDERS]; // length of each free list
  uint64 free_pages;                // total free frames
  uint64 managed_pages;             // frames ever given to the allocator
};

// Set up b over nframes frames from base_pfn (which must be a multiple of
// 2^BUDDY_MAX_ORDER); every frame starts PAGE_RESERVED.
void buddy_init(struct buddy *b, uint64 base_pfn, uint64 nframes, struct page *pages);

// Hand a reserved frame to the allocator (start-up). It coalesces with
// free neighbours like any freed block.
void buddy_add_frame(struct buddy *b, uint64 pfn);

// Allocate a block of 2^order frames. Returns its first frame number
// (aligned to 2^order), or BUDDY_NONE if no block is large enough.
uint64 buddy_alloc(struct buddy *b, int order);

// Free the block starting at frame pfn, of the order it was allocated
// with. Panics (buddy_fail) on a frame that is not an allocated block's
// head: already free, reserved, or inside another block.
void buddy_free(struct buddy *b, uint64 pfn);

// Check the invariants listed in buddy.c. Returns 0, or -1 after
// reporting the first violation through buddy_fail's report hook.
int buddy_check(struct buddy *b);

// How buddy.c reports an impossible state: the kernel panics, the host
// tests record it. Provided by kalloc.c and by the test harness.
void buddy_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
