// malloc, free, calloc and realloc for user programs.
//
// The heap is memory obtained from the kernel with sbrk(). Every block, big
// or small, starts with a 16-byte header, and the caller's bytes follow it:
//
//     +-------+-------+-----------------+----------------------------+
//     | magic | class | size (or slab)  |  payload                   |
//     +-------+-------+-----------------+----------------------------+
//     ^ header                          ^ pointer malloc returns (16-aligned)
//
// Two paths, chosen by the size asked for:
//
//   Large (more than SMALL_MAX bytes): first fit on one free list sorted by
//   address. malloc takes the first free block that is big enough and
//   splits off what it does not need; free puts the block back in address
//   order and merges it with free neighbours that touch it (coalescing).
//   When the free block at the very top of the heap grows to TRIM_BYTES,
//   it is given back to the kernel with a negative sbrk().
//
//   Small (up to SMALL_MAX bytes): size classes 16, 32, ..., SMALL_MAX.
//   A class hands out equal blocks cut from slabs: SLAB_BYTES pieces that
//   are themselves large blocks. Each slab keeps its own list of freed
//   blocks and a count of blocks in use; a class keeps a list of its slabs
//   that have room. malloc and free are then a few pointer moves, and a
//   slab whose blocks are all free goes back to the large path, where it
//   merges with its neighbours (so freeing everything gives the memory
//   back to the kernel, and small and large requests can share it).
//
// Invariants:
//   (a) every block's size is a multiple of ALIGN; large blocks are at
//       least MIN_LARGE bytes;
//   (b) the large free list is sorted by address, and no two blocks on it
//       touch (they would have been merged);
//   (c) a block's magic is MAGIC_USED while the program owns it and
//       MAGIC_FREE while it is free. free() checks it, so freeing a pointer
//       twice, or one that malloc never returned, is reported on fd 2 (and
//       ignored) instead of silently corrupting the heap. (A stale pointer
//       whose memory has since been handed out again cannot be told from a
//       live one: no simple allocator can catch that.)
//   (d) a slab is on its class's list exactly when it has room for a block.
//
// Not thread-safe (user processes here have one thread).

#include "kernel/types.h"
#include "user/user.h"

#define ALIGN 16                   // alignment of every block and payload
#define MAGIC_USED 0x5a11ced0u     // header magic of an allocated block
#define MAGIC_FREE 0xf4eeb10cu     // header magic of a free block
#define SBRK_MIN_BYTES (16 * 1024) // grow the heap by at least this much
#define SBRK_MAX_BYTES 0x7ffff000u // the most one sbrk(int) call may ask for
#define TRIM_BYTES (64 * 1024)     // give back a free heap top this big
#define SMALL_MIN 16               // payload of the smallest size class
#define SMALL_MAX 512              // payload of the largest size class
#define NCLASSES 6                 // 16, 32, 64, 128, 256, 512
#define SLAB_BYTES (8 * 1024)      // one slab: a large block cut into blocks
#define CLASS_LARGE 0xffff         // header class of a large block

struct header {
  uint32 magic;   // MAGIC_USED or MAGIC_FREE
  uint16 class;   // size class index, or CLASS_LARGE
  uint16 unused;  // keeps the header 16 bytes (payload alignment)
  union {
    uint64 size;        // large block: bytes in the block, header included
    struct slab *slab;  // small block: the slab it was cut from
  };
};

// A free large block: the header, then the free-list link in the payload.
struct free_block {
  struct header hdr;
  struct free_block *next; // next free block at a higher address, or 0
};

// A free small block: the header, then its slab's free-list link.
struct free_small {
  struct header hdr;
  struct free_small *next;
};

// The start of a slab's payload; its blocks follow (SLAB_FIRST_BLOCK).
struct slab {
  struct slab *prev, *next; // in the class's list of slabs with room
  struct free_small *free;  // blocks that were used and freed again
  char *fresh;              // the next never-used block
  char *end;                // the end of the slab
  int class;
  int used;                 // blocks handed out and not freed
};

_Static_assert(sizeof(struct header) == ALIGN, "header keeps payload aligned");

#define MIN_LARGE (2 * ALIGN) // header + room for the free-list link
#define SLAB_FIRST_BLOCK ((sizeof(struct slab) + ALIGN - 1) & ~(ALIGN - 1))

static struct free_block *free_list;        // lowest free large block, or 0
static struct slab *class_slabs[NCLASSES];  // slabs with a free block
static char *heap_low, *heap_high;          // range ever obtained from sbrk
static struct malloc_stats stats;

// Round n up to a multiple of ALIGN.
static uint64
round_up(uint64 n)
{
  return (n + ALIGN - 1) & ~(uint64)(ALIGN - 1);
}

// ---------------------------------------------------------------------
// Large blocks
// ---------------------------------------------------------------------

