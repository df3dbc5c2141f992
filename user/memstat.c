// memstat: show the kernel's memory allocators.
//
// First the buddy allocator: total and free memory, and how many free
// blocks there are of each size (order k = 2^k pages). Then every slab
// cache: its name, object size, objects in use, objects in its slabs,
// and how many slabs (of how many pages) it holds.
//
// usage: memstat [-d]     -d: drain per-hart caches first (exact counts)
#include "kernel/types.h"
#include "kernel/memstat.h"
#include "user/user.h"

static struct memstat st;

static void
print_buddy(void)
{
  uint64 kib = st.page_size / 1024;
  printf("memory: %lu KiB total, %lu KiB free (%lu of %lu pages)\n",
         st.total_pages * kib, st.free_pages * kib, st.free_pages, st.total_pages);
  printf("free blocks by order:");
  for (int k = 0; k < MEMSTAT_ORDERS; k++)
    printf(" %d:%lu", k, st.free_blocks[k]);
  printf("\n");
}

static void
print_caches(void)
{
  printf("%-16s %8s %8s %8s %6s %6s\n", "cache", "objsize", "in-use", "total",
         "slabs", "pages");
  for (uint32 i = 0; i < st.ncaches; i++) {
    struct memstat_cache *c = &st.caches[i];
    printf("%-16s %8u %8lu %8lu %6lu %6u\n", c->name, c->obj_size, c->in_use,
           c->total, c->slabs, c->slab_pages);
  }
}

int
main(int argc, char *argv[])
{
  int flags = 0;
  if (argc > 1 && strcmp(argv[1], "-d") == 0)
    flags = MEMSTAT_DRAIN;
  else if (argc > 1) {
    fprintf(2, "usage: memstat [-d]\n");
    exit(1);
  }
  if (memstat(&st, flags) < 0) {
    fprintf(2, "memstat: system call failed\n");
    exit(1);
  }
  print_buddy();
  print_caches();
  printf("processes: %u\n", st.nprocs);
  exit(0);
}
