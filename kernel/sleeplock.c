// Sleeping locks (see sleeplock.h).
#include "types.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "proc.h"

void
sleeplock_init(struct sleeplock *slk, const char *name)
{
  spin_init(&slk->lk, "sleeplock");
  slk->name = name;
  slk->locked = 0;
  slk->pid = 0;
}

void
sleeplock_acquire(struct sleeplock *slk)
{
  spin_lock(&slk->lk);
  while (slk->locked)
    sleep_on(slk, &slk->lk);
  slk->locked = 1;
  slk->pid = myproc()->pid;
  spin_unlock(&slk->lk);
}

void
sleeplock_release(struct sleeplock *slk)
{
  spin_lock(&slk->lk);
  slk->locked = 0;
  slk->pid = 0;
  wakeup(slk);
  spin_unlock(&slk->lk);
}

int
sleeplock_holding(struct sleeplock *slk)
{
  spin_lock(&slk->lk);
  int held = slk->locked && slk->pid == myproc()->pid;
  spin_unlock(&slk->lk);
  return held;
}