// Returns 1 if block a ends exactly where block b starts.
static int
touches(struct free_block *a, struct free_block *b)
{
  return (char *)a + a->hdr.size == (char *)b;
}

// Put block b on the free list in address order, merging it with the free
// blocks just before and just after it if they touch it.
// Returns the free block that now contains b.
static struct free_block *
free_list_insert(struct free_block *b)
{
  struct free_block *prev = 0, *next = free_list;

  while (next != 0 && next < b) {
    prev = next;
    next = next->next;
  }
  b->hdr.magic = MAGIC_FREE;
  b->hdr.class = CLASS_LARGE;
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
    return prev;
  } else {
    prev->next = b;
  }
  return b;
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
  if (heap_low == 0 || mem < heap_low)
    heap_low = mem;
  if (mem + pad + bytes > heap_high)
    heap_high = mem + pad + bytes;
  stats.heap_bytes += bytes;

  struct free_block *b = (struct free_block *)(mem + pad);
  b->hdr.size = bytes;
  free_list_insert(b);
  return 0;
}

// If free block b is at least TRIM_BYTES, is the last one, and ends at the
// current break, take it off the free list and give it back to the kernel.
static void
heap_trim(struct free_block *b)
{
  struct free_block **link = &free_list;
  uint64 size = b->hdr.size; // b's memory is gone after the sbrk below

  if (b->next != 0 || size < TRIM_BYTES || size > SBRK_MAX_BYTES)
    return;
  if ((char *)b + size != sbrk(0)) // the program used sbrk itself
    return;
  while (*link != b)
    link = &(*link)->next;
  if (sbrk(-(int)size) == (char *)-1)
    return;
  *link = 0;
  stats.heap_bytes -= size;
  heap_high = (char *)b;
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
    if (b->hdr.size - size >= MIN_LARGE) {
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

// Allocate a large block with room for n bytes of payload.
// Returns its header (marked used), or 0 if the heap cannot grow.
static struct header *
large_alloc(uint64 n)
{
  uint64 size = round_up(n + sizeof(struct header));
  struct header *h;

  if (size < MIN_LARGE)
    size = MIN_LARGE;
  h = take_first_fit(size);
  if (h == 0) {
    if (heap_grow(size) < 0)
      return 0;
    h = take_first_fit(size);
    if (h == 0)
      return 0;
  }
  h->magic = MAGIC_USED;
  h->class = CLASS_LARGE;
  h->unused = 0;
  return h;
}

// Give a large block back: merge it into the free list, and return the
// top of the heap to the kernel if it has become big enough.
static void
large_free(struct header *h)
{
  heap_trim(free_list_insert((struct free_block *)h));
}

// ---------------------------------------------------------------------
// Small blocks
// ---------------------------------------------------------------------

// Returns the payload size of size class c.
static uint
class_size(int c)
{
  return SMALL_MIN << c;
}

// Returns the smallest size class whose blocks hold n bytes (n <= SMALL_MAX).
static int
class_for(uint n)
{
  int c = 0;

  while (class_size(c) < n)
    c++;
  return c;
}

// Add slab s to the front of its class's list (it has a free block now).
static void
slab_link(struct slab *s)
{
  s->prev = 0;
  s->next = class_slabs[s->class];
  if (s->next != 0)
    s->next->prev = s;
  class_slabs[s->class] = s;
}

// Take slab s off its class's list.
static void
slab_unlink(struct slab *s)
{
  if (s->prev != 0)
    s->prev->next = s->next;
  else
    class_slabs[s->class] = s->next;
  if (s->next != 0)
    s->next->prev = s->prev;
}

// Returns the bytes one block of class c takes in a slab, header included.
static uint
class_block_bytes(int c)
{
  return sizeof(struct header) + class_size(c);
}

// Returns 1 if slab s can hand out another block.
static int
slab_has_room(struct slab *s)
{
  return s->free != 0 || s->fresh + class_block_bytes(s->class) <= s->end;
}

// Make a new, empty slab for class c and put it on the class's list. Its
// blocks are cut off one by one as they are first needed (s->fresh), so
// making a slab costs the same for every class.
// Returns it, or 0 if the heap cannot grow.
static struct slab *
slab_new(int c)
{
  struct header *h = large_alloc(SLAB_BYTES - sizeof(struct header));
  struct slab *s;

  if (h == 0)
    return 0;
  s = (struct slab *)(h + 1);
  memset(s, 0, sizeof(*s));
  s->class = c;
  s->fresh = (char *)s + SLAB_FIRST_BLOCK;
  s->end = (char *)h + h->size;
  slab_link(s);
  return s;
}

// Allocate a block of class c: a freed one if its slab has one, else a
// never-used one. Returns its header, or 0 if out of memory.
static struct header *
small_alloc(int c)
{
  struct slab *s = class_slabs[c];
  struct header *h;

  if (s == 0 && (s = slab_new(c)) == 0)
    return 0;
  if (s->free != 0) {
    h = &s->free->hdr;
    s->free = s->free->next;
  } else {
    h = (struct header *)s->fresh;
    s->fresh += class_block_bytes(c);
    h->class = c;
    h->slab = s;
  }
  s->used++;
  if (!slab_has_room(s))
    slab_unlink(s);
  h->magic = MAGIC_USED;
  return h;
}

// Give a small block back to its slab. A slab none of whose blocks is in
// use any more goes back to the large path, so that the memory can be
// merged and used for anything.
static void
small_free(struct header *h)
{
  struct slab *s = h->slab;
  struct free_small *b = (struct free_small *)h;
  int was_full = !slab_has_room(s);

  h->magic = MAGIC_FREE;
  b->next = s->free;
  s->free = b;
  if (was_full)
    slab_link(s);
  if (--s->used == 0) {
    slab_unlink(s);
    large_free((struct header *)s - 1);
  }
}

// ---------------------------------------------------------------------
// The interface
// ---------------------------------------------------------------------

// Returns the bytes a block occupies (header included), for the stats.
static uint64
block_bytes(struct header *h)
{
  if (h->class == CLASS_LARGE)
    return h->size;
  return sizeof(struct header) + class_size(h->class);
}

// Allocate n bytes, aligned to 16. The memory is not cleared.
// Returns a pointer to it, or 0 if the heap cannot grow (sbrk failed).
void *
malloc(uint n)
{
  struct header *h;

  if (n <= SMALL_MAX)
    h = small_alloc(class_for(n));
  else
    h = large_alloc(n);
  if (h == 0)
    return 0;
  stats.used_blocks++;
  stats.used_bytes += block_bytes(h);
  return h + 1;
}

// Returns the header of p if p is a live block from malloc. Otherwise
// reports on fd 2 what is wrong with it, as "<who>: 0x...: <problem>",
// and returns 0.
static struct header *
checked_header(void *p, const char *who)
{
  struct header *h = (struct header *)p - 1;
  const char *problem = 0;

  if (((uint64)p & (ALIGN - 1)) != 0 || (char *)h < heap_low ||
      (char *)p >= heap_high)
    problem = "not a block from malloc";
  else if (h->magic == MAGIC_FREE)
    problem = "already free (double free)";
  else if (h->magic != MAGIC_USED ||
           (h->class != CLASS_LARGE && h->class >= NCLASSES))
    problem = "not a block from malloc (or its header was overwritten)";
  if (problem == 0)
    return h;
  fprintf(stderr, "%s: %p: %s\n", who, p, problem);
  return 0;
}

// Give back a block that malloc returned. free(0) does nothing.
// A pointer that is not a live malloc block (a double free, or a pointer
// malloc never returned) is reported on fd 2 and otherwise ignored.
void
free(void *p)
{
  struct header *h;

  if (p == 0 || (h = checked_header(p, "free")) == 0)
    return;
  stats.used_blocks--;
  stats.used_bytes -= block_bytes(h);
  if (h->class == CLASS_LARGE)
    large_free(h);
  else
    small_free(h);
}

// Allocate an array of nmemb elements of size bytes each, cleared to zero.
// Returns 0 if the total does not fit in a uint or memory runs out.
void *
calloc(uint nmemb, uint size)
{
  uint64 total = (uint64)nmemb * size;
  void *p;

  if (total > (uint)-1)
    return 0;
  p = malloc((uint)total);
  if (p != 0)
    memset(p, 0, (uint)total);
  return p;
}

// Resize block p to n bytes, keeping its contents (up to the smaller of
// the two sizes). realloc(0, n) is malloc(n); realloc(p, 0) frees p and
// returns 0. Returns the block (perhaps moved), or 0 if there is no memory
// (p is then untouched) or p is not a live block (reported, as by free).
void *
realloc(void *p, uint n)
{
  struct header *h;
  uint64 room;
  void *q;

  if (p == 0)
    return malloc(n);
  if ((h = checked_header(p, "realloc")) == 0)
    return 0;
  if (n == 0) {
    free(p);
    return 0;
  }
  room = block_bytes(h) - sizeof(struct header);
  if (n <= room && (h->class == CLASS_LARGE || class_for(n) == h->class))
    return p; // fits, and a smaller block would not be of another class
  if ((q = malloc(n)) == 0)
    return 0;
  memcpy(q, p, n < room ? n : room);
  free(p);
  return q;
}

// Fill *st with the allocator's counters (see struct malloc_stats).
void
malloc_getstats(struct malloc_stats *st)
{
  *st = stats;
}
