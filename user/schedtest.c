// schedtest: checks that the MLFQ scheduler behaves as designed, by reading
// the kernel's own per-process counters (procinfo: level, run time per
// level, wake-up latency) rather than guessing from the wall clock.
// Usage: schedtest [-rr] CASE [HARTS]
//   interactive  a process that sleeps one tick at a time keeps the top
//                level and is run soon after each wake-up (median latency),
//                while more CPU-bound processes than harts compete
//   boost        CPU-bound processes sink to the bottom level, and the
//                periodic boost brings them back to the top
//   nogaming     a process that runs 85% of every tick and sleeps just
//                before the tick ends is still moved down: giving up the
//                hart before the slice ends does not reset the allotment
//   fair         more CPU-bound processes than harts each get a fair share
//                of run time, and together they keep every hart busy
//   all          every case above
// HARTS is the number of harts; without it schedtest measures it.
// -rr runs the case under the round-robin policy (restoring the policy
// afterwards), to show what MLFQ adds: interactive (latency), boost and
// nogaming then FAIL, while fair still passes.
// Prints "schedtest CASE: CHECK: OK (...)" or "... FAILED (...)" per check
// and "schedtest CASE: ALL OK" if all passed; exits 0 only then.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/procinfo.h"
#include "user/user.h"
#include "user/schedutil.h"
#include "user/testlib.h"

#define BOTTOM (MLFQ_LEVELS - 1) // the lowest (longest-slice) level
#define MAX_HOGS (2 * NCPU + 2)  // CPU-bound children a case starts at most
#define DETAIL_LEN 128           // bytes of a check's explanation

// interactive
#define SINK_TICKS 40         // head start for the hogs to sink
#define WAKES 100             // pause(1) rounds of the sleeper
#define LATENCY_LIMIT_US 1000 // median wake-to-run limit: a tenth of a tick
// boost
#define BOOST_WATCH_TICKS 350 // watch the hogs this long (3.5 boosts)
// nogaming
#define GAME_ROUNDS 150      // spin-then-sleep rounds at most
#define GAME_SPIN_PERCENT 85 // share of each tick spent spinning
// fair
#define FAIR_TICKS 300            // how long the hogs compete (3 s)
#define FAIR_TOLERANCE_PERCENT 25 // each share within this of the mean
#define BUSY_PERCENT 90           // hogs' run time vs. harts * elapsed time

static int harts; // harts the kernel schedules on

// ---- interactive ----------------------------------------------------------
//
// Run time is charged by the wall clock, so when the host deschedules
// QEMU's threads (several QEMUs on few cores) the kernel may charge the
// sleeper a whole allotment and rightly move it down, and a wake-up may
// wait for a descheduled hart. So the checks are: no demotion before the
// kernel has charged the sleeper half an allotment since the last boost,
// and the median wake-up latency (outliers do not move it) below a limit.

#define ALLOTMENT_US (MLFQ_ALLOTMENT(0) * (1000000 / TICK_HZ)) // level 0's, in us

struct sleeper_log {
  int period;          // boost period (uptime / MLFQ_BOOST_TICKS) last seen
  uint64 run_at_boost; // run time (us) at the first look in that period
  int worst_level;     // lowest level seen (highest number)
  int early_demotions; // seen below level 0 with under half an allotment
  uint64 prev_sum;     // latency sum (us) and wake-ups at the last look
  uint64 prev_wakeups;
  int nlat;          // entries in lat[]
  uint64 lat[WAKES]; // latency of each look's wake-up(s), in us
};

// One look at the sleeper's own counters after a wake-up. The latency
// of the latest wake-up(s) comes from the change in mean * count; the
// kernel's mean is rounded down to a microsecond, so an estimate can be
// short by up to (wake-ups so far) us.
static void
sleeper_look(struct sleeper_log *log)
{
  struct procinfo me;
  int period = uptime() / MLFQ_BOOST_TICKS;
  if (su_procinfo_of(getpid(), &me) < 0)
    return;
  if (period != log->period) { // just boosted (or about to be): start over
    log->period = period;
    log->run_at_boost = me.run_us;
  } else if (me.level > 0) {
    log->early_demotions += me.run_us - log->run_at_boost < ALLOTMENT_US / 2;
  }
  if (me.level > log->worst_level)
    log->worst_level = me.level;
  uint64 sum = me.wake_latency_avg_us * me.nwakeups;
  if (me.nwakeups > log->prev_wakeups && log->nlat < WAKES)
    log->lat[log->nlat++] =
        sum > log->prev_sum ? (sum - log->prev_sum) / (me.nwakeups - log->prev_wakeups) : 0;
  log->prev_sum = sum;
  log->prev_wakeups = me.nwakeups;
}

