// Spinlocks: mutual exclusion between harts for short critical sections.
//
// A hart holding a spinlock has interrupts off (so an interrupt handler on
// the same hart can never wait for a lock its own hart holds). Interrupt
// disabling nests: push_off()/pop_off() count the depth and restore the
// interrupt state of the outermost push_off().
#pragma once
#include "types.h"

struct cpu;

struct spinlock {
  uint locked;      // 0 = free, 1 = held (changed only with amoswap)
  const char *name; // for panics and debugging
  struct cpu *cpu;  // the hart holding the lock, while locked
};

// Give a lock its name; it starts free.
void spin_init(struct spinlock *lk, const char *name);

// Spin until the lock is ours. Turns interrupts off until spin_unlock.
// Panics if this hart already holds the lock.
void spin_lock(struct spinlock *lk);

// Release a lock held by this hart. Panics if this hart does not hold it.
void spin_unlock(struct spinlock *lk);

// Does this hart hold the lock? Call with interrupts off.
int spin_holding(struct spinlock *lk);

// Turn interrupts off, counting the nesting depth.
void push_off(void);

// Undo one push_off(); interrupts come back on at the outermost level if
// they were on before it.
void pop_off(void);
