// malloc and free for user programs.
//
// The heap is memory obtained from the kernel with sbrk(). It is carved into
// blocks; every block starts with a 16-byte header, and the caller's bytes
// follow it:
//
//     +--------+--------+-------------------------------+
//     | magic  |  size  |  payload (size - header bytes) |
//     +--------+--------+-------------------------------+
//     ^ header           ^ pointer returned by malloc (16-byte aligned)
//
// Free blocks are kept on one list sorted by address; a free block keeps
// the pointer to the next free block in the first bytes of its payload.
// malloc takes the first free block that is big enough (first fit) and
// splits off what it does not need; free puts the block back in address
// order and merges it with free neighbours that touch it (coalescing), so
// the heap does not crumble into small pieces.
//
// Invariants:
//   (a) every block's size is a multiple of ALIGN and at least MIN_BLOCK;
//   (b) the free list is sorted by address, and no two blocks on it touch
//       (they would have been merged);
//   (c) a block's magic is MAGIC_USED while the program owns it and
//       MAGIC_FREE while it is on the free list. free() checks it, so
//       freeing a pointer twice or one that malloc never returned is
//       reported instead of silently corrupting the heap.
//
// Not thread-safe (user processes here have one thread).

#include "kernel/types.h"
#include "user/user.h"

#define ALIGN 16                  // alignment of every block and payload
#define MAGIC_USED 0x5a11ced0u    // header magic of an allocated block
#define MAGIC_FREE 0xf4eeb10cu    // header magic of a block on the free list
#define SBRK_MIN_BYTES (16 * 1024) // grow the heap by at least this much
#define SBRK_MAX_BYTES 0x7ffff000u // the most one sbrk(int) call may ask for

struct header {
  uint32 magic;      // MAGIC_USED or MAGIC_FREE
  uint32 reserved;   // keeps the header 16 bytes (payload alignment)
  uint64 size;       // bytes in the block, header included
};

// A free block: the header, then the free-list link in the payload.
struct free_block {
  struct header hdr;
  struct free_block *next; // next free block at a higher address, or 0
};

_Static_assert(sizeof(struct header) == ALIGN, "header keeps payload aligned");

#define MIN_BLOCK (2 * ALIGN) // header + room for the free-list link

static struct free_block *free_list; // lowest-addressed free block, or 0

// Round n up to a multiple of ALIGN.
static uint64
round_up(uint64 n)
{
  return (n + ALIGN - 1) & ~(uint64)(ALIGN - 1);
}

// Returns 1 if block a ends exactly where block b starts.
static int
touches(struct free_block *a, struct free_block *b)
{
  return (char *)a + a->hdr.size == (char *)b;
}

// Put block b on the free list in address order, merging it with the free
// blocks just before and just after it if they touch it.
static void
free_list_insert(struct free_block *b)
{
  struct free_block *prev = 0, *next = free_list;

  while (next != 0 && next < b) {
    prev = next;
    next = next->next;
  }
  b->hdr.magic = MAGIC_FREE;
  b->next = next;
  if (next != 0 && touches(b, next)) {
    b->hdr.size += next->hdr.size;
    b->next = next->next;
    // next's old header is now inside b's payload; it keeps MAGIC_FREE,
    // so a second free() of next's pointer is still seen as a double free.
  }
  if (prev == 0) {
    free_list = b;
  } else if (touches(prev, b)) {
    prev->hdr.size += b->hdr.size;
    prev->next = b->next; // b's header keeps MAGIC_FREE, as above
  } else {
    prev->next = b;
  }
}

// Ask the kernel for at least `need` more bytes of heap and add them to the
// free list. Returns 0 on success, -1 if sbrk fails.
static int
heap_grow(uint64 need)
{
  char *brk, *mem;
  uint64 pad, bytes;

  // The break starts at the end of the program's data, which need not be
  // aligned: skip forward to the next ALIGN boundary.
  brk = sbrk(0);
  if (brk == (char *)-1)
    return -1;
  pad = round_up((uint64)brk) - (uint64)brk;
  bytes = need < SBRK_MIN_BYTES ? SBRK_MIN_BYTES : need;
  if (bytes + pad > SBRK_MAX_BYTES)
    return -1;
  mem = sbrk((int)(bytes + pad));
  if (mem == (char *)-1)
    return -1;

  struct free_block *b = (struct free_block *)(mem + pad);
  b->hdr.size = bytes;
  free_list_insert(b);
  return 0;
}

// Find the first free block of at least `size` bytes, take it off the
// free list (splitting it if the rest is big enough to be a block) and
// return it. Returns 0 if no free block is big enough.
static struct header *
take_first_fit(uint64 size)
{
  struct free_block **link = &free_list;

  for (struct free_block *b = free_list; b != 0; link = &b->next, b = b->next) {
    if (b->hdr.size < size)
      continue;
    if (b->hdr.size - size >= MIN_BLOCK) {
      // Hand out the tail of the block; the head stays on the list.
      b->hdr.size -= size;
      struct header *h = (struct header *)((char *)b + b->hdr.size);
      h->size = size;
      return h;
    }
    *link = b->next;
    return &b->hdr;
  }
  return 0;
}

// Allocate n bytes, aligned to 16. The memory is not cleared.
// Returns a pointer to it, or 0 if the heap cannot grow (sbrk failed).
void *
malloc(uint n)
{
  uint64 size = round_up((uint64)n + sizeof(struct header));
  struct header *h;

  if (size < MIN_BLOCK)
    size = MIN_BLOCK;
  h = take_first_fit(size);
  if (h == 0) {
    if (heap_grow(size) < 0)
      return 0;
    h = take_first_fit(size);
    if (h == 0)
      return 0;
  }
  h->magic = MAGIC_USED;
  h->reserved = 0;
  return h + 1;
}

// Give back a block that malloc returned. free(0) does nothing.
// A pointer that is not a live malloc block (a double free, or a pointer
// malloc never returned) is reported on fd 2 and otherwise ignored.
void
free(void *p)
{
  struct header *h;

  if (p == 0)
    return;
  if (((uint64)p & (ALIGN - 1)) != 0) {
    fprintf(2, "free: %p is not a block from malloc\n", p);
    return;
  }
  h = (struct header *)p - 1;
  if (h->magic != MAGIC_USED) {
    fprintf(2, "free: %p is %s\n", p,
            h->magic == MAGIC_FREE ? "already free (double free)"
                                   : "not a block from malloc");
    return;
  }
  free_list_insert((struct free_block *)h);
}
