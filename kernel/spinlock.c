// Spinlocks (see spinlock.h for the contract).
//
// The lock word is taken with an atomic swap that has acquire ordering
// (amoswap.w.aq): loads and stores of the critical section cannot move
// above it. It is released with a store that has release ordering
// (fence rw,w then sw), so they cannot move below it.
#include "types.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "printf.h"

void
spin_init(struct spinlock *lk, const char *name)
{
  lk->name = name;
  lk->locked = 0;
  lk->cpu = 0;
}

void
spin_lock(struct spinlock *lk)
{
  push_off(); // an interrupt handler on this hart must not spin on lk
  if (spin_holding(lk))
    panic("spin_lock: %s already held by this hart", lk->name);
  while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE) != 0)
    ;
  lk->cpu = mycpu();
}

void
spin_unlock(struct spinlock *lk)
{
  if (!spin_holding(lk))
    panic("spin_unlock: %s not held by this hart", lk->name);
  lk->cpu = 0;
  __atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
  pop_off();
}

int
spin_holding(struct spinlock *lk)
{
  return lk->locked && lk->cpu == mycpu();
}

void
push_off(void)
{
  int was_on = intr_save(); // one CSR access: this runs for every lock
  struct cpu *c = mycpu();
  if (c->noff == 0)
    c->intena = was_on;
  c->noff++;
}

void
pop_off(void)
{
  struct cpu *c = mycpu();
  if (intr_get())
    panic("pop_off: interrupts are on");
  if (c->noff < 1)
    panic("pop_off: not pushed");
  c->noff--;
  if (c->noff == 0 && c->intena)
    intr_on();
}
