// The physical page allocator: a free list of 4 KiB pages, and a
// reference count for every page of RAM.
//
// Every page of RAM has a struct page in page_info[], indexed by frame
// number (pa - RAM base) / PGSIZE. Free pages are chained through their
// own first word. (The buddy allocator replaces the free list later; the
// reference counts are what copy-on-write fork shares pages with.)
//
// Invariants:
//   (a) a page is on the free list iff its refcount is 0;
//   (b) page_free of a page whose count is already 0 is a double free.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "klib.h"
#include "printf.h"
#include "kalloc.h"
#include "fdt.h"

#define FREED_PAGE_POISON 0x5a // freed pages are filled with this byte

struct page {
  int refcount; // [lock] 0 = free
};

struct free_page {
  struct free_page *next;
};

// Locks: [lock] pages.lock
static struct {
  struct spinlock lock;
  struct free_page *free_list; // [lock]
  uint64 nfree;                // [lock]
  uint64 ntotal;               // [I] pages handed to the allocator
  uint64 base_pa;              // [I] physical address of frame 0
  uint64 nframes;              // [I] frames covered by page_info
  struct page *page_info;      // [I] array of nframes entries
} pages;

// The struct page of the page at kernel address va; panics if va is not
// a page-aligned address of managed RAM.
static struct page *
page_of(void *va, const char *who)
{
  uint64 pa = V2P(va);
  if (pa % PGSIZE != 0 || pa < pages.base_pa ||
      pa >= pages.base_pa + pages.nframes * PGSIZE)
    panic("%s: bad page address %p", who, va);
  return &pages.page_info[(pa - pages.base_pa) / PGSIZE];
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
  // The page_info array itself takes the first pages after start_pa.
  pages.base_pa = RAM_BASE;
  pages.nframes = (end_pa - RAM_BASE) / PGSIZE;
  pages.page_info = P2V(PGROUNDUP(start_pa));
  uint64 info_bytes = pages.nframes * sizeof(struct page);
  memset(pages.page_info, 0, info_bytes);
  start_pa = PGROUNDUP(start_pa + info_bytes);

  for (uint64 pa = start_pa; pa + PGSIZE <= end_pa; pa += PGSIZE) {
    if (page_is_reserved(pa))
      continue;
    page_of(P2V(pa), "page_allocator_init")->refcount = 1;
    pages.ntotal++;
    page_free(P2V(pa));
  }
}

void *
page_alloc(void)
{
  spin_lock(&pages.lock);
  struct free_page *fp = pages.free_list;
  if (fp) {
    pages.free_list = fp->next;
    pages.nfree--;
    page_of(fp, "page_alloc")->refcount = 1;
  }
  spin_unlock(&pages.lock);
  if (fp)
    memset(fp, 0, PGSIZE);
  return fp;
}

void
page_free(void *va)
{
  struct page *pg = page_of(va, "page_free");
  spin_lock(&pages.lock);
  if (pg->refcount <= 0)
    panic("page_free: page %p is already free", va);
  int last = --pg->refcount == 0;
  spin_unlock(&pages.lock);
  if (!last)
    return;

  memset(va, FREED_PAGE_POISON, PGSIZE); // catch use after free
  struct free_page *fp = va;
  spin_lock(&pages.lock);
  fp->next = pages.free_list;
  pages.free_list = fp;
  pages.nfree++;
  spin_unlock(&pages.lock);
}

void
page_ref_inc(void *va)
{
  struct page *pg = page_of(va, "page_ref_inc");
  spin_lock(&pages.lock);
  if (pg->refcount <= 0)
    panic("page_ref_inc: page %p is free", va);
  pg->refcount++;
  spin_unlock(&pages.lock);
}

int
page_ref_count(void *va)
{
  struct page *pg = page_of(va, "page_ref_count");
  spin_lock(&pages.lock);
  int n = pg->refcount;
  spin_unlock(&pages.lock);
  return n;
}

uint64
page_free_count(void)
{
  spin_lock(&pages.lock);
  uint64 n = pages.nfree;
  spin_unlock(&pages.lock);
  return n;
}

uint64
page_total_count(void)
{
  return pages.ntotal;
}
