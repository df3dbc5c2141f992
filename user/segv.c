// segv: five ways to make the kernel kill a program with a page fault.
//
//   $ segv null        read through a NULL pointer
//   $ segv code        write into the program's own (read-only) code
//   $ segv stack       recurse until the stack runs into its guard page
//   $ segv unmapped    read an address where nothing is mapped
//   $ segv munmap      use memory after giving it back with munmap
//
// Each case says what it is about to do and then does it. The program
// never gets to its next line: the MMU raises a page fault, the kernel
// finds no way to resolve it, prints one line that says why, e.g.
//   fault: pid 4 (segv): load page fault at va 0x0, sepc 0x1003a: NULL pointer
// and ends the process with exit status -1. The shell carries on.
// sepc is the address of the faulting instruction: look it up in
// user/segv.asm. va is the address the instruction tried to use.

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define FRAME_BYTES 512             // stack used by each level of recursion
#define UNMAPPED_ADDR 0x100000000UL // 4 GiB: between the heap and mmap's area

int main(int argc, char *argv[]);

// Page 0 is never mapped, so that a NULL pointer faults at once.
static void
null_pointer(void)
{
  volatile int *p = 0;
  printf("segv: reading *(int *)0\n");
  printf("segv: got %d (should not happen)\n", *p);
}

// Text pages are mapped read + execute, without write permission.
static void
write_code(void)
{
  volatile uint32 *code = (volatile uint32 *)main;
  printf("segv: writing over the first instruction of main at %p\n", code);
  *code = 0;
}

// The recursion stops at this depth, which is far deeper than the stack
// allows. (volatile: the compiler cannot tell, so it keeps the recursion.)
static volatile int max_depth = 1000000;

// Each call takes FRAME_BYTES of stack. The stack has USERSTACK pages and
// one unmapped guard page below them: the recursion runs into it.
__attribute__((noinline)) static int
recurse(int depth)
{
  volatile char frame[FRAME_BYTES];
  frame[0] = depth;
  if (depth == max_depth)
    return 0;
  return recurse(depth + 1) + frame[0];
}

// Overflow the stack (see recurse).
static void
stack_overflow(void)
{
  printf("segv: recursing with %d bytes per call\n", FRAME_BYTES);
  recurse(0);
}

// A user address that no region (text, data, heap, mmap, stack) covers.
static void
unmapped(void)
{
  volatile char *p = (volatile char *)UNMAPPED_ADDR;
  printf("segv: reading %p, which nothing maps\n", p);
  printf("segv: got %d (should not happen)\n", *p);
}

// munmap removes the pages from the page table: an old pointer into them
// now points at nothing, like a pointer to freed memory.
static void
use_after_munmap(void)
{
  char *p = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    printf("segv: mmap failed\n");
    exit(1);
  }
  p[0] = 'x';
  printf("segv: mapped a page at %p and wrote '%c' to it\n", p, p[0]);
  munmap(p, PGSIZE);
  printf("segv: unmapped it; reading it again\n");
  printf("segv: got %c (should not happen)\n", *(volatile char *)p);
}

struct demo {
  const char *name;
  void (*run)(void);
};

static struct demo demos[] = {
    {"null", null_pointer}, {"code", write_code},         {"stack", stack_overflow},
    {"unmapped", unmapped}, {"munmap", use_after_munmap},
};

#define NDEMOS (sizeof(demos) / sizeof(demos[0]))

int
main(int argc, char *argv[])
{
  for (int i = 0; argc == 2 && i < NDEMOS; i++) {
    if (strcmp(argv[1], demos[i].name) == 0) {
      demos[i].run();
      printf("segv: %s: still alive: the kernel did not stop us\n", argv[1]);
      exit(1);
    }
  }
  fprintf(2, "usage: segv null|code|stack|unmapped|munmap\n");
  exit(1);
}
