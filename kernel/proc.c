// Processes: creation (fork), exit, wait, kill, sleep/wakeup, and the
// per-hart scheduler loop.
//
// Each hart runs scheduler() on its boot stack. To run a process it
// swtch()es to the process's kernel thread; the process comes back with
// sched(), holding its own p->lock, and the scheduler releases it.
//
// Locks: [p] p->lock  [w] wait_lock  [pid] pid_lock
// Lock order: wait_lock -> p->lock
// wait_lock keeps a parent from missing the wakeup of an exiting child;
// it is held across p->parent reads and writes.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "proc.h"
#include "klib.h"
#include "printf.h"
#include "kalloc.h"
#include "vm.h"
#include "file.h"
#include "inode.h"
#include "log.h"
#include "trap.h"
#include "exec.h"
#include "sbi.h"
#include "fdt.h"

struct cpu cpus[NCPU];

static struct proc proc[NPROC];
static struct proc *initproc;

static struct spinlock pid_lock;
static int next_pid = 1; // [pid]
static struct spinlock wait_lock;

// Harts waiting in wfi for work (bit i = hart i); updated atomically.
static volatile uint64 idle_harts;

extern void swtch(struct context *old, struct context *new);

static void fork_return(void);

void
proc_init(void)
{
  spin_init(&pid_lock, "pid");
  spin_init(&wait_lock, "wait");
  for (struct proc *p = proc; p < &proc[NPROC]; p++)
    spin_init(&p->lock, "proc");
}

int
cpuid(void)
{
  return r_tp();
}

struct cpu *
mycpu(void)
{
  return &cpus[cpuid()];
}

struct proc *
myproc(void)
{
  // Interrupts off, so that we cannot be moved to another hart between
  // finding our cpu and reading its proc.
  int was_on = intr_save();
  struct proc *p = mycpu()->proc;
  intr_restore(was_on);
  return p;
}

static int
alloc_pid(void)
{
  spin_lock(&pid_lock);
  int pid = next_pid++;
  spin_unlock(&pid_lock);
  return pid;
}

// Release everything a process owns except its slot; p->lock held.
static void
proc_free(struct proc *p)
{
  if (p->trapframe)
    page_free(p->trapframe);
  if (p->kstack)
    page_free((void *)p->kstack);
  if (p->pagetable)
    uvm_free(p->pagetable);
  p->trapframe = 0;
  p->kstack = 0;
  p->pagetable = 0;
  p->sz = 0;
  p->pid = 0;
  p->parent = 0;
  p->name[0] = 0;
  p->chan = 0;
  p->killed = 0;
  p->xstate = 0;
  p->state = UNUSED;
}

// Find an unused slot and give it a pid, a trapframe, a kernel stack and
// an empty address space; its kernel thread will start in fork_return.
// Returns the process with p->lock held, or 0 if there is no slot or no
// memory.
static struct proc *
proc_alloc(void)
{
  struct proc *p;
  for (p = proc; p < &proc[NPROC]; p++) {
    spin_lock(&p->lock);
    if (p->state == UNUSED)
      goto found;
    spin_unlock(&p->lock);
  }
  return 0;

found:
  p->pid = alloc_pid();
  p->state = USED;
  p->trapframe = page_alloc();
  p->kstack = (uint64)page_alloc();
  p->pagetable = uvm_create();
  if (p->trapframe == 0 || p->kstack == 0 || p->pagetable == 0) {
    proc_free(p);
    spin_unlock(&p->lock);
    return 0;
  }
  memset(&p->context, 0, sizeof(p->context));
  p->context.ra = (uint64)fork_return;
  p->context.sp = p->kstack + PGSIZE;
  return p;
}

// Make p runnable (p->lock held) and wake an idle hart to run it.
// The fence orders our write of p->state before our read of idle_harts;
// idle_wait() does the opposite, so one of us always sees the other.
static void
make_runnable(struct proc *p)
{
  p->state = RUNNABLE;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  uint64 idle = idle_harts;
  if (idle)
    sbi_send_ipi(idle & -idle); // the lowest idle hart
}

// Create the first process. Its kernel thread (fork_return) mounts the
// file system and execs /init.
void
userinit(void)
{
  struct proc *p = proc_alloc();
  if (p == 0)
    panic("userinit: no memory");
  initproc = p;
  safestrcpy(p->name, "init", sizeof(p->name));
  make_runnable(p);
  spin_unlock(&p->lock);
}

// A new process's kernel thread starts here, from the scheduler, holding
// p->lock. The first process also does the set-up that must sleep.
static void
fork_return(void)
{
  static int first = 1;
  struct proc *p = myproc();
  spin_unlock(&p->lock);

  if (first) {
    first = 0;
    fs_init(ROOTDEV);
    p->cwd = path_lookup("/");
    char *argv[] = { "init", 0 };
    if (kexec("/init", argv, 0) < 0)
      panic("fork_return: cannot exec /init");
  }
  user_trap_return();
}

