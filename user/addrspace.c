// addrspace: where a program's code, data, heap and stack are, printed
// side by side from the lowest address to the highest.
//
//   $ addrspace
//
// What to look for (Sv39 user space is [0, 2^38) here):
//   - Nothing below USER_TEXT_BASE (0x10000): page 0 stays unmapped, so a
//     NULL pointer dereference faults.
//   - text (code), then rodata (string constants), then data and bss
//     (globals), all placed by the linker (user/user.ld) and loaded from
//     the ELF file by exec. `end` is where they stop.
//   - the heap starts at `end` and grows up with sbrk (malloc uses it).
//   - mmap() places a mapping in the big free gap between the heap and
//     the stack, from the top down (just below the stack's guard page).
//   - the stack is at the very top of user space and grows down; the
//     argument and environment strings are above main's first frame,
//     where exec put them. One unmapped guard page lies below the stack.
// Run it twice, or in two programs: the addresses are the same every
// time, because every process has its own address space.

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "user/user.h"

extern char end[]; // set by user/user.ld: the end of data and bss

static const char message[] = "a string constant"; // rodata
static int initialised = 42;                       // data
static int zeroed;                                 // bss

struct place {
  const char *what;
  uint64 addr;
};

// Sort places by address, lowest first (insertion sort: a dozen items).
static void
sort_places(struct place *p, int n)
{
  for (int i = 1; i < n; i++) {
    struct place key = p[i];
    int j = i - 1;
    for (; j >= 0 && p[j].addr > key.addr; j--)
      p[j + 1] = p[j];
    p[j + 1] = key;
  }
}

int
main(int argc, char *argv[])
{
  int local = 0;
  char *small = malloc(16);
  char *big = malloc(64 * 1024);
  char *mapped = mmap(0, PGSIZE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  struct place places[] = {
    { "USER_TEXT_BASE: lowest mapped address", USER_TEXT_BASE },
    { "text:   main()", (uint64)main },
    { "text:   printf() (C library)", (uint64)printf },
    { "rodata: a string constant", (uint64)message },
    { "data:   an initialised global", (uint64)&initialised },
    { "bss:    a zeroed global", (uint64)&zeroed },
    { "end:    end of data and bss", (uint64)end },
    { "heap:   malloc(16)", (uint64)small },
    { "heap:   malloc(64 KiB)", (uint64)big },
    { "heap:   current break, sbrk(0)", (uint64)sbrk(0) },
    { mapped == MAP_FAILED ? "mmap:   (mmap failed)" : "mmap:   an anonymous page",
      (uint64)mapped },
    { "stack:  guard page (unmapped)", USER_STACK_TOP - (USERSTACK + 1) * PGSIZE },
    { "stack:  a local variable in main", (uint64)&local },
    { "stack:  argv[0] string", (uint64)argv[0] },
    { "stack:  top of the stack", USER_STACK_TOP },
  };
  int n = sizeof(places) / sizeof(places[0]);

  sort_places(places, n);
  printf("addrspace: %d places, lowest address first\n", n);
  for (int i = 0; i < n; i++)
    printf("  0x%010lx  %s\n", places[i].addr, places[i].what);
  (void)argc;
  return 0;
}
