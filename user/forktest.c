// forktest: checks fork, exit and wait at the process-table limit.
// It forks as many children as it can, up to MAX_CHILDREN; each exits at
// once (and stays a zombie until reaped), so fork must start failing when
// the NPROC slots are used up. Then every child must be reaped exactly once
// with status 0, and wait must return -1 when none are left.
// Prints "forktest: OK", or "forktest: FAILED (why)" lines; exits 0 only if
// every check passed.

#include "kernel/types.h"
#include "kernel/param.h"
#include "user/user.h"

#define MAX_CHILDREN 1000 // far more than NPROC: fork has to fail first
#define CHILD_STATUS 0    // what every child passes to exit

static int failures; // checks failed so far

// Print a FAILED line and count it.
static void
fail(const char *why)
{
  printf("forktest: FAILED (%s)\n", why);
  failures++;
}

// Fork children that exit immediately, until fork fails or MAX_CHILDREN
// exist. Returns the number of children created.
static int
fork_many(void)
{
  int n;
  for (n = 0; n < MAX_CHILDREN; n++) {
    int pid = fork();
    if (pid < 0)
      break;
    if (pid == 0)
      exit(CHILD_STATUS);
  }
  return n;
}

// Reap n children; each wait must succeed with status CHILD_STATUS.
// Afterwards wait must return -1.
static void
reap_exactly(int n)
{
  int status;
  for (int i = 0; i < n; i++) {
    status = -1;
    if (wait(&status) < 0) {
      printf("forktest: FAILED (wait returned -1 after %d of %d children)\n",
             i, n);
      failures++;
      return;
    }
    if (status != CHILD_STATUS) {
      fail("a child's exit status was wrong");
      return;
    }
  }
  if (wait(&status) != -1)
    fail("wait returned a child after all were reaped");
}

int
main(void)
{
  int n = fork_many();
  printf("forktest: forked %d children\n", n);
  if (n == 0)
    fail("fork never worked");
  if (n == MAX_CHILDREN)
    fail("fork never failed: is the process table limited to NPROC?");
  if (n >= NPROC)
    fail("more children than NPROC process slots");
  reap_exactly(n);
  if (failures == 0)
    printf("forktest: OK\n");
  exit(failures == 0 ? 0 : 1);
}
