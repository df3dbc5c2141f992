// Sleeping and waking up: sleep_on(chan, lk) and wakeup(chan), built on
// wait queues.
//
// A channel is any address both sides agree on (a buffer, a pipe's
// counter, a process). Sleepers are kept in FIFO wait queues; a hash of
// the channel picks one of WAITQ_BUCKETS queues, so a wakeup looks only at
// processes sleeping on channels of the same bucket, not at every process.
//
// Why no wakeup is lost: the sleeper holds lk (the lock of the condition
// it waits for) until it is on the queue and SLEEPING; a waker changes the
// condition and calls wakeup holding lk too. So a waker either ran before
// the sleeper checked the condition, or finds the sleeper queued.
//
// Invariants:
//   (a) p->wq_queued iff p is on the wait queue of bucket(p->chan);
//   (b) a queued process is SLEEPING, or RUNNABLE/RUNNING after a kill
//       woke it (it then takes itself off the queue).
//
// Locks: [w] waitq->lock
// Lock order: lk (the caller's) -> waitq->lock -> p->lock -> runq.lock
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "printf.h"

#define WAITQ_BUCKETS 64 // a power of two
#define WAITQ_SHIFT 58   // 64 - log2(WAITQ_BUCKETS)

struct waitq {
  struct spinlock lock;
  struct proc *head; // [w] sleepers, oldest first, linked by p->wq_next
  struct proc *tail; // [w]
};

static struct waitq waitqs[WAITQ_BUCKETS];

void
waitq_init(void)
{
  for (int i = 0; i < WAITQ_BUCKETS; i++)
    spin_init(&waitqs[i].lock, "waitq");
}

// The wait queue for chan (Fibonacci hashing of the address).
static struct waitq *
waitq_of(void *chan)
{
  uint64 h = (uint64)chan * 0x9E3779B97F4A7C15UL;
  return &waitqs[h >> WAITQ_SHIFT];
}

static void
waitq_append(struct waitq *q, struct proc *p)
{
  p->wq_next = 0;
  p->wq_queued = 1;
  if (q->tail)
    q->tail->wq_next = p;
  else
    q->head = p;
  q->tail = p;
}

// Take p off q, given the process before it (0 if p is the head).
static void
waitq_unlink(struct waitq *q, struct proc *prev, struct proc *p)
{
  if (prev)
    prev->wq_next = p->wq_next;
  else
    q->head = p->wq_next;
  if (q->tail == p)
    q->tail = prev;
  p->wq_next = 0;
  p->wq_queued = 0;
}

// Take p off q if it is still there (woken by kill, not by wakeup).
static void
waitq_remove(struct waitq *q, struct proc *p)
{
  struct proc *prev = 0;
  for (struct proc *it = q->head; it; prev = it, it = it->wq_next) {
    if (it == p) {
      waitq_unlink(q, prev, p);
      return;
    }
  }
}

void
sleep_on(void *chan, struct spinlock *lk)
{
  struct proc *p = myproc();
  struct waitq *q = waitq_of(chan);
  spin_lock(&q->lock);
  waitq_append(q, p);
  spin_lock(&p->lock);
  p->chan = chan;
  p->state = SLEEPING;
  spin_unlock(&q->lock);
  spin_unlock(lk);
  sched(); // until a wakeup or a kill makes us runnable
  spin_unlock(&p->lock);

  spin_lock(&q->lock);
  if (p->wq_queued)
    waitq_remove(q, p);
  p->chan = 0;
  spin_unlock(&q->lock);
  spin_lock(lk);
}

void
wakeup(void *chan)
{
  struct waitq *q = waitq_of(chan);
  spin_lock(&q->lock);
  struct proc *prev = 0, *p = q->head;
  while (p) {
    struct proc *next = p->wq_next;
    if (p->chan != chan) { // another channel in the same bucket
      prev = p;
      p = next;
      continue;
    }
    waitq_unlink(q, prev, p);
    spin_lock(&p->lock);
    if (p->state == SLEEPING)
      make_runnable(p, 1);
    spin_unlock(&p->lock);
    p = next;
  }
  spin_unlock(&q->lock);
}
