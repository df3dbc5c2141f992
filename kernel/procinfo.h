// What procinfo() reports about each process (ps prints it), and the
// scheduling policies of schedpolicy(). Shared by kernel and user programs.
#pragma once
#include "types.h"
#include "param.h"

#define SCHED_RR 0   // plain round robin
#define SCHED_MLFQ 1 // multi-level feedback queue (the default)

// Process states (the kernel's enum procstate).
#define PROC_USED 1
#define PROC_SLEEPING 2
#define PROC_RUNNABLE 3
#define PROC_RUNNING 4
#define PROC_ZOMBIE 5

#define PROCINFO_NAME_LEN 16

struct procinfo {
  int pid;
  int ppid;
  int state;                       // PROC_*
  int level;                       // MLFQ level, 0 = top
  uint64 level_ticks[MLFQ_LEVELS]; // run time at each level, in ticks
  uint64 run_us;                   // run time in all, in microseconds
  uint64 nscheduled;               // times picked to run
  uint64 nwakeups;                 // wake-ups that led to running
  uint64 wake_latency_avg_us;      // mean wake-to-run time
  uint64 wake_latency_max_us;      // longest wake-to-run time
  uint64 mem_kib;                  // heap size (sz), KiB
  char name[PROCINFO_NAME_LEN];
};