// The median of the n values in v (sorted in place).
static uint64
median(uint64 *v, int n)
{
  for (int i = 1; i < n; i++) {
    uint64 x = v[i];
    int j = i;
    for (; j > 0 && v[j - 1] > x; j--)
      v[j] = v[j - 1];
    v[j] = x;
  }
  return n > 0 ? v[n / 2] : ~0UL;
}

// The sleeper: WAKES rounds of pause(1), each followed by a look at its
// own counters; then its checks. Exits with the number of failed checks.
static void
sleeper(void)
{
  static struct sleeper_log log;
  struct procinfo me;
  char detail[DETAIL_LEN];
  log.period = -1;
  for (int i = 0; i < WAKES; i++) {
    pause(1);
    sleeper_look(&log);
  }
  if (su_procinfo_of(getpid(), &me) < 0) {
    tl_check_detail("procinfo", 0, "cannot find itself");
    exit(tl_failures());
  }
  snprintf(detail, sizeof(detail), "early demotions %d, lowest level %d, ran %lu us in all",
           log.early_demotions, log.worst_level, me.run_us);
  tl_check_detail("stays at level 0", log.early_demotions == 0, detail);
  uint64 mid = median(log.lat, log.nlat);
  snprintf(detail, sizeof(detail), "%lu wake-ups: median %lu us (limit %d), mean %lu, max %lu",
           me.nwakeups, mid, LATENCY_LIMIT_US, me.wake_latency_avg_us, me.wake_latency_max_us);
  tl_check_detail("wake-up latency", me.nwakeups >= WAKES && mid <= LATENCY_LIMIT_US, detail);
  exit(tl_failures());
}

// A sleeper competes with 2 * harts hogs that have had time to sink.
static void
case_interactive(void)
{
  int hogs = 2 * harts, pids[MAX_HOGS], status = -1;
  if (su_spawn_hogs(hogs, pids) < 0) {
    tl_check_detail("fork", 0, "cannot start the hogs");
    return;
  }
  pause(SINK_TICKS);
  int pid = fork();
  if (pid == 0)
    sleeper();
  if (pid < 0 || wait(&status) != pid)
    tl_check_detail("fork", 0, "cannot run the sleeper");
  else if (status != 0)
    tl_count_failures(status > 0 ? status : 1); // it printed its own checks
  su_kill_all(hogs, pids);
}

// ---- boost ----------------------------------------------------------------

// Look at each hog once: note when it is at the bottom level, and when it
// is at the top level again after that. Returns how many hogs have been
// seen back at the top so far.
static int
watch_hogs(int hogs, int *pids, int *reached_bottom, int *back_on_top)
{
  struct procinfo pi;
  int done = 0;
  for (int i = 0; i < hogs; i++) {
    if (su_procinfo_of(pids[i], &pi) == 0) {
      if (pi.level == BOTTOM)
        reached_bottom[i] = 1;
      else if (pi.level == 0 && reached_bottom[i])
        back_on_top[i] = 1;
    }
    done += back_on_top[i];
  }
  return done;
}

// harts + 1 hogs, watched every tick for up to BOOST_WATCH_TICKS.
static void
case_boost(void)
{
  int hogs = harts + 1, pids[MAX_HOGS];
  int reached_bottom[MAX_HOGS] = {0}, back_on_top[MAX_HOGS] = {0};
  if (su_spawn_hogs(hogs, pids) < 0) {
    tl_check_detail("fork", 0, "cannot start the hogs");
    return;
  }
  int start = uptime(), sank = 0, boosted = 0;
  while (boosted < hogs && uptime() - start < BOOST_WATCH_TICKS) {
    pause(1);
    boosted = watch_hogs(hogs, pids, reached_bottom, back_on_top);
  }
  int watched = uptime() - start;
  for (int i = 0; i < hogs; i++)
    sank += reached_bottom[i];
  su_kill_all(hogs, pids);
  char detail[DETAIL_LEN];
  snprintf(detail, sizeof(detail), "%d of %d hogs seen at level %d", sank, hogs, BOTTOM);
  tl_check_detail("hogs sink", sank == hogs, detail);
  snprintf(detail, sizeof(detail), "%d of %d seen at level 0 again, in %d ticks", boosted, hogs,
           watched);
  tl_check_detail("boost lifts them", boosted == hogs, detail);
}

// ---- nogaming -------------------------------------------------------------

