// The MLFQ scheduler's policy and run queues (see mlfq.h).
//
// Run time is charged exactly, from the wall clock (rdtime), whenever a
// process leaves a hart -- not by counting timer interrupts, which a
// process could dodge by sleeping just before each tick. The timer
// interrupt only decides when to preempt.
//
// Invariants:
//   (a) a process is on a run queue iff it is RUNNABLE, and it is on the
//       queue of its level;
//   (b) 0 <= p->level < MLFQ_LEVELS (always 0 under SCHED_RR).
//
// Locks: [q] runq.lock
// Lock order: proc_list_lock -> p->lock -> runq.lock
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "printf.h"
#include "sbi.h"
#include "fdt.h"
#include "mlfq.h"

static struct {
  struct spinlock lock;
  struct proc *head[MLFQ_LEVELS]; // [q] FIFO of each level, linked by rq_next
  struct proc *tail[MLFQ_LEVELS]; // [q]
  int policy;                     // [q] SCHED_MLFQ or SCHED_RR
  uint64 tick;                    // [I] rdtime units per clock tick
} runq;

// Harts waiting in wfi for work (bit i = hart i); updated atomically.
volatile uint64 idle_harts;

void
mlfq_init(void)
{
  spin_init(&runq.lock, "runq");
  runq.policy = SCHED_MLFQ;
  runq.tick = machine.timebase_hz / TICK_HZ;
}

// Wake one idle hart, if there is one, to run what was just queued. The
// hart is taken out of idle_harts here, so that several wake-ups in a row
// go to different harts. The fence orders our queueing before our read of
// idle_harts; an idle hart sets its bit before it looks at the queues, so
// one of us sees the other.
static void
wake_idle_hart(void)
{
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  for (;;) {
    uint64 idle = __atomic_load_n(&idle_harts, __ATOMIC_ACQUIRE);
    if (idle == 0)
      return;
    uint64 bit = idle & -idle; // the lowest idle hart
    if (__atomic_fetch_and(&idle_harts, ~bit, __ATOMIC_ACQ_REL) & bit) {
      sbi_send_ipi(bit);
      return;
    }
  }
}

void
runq_add(struct proc *p)
{
  spin_lock(&runq.lock);
  int l = p->level;
  p->rq_next = 0;
  if (runq.tail[l])
    runq.tail[l]->rq_next = p;
  else
    runq.head[l] = p;
  runq.tail[l] = p;
  spin_unlock(&runq.lock);
  wake_idle_hart();
}

struct proc *
runq_pop(void)
{
  struct proc *p = 0;
  spin_lock(&runq.lock);
  for (int l = 0; l < MLFQ_LEVELS && p == 0; l++) {
    if ((p = runq.head[l]) != 0) {
      runq.head[l] = p->rq_next;
      if (runq.head[l] == 0)
        runq.tail[l] = 0;
      p->rq_next = 0;
    }
  }
  spin_unlock(&runq.lock);
  return p;
}

int
runq_nonempty(void)
{
  spin_lock(&runq.lock);
  int any = 0;
  for (int l = 0; l < MLFQ_LEVELS; l++)
    any |= runq.head[l] != 0;
  spin_unlock(&runq.lock);
  return any;
}

void
mlfq_charge(struct proc *p, uint64 now)
{
  uint64 ran = now - p->run_start;
  p->run_start = now; // charge each stretch of time once
  spin_lock(&runq.lock);
  p->level_time[p->level] += ran;
  p->level_used += ran;
  if (runq.policy == SCHED_MLFQ && p->level < MLFQ_LEVELS - 1 &&
      p->level_used >= MLFQ_ALLOTMENT(p->level) * runq.tick) {
    p->level++; // rule 3: allotment used up, however it was spent
    p->level_used = 0;
  }
  spin_unlock(&runq.lock);
}

int
mlfq_should_preempt(struct proc *p, uint64 now)
{
  uint64 ran = now - p->run_start;
  int preempt = 0;
  spin_lock(&runq.lock);
  int l = p->level;
  if (runq.policy == SCHED_RR) {
    preempt = ran >= runq.tick;
  } else {
    preempt = ran >= MLFQ_SLICE(l) * runq.tick ||
              (l < MLFQ_LEVELS - 1 && p->level_used + ran >= MLFQ_ALLOTMENT(l) * runq.tick);
    for (int higher = 0; higher < l; higher++)
      preempt |= runq.head[higher] != 0; // rule 1: higher levels first
  }
  spin_unlock(&runq.lock);
  return preempt;
}

// Put one process at the top level (rule 4). From proc_foreach.
static void
boost_one(struct proc *p, void *arg)
{
  spin_lock(&runq.lock);
  p->level = 0;
  p->level_used = 0;
  spin_unlock(&runq.lock);
}

// Append every lower queue to the top one, in level order.
static void
splice_queues(void)
{
  spin_lock(&runq.lock);
  for (int l = 1; l < MLFQ_LEVELS; l++) {
    if (runq.head[l] == 0)
      continue;
    if (runq.tail[0])
      runq.tail[0]->rq_next = runq.head[l];
    else
      runq.head[0] = runq.head[l];
    runq.tail[0] = runq.tail[l];
    runq.head[l] = runq.tail[l] = 0;
  }
  spin_unlock(&runq.lock);
}

void
mlfq_boost(void)
{
  proc_foreach(boost_one, 0);
  splice_queues();
}

int
mlfq_get_policy(void)
{
  spin_lock(&runq.lock);
  int policy = runq.policy;
  spin_unlock(&runq.lock);
  return policy;
}

int
mlfq_set_policy(int policy)
{
  if (policy != SCHED_RR && policy != SCHED_MLFQ)
    return -1;
  spin_lock(&runq.lock);
  int old = runq.policy;
  runq.policy = policy;
  spin_unlock(&runq.lock);
  if (policy == SCHED_RR)
    mlfq_boost(); // one level: everybody at level 0
  return old;
}
