// Processes, harts, and the scheduler.
#pragma once
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"

// Registers saved by swtch() when a kernel thread gives up its hart:
// the callee-saved ones plus ra and sp.
struct context {
  uint64 ra;
  uint64 sp;
  uint64 s[12]; // s0..s11
};

// Per-hart state.
struct cpu {
  struct proc *proc;      // process running on this hart, or 0
  struct context context; // swtch() here to enter the scheduler loop
  int noff;               // depth of push_off() nesting
  int intena;             // were interrupts enabled before push_off()?
  int online;             // has this hart finished booting?
};

extern struct cpu cpus[NCPU];

// User registers saved on a trap from user mode, plus what the trap entry
// (kernel/trapentry.S) needs to enter the kernel. sscratch holds the
// address of the running process's trapframe while it is in user mode.
// The byte offsets are used by the assembly and checked in trap.c.
// clang-format off
struct trapframe {
  /*   0 */ uint64 ra;
  /*   8 */ uint64 sp;
  /*  16 */ uint64 gp;
  /*  24 */ uint64 tp;
  /*  32 */ uint64 t0;
  /*  40 */ uint64 t1;
  /*  48 */ uint64 t2;
  /*  56 */ uint64 s0;
  /*  64 */ uint64 s1;
  /*  72 */ uint64 a0;
  /*  80 */ uint64 a1;
  /*  88 */ uint64 a2;
  /*  96 */ uint64 a3;
  /* 104 */ uint64 a4;
  /* 112 */ uint64 a5;
  /* 120 */ uint64 a6;
  /* 128 */ uint64 a7;
  /* 136 */ uint64 s2;
  /* 144 */ uint64 s3;
  /* 152 */ uint64 s4;
  /* 160 */ uint64 s5;
  /* 168 */ uint64 s6;
  /* 176 */ uint64 s7;
  /* 184 */ uint64 s8;
  /* 192 */ uint64 s9;
  /* 200 */ uint64 s10;
  /* 208 */ uint64 s11;
  /* 216 */ uint64 t3;
  /* 224 */ uint64 t4;
  /* 232 */ uint64 t5;
  /* 240 */ uint64 t6;
  /* 248 */ uint64 epc;           // user pc (sepc)
  /* 256 */ uint64 kernel_sp;     // top of this process's kernel stack
  /* 264 */ uint64 kernel_hartid; // hart id, loaded into tp on entry
};
// clang-format on

enum procstate { UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

// Kernel stacks: 2^KSTACK_ORDER pages, with KSTACK_MAGIC in the lowest
// word; sched() panics if an overflow has overwritten it.
#define KSTACK_ORDER 1
#define KSTACK_SIZE (PGSIZE << KSTACK_ORDER)
#define KSTACK_MAGIC 0x5374616b4b535441UL

// Per-process state.
// Locks: [p] p->lock  [w] wait_lock  [l] proc_list_lock (in proc.c)
// [q] the run queues' lock (mlfq.c)  [w] the wait queue's lock (sleep.c)
// [s] the semaphore's lock (semaphore.c)
// [o] only the process itself (or its creator before it first runs)
// touches the field.
// Lock order: wait_lock -> proc_list_lock -> p->lock
struct proc {
  struct spinlock lock;

  enum procstate state; // [p]
  void *chan;           // [p] if SLEEPING, what it waits for
  int killed;           // [atomic] set by kill(); checked at safe points
  int xstate;           // [p] exit status for the parent's wait()
  int pid;              // [p]

  struct proc *parent; // [w]
  struct proc *next;   // [l] the list of all processes

