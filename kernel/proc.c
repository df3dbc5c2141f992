// Processes: creation (fork), exit, wait, kill, sleep/wakeup, and the
// per-hart scheduler loop.
//
// Each hart runs scheduler() on its boot stack. To run a process it
// swtch()es to the process's kernel thread; the process comes back with
// sched(), holding its own p->lock, and the scheduler releases it.
//
// Process structures come from the "proc" slab cache and are linked on
// one list of all processes, so their number is limited by NPROC and by
// memory, not by a table. Whoever walks the list holds proc_list_lock for
// the whole walk; a process leaves the list (and is freed) only under it,
// so a walker never sees a freed process.
//
// Locks: [p] p->lock  [w] wait_lock  [l] proc_list_lock
// Lock order: wait_lock -> proc_list_lock -> p->lock
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
#include "slab.h"
#include "vma.h"
#include "mlfq.h"
#include "semaphore.h"

struct cpu cpus[NCPU];

static struct slab_cache *proc_cache, *trapframe_cache;
static struct spinlock proc_list_lock;
static struct proc *all_procs; // [l] linked through p->next
static int nprocs;             // [l] length of all_procs
static int next_pid = 1;       // [l]
static struct proc *initproc;
static struct spinlock wait_lock;

extern volatile uint64 idle_harts; // mlfq.c

extern void swtch(struct context *old, struct context *new);

static void fork_return(void);

void
proc_init(void)
{
  spin_init(&proc_list_lock, "proc_list");
  spin_init(&wait_lock, "wait");
  proc_cache = slab_cache_create("proc", sizeof(struct proc));
  trapframe_cache = slab_cache_create("trapframe", sizeof(struct trapframe));
  if (proc_cache == 0 || trapframe_cache == 0)
    panic("proc_init: no memory");
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

// Free a process's memory: its address space, kernel stack, trapframe
// and the struct itself. p is on no list and no other hart can reach it.
static void
proc_free(struct proc *p)
{
  if (p->trapframe)
    slab_free(trapframe_cache, p->trapframe);
  if (p->kstack)
    pages_free((void *)p->kstack, KSTACK_ORDER);
  vma_free_list(p->vmas, 0); // only a fork that failed leaves regions here
  if (p->pagetable)
    uvm_free(p->pagetable);
  slab_free(proc_cache, p);
}

// Take p off the list of all processes. proc_list_lock held.
static void
proc_unlink(struct proc *p)
{
  struct proc **pp = &all_procs;
  while (*pp != p)
    pp = &(*pp)->next;
  *pp = p->next;
  nprocs--;
}

// Make a new process with a pid, a trapframe, a kernel stack and an empty
// address space; its kernel thread will start in fork_return. It is on the
// process list in state USED, so no hart will run it and its creator may
// fill it in without its lock (and sleep meanwhile, as fork may). Returns
// 0 if there are NPROC processes already or memory is short.
static struct proc *
proc_alloc(void)
{
  struct proc *p = slab_alloc(proc_cache);
  if (p == 0)
    return 0;
  spin_init(&p->lock, "proc");
  spin_init(&p->vm_lock, "vm");
  p->trapframe = slab_alloc(trapframe_cache);
  p->kstack = (uint64)pages_alloc(KSTACK_ORDER);
  p->pagetable = uvm_create();
  if (p->trapframe == 0 || p->kstack == 0 || p->pagetable == 0) {
    proc_free(p);
    return 0;
  }
  *(uint64 *)p->kstack = KSTACK_MAGIC; // overwritten if the stack overflows
  p->context.ra = (uint64)fork_return;
  p->context.sp = p->kstack + KSTACK_SIZE;
  p->state = USED;

  spin_lock(&proc_list_lock);
  if (nprocs >= NPROC) {
    spin_unlock(&proc_list_lock);
    proc_free(p);
    return 0;
  }
  p->pid = next_pid++;
  p->next = all_procs;
  all_procs = p;
  nprocs++;
  spin_unlock(&proc_list_lock);
  return p;
}

// A process that fork could not finish: off the list and freed.
static void
proc_discard(struct proc *p)
{
  spin_lock(&proc_list_lock);
  proc_unlink(p);
  spin_unlock(&proc_list_lock);
  proc_free(p);
}

void
make_runnable(struct proc *p, int from_sleep)
{
  p->state = RUNNABLE;
  p->wake_time = from_sleep ? r_time() : 0;
  runq_add(p);
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
  spin_lock(&p->lock);
  make_runnable(p, 0);
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
    char *argv[] = {"init", 0};
    if (kexec("/init", argv, 0) < 0)
      panic("fork_return: cannot exec /init");
  }
  user_trap_return();
}

