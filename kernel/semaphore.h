// Counting semaphores with a FIFO wait queue.
#pragma once
#include "types.h"
#include "spinlock.h"

struct proc;

struct semaphore {
  struct spinlock lock;
  int value;         // [lock] units available (never negative)
  struct proc *head; // [lock] waiters, oldest first, linked by p->sem_next
  struct proc *tail; // [lock]
  const char *name;  // [I]
};

void sem_init(struct semaphore *s, int value, const char *name);

// P: take one unit, sleeping until one is free. Waiters are served in the
// order they arrived (sem_up hands its unit straight to the oldest).
// Returns 0, or -1 if the process was killed while waiting (it then holds
// no unit and is no longer queued).
int sem_down(struct semaphore *s);

// Take one unit if one is free without sleeping: 0, or -1 if none.
int sem_trydown(struct semaphore *s);

// V: give one unit back, to the oldest waiter if there is one.
void sem_up(struct semaphore *s);

// kernel/semaphore.c also has the user semaphores: per-process tables of
// references to shared semaphores, inherited across fork.
struct usem;
void usem_init(void);
// Give child a reference to each of parent's semaphores (fork).
void usem_fork(struct proc *parent, struct proc *child);
// Drop every semaphore reference of p (exit).
void usem_close_all(struct proc *p);