  // Scheduling (kernel/mlfq.c). [q] the run-queue lock.
  int level;                      // [q] MLFQ level, 0 = top
  uint64 level_used;              // [q] run time used at this level
  uint64 level_time[MLFQ_LEVELS]; // [q] run time at each level, in total
  struct proc *rq_next;           // [q] next on the same run queue
  struct proc *wq_next;           // [w] next on the same wait queue
  int wq_queued;                  // [w] on a wait queue (sleep.c)
  uint64 run_start;               // [p] when it last started running
  uint64 nscheduled;              // [p] times picked to run
  uint64 wake_time;               // [p] when woken from sleep (0: not)
  uint64 nwakeups;                // [p] wake-ups that led to running
  uint64 wake_latency_sum;        // [p] total wake-to-run time
  uint64 wake_latency_max;        // [p] longest wake-to-run time

  uint64 kstack;               // [o] kernel VA of the kernel stack (bottom)
  uint64 sz;                   // [o] user memory [0, sz): text, data, heap
  pagetable_t pagetable;       // [o] user page table
  struct trapframe *trapframe; // [o] saved user registers
  struct context context;      // [o] swtch() here to run the process
  struct vma *vmas;            // [o, v to change] regions (vma.h)
  struct spinlock vm_lock;     // guards vmas and pagetable for readers
  struct file *ofile[NOFILE];  // [o] open files
  struct usem *sems[NSEM];     // [o] semaphore descriptors (semaphore.c)
  struct proc *sem_next;       // [s] next waiter on the same semaphore
  int sem_granted;             // [s] sem_up handed this waiter a unit
  struct inode *cwd;           // [o] current directory
  char name[16];               // [o] program name, for debugging
};

// The current hart's id (interrupts must be off, or the answer may be stale).
int cpuid(void);
struct cpu *mycpu(void);
// The process running on this hart, or 0.
struct proc *myproc(void);

void proc_init(void);
void userinit(void);
_Noreturn void scheduler(void);

int proc_fork(void);
_Noreturn void proc_exit(int status);
// Wait for a child to exit; copy its status to user address addr if non-0.
// Returns the child's pid, or -1 if there are no children or on kill.
int proc_wait(uint64 addr);
int proc_kill(int pid);
// Grow (n > 0) or shrink user memory by n bytes. 0, or -1 on failure.
int proc_grow(int n);

void proc_set_killed(struct proc *p);
int proc_killed(struct proc *p);

// Give up the hart for one scheduling round.
void yield(void);
// Switch to the scheduler; caller holds exactly p->lock and changed p->state.
void sched(void);

// Make p runnable (p->lock held): queue it and wake an idle hart for it.
// from_sleep: it was SLEEPING (its wake-to-run latency is measured).
void make_runnable(struct proc *p, int from_sleep);

// kernel/sleep.c: sleeping on wait queues.
void waitq_init(void);
// Atomically release lk and sleep on chan; reacquire lk when woken.
// A wakeup may be spurious: callers loop, re-checking their condition.
void sleep_on(void *chan, struct spinlock *lk);
// Wake every process sleeping on chan, in the order they went to sleep.
// The caller holds the lock that protects the condition slept on (the lk
// given to sleep_on). Must not hold any p->lock.
void wakeup(void *chan);

// Copy to or from either a user address (user_* = 1, in the current
// process's address space) or a kernel address. Return 0 or -1.
int either_copyout(int user_dst, uint64 dst, const void *src, uint64 len);
int either_copyin(void *dst, int user_src, uint64 src, uint64 len);

// Print the process table to the console (Ctrl-P).
void procdump(void);

// Call fn(p, arg) for the live process with the given pid, holding the
// process list's lock so that p cannot be freed meanwhile (fn must not
// sleep). Returns 0, or -1 if there is no such process.
int proc_with_pid(int pid, void (*fn)(struct proc *p, void *arg), void *arg);

// The pid of p's parent (0 for init).
int proc_parent_pid(struct proc *p);

// Call fn(p, arg) for every process, holding the process list's lock.
void proc_foreach(void (*fn)(struct proc *p, void *arg), void *arg);

// Number of processes in use (for statistics).
int proc_count(void);