int
proc_grow(int n)
{
  struct proc *p = myproc();
  uint64 sz = p->sz;
  if (n > 0) {
    if (sz + n > USER_STACK_TOP - (USERSTACK + 1) * PGSIZE)
      return -1; // would run into the stack's guard page
    if ((sz = uvm_alloc(p->pagetable, sz, sz + n, PTE_W)) == 0)
      return -1;
  } else if (n < 0) {
    if ((uint64)-n > sz - USER_TEXT_BASE)
      return -1;
    sz = uvm_dealloc(p->pagetable, sz, sz + n);
  }
  p->sz = sz;
  return 0;
}

int
proc_fork(void)
{
  struct proc *parent = myproc();
  struct proc *child = proc_alloc();
  if (child == 0)
    return -1;
  if (uvm_copy(parent->pagetable, child->pagetable) < 0) {
    proc_free(child);
    spin_unlock(&child->lock);
    return -1;
  }
  child->sz = parent->sz;
  *child->trapframe = *parent->trapframe;
  child->trapframe->a0 = 0; // fork returns 0 in the child
  for (int fd = 0; fd < NOFILE; fd++)
    if (parent->ofile[fd])
      child->ofile[fd] = file_dup(parent->ofile[fd]);
  child->cwd = inode_dup(parent->cwd);
  safestrcpy(child->name, parent->name, sizeof(child->name));
  int pid = child->pid;
  spin_unlock(&child->lock);

  spin_lock(&wait_lock);
  child->parent = parent;
  spin_unlock(&wait_lock);

  spin_lock(&child->lock);
  make_runnable(child);
  spin_unlock(&child->lock);
  return pid;
}

// Give p's children to init. Caller holds wait_lock.
static void
reparent(struct proc *p)
{
  for (struct proc *c = proc; c < &proc[NPROC]; c++) {
    if (c->parent == p) {
      c->parent = initproc;
      wakeup(initproc);
    }
  }
}

void
proc_exit(int status)
{
  struct proc *p = myproc();
  if (p == initproc)
    panic("proc_exit: init exiting with status %d", status);

  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd]) {
      file_close(p->ofile[fd]);
      p->ofile[fd] = 0;
    }
  }
  log_begin_op();
  inode_put(p->cwd);
  log_end_op();
  p->cwd = 0;

  spin_lock(&wait_lock);
  reparent(p);
  wakeup(p->parent);
  spin_lock(&p->lock);
  p->xstate = status;
  p->state = ZOMBIE;
  spin_unlock(&wait_lock);

  sched();
  panic("proc_exit: zombie %d ran again", p->pid);
}

int
proc_wait(uint64 addr)
{
  struct proc *p = myproc();
  spin_lock(&wait_lock);
  for (;;) {
    int have_children = 0;
    for (struct proc *c = proc; c < &proc[NPROC]; c++) {
      if (c->parent != p)
        continue;
      spin_lock(&c->lock);
      have_children = 1;
      if (c->state == ZOMBIE) {
        int pid = c->pid;
        if (addr != 0 && copyout(p->pagetable, addr, &c->xstate, sizeof(c->xstate)) < 0)
          pid = -1; // bad status pointer: leave the zombie for a retry
        else
          proc_free(c);
        spin_unlock(&c->lock);
        spin_unlock(&wait_lock);
        return pid;
      }
      spin_unlock(&c->lock);
    }
    if (!have_children || proc_killed(p)) {
      spin_unlock(&wait_lock);
      return -1;
    }
    sleep_on(p, &wait_lock); // proc_exit wakes the parent
  }
}

int
proc_kill(int pid)
{
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    spin_lock(&p->lock);
    if (p->pid == pid && p->state != UNUSED) {
      p->killed = 1;
      if (p->state == SLEEPING)
        make_runnable(p); // it notices p->killed when it wakes
      spin_unlock(&p->lock);
      return 0;
    }
    spin_unlock(&p->lock);
  }
  return -1;
}

// p->killed only ever changes from 0 to 1 while p exists, so it is read
// and written atomically instead of under p->lock (it is checked on every
// system call).
void
proc_set_killed(struct proc *p)
{
  __atomic_store_n(&p->killed, 1, __ATOMIC_RELEASE);
}

int
proc_killed(struct proc *p)
{
  return __atomic_load_n(&p->killed, __ATOMIC_ACQUIRE);
}

