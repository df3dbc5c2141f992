// pmap: print a process's memory map, one line per region, lowest
// address first, then the totals.
//
//   $ pmap          the map of pmap itself
//   $ pmap 1        the map of process 1 (init)
//
// Columns: the region's first and one-past-last address, its size, its
// permissions (r = read, w = write, x = execute; p = private, s = shared),
// how many of its pages are resident (present in physical memory right
// now), and what backs it: the program's text or data from its ELF file,
// the heap (sbrk), the stack, an anonymous mmap, or a mapped file (by
// inode number).
//
// What to look for: the heap and mmap regions are lazy, so their resident
// count is often smaller than their size; the stack sits at the top of the
// address space, and mmap regions just below it.

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/fcntl.h"
#include "kernel/vmregion.h"
#include "user/user.h"

#define MAX_REGIONS 64 // regions shown at most (the kernel's limit too)
#define KIB 1024

static struct vmregion regions[MAX_REGIONS];

// The name of a region's kind, for the last column.
static const char *
kind_name(uint32 kind)
{
  switch (kind) {
  case VMREGION_TEXT:
    return "text";
  case VMREGION_DATA:
    return "data";
  case VMREGION_HEAP:
    return "heap";
  case VMREGION_STACK:
    return "stack";
  case VMREGION_ANON:
    return "anon";
  case VMREGION_FILE:
    return "file";
  }
  return "?";
}

// Print one region's line.
static void
print_region(struct vmregion *r)
{
  char perm[5];
  perm[0] = (r->prot & PROT_READ) ? 'r' : '-';
  perm[1] = (r->prot & PROT_WRITE) ? 'w' : '-';
  perm[2] = (r->prot & PROT_EXEC) ? 'x' : '-';
  perm[3] = (r->flags & MAP_SHARED) ? 's' : 'p';
  perm[4] = 0;
  printf("%010lx-%010lx %8luK %s %6u  %s", r->start, r->end, (r->end - r->start) / KIB, perm,
         r->resident, kind_name(r->kind));
  if (r->kind == VMREGION_FILE)
    printf(" inode %u", r->inum);
  printf("\n");
}

int
main(int argc, char *argv[])
{
  if (argc > 2 || (argc == 2 && (argv[1][0] < '0' || argv[1][0] > '9'))) {
    fprintf(2, "usage: pmap [pid]\n");
    exit(1);
  }
  int pid = argc == 2 ? atoi(argv[1]) : getpid();
  if (pid == 0) { // vmregions() would take 0 to mean pmap itself
    fprintf(2, "pmap: no process 0\n");
    exit(1);
  }
  int n = vmregions(pid, regions, MAX_REGIONS);
  if (n < 0) {
    fprintf(2, "pmap: no process %d\n", pid);
    exit(1);
  }
  printf("pmap: pid %d\n", pid);
  printf("%-21s %9s %s %6s  %s\n", "address range", "size", "perm", "resid", "backing");
  uint64 bytes = 0, resident = 0;
  for (int i = 0; i < n; i++) {
    print_region(&regions[i]);
    bytes += regions[i].end - regions[i].start;
    resident += regions[i].resident;
  }
  printf("total: %d regions, %luK mapped, %lu pages resident (%luK)\n", n, bytes / KIB, resident,
         resident * PGSIZE / KIB);
  exit(0);
}
