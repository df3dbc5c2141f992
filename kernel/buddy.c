// The buddy allocator (see buddy.h).
//
// Free blocks of each order are kept in a doubly-linked list threaded
// through their first frame's struct page. Allocation takes a block of
// the smallest non-empty order >= the one asked for and splits it in
// halves, putting the unused upper halves back on the lower lists. Freeing
// merges the block with its "buddy" -- the other half of the block of the
// next order, at frame number pfn ^ (1 << order) -- as long as the buddy
// is free and of the same order, and so on upwards.
//
// Invariants (checked by buddy_check):
//   (a) a free block of order k starts at a frame number that is a
//       multiple of 2^k, and lies wholly inside the managed range;
//   (b) a frame heads a free block iff it has PAGE_FREE, and each free
//       block is on exactly one list: the list of its order;
//   (c) the buddy of a free block of order k < BUDDY_MAX_ORDER is not
//       itself a free block of order k (it would have been merged);
//   (d) free_blocks[k] is the length of list k, and free_pages is
//       the sum over k of free_blocks[k] * 2^k.
#include "buddy.h"

#define FRAMES(order) (1UL << (order))

static struct page *
frame(struct buddy *b, uint64 pfn)
{
  return &b->pages[pfn - b->base_pfn];
}

static int
in_range(struct buddy *b, uint64 pfn, int order)
{
  return pfn >= b->base_pfn && pfn + FRAMES(order) <= b->base_pfn + b->nframes;
}

// Put the block at pfn on the free list of its order.
static void
list_push(struct buddy *b, uint64 pfn, int order)
{
  struct page *pg = frame(b, pfn);
  uint32 idx = pfn - b->base_pfn;
  pg->flags = PAGE_FREE;
  pg->order = order;
  pg->prev = BUDDY_NONE;
  pg->next = b->free_head[order];
  if (pg->next != BUDDY_NONE)
    b->pages[pg->next].prev = idx;
  b->free_head[order] = idx;
  b->free_blocks[order]++;
  b->free_pages += FRAMES(order);
}

// Take the free block at pfn off its list.
static void
list_remove(struct buddy *b, uint64 pfn)
{
  struct page *pg = frame(b, pfn);
  int order = pg->order;
  if (pg->prev != BUDDY_NONE)
    b->pages[pg->prev].next = pg->next;
  else
    b->free_head[order] = pg->next;
  if (pg->next != BUDDY_NONE)
    b->pages[pg->next].prev = pg->prev;
  pg->flags &= ~PAGE_FREE;
  b->free_blocks[order]--;
  b->free_pages -= FRAMES(order);
}

void
buddy_init(struct buddy *b, uint64 base_pfn, uint64 nframes, struct page *pages)
{
  if (base_pfn % FRAMES(BUDDY_MAX_ORDER) != 0)
    buddy_fail("buddy_init: base frame %lx not aligned", base_pfn);
  b->base_pfn = base_pfn;
  b->nframes = nframes;
  b->pages = pages;
  for (uint64 i = 0; i < nframes; i++)
    pages[i] = (struct page){.next = BUDDY_NONE, .prev = BUDDY_NONE, .flags = PAGE_RESERVED};
  for (int k = 0; k < BUDDY_ORDERS; k++) {
    b->free_head[k] = BUDDY_NONE;
    b->free_blocks[k] = 0;
  }
  b->free_pages = 0;
  b->managed_pages = 0;
}

void
buddy_add_frame(struct buddy *b, uint64 pfn)
{
  if (!in_range(b, pfn, 0) || frame(b, pfn)->flags != PAGE_RESERVED)
    buddy_fail("buddy_add_frame: frame %lx is not a reserved frame", pfn);
  struct page *pg = frame(b, pfn);
  pg->flags = 0;
  pg->order = 0;
  pg->refcount = 1; // an allocated order-0 block, freed at once
  b->managed_pages++;
  buddy_free(b, pfn);
}

