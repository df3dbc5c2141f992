// ps: list the processes, with what the MLFQ scheduler knows about them.
// Usage: ps [-l]
// One header line, then one line per process: pid, parent pid, state,
// MLFQ level (0 = top), the clock ticks it has run at each level, name.
// -l adds the total run time, how often it was scheduled and woken up,
// its mean and longest wake-up-to-running latency, and its heap size.
// Processes are listed by pid. The numbers come from the procinfo() system
// call (kernel/procinfo.h); ticks are clock ticks (1/TICK_HZ s) of run time.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/procinfo.h"
#include "user/user.h"

static struct procinfo procs[NPROC];

// The name of a PROC_* state, as ps prints it.
static const char *
state_name(int state)
{
  switch (state) {
  case PROC_USED:
    return "used";
  case PROC_SLEEPING:
    return "sleeping";
  case PROC_RUNNABLE:
    return "runnable";
  case PROC_RUNNING:
    return "running";
  case PROC_ZOMBIE:
    return "zombie";
  }
  return "?";
}

// Print the header line.
static void
print_header(int long_format)
{
  printf("  PID  PPID STATE    LVL");
  for (int l = 0; l < MLFQ_LEVELS; l++)
    printf("  TICKS%d", l);
  if (long_format)
    printf("     RUN_MS  NSCHED  NWAKE  LAT_AVG_US  LAT_MAX_US  MEM_KIB");
  printf("  NAME\n");
}

// Print one process's line.
static void
print_proc(struct procinfo *pi, int long_format)
{
  printf("%5d %5d %-8s %3d", pi->pid, pi->ppid, state_name(pi->state), pi->level);
  for (int l = 0; l < MLFQ_LEVELS; l++)
    printf("  %6lu", pi->level_ticks[l]);
  if (long_format)
    printf(" %10lu %7lu %6lu %11lu %11lu %8lu", pi->run_us / 1000, pi->nscheduled, pi->nwakeups,
           pi->wake_latency_avg_us, pi->wake_latency_max_us, pi->mem_kib);
  printf("  %s\n", pi->name);
}

// Sort the n entries of procs[] by pid (insertion sort: n is small).
static void
sort_by_pid(int n)
{
  for (int i = 1; i < n; i++) {
    struct procinfo moving = procs[i];
    int j = i;
    for (; j > 0 && procs[j - 1].pid > moving.pid; j--)
      procs[j] = procs[j - 1];
    procs[j] = moving;
  }
}

int
main(int argc, char *argv[])
{
  int long_format = argc == 2 && strcmp(argv[1], "-l") == 0;
  if (argc > 2 || (argc == 2 && !long_format)) {
    fprintf(2, "usage: ps [-l]\n");
    exit(1);
  }
  int n = procinfo(procs, NPROC);
  if (n < 0) {
    fprintf(2, "ps: procinfo failed\n");
    exit(1);
  }
  sort_by_pid(n);
  print_header(long_format);
  for (int i = 0; i < n; i++)
    print_proc(&procs[i], long_format);
  exit(0);
}
