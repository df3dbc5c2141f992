// Counting semaphores (see semaphore.h), and the system calls that give
// user programs semaphores.
//
// sem_up on a semaphore with waiters does not raise the count: it hands
// the unit to the oldest waiter directly (p->sem_granted), so a newcomer
// calling sem_down cannot overtake a process that has been waiting.
//
// Invariants:
//   (a) value > 0 only when nobody waits;
//   (b) a process is on s's queue iff it sleeps in sem_down(s) without a
//       unit granted.
//
// User semaphores live in a slab cache ("semaphore"), with a reference
// count of the descriptor-table slots (in all processes) that refer to
// them; the last sem_close or exit frees one.
//
// Locks: [s] s->lock  [u] usem_lock
// Lock order: s->lock -> waitq lock -> p->lock
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "printf.h"
#include "slab.h"
#include "semaphore.h"
#include "sysarg.h"
#include "sysfunc.h"

void
sem_init(struct semaphore *s, int value, const char *name)
{
  spin_init(&s->lock, name);
  s->value = value;
  s->head = s->tail = 0;
  s->name = name;
}

// Take p off s's queue. s->lock held.
static void
sem_dequeue(struct semaphore *s, struct proc *p)
{
  struct proc *prev = 0;
  for (struct proc *it = s->head; it; prev = it, it = it->sem_next) {
    if (it != p)
      continue;
    if (prev)
      prev->sem_next = p->sem_next;
    else
      s->head = p->sem_next;
    if (s->tail == p)
      s->tail = prev;
    p->sem_next = 0;
    return;
  }
}

int
sem_down(struct semaphore *s)
{
  struct proc *p = myproc();
  spin_lock(&s->lock);
  if (s->value > 0) {
    s->value--;
    spin_unlock(&s->lock);
    return 0;
  }
  p->sem_granted = 0;
  p->sem_next = 0;
  if (s->tail)
    s->tail->sem_next = p;
  else
    s->head = p;
  s->tail = p;
  while (!p->sem_granted && !proc_killed(p))
    sleep_on(&p->sem_granted, &s->lock);
  int granted = p->sem_granted;
  if (!granted)
    sem_dequeue(s, p); // killed: leave the queue, take nothing
  spin_unlock(&s->lock);
  return granted ? 0 : -1;
}

int
sem_trydown(struct semaphore *s)
{
  spin_lock(&s->lock);
  int ok = s->value > 0;
  if (ok)
    s->value--;
  spin_unlock(&s->lock);
  return ok ? 0 : -1;
}

void
sem_up(struct semaphore *s)
{
  spin_lock(&s->lock);
  struct proc *w = s->head;
  if (w) {
    sem_dequeue(s, w);
    w->sem_granted = 1; // the unit goes straight to the oldest waiter
    wakeup(&w->sem_granted);
  } else {
    s->value++;
  }
  spin_unlock(&s->lock);
}

// ---- User semaphores ------------------------------------------------------

struct usem {
  struct semaphore sem;
  int refs; // [u] descriptor slots that refer to it
};

static struct slab_cache *usem_cache;
static struct spinlock usem_lock;

void
usem_init(void)
{
  spin_init(&usem_lock, "usem");
  if ((usem_cache = slab_cache_create("semaphore", sizeof(struct usem))) == 0)
    panic("usem_init: no memory");
}

static void
usem_ref(struct usem *u)
{
  spin_lock(&usem_lock);
  u->refs++;
  spin_unlock(&usem_lock);
}

static void
usem_unref(struct usem *u)
{
  spin_lock(&usem_lock);
  int last = --u->refs == 0;
  spin_unlock(&usem_lock);
  if (last)
    slab_free(usem_cache, u); // no process can reach it, so nobody waits
}

void
usem_fork(struct proc *parent, struct proc *child)
{
  for (int i = 0; i < NSEM; i++)
    if ((child->sems[i] = parent->sems[i]) != 0)
      usem_ref(child->sems[i]);
}

void
usem_close_all(struct proc *p)
{
  for (int i = 0; i < NSEM; i++) {
    if (p->sems[i]) {
      usem_unref(p->sems[i]);
      p->sems[i] = 0;
    }
  }
}

// The semaphore behind descriptor argument n, or 0 if it is not open.
static struct usem *
arg_usem(int n, int *idp)
{
  int id = arg_int(n);
  if (id < 0 || id >= NSEM)
    return 0;
  if (idp)
    *idp = id;
  return myproc()->sems[id];
}

// sem_create(value): a new semaphore with value units (>= 0). Returns its
// descriptor, or -1 (bad value, no free descriptor, no memory).
uint64
sys_sem_create(void)
{
  int value = arg_int(0);
  struct proc *p = myproc();
  if (value < 0)
    return -1;
  for (int id = 0; id < NSEM; id++) {
    if (p->sems[id] == 0) {
      struct usem *u = slab_alloc(usem_cache);
      if (u == 0)
        return -1;
      sem_init(&u->sem, value, "usem");
      u->refs = 1;
      p->sems[id] = u;
      return id;
    }
  }
  return -1;
}

// sem_wait(id): P. 0, or -1 for a bad id or if killed while waiting.
uint64
sys_sem_wait(void)
{
  struct usem *u = arg_usem(0, 0);
  return u ? sem_down(&u->sem) : -1;
}

// sem_trywait(id): P without waiting. 0, or -1 if none free or a bad id.
uint64
sys_sem_trywait(void)
{
  struct usem *u = arg_usem(0, 0);
  return u ? sem_trydown(&u->sem) : -1;
}

// sem_post(id): V. 0, or -1 for a bad id.
uint64
sys_sem_post(void)
{
  struct usem *u = arg_usem(0, 0);
  if (u == 0)
    return -1;
  sem_up(&u->sem);
  return 0;
}

// sem_close(id): drop this descriptor. 0, or -1 for a bad id.
uint64
sys_sem_close(void)
{
  int id;
  struct usem *u = arg_usem(0, &id);
  if (u == 0)
    return -1;
  myproc()->sems[id] = 0;
  usem_unref(u);
  return 0;
}
