// spintest: checks the kernel's spinlocks under contention from every hart.
// Usage: spintest [HARTS]
// One process per hart calls ktest(KTEST_SPIN_ADD, ADDS), which adds 1 to
// a kernel counter ADDS times, taking and releasing a spinlock around each
// addition. All processes start together (a semaphore is the starting
// gate) and note when they started and finished in shared memory; the
// kernel counter must end at exactly harts * ADDS, and the processes must
// have overlapped in time (otherwise nothing was contended).
// Without the lock, the additions from different harts would overwrite each
// other (see semtest mutex, which shows that in user space).
// Prints "spintest: CHECK: OK" or "... FAILED (why)" per check and
// "spintest: ALL OK" if all passed; exits 0 only then.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/ktest.h"
#include "user/user.h"
#include "user/schedutil.h"
#include "user/testlib.h"

#define ADDS 300000    // additions per process
#define DETAIL_LEN 128 // bytes of a check's explanation

struct span {
  uint64 start, end; // r_time() before and after the ktest call
};

// An adder: wait at the gate, add ADDS times in the kernel, note the times.
static void
adder(int gate, struct span *mine)
{
  if (sem_wait(gate) < 0)
    exit(TL_CHILD_FAILED);
  mine->start = r_time();
  int r = ktest(KTEST_SPIN_ADD, ADDS);
  mine->end = r_time();
  exit(r == 0 ? TL_CHILD_OK : TL_CHILD_FAILED);
}

// How long all n spans ran at the same time (from the latest start to
// the earliest end), in r_time() units; 0 if they had no moment in common.
// *spread is set to the time from the earliest start to the latest.
static uint64
overlap(struct span *spans, int n, uint64 *spread)
{
  uint64 earliest_start = ~0UL, latest_start = 0, earliest_end = ~0UL;
  for (int i = 0; i < n; i++) {
    if (spans[i].start < earliest_start)
      earliest_start = spans[i].start;
    if (spans[i].start > latest_start)
      latest_start = spans[i].start;
    if (spans[i].end < earliest_end)
      earliest_end = spans[i].end;
  }
  *spread = latest_start - earliest_start;
  return latest_start < earliest_end ? earliest_end - latest_start : 0;
}

// Start n adders, open the gate, reap them. Returns how many exited 0.
static int
run_adders(int n, struct span *spans)
{
  int gate = sem_create(0);
  if (gate < 0)
    return 0;
  for (int i = 0; i < n; i++)
    if (fork() == 0)
      adder(gate, &spans[i]);
  for (int i = 0; i < n; i++)
    sem_post(gate);
  int clean = tl_reap_ok(n);
  sem_close(gate);
  return clean;
}

int
main(int argc, char *argv[])
{
  tl_set_program("spintest");
  if (argc > 2) {
    fprintf(2, "usage: spintest [harts]\n");
    exit(1);
  }
  int harts = su_harts_arg(argc == 2 ? argv[1] : 0);
  if (harts > NCPU)
    harts = NCPU;
  struct span *spans = mmap(0, NCPU * sizeof(struct span), PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (spans == MAP_FAILED) {
    tl_fail("mmap failed");
    exit(1);
  }
  char detail[DETAIL_LEN];
  ktest(KTEST_SPIN_READ, 1); // start from 0
  int clean = run_adders(harts, spans);
  snprintf(detail, sizeof(detail), "%d of %d adders finished", clean, harts);
  tl_check_detail("adders", clean == harts, detail);
  int64 want = (int64)harts * ADDS, got = ktest(KTEST_SPIN_READ, 1);
  snprintf(detail, sizeof(detail), "counter %ld, want %ld", got, want);
  tl_check_detail("no lost update", got == want, detail);
  if (harts > 1) {
    uint64 spread, together = overlap(spans, harts, &spread);
    snprintf(detail, sizeof(detail), "all %d ran at once for %lu us; started within %lu us", harts,
             together / TL_TIME_PER_US, spread / TL_TIME_PER_US);
    tl_check_detail("concurrent", together > 0, detail);
  }
  tl_finish(0, tl_failures());
}