// Spin for GAME_SPIN_PERCENT of each tick and sleep across the tick, up to
// GAME_ROUNDS times, until this process is at the bottom level.
static void
case_nogaming(void)
{
  struct procinfo me;
  uint64 spin = SU_TIME_PER_TICK * GAME_SPIN_PERCENT / 100;
  int rounds = 0, level = 0, first_demoted = -1;
  while (rounds < GAME_ROUNDS && level < BOTTOM) {
    pause(1); // returns just after a tick
    su_spin_for(spin);
    rounds++;
    if (su_procinfo_of(getpid(), &me) < 0) {
      tl_check_detail("procinfo", 0, "cannot find itself");
      return;
    }
    level = me.level;
    if (level > 0 && first_demoted < 0)
      first_demoted = rounds;
  }
  char detail[DETAIL_LEN];
  snprintf(detail, sizeof(detail),
           "level %d after %d rounds, first moved down in round %d; "
           "ticks per level %lu/%lu/%lu",
           level, rounds, first_demoted, me.level_ticks[0], me.level_ticks[1],
           me.level_ticks[BOTTOM]);
  tl_check_detail("sleeping before the tick is still charged", level == BOTTOM, detail);
}

// ---- fair -----------------------------------------------------------------

// Run time of each of the n processes in pids[] (microseconds) into us[].
// Returns 0, or -1 if one cannot be found.
static int
run_times(int n, int *pids, uint64 *us)
{
  struct procinfo pi;
  for (int i = 0; i < n; i++) {
    if (su_procinfo_of(pids[i], &pi) < 0)
      return -1;
    us[i] = pi.run_us;
  }
  return 0;
}

// Check that each share in got[] is within FAIR_TOLERANCE_PERCENT of the
// mean, and that together they kept the harts busy for `elapsed` us.
static void
check_shares(int hogs, uint64 *got, uint64 elapsed)
{
  uint64 total = 0, least = ~0UL, most = 0;
  for (int i = 0; i < hogs; i++) {
    total += got[i];
    least = got[i] < least ? got[i] : least;
    most = got[i] > most ? got[i] : most;
  }
  uint64 mean = total / hogs, slack = mean * FAIR_TOLERANCE_PERCENT / 100;
  char detail[DETAIL_LEN];
  snprintf(detail, sizeof(detail), "%d hogs: least %lu ms, most %lu ms, mean %lu ms", hogs,
           least / 1000, most / 1000, mean / 1000);
  tl_check_detail("equal shares", least + slack >= mean && most <= mean + slack, detail);
  uint64 capacity = harts * elapsed;
  snprintf(detail, sizeof(detail), "hogs ran %lu ms of %d harts * %lu ms", total / 1000, harts,
           elapsed / 1000);
  tl_check_detail("harts kept busy", total * 100 >= capacity * BUSY_PERCENT, detail);
}

// harts + 2 hogs compete for FAIR_TICKS; compare the run time each got.
static void
case_fair(void)
{
  int hogs = harts + 2, pids[MAX_HOGS];
  uint64 before[MAX_HOGS], after[MAX_HOGS];
  if (su_spawn_hogs(hogs, pids) < 0) {
    tl_check_detail("fork", 0, "cannot start the hogs");
    return;
  }
  uint64 t0 = r_time();
  int ok = run_times(hogs, pids, before) == 0;
  pause(FAIR_TICKS);
  uint64 t1 = r_time();
  ok = ok && run_times(hogs, pids, after) == 0;
  su_kill_all(hogs, pids);
  if (!ok) {
    tl_check_detail("procinfo", 0, "a hog is missing");
    return;
  }
  for (int i = 0; i < hogs; i++)
    after[i] -= before[i];
  check_shares(hogs, after, (t1 - t0) / TL_TIME_PER_US);
}

// ---- main -----------------------------------------------------------------

static struct tl_group cases[] = {
    {"interactive", case_interactive},
    {"boost", case_boost},
    {"nogaming", case_nogaming},
    {"fair", case_fair},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

// Print how to call the program and exit with status 1.
static void
usage(void)
{
  fprintf(2, "usage: schedtest [-rr] interactive|boost|nogaming|fair|all [harts]\n");
  exit(1);
}

int
main(int argc, char *argv[])
{
  int arg = 1, policy = SCHED_MLFQ;
  tl_set_program("schedtest");
  if (arg < argc && strcmp(argv[arg], "-rr") == 0) {
    policy = SCHED_RR;
    arg++;
  }
  if (argc - arg < 1 || argc - arg > 2 || !tl_group_known(cases, NCASES, argv[arg]))
    usage();
  const char *which = argv[arg];
  harts = su_harts_arg(argc - arg == 2 ? argv[arg + 1] : 0);
  if (harts > NCPU)
    harts = NCPU;
  printf("schedtest: %d harts, %s policy\n", harts, policy == SCHED_RR ? "round-robin" : "MLFQ");
  int old_policy = schedpolicy(policy);
  tl_run_groups(cases, NCASES, which);
  schedpolicy(old_policy);
  tl_finish(which, tl_failures());
}
