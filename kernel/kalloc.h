// Physical memory: page frames from the buddy allocator (buddy.c), with a
// reference count per frame. Addresses handed out and taken back are
// kernel virtual addresses in the direct map (use V2P for a PTE).
#pragma once
#include "types.h"
#include "buddy.h"

// Hand every free RAM page in [start_pa, end_pa) to the allocator, except
// the reserved regions the device tree lists and the device tree itself.
void page_allocator_init(uint64 start_pa, uint64 end_pa);

// Allocate one zero-filled 4 KiB page. Returns 0 if memory is exhausted.
void *page_alloc(void);

// Drop one reference to a page from page_alloc (or pages_alloc); the block
// is freed when the last reference goes. Panics on a page that is not
// allocated or not the start of a block.
void page_free(void *page);

// Allocate 2^order contiguous pages (not zeroed). 0 if none.
void *pages_alloc(int order);
// Free a block from pages_alloc; panics if order is not the block's.
void pages_free(void *pages, int order);

// Add a reference to an allocated page (for pages shared copy-on-write).
void page_ref_inc(void *page);
// Current reference count of an allocated page.
int page_ref_count(void *page);

// The struct page of the frame holding kernel address va (slab.c).
struct page *page_struct(void *va);

// Check the buddy allocator's invariants (buddy.c). 0, or panics.
int page_allocator_check(void);

// Number of free pages and of pages managed.
uint64 page_free_count(void);
uint64 page_total_count(void);
// Copy the number of free blocks of each order into blocks[BUDDY_ORDERS].
void page_free_blocks(uint64 *blocks);