// Growing the heap maps nothing: pages appear when first touched (see
// uvm_fault). Growth beyond the free memory there is now is refused, so
// that sbrk fails cleanly instead of a later touch finding no memory.
int
proc_grow(int n)
{
  struct proc *p = myproc();
  struct vma *heap = vma_heap(p);
  uint64 sz = p->sz, newsz = sz + n;
  if (heap == 0)
    return -1;
  if (n > 0) {
    if (newsz > vma_heap_limit(p) || newsz < sz ||
        (PGROUNDUP(newsz) - PGROUNDUP(sz)) / PGSIZE > page_free_count())
      return -1;
  } else if (n < 0) {
    if (newsz < heap->start || newsz > sz)
      return -1;
    uvm_dealloc(p->pagetable, sz, newsz);
  }
  spin_lock(&p->vm_lock);
  heap->end = PGROUNDUP(newsz);
  p->sz = newsz;
  spin_unlock(&p->vm_lock);
  return 0;
}

int
proc_fork(void)
{
  struct proc *parent = myproc();
  struct proc *child = proc_alloc();
  if (child == 0)
    return -1;
  if (vma_fork(parent, child) < 0) {
    proc_discard(child);
    return -1;
  }
  child->sz = parent->sz;
  *child->trapframe = *parent->trapframe;
  child->trapframe->a0 = 0; // fork returns 0 in the child
  for (int fd = 0; fd < NOFILE; fd++)
    if (parent->ofile[fd])
      child->ofile[fd] = file_dup(parent->ofile[fd]);
  child->cwd = inode_dup(parent->cwd);
  usem_fork(parent, child);
  safestrcpy(child->name, parent->name, sizeof(child->name));
  int pid = child->pid;

  spin_lock(&wait_lock);
  child->parent = parent;
  spin_unlock(&wait_lock);

  spin_lock(&child->lock);
  make_runnable(child, 0);
  spin_unlock(&child->lock);
  return pid;
}

// Give p's children to init. Caller holds wait_lock.
static void
reparent(struct proc *p)
{
  int gave = 0;
  spin_lock(&proc_list_lock);
  for (struct proc *c = all_procs; c; c = c->next) {
    if (c->parent == p) {
      c->parent = initproc;
      gave = 1;
    }
  }
  spin_unlock(&proc_list_lock);
  if (gave)
    wakeup(initproc);
}

