// faulttest: checks that a user program which does something illegal is
// killed by the kernel (exit status -1, one "fault:" line on the console)
// and that nothing else is disturbed. Each case runs in its own child:
//   null-load       load from address 0
//   null-store      store to address 0
//   write-text      store into the program's own (read-only) code
//   unmapped        load from an unmapped user address
//   exec-unmapped   jump to an unmapped user address
//   kernel-addr     load from a kernel (upper-half) address
//   stack-overflow  unbounded recursion running into the stack guard page
//   illegal         execute an illegal instruction
// Usage: faulttest [CASE]. Prints "faulttest GROUP: CASE: OK" or
// "... FAILED (why)" per case, where GROUP is "all" or the case asked for,
// then "faulttest GROUP: ALL OK" or "faulttest GROUP: N FAILED"; exits 0
// only if every case passed.

#include "kernel/types.h"
#include "user/user.h"

#define UNMAPPED_ADDR 0x3000000000UL     // user half, nothing mapped there
#define KERNEL_ADDR 0xFFFFFFC080200000UL // the kernel image (upper half)
#define STACK_FRAME_BYTES 1024           // local array of each recursion
#define CHILD_SURVIVED 3 // a child whose bad deed did not fault exits so
#define FAULT_STATUS (-1) // exit status of a process the kernel killed

int main(int argc, char *argv[]); // its code is the target of write-text

// Set to the depth at which the recursion stops; -1 means never (it is
// volatile so the compiler cannot tell that the recursion is unbounded).
static volatile int recursion_limit = -1;

// Load from address 0.
static void
do_null_load(void)
{
  volatile int *p = 0;
  (void)*p;
}

// Store to address 0.
static void
do_null_store(void)
{
  volatile int *p = 0;
  *p = 1;
}

// Store into the program's own text, which is mapped read-only.
static void
do_write_text(void)
{
  volatile uint32 *code = (volatile uint32 *)main;
  *code = 0;
}

// Load from a user address where nothing is mapped.
static void
do_unmapped_load(void)
{
  volatile int *p = (volatile int *)UNMAPPED_ADDR;
  (void)*p;
}

// Call a function at an unmapped address (an instruction page fault).
static void
do_exec_unmapped(void)
{
  void (*nowhere)(void) = (void (*)(void))UNMAPPED_ADDR;
  nowhere();
}

// Load from the kernel's half of the address space.
static void
do_kernel_load(void)
{
  volatile int *p = (volatile int *)KERNEL_ADDR;
  (void)*p;
}

// Recurse with a big local array on every level until the stack runs into
// its guard page. Returns only if recursion_limit is reached. Not inlined
// into itself, so every level has its own small frame.
__attribute__((noinline)) static int
recurse(int depth)
{
  volatile char frame[STACK_FRAME_BYTES];
  frame[0] = (char)depth;
  if (depth == recursion_limit)
    return 0;
  return recurse(depth + 1) + frame[0];
}

// Overflow the user stack.
static void
do_stack_overflow(void)
{
  recurse(0);
}

// Execute an all-zero instruction word, which RISC-V defines as illegal.
static void
do_illegal(void)
{
  asm volatile(".word 0");
}

struct fault_case {
  const char *name;
  void (*misbehave)(void);
};

static struct fault_case cases[] = {
    {"null-load", do_null_load},
    {"null-store", do_null_store},
    {"write-text", do_write_text},
    {"unmapped", do_unmapped_load},
    {"exec-unmapped", do_exec_unmapped},
    {"kernel-addr", do_kernel_load},
    {"stack-overflow", do_stack_overflow},
    {"illegal", do_illegal},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

// Run one case in a child and check that the kernel killed it.
// Prints the case's line; returns 1 if it passed, 0 if not.
static int
run_case(const char *group, struct fault_case *c)
{
  int pid = fork();
  if (pid < 0) {
    printf("faulttest %s: %s: FAILED (fork failed)\n", group, c->name);
    return 0;
  }
  if (pid == 0) {
    c->misbehave();
    exit(CHILD_SURVIVED);
  }
  int status = 0;
  int waited = wait(&status);
  if (waited != pid) {
    printf("faulttest %s: %s: FAILED (wait returned %d, not %d)\n", group,
           c->name, waited, pid);
    return 0;
  }
  if (status != FAULT_STATUS) {
    printf("faulttest %s: %s: FAILED (child exited with %d, not -1%s)\n",
           group, c->name, status,
           status == CHILD_SURVIVED ? ": no fault" : "");
    return 0;
  }
  printf("faulttest %s: %s: OK\n", group, c->name);
  return 1;
}

int
main(int argc, char *argv[])
{
  const char *group = argc > 1 ? argv[1] : "all";
  int ran = 0, failed = 0;
  if (argc > 2) {
    fprintf(2, "usage: faulttest [case]\n");
    exit(1);
  }
  for (int i = 0; i < NCASES; i++) {
    if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)
      continue;
    ran++;
    failed += !run_case(group, &cases[i]);
  }
  if (ran == 0) {
    fprintf(2, "faulttest: no case named %s\n", group);
    exit(1);
  }
  if (failed == 0)
    printf("faulttest %s: ALL OK\n", group);
  else
    printf("faulttest %s: %d FAILED\n", group, failed);
  exit(failed == 0 ? 0 : 1);
}
