// System calls that show processes and scheduling: procinfo (for ps),
// schedpolicy, getppid.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "klib.h"
#include "slab.h"
#include "vm.h"
#include "fdt.h"
#include "mlfq.h"
#include "procinfo.h"
#include "sysarg.h"
#include "sysfunc.h"

_Static_assert(PROC_RUNNING == RUNNING && PROC_ZOMBIE == ZOMBIE, "procinfo states");

#define US_PER_SECOND 1000000

struct collect {
  struct procinfo *out;
  int max;
  int n;
};

static uint64
to_us(uint64 t)
{
  return t / (machine.timebase_hz / US_PER_SECOND);
}

// Describe p into the next slot (process list locked, so p and its
// parent stay alive; the numbers are a snapshot, read without p->lock).
static void
describe(struct proc *p, void *arg)
{
  struct collect *c = arg;
  if (c->n >= c->max)
    return;
  struct procinfo *pi = &c->out[c->n++];
  uint64 tick = machine.timebase_hz / TICK_HZ, total = 0;
  pi->pid = p->pid;
  pi->ppid = p->parent ? p->parent->pid : 0;
  pi->state = p->state;
  pi->level = p->level;
  for (int l = 0; l < MLFQ_LEVELS; l++) {
    pi->level_ticks[l] = p->level_time[l] / tick;
    total += p->level_time[l];
  }
  pi->run_us = to_us(total);
  pi->nscheduled = p->nscheduled;
  pi->nwakeups = p->nwakeups;
  pi->wake_latency_avg_us = p->nwakeups ? to_us(p->wake_latency_sum / p->nwakeups) : 0;
  pi->wake_latency_max_us = to_us(p->wake_latency_max);
  pi->mem_kib = p->sz / 1024;
  safestrcpy(pi->name, p->name, sizeof(pi->name));
}

// procinfo(buf, max): describe up to max processes into user memory.
// Returns how many, or -1 (bad buffer or max).
uint64
sys_procinfo(void)
{
  uint64 dst = arg_addr(0);
  int max = arg_int(1);
  if (max < 0)
    return -1;
  struct collect c = {0, MIN(max, NPROC), 0};
  if (c.max > 0 && (c.out = kmalloc(c.max * sizeof(struct procinfo))) == 0)
    return -1;
  proc_foreach(describe, &c);
  int r = c.n;
  if (c.n > 0 && copyout(myproc()->pagetable, dst, c.out, c.n * sizeof(struct procinfo)) < 0)
    r = -1;
  kfree(c.out);
  return r;
}

// schedpolicy(policy): switch to SCHED_RR or SCHED_MLFQ; -1 only asks.
// Returns the policy in force before, or -1 for an unknown policy.
uint64
sys_schedpolicy(void)
{
  int policy = arg_int(0);
  if (policy == -1)
    return mlfq_get_policy();
  return mlfq_set_policy(policy);
}

uint64
sys_getppid(void)
{
  return proc_parent_pid(myproc());
}