void
proc_exit(int status)
{
  struct proc *p = myproc();
  if (p == initproc)
    panic("proc_exit: init exiting with status %d", status);

  vma_free_all(p); // writes shared file mappings back
  usem_close_all(p);
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

// Find a zombie child of p and take it off the process list; set
// *have_children if p has any child. Caller holds wait_lock.
static struct proc *
unlink_zombie_child(struct proc *p, int *have_children)
{
  struct proc *zombie = 0;
  spin_lock(&proc_list_lock);
  for (struct proc *c = all_procs; c && !zombie; c = c->next) {
    if (c->parent != p)
      continue;
    *have_children = 1;
    spin_lock(&c->lock); // its last sched() has finished once we have it
    if (c->state == ZOMBIE)
      zombie = c;
    spin_unlock(&c->lock);
  }
  if (zombie)
    proc_unlink(zombie);
  spin_unlock(&proc_list_lock);
  return zombie;
}

int
proc_wait(uint64 addr)
{
  struct proc *p = myproc();
  spin_lock(&wait_lock);
  for (;;) {
    int have_children = 0;
    struct proc *c = unlink_zombie_child(p, &have_children);
    if (c) {
      spin_unlock(&wait_lock);
      int pid = c->pid;
      if (addr != 0 && copyout(p->pagetable, addr, &c->xstate, sizeof(c->xstate)) < 0)
        pid = -1; // a bad status pointer; the child is reaped all the same
      proc_free(c);
      return pid;
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
  int found = -1;
  spin_lock(&proc_list_lock);
  for (struct proc *p = all_procs; p; p = p->next) {
    if (p->pid != pid)
      continue;
    spin_lock(&p->lock);
    proc_set_killed(p);
    if (p->state == SLEEPING)
      make_runnable(p, 1); // it notices p->killed when it wakes
    spin_unlock(&p->lock);
    found = 0;
    break;
  }
  spin_unlock(&proc_list_lock);
  return found;
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

// Take the next process to run from the run queues and return it with
// p->lock held; 0 if there is none.
static struct proc *
pick_next(void)
{
  struct proc *p = runq_pop();
  if (p == 0)
    return 0;
  // Off the queue and RUNNABLE, p can change state only by being run, so
  // it is still RUNNABLE once we hold its lock.
  spin_lock(&p->lock);
  if (p->state != RUNNABLE)
    panic("pick_next: pid %d on the run queue is not runnable", p->pid);
  return p;
}

// Wait for an interrupt with interrupts off: a pending interrupt (timer,
// device, or the IPI make_runnable sends) ends wfi even so, and is then
// taken when interrupts come back on.
static void
idle_wait(void)
{
  uint64 bit = 1UL << cpuid();
  intr_off();
  __atomic_fetch_or(&idle_harts, bit, __ATOMIC_SEQ_CST);
  if (!runq_nonempty()) // re-checked after announcing we are idle
    asm volatile("wfi");
  __atomic_fetch_and(&idle_harts, ~bit, __ATOMIC_SEQ_CST);
  intr_on();
}

// p (locked) is about to run: start its clock, count the wake-up latency.
static void
run_accounting(struct proc *p)
{
  uint64 now = r_time();
  p->state = RUNNING;
  p->run_start = now;
  p->nscheduled++;
  if (p->wake_time) {
    uint64 latency = now - p->wake_time;
    p->nwakeups++;
    p->wake_latency_sum += latency;
    p->wake_latency_max = MAX(p->wake_latency_max, latency);
    p->wake_time = 0;
  }
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
      idle_wait();
      continue;
    }
    run_accounting(p);
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
  if (*(uint64 *)p->kstack != KSTACK_MAGIC)
    panic("sched: pid %d (%s) overflowed its kernel stack", p->pid, p->name);
  mlfq_charge(p, r_time());
  if (p->state == RUNNABLE)
    runq_add(p);          // yield: to the tail of its (maybe new) level
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
    [UNUSED] = "unused",   [USED] = "used",   [SLEEPING] = "sleep",
    [RUNNABLE] = "runble", [RUNNING] = "run", [ZOMBIE] = "zombie",
};

void
procdump(void)
{
  uint64 tick = machine.timebase_hz / TICK_HZ;
  kprintf("\npid  state   level  ticks(level 0/1/2)  name\n");
  // No lock: this runs from the console interrupt to debug a hung
  // kernel, and must not wait for a lock a stuck hart may hold.
  for (struct proc *p = all_procs; p; p = p->next) {
    kprintf("%d  %s  %d  ", p->pid, state_names[p->state], p->level);
    for (int l = 0; l < MLFQ_LEVELS; l++)
      kprintf(l ? "/%lu" : "%lu", p->level_time[l] / tick);
    kprintf("  %s\n", p->name);
  }
}

int
proc_with_pid(int pid, void (*fn)(struct proc *p, void *arg), void *arg)
{
  int found = -1;
  spin_lock(&proc_list_lock);
  for (struct proc *p = all_procs; p; p = p->next) {
    if (p->pid == pid && p->state != ZOMBIE) {
      fn(p, arg);
      found = 0;
      break;
    }
  }
  spin_unlock(&proc_list_lock);
  return found;
}

int
proc_parent_pid(struct proc *p)
{
  spin_lock(&wait_lock);
  int pid = p->parent ? p->parent->pid : 0;
  spin_unlock(&wait_lock);
  return pid;
}

void
proc_foreach(void (*fn)(struct proc *p, void *arg), void *arg)
{
  spin_lock(&proc_list_lock);
  for (struct proc *p = all_procs; p; p = p->next)
    fn(p, arg);
  spin_unlock(&proc_list_lock);
}

int
proc_count(void)
{
  spin_lock(&proc_list_lock);
  int n = nprocs;
  spin_unlock(&proc_list_lock);
  return n;
}
