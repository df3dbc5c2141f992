// forkbomb: checks that filling the process table is handled cleanly.
// It forks children (each one blocks reading a pipe) until fork returns -1,
// giving up after 2*NPROC attempts; fork must fail by then, since there are
// only NPROC process slots. Closing the pipe releases the children; every
// one must be reaped with status 0, and afterwards the system must work
// again: a fresh fork + exit + wait succeeds.
// Prints "forkbomb: forked N, fork failed cleanly" and "forkbomb: OK", or
// "forkbomb: FAILED (why)" lines; exits 0 only if every check passed.

#include "kernel/types.h"
#include "kernel/param.h"
#include "user/user.h"

#define MAX_ATTEMPTS (2 * NPROC) // fork must have failed before this
#define RECOVERY_STATUS 7        // exit status of the after-the-storm child

static int failures; // checks failed so far

// Print a FAILED line and count it.
static void
fail(const char *why)
{
  printf("forkbomb: FAILED (%s)\n", why);
  failures++;
}

// A child of the bomb: wait until the parent closes the pipe, then exit.
static void
blocked_child(int fds[2])
{
  char c;
  close(fds[1]);
  read(fds[0], &c, 1); // returns 0 once every write end is closed
  exit(0);
}

// Fork until fork fails or MAX_ATTEMPTS children exist. Sets *fork_failed
// if fork returned -1. Returns the number of children created.
static int
fork_until_full(int fds[2], int *fork_failed)
{
  int forked = 0;
  *fork_failed = 0;
  while (forked < MAX_ATTEMPTS) {
    int pid = fork();
    if (pid < 0) {
      *fork_failed = 1;
      break;
    }
    if (pid == 0)
      blocked_child(fds);
    forked++;
  }
  return forked;
}

// Wait for every child. Returns how many were reaped; counts in *bad those
// whose exit status was not 0.
static int
reap_all(int *bad)
{
  int reaped = 0, status;
  *bad = 0;
  while (wait(&status) >= 0) {
    reaped++;
    if (status != 0)
      (*bad)++;
  }
  return reaped;
}

// After the bomb: a new child can be forked, exits, and is reaped.
static void
check_recovered(void)
{
  int pid = fork();
  if (pid < 0) {
    fail("fork still fails after all children exited");
    return;
  }
  if (pid == 0)
    exit(RECOVERY_STATUS);
  int status = 0;
  if (wait(&status) != pid || status != RECOVERY_STATUS)
    fail("fresh fork + wait after the bomb did not work");
  if (wait(0) != -1)
    fail("wait found children that should not exist");
}

int
main(void)
{
  int fds[2], fork_failed, bad;
  if (pipe(fds) < 0) {
    fail("pipe");
    exit(1);
  }
  int forked = fork_until_full(fds, &fork_failed);
  close(fds[1]); // the children's reads now return 0
  close(fds[0]);
  int reaped = reap_all(&bad);

  if (fork_failed)
    printf("forkbomb: forked %d, fork failed cleanly\n", forked);
  else
    fail("fork never failed: is the process table limited to NPROC?");
  if (forked == 0)
    fail("not a single fork worked");
  if (reaped != forked) {
    printf("forkbomb: FAILED (forked %d children but reaped %d)\n", forked,
           reaped);
    failures++;
  }
  if (bad != 0)
    fail("some children exited with a non-zero status");
  check_recovered();
  if (failures == 0)
    printf("forkbomb: OK\n");
  exit(failures == 0 ? 0 : 1);
}
