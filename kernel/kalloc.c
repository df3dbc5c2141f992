// The kernel's page allocator: the buddy allocator (buddy.c) over all of
// RAM, behind one lock, plus per-frame reference counts.
//
// The struct page array (one per frame of RAM) is placed in the first
// free pages after the kernel image. Freed pages are filled with
// FREED_PAGE_POISON so that a use after free shows up as garbage.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "klib.h"
#include "printf.h"
#include "kalloc.h"
#include "fdt.h"
#include <stdarg.h>

#define FREED_PAGE_POISON 0x5a // freed pages are filled with this byte

// Locks: [lock] pages.lock protects the buddy state. A block's refcount is
// set under the lock when it is allocated and then changed atomically:
// while it is above zero only the block's users touch it, so sharing and
// unsharing pages (fork, exit, copy-on-write) takes no lock.
static struct {
  struct spinlock lock;
  struct buddy buddy; // [lock]
} pages;

// The buddy core found an impossible state: say so and stop.
void
buddy_fail(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vpanic(fmt, ap);
}

// Frame number <-> kernel address.
static uint64
va_to_pfn(void *va)
{
  return V2P(va) >> PGSHIFT;
}

static void *
pfn_to_va(uint64 pfn)
{
  return P2V(pfn << PGSHIFT);
}

// Is the page at pa inside a region the allocator must not hand out?
static int
page_is_reserved(uint64 pa)
{
  for (int i = 0; i < machine.nreserved; i++) {
    struct mem_region *r = &machine.reserved[i];
    if (pa + PGSIZE > r->base && pa < r->base + r->size)
      return 1;
  }
  return pa + PGSIZE > machine.dtb.base && pa < machine.dtb.base + machine.dtb.size;
}

void
page_allocator_init(uint64 start_pa, uint64 end_pa)
{
  spin_init(&pages.lock, "pages");
  uint64 nframes = (end_pa - RAM_BASE) / PGSIZE;
  struct page *info = P2V(PGROUNDUP(start_pa));
  buddy_init(&pages.buddy, RAM_BASE >> PGSHIFT, nframes, info);
  start_pa = PGROUNDUP(start_pa + nframes * sizeof(struct page));
  for (uint64 pa = start_pa; pa + PGSIZE <= end_pa; pa += PGSIZE)
    if (!page_is_reserved(pa))
      buddy_add_frame(&pages.buddy, pa >> PGSHIFT);
  if (buddy_check(&pages.buddy) < 0)
    panic("page_allocator_init: inconsistent");
}

void *
pages_alloc(int order)
{
  spin_lock(&pages.lock);
  uint64 pfn = buddy_alloc(&pages.buddy, order);
  spin_unlock(&pages.lock);
  return pfn == BUDDY_NONE ? 0 : pfn_to_va(pfn);
}

void *
page_alloc(void)
{
  void *va = pages_alloc(0);
  if (va)
    memset(va, 0, PGSIZE);
  return va;
}

// Drop a reference to the block at va; free it (poisoned) on the last.
// If order >= 0 it must be the block's order.
static void
block_put(void *va, int order, const char *who)
{
  if ((uint64)va % PGSIZE != 0)
    panic("%s: misaligned address %p", who, va);
  struct page *pg = page_struct(va);
  if (order >= 0 && pg->order != order)
    panic("%s: frame %p has order %d, not %d", who, (void *)V2P(va), pg->order, order);
  int before = __atomic_fetch_sub(&pg->refcount, 1, __ATOMIC_ACQ_REL);
  if (before <= 0)
    panic("%s: frame %p is not allocated (double free?)", who, (void *)V2P(va));
  if (before > 1)
    return;
  // The last reference was ours: nobody else can touch the block now.
  // buddy_free wants it "allocated" (refcount 1) and sets it to 0.
  pg->refcount = 1;
  memset(va, FREED_PAGE_POISON, PGSIZE << pg->order);
  spin_lock(&pages.lock);
  buddy_free(&pages.buddy, va_to_pfn(va));
  spin_unlock(&pages.lock);
}

void
page_free(void *va)
{
  block_put(va, -1, "page_free");
}

void
pages_free(void *va, int order)
{
  block_put(va, order, "pages_free");
}

struct page *
page_struct(void *va)
{
  uint64 pfn = va_to_pfn(va);
  struct buddy *b = &pages.buddy;
  if (pfn < b->base_pfn || pfn >= b->base_pfn + b->nframes)
    panic("page_struct: %p is not in RAM", va);
  return &b->pages[pfn - b->base_pfn];
}

void
page_ref_inc(void *va)
{
  struct page *pg = page_struct(va);
  if (__atomic_fetch_add(&pg->refcount, 1, __ATOMIC_ACQ_REL) <= 0)
    panic("page_ref_inc: frame %p is free", (void *)V2P(va));
}

int
page_ref_count(void *va)
{
  return __atomic_load_n(&page_struct(va)->refcount, __ATOMIC_ACQUIRE);
}

int
page_allocator_check(void)
{
  spin_lock(&pages.lock);
  int r = buddy_check(&pages.buddy);
  spin_unlock(&pages.lock);
  return r;
}

uint64
page_free_count(void)
{
  spin_lock(&pages.lock);
  uint64 n = pages.buddy.free_pages;
  spin_unlock(&pages.lock);
  return n;
}

uint64
page_total_count(void)
{
  return pages.buddy.managed_pages;
}

void
page_free_blocks(uint64 *blocks)
{
  spin_lock(&pages.lock);
  for (int k = 0; k < BUDDY_ORDERS; k++)
    blocks[k] = pages.buddy.free_blocks[k];
  spin_unlock(&pages.lock);
}
