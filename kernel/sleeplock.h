// Sleeping locks: long-term locks (inodes, buffers) that a process may hold
// across a disk wait. A process that finds the lock held goes to sleep
// instead of spinning, so the hart can run something else.
#pragma once
#include "types.h"
#include "spinlock.h"

struct sleeplock {
  uint locked;        // [lk] is the lock held?
  struct spinlock lk; // protects this structure
  const char *name;   // [I] for debugging
  int pid;            // [lk] process holding the lock
};

void sleeplock_init(struct sleeplock *slk, const char *name);

// Acquire, sleeping while another process holds it. Must not be called
// with a spinlock held.
void sleeplock_acquire(struct sleeplock *slk);

// Release; wakes every process waiting for it.
void sleeplock_release(struct sleeplock *slk);

// Does the current process hold it?
int sleeplock_holding(struct sleeplock *slk);
