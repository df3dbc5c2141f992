// System calls that let a student see the memory allocators.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "klib.h"
#include "kalloc.h"
#include "slab.h"
#include "vm.h"
#include "sysarg.h"
#include "sysfunc.h"
#include "memstat.h"

_Static_assert(MEMSTAT_ORDERS == BUDDY_ORDERS, "memstat orders");
_Static_assert(MEMSTAT_NAME_LEN == SLAB_NAME_LEN, "memstat names");
_Static_assert(sizeof(struct memstat_cache) == sizeof(struct slab_stats), "memstat caches");

// memstat(st, flags): copy allocator statistics to user address st.
// With MEMSTAT_DRAIN, per-hart object caches are emptied first, so that
// free_pages counts every page nobody uses. Returns 0 or -1.
uint64
sys_memstat(void)
{
  uint64 dst = arg_addr(0);
  int flags = arg_int(1);
  struct memstat *st = kmalloc(sizeof(*st));
  if (st == 0)
    return -1;
  if (flags & MEMSTAT_DRAIN)
    slab_drain();
  st->page_size = PGSIZE;
  st->total_pages = page_total_count();
  st->free_pages = page_free_count();
  page_free_blocks(st->free_blocks);
  int n = slab_stats((struct slab_stats *)st->caches, MEMSTAT_CACHES);
  st->ncaches = MIN(n, MEMSTAT_CACHES);
  st->nprocs = proc_count();
  int r = copyout(myproc()->pagetable, dst, st, sizeof(*st));
  kfree(st);
  return r;
}