uint64
buddy_alloc(struct buddy *b, int order)
{
  if (order < 0 || order > BUDDY_MAX_ORDER)
    return BUDDY_NONE;
  int k = order;
  while (k <= BUDDY_MAX_ORDER && b->free_head[k] == BUDDY_NONE)
    k++;
  if (k > BUDDY_MAX_ORDER)
    return BUDDY_NONE;
  uint64 pfn = b->base_pfn + b->free_head[k];
  list_remove(b, pfn);
  while (k > order) { // split: keep the lower half, free the upper
    k--;
    list_push(b, pfn + FRAMES(k), k);
  }
  struct page *pg = frame(b, pfn);
  pg->order = order;
  pg->refcount = 1;
  return pfn;
}

void
buddy_free(struct buddy *b, uint64 pfn)
{
  if (!in_range(b, pfn, 0))
    buddy_fail("buddy_free: frame %lx is outside memory", pfn);
  struct page *pg = frame(b, pfn);
  int order = pg->order;
  if (pg->flags & (PAGE_FREE | PAGE_RESERVED) || pg->refcount <= 0)
    buddy_fail("buddy_free: frame %lx is not allocated (double free?)", pfn);
  if (pfn % FRAMES(order) != 0 || !in_range(b, pfn, order))
    buddy_fail("buddy_free: frame %lx misaligned for order %d", pfn, order);
  pg->refcount = 0;
  pg->flags &= ~PAGE_SLAB;
  pg->slab = 0;

  while (order < BUDDY_MAX_ORDER) { // coalesce upwards
    uint64 buddy = pfn ^ FRAMES(order);
    if (!in_range(b, buddy, order))
      break;
    struct page *bp = frame(b, buddy);
    if (!(bp->flags & PAGE_FREE) || bp->order != order)
      break;
    list_remove(b, buddy);
    pfn = pfn < buddy ? pfn : buddy;
    order++;
  }
  list_push(b, pfn, order);
}

// Check one free list against invariants (a), (b) and (c); count it.
static int
check_list(struct buddy *b, int k, uint64 *pages_seen)
{
  uint64 n = 0;
  uint32 prev = BUDDY_NONE;
  for (uint32 i = b->free_head[k]; i != BUDDY_NONE; i = b->pages[i].next) {
    uint64 pfn = b->base_pfn + i;
    struct page *pg = &b->pages[i];
    if (++n > b->nframes)
      return buddy_fail("buddy_check: list %d has a cycle", k), -1;
    if (!(pg->flags & PAGE_FREE) || pg->order != k || pg->prev != prev)
      return buddy_fail("buddy_check: frame %lx on list %d is not a free block of that order", pfn,
                        k),
             -1;
    if (pfn % FRAMES(k) != 0 || !in_range(b, pfn, k))
      return buddy_fail("buddy_check: free block %lx of order %d misaligned", pfn, k), -1;
    uint64 buddy = pfn ^ FRAMES(k);
    if (k < BUDDY_MAX_ORDER && in_range(b, buddy, k) && (frame(b, buddy)->flags & PAGE_FREE) &&
        frame(b, buddy)->order == k)
      return buddy_fail("buddy_check: free block %lx and its buddy not merged", pfn), -1;
    prev = i;
  }
  if (n != b->free_blocks[k])
    return buddy_fail("buddy_check: list %d has %lu blocks, count says %lu", k, n,
                      b->free_blocks[k]),
           -1;
  *pages_seen += n * FRAMES(k);
  return 0;
}

int
buddy_check(struct buddy *b)
{
  uint64 pages_seen = 0, heads = 0;
  for (int k = 0; k < BUDDY_ORDERS; k++)
    if (check_list(b, k, &pages_seen) < 0)
      return -1;
  for (uint64 i = 0; i < b->nframes; i++)
    if (b->pages[i].flags & PAGE_FREE)
      heads++;
  uint64 listed = 0;
  for (int k = 0; k < BUDDY_ORDERS; k++)
    listed += b->free_blocks[k];
  if (heads != listed) // (b): a PAGE_FREE frame on no list
    return buddy_fail("buddy_check: %lu free heads but %lu listed", heads, listed), -1;
  if (pages_seen != b->free_pages)
    return buddy_fail("buddy_check: lists hold %lu pages, count says %lu", pages_seen,
                      b->free_pages),
           -1;
  return 0;
}