// Find a runnable process and return it with p->lock held; 0 if there is
// none. A slot is only locked if a lock-free look says it is runnable
// (taking 64 locks per pass would dominate the cost of a context switch).
static struct proc *
pick_next(void)
{
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (__atomic_load_n(&p->state, __ATOMIC_ACQUIRE) != RUNNABLE)
      continue;
    spin_lock(&p->lock);
    if (p->state == RUNNABLE)
      return p;
    spin_unlock(&p->lock);
  }
  return 0;
}

// Wait for an interrupt with interrupts off: a pending interrupt (timer,
// device, or the IPI make_runnable sends) ends wfi even so, and is then
// taken when interrupts come back on.
static void
idle_wait(struct cpu *c)
{
  uint64 bit = 1UL << cpuid();
  intr_off();
  __atomic_fetch_or(&idle_harts, bit, __ATOMIC_SEQ_CST);
  struct proc *p = pick_next(); // re-check after announcing we are idle
  if (p) {
    spin_unlock(&p->lock);
  } else {
    uint64 t0 = r_time();
    asm volatile("wfi");
    c->idle_ticks += r_time() - t0;
  }
  __atomic_fetch_and(&idle_harts, ~bit, __ATOMIC_SEQ_CST);
  intr_on();
}

void
scheduler(void)
{
  struct cpu *c = mycpu();
  c->proc = 0;
  for (;;) {
    intr_on(); // let devices interrupt between processes
    struct proc *p = pick_next();
    if (p == 0) {
      idle_wait(c);
      continue;
    }
    p->state = RUNNING;
    c->proc = p;
    CSR_WRITE(satp, MAKE_SATP(V2P(p->pagetable)));
    sfence_vma();
    swtch(&c->context, &p->context);
    // The process gave the hart back (yield, sleep or exit). Leave its
    // address space: it may run on another hart next and exec or exit
    // there, freeing the page table this hart's satp still points at.
    // (No TLB flush: the kernel half is the same in both, and the next
    // process's satp write below is followed by one.)
    kvm_use_kernel_table();
    c->proc = 0;
    spin_unlock(&p->lock);
  }
}

void
sched(void)
{
  struct proc *p = myproc();
  struct cpu *c = mycpu();
  if (!spin_holding(&p->lock))
    panic("sched: p->lock not held");
  if (c->noff != 1)
    panic("sched: %d locks held", c->noff);
  if (p->state == RUNNING)
    panic("sched: process still RUNNING");
  if (intr_get())
    panic("sched: interrupts on");
  int intena = c->intena; // a property of this kernel thread, not the hart
  swtch(&p->context, &c->context);
  mycpu()->intena = intena;
}

void
yield(void)
{
  struct proc *p = myproc();
  spin_lock(&p->lock);
  p->state = RUNNABLE;
  sched();
  spin_unlock(&p->lock);
}

void
sleep_on(void *chan, struct spinlock *lk)
{
  struct proc *p = myproc();
  // We become SLEEPING before letting go of lk, and hold p->lock until
  // sched() has switched away. A waker holds lk when it changes the
  // condition and calls wakeup(chan), so it either ran before we checked
  // the condition or sees us SLEEPING (and waits for p->lock).
  spin_lock(&p->lock);
  p->chan = chan;
  p->state = SLEEPING;
  spin_unlock(lk);
  sched();
  p->chan = 0;
  spin_unlock(&p->lock);
  spin_lock(lk);
}

void
wakeup(void *chan)
{
  struct proc *me = myproc();
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (p == me || __atomic_load_n(&p->state, __ATOMIC_ACQUIRE) != SLEEPING ||
        p->chan != chan)
      continue; // a lock-free look first; re-checked under the lock
    spin_lock(&p->lock);
    if (p->state == SLEEPING && p->chan == chan)
      make_runnable(p);
    spin_unlock(&p->lock);
  }
}

int
either_copyout(int user_dst, uint64 dst, const void *src, uint64 len)
{
  if (user_dst)
    return copyout(myproc()->pagetable, dst, src, len);
  memmove((void *)dst, src, len);
  return 0;
}

int
either_copyin(void *dst, int user_src, uint64 src, uint64 len)
{
  if (user_src)
    return copyin(myproc()->pagetable, dst, src, len);
  memmove(dst, (void *)src, len);
  return 0;
}

static const char *const state_names[] = {
  [UNUSED] = "unused", [USED] = "used",     [SLEEPING] = "sleep",
  [RUNNABLE] = "runble", [RUNNING] = "run", [ZOMBIE] = "zombie",
};

void
procdump(void)
{
  kprintf("\n");
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (p->state == UNUSED)
      continue;
    kprintf("%d %s %s\n", p->pid, state_names[p->state], p->name);
  }
}

int
proc_count(void)
{
  int n = 0;
  for (struct proc *p = proc; p < &proc[NPROC]; p++)
    if (p->state != UNUSED)
      n++;
  return n;
}
