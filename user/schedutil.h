// Helpers shared by the scheduling and synchronisation tests (schedtest,
// semtest, spintest) and by bench's scheduling benchmark: busy loops,
// CPU-bound "hog" children, the kernel's per-process counters (procinfo)
// and the number of harts, found by watching the scheduler. The wall clock
// is r_time() from kernel/riscv.h (units: TL_TIME_PER_US, user/testlib.h).
//
// Everything is static inline so that a program pays only for what it uses.
#pragma once
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/procinfo.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/testlib.h"

#define SU_TIME_PER_TICK (TL_TIMEBASE_HZ / TICK_HZ) // r_time() units per clock tick
#define SU_HART_SAMPLES 10                          // procinfo snapshots taken to count the harts
#define SU_MAX_HARTS NCPU                           // the kernel runs on at most this many harts

// Keep this hart busy in user mode for `duration` r_time() units of wall
// clock (time spent descheduled counts too).
static inline void
su_spin_for(uint64 duration)
{
  uint64 start = r_time();
  while (r_time() - start < duration)
    ;
}

// A CPU-bound process: spin until killed. Never returns.
static inline void
su_hog(void)
{
  volatile uint64 work = 0;
  for (;;)
    work++;
}

// Fork n hogs, storing their pids in pids[]. Returns 0, or -1 if a fork
// failed (the hogs already started are killed and reaped).
static inline int
su_spawn_hogs(int n, int *pids)
{
  for (int i = 0; i < n; i++) {
    if ((pids[i] = fork()) == 0)
      su_hog();
    if (pids[i] < 0) {
      for (int j = 0; j < i; j++)
        kill(pids[j]);
      for (int j = 0; j < i; j++)
        wait(0);
      return -1;
    }
  }
  return 0;
}

// Kill the n processes in pids[] and reap them (they must be children).
static inline void
su_kill_all(int n, int *pids)
{
  for (int i = 0; i < n; i++)
    kill(pids[i]);
  for (int i = 0; i < n; i++)
    wait(0);
}

// A snapshot of every process, in a buffer that the next call reuses.
// Returns the number of entries (and the buffer in *table), or -1 if
// procinfo or the allocation failed.
static inline int
su_snapshot(struct procinfo **table)
{
  static struct procinfo *buf;
  if (buf == 0 && (buf = malloc(NPROC * sizeof(struct procinfo))) == 0)
    return -1;
  *table = buf;
  return procinfo(buf, NPROC);
}

// Copy the kernel's counters of process pid into *out.
// Returns 0, or -1 if there is no such process (or procinfo failed).
static inline int
su_procinfo_of(int pid, struct procinfo *out)
{
  struct procinfo *table;
  int n = su_snapshot(&table);
  for (int i = 0; i < n; i++) {
    if (table[i].pid == pid) {
      *out = table[i];
      return 0;
    }
  }
  return -1;
}

// How many harts run processes? Starts SU_MAX_HARTS hogs so that no hart
// is idle, then counts the RUNNING processes (this one included) in a few
// procinfo snapshots; the largest count is the number of harts. Returns
// it, or 1 if the measurement failed. Takes a few clock ticks.
static inline int
su_count_harts(void)
{
  int pids[SU_MAX_HARTS], harts = 1;
  if (su_spawn_hogs(SU_MAX_HARTS, pids) < 0)
    return 1;
  for (int sample = 0; sample < SU_HART_SAMPLES; sample++) {
    pause(1); // let the hogs reach the harts
    struct procinfo *table;
    int n = su_snapshot(&table), running = 0;
    for (int i = 0; i < n; i++)
      running += table[i].state == PROC_RUNNING;
    if (running > harts)
      harts = running;
  }
  su_kill_all(SU_MAX_HARTS, pids);
  return harts;
}

// The hart count given as argument `arg` (a decimal number >= 1), or, if
// arg is 0, the count su_count_harts() measures.
static inline int
su_harts_arg(const char *arg)
{
  if (arg != 0 && atoi(arg) >= 1)
    return atoi(arg);
  return su_count_harts();
}
