// sleeptest: checks pause() and the clock.
// SLEEPERS children pause() concurrently for different numbers of ticks
// (the longest is forked first). Each checks that uptime advanced by at
// least its pause, then reports through a shared pipe; the reports must
// arrive shortest pause first. The whole run must last at least the longest
// pause, both in uptime ticks and in wall-clock time read with r_time() (so a
// clock that ticks too fast, e.g. once per hart, is caught).
// Prints "sleeptest: OK", or "sleeptest: FAILED (why)" lines; exits 0 only
// if every check passed.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/testlib.h"

#define SLEEPERS 4           // children pausing at the same time
#define STEP_TICKS 5         // child i pauses (i + 1) * STEP_TICKS ticks
#define SLEPT_TOO_SHORT 2    // exit status of a child that woke too early

static int failures; // checks failed so far

// Print a FAILED line and count it.
static void
fail(const char *why)
{
  printf("sleeptest: FAILED (%s)\n", why);
  failures++;
}

// Child number i: pause for its share of ticks, check uptime, report the
// number i through the pipe, and exit.
static void
sleeper(int i, int report_fd)
{
  int ticks = (i + 1) * STEP_TICKS;
  char id = (char)i;
  int t0 = uptime();
  pause(ticks);
  int t1 = uptime();
  write(report_fd, &id, 1);
  exit(t1 - t0 >= ticks ? 0 : SLEPT_TOO_SHORT);
}

// Read the SLEEPERS reports and check they arrive in order 0, 1, 2, ...
static void
check_wake_order(int fd)
{
  for (int expect = 0; expect < SLEEPERS; expect++) {
    char id;
    if (read(fd, &id, 1) != 1) {
      fail("a sleeper never reported");
      return;
    }
    if (id != expect) {
      printf("sleeptest: FAILED (sleeper %d woke when %d was expected)\n", id,
             expect);
      failures++;
    }
  }
}

// Reap every sleeper; each must exit with status 0.
static void
reap_sleepers(void)
{
  for (int i = 0; i < SLEEPERS; i++) {
    int status = -1;
    if (wait(&status) < 0) {
      fail("wait returned -1 before every sleeper was reaped");
      return;
    }
    if (status == SLEPT_TOO_SHORT)
      fail("pause(n) returned before uptime advanced by n");
    else if (status != 0)
      fail("a sleeper exited with an unexpected status");
  }
}

int
main(void)
{
  int fds[2];
  int longest = SLEEPERS * STEP_TICKS;
  pipe(fds);
  uint64 wall0 = r_time();
  int up0 = uptime();
  for (int i = SLEEPERS - 1; i >= 0; i--) {
    int pid = fork();
    if (pid < 0)
      fail("fork");
    if (pid == 0)
      sleeper(i, fds[1]);
  }
  close(fds[1]);
  check_wake_order(fds[0]);
  close(fds[0]);
  reap_sleepers();
  int ticks = uptime() - up0;
  uint64 wall_ms = (r_time() - wall0) / TL_TIME_PER_MS;
  printf("sleeptest: slept %d ticks, %d ms of wall time\n", ticks, (int)wall_ms);
  if (ticks < longest)
    fail("uptime advanced less than the longest pause");
  if (wall_ms < (uint64)(longest - 1) * 1000 / TICK_HZ)
    fail("less wall time passed than the ticks promise: clock too fast");
  if (failures == 0)
    printf("sleeptest: OK\n");
  exit(failures == 0 ? 0 : 1);
}
