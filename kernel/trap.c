// Trap handling: what happens after trapentry.S has saved the registers.
//
// From user mode (user_trap): a system call (scause = ecall from U-mode),
// a device or timer interrupt, or an exception -- a fault that kills the
// process with a one-line report. From kernel mode (kernel_trap): only
// interrupts are expected; an exception there is a kernel bug and panics.
#include <stddef.h>
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "proc.h"
#include "printf.h"
#include "trap.h"
#include "syscall_dispatch.h"
#include "plic.h"
#include "uart.h"
#include "virtio.h"
#include "sbi.h"
#include "fdt.h"
#include "vm.h"
#include "vma.h"
#include "mlfq.h"

// trapentry.S uses these offsets.
_Static_assert(offsetof(struct trapframe, a0) == 72, "trapframe a0");
_Static_assert(offsetof(struct trapframe, epc) == 248, "trapframe epc");
_Static_assert(offsetof(struct trapframe, kernel_sp) == 256, "trapframe kernel_sp");
_Static_assert(offsetof(struct trapframe, kernel_hartid) == 264, "trapframe hartid");

struct spinlock tickslock;
uint64 ticks;

static uint64 tick_interval; // [I] rdtime units between timer interrupts
static uint64 boot_time;     // [I] rdtime at trap_init: tick 0
static int timekeeper_hart;  // [I] the hart that advances `ticks`

extern char uservec[], kernelvec[];
extern void userret_fn(struct trapframe *tf) __asm__("userret");

enum intr_kind { INTR_NONE, INTR_TIMER, INTR_OTHER };

void
trap_init(void)
{
  spin_init(&tickslock, "ticks");
  tick_interval = machine.timebase_hz / TICK_HZ;
  boot_time = r_time();
  timekeeper_hart = cpuid();
}

// Ask for a timer interrupt at the next tick boundary (boot_time plus a
// multiple of tick_interval). Counting from the boundary, not from "now",
// keeps late interrupts from pushing every later tick back.
static void
timer_arm(void)
{
  uint64 next = boot_time + ((r_time() - boot_time) / tick_interval + 1) * tick_interval;
  if (machine.has_sstc)
    asm volatile("csrw 0x14d, %0" : : "r"(next)); // CSR_STIMECMP
  else
    sbi_set_timer(next);
}

void
trap_init_hart(void)
{
  CSR_WRITE(stvec, kernelvec);
  CSR_SET(sie, SIE_SEIE | SIE_STIE | SIE_SSIE);
  timer_arm();
}

static void
timer_intr(void)
{
  if (cpuid() == timekeeper_hart) {
    // ticks follows the clock: if interrupts came late, it catches up.
    uint64 now = (r_time() - boot_time) / tick_interval;
    spin_lock(&tickslock);
    uint64 before = ticks;
    if (now > ticks) {
      ticks = now;
      wakeup(&ticks);
    }
    spin_unlock(&tickslock);
    if (now / MLFQ_BOOST_TICKS != before / MLFQ_BOOST_TICKS)
      mlfq_boost(); // a boost period boundary was crossed
  }
  timer_arm(); // writing stimecmp also clears the pending interrupt
}

// After a timer interrupt: should the process running here give up the
// hart? (Its slice is over, or a higher-priority process is waiting.)
static int
time_to_yield(void)
{
  struct proc *p = myproc();
  return p != 0 && p->state == RUNNING && mlfq_should_preempt(p, r_time());
}

// Handle an interrupt, given scause. Returns what kind it was.
static enum intr_kind
device_intr(uint64 scause)
{
  if (scause == SCAUSE_S_TIMER) {
    timer_intr();
    return INTR_TIMER;
  }
  if (scause == SCAUSE_S_EXT) {
    int irq = plic_claim();
    if (irq == UART0_IRQ)
      uart_intr();
    else if (irq == VIRTIO0_IRQ)
      virtio_blk_intr();
    else if (irq)
      kprintf("device_intr: unexpected irq %d\n", irq);
    if (irq)
      plic_complete(irq);
    return INTR_OTHER;
  }
  if (scause == SCAUSE_S_SOFT) {
    CSR_CLEAR(sip, SIE_SSIE); // an IPI: its only job was to end a wfi
    return INTR_OTHER;
  }
  return INTR_NONE;
}

// The name of an exception cause, for fault reports.
static const char *
cause_name(uint64 scause)
{
  // clang-format off
  switch (scause) {
  case EXC_INST_MISALIGNED: return "instruction address misaligned";
  case EXC_INST_ACCESS: return "instruction access fault";
  case EXC_ILLEGAL_INST: return "illegal instruction";
  case EXC_BREAKPOINT: return "breakpoint";
  case EXC_LOAD_MISALIGNED: return "load address misaligned";
  case EXC_LOAD_ACCESS: return "load access fault";
  case EXC_STORE_MISALIGNED: return "store address misaligned";
  case EXC_STORE_ACCESS: return "store access fault";
  case EXC_INST_PAGE_FAULT: return "instruction page fault";
  case EXC_LOAD_PAGE_FAULT: return "load page fault";
  case EXC_STORE_PAGE_FAULT: return "store page fault";
  default: return "unknown exception";
  }
  // clang-format on
}

// Why an exception other than a page fault happened, in words.
static const char *
exception_reason(uint64 scause)
{
  switch (scause) {
  case EXC_ILLEGAL_INST:
    return "not a valid instruction";
  case EXC_BREAKPOINT:
    return "ebreak";
  case EXC_INST_MISALIGNED:
  case EXC_LOAD_MISALIGNED:
  case EXC_STORE_MISALIGNED:
    return "misaligned address";
  default:
    return "access fault";
  }
}

// The kind of access of a page fault, or -1 if scause is not one.
static int
page_fault_access(uint64 scause)
{
  switch (scause) {
  case EXC_LOAD_PAGE_FAULT:
    return FAULT_READ;
  case EXC_STORE_PAGE_FAULT:
    return FAULT_WRITE;
  case EXC_INST_PAGE_FAULT:
    return FAULT_EXEC;
  default:
    return -1;
  }
}

// An exception nothing can resolve: report it in one line and kill.
static void
user_fault(struct proc *p, uint64 scause, uint64 stval, const char *why)
{
  uint64 sepc = p->trapframe->epc; // the CSR may have changed if we slept
  uint64 va = scause == EXC_ILLEGAL_INST ? sepc : stval;
  kprintf("fault: pid %d (%s): %s at va 0x%lx, sepc 0x%lx: %s\n", p->pid, p->name,
          cause_name(scause), va, sepc, why);
  proc_set_killed(p);
}

// A page fault from user mode: let the VM system resolve it (copy on
// write, lazy page, mapped file), or kill the process.
static void
user_page_fault(struct proc *p, uint64 scause, uint64 stval)
{
  const char *why;
  intr_on(); // resolving it may read the disk
  if (uvm_fault(p, stval, page_fault_access(scause), 1, &why) < 0)
    user_fault(p, scause, stval, why);
}

// Entered from uservec (trapentry.S) on every trap from user mode.
void
user_trap(void)
{
  CSR_WRITE(stvec, kernelvec); // traps from now on are kernel traps
  struct proc *p = myproc();
  uint64 scause = CSR_READ(scause);
  enum intr_kind kind = INTR_NONE;

  if (scause == SCAUSE_ECALL_U) {
    if (proc_killed(p))
      proc_exit(-1);
    p->trapframe->epc += 4; // return past the ecall instruction
    intr_on();              // system calls may take a while
    syscall();
  } else if (scause & SCAUSE_INTERRUPT) {
    kind = device_intr(scause);
  } else if (page_fault_access(scause) >= 0) {
    user_page_fault(p, scause, CSR_READ(stval));
  } else {
    user_fault(p, scause, CSR_READ(stval), exception_reason(scause));
  }

  if (proc_killed(p))
    proc_exit(-1);
  if (kind == INTR_TIMER && time_to_yield())
    yield();
  user_trap_return();
}

void
user_trap_return(void)
{
  struct proc *p = myproc();
  intr_off(); // until sret: a trap now would go to the wrong vector

  CSR_WRITE(stvec, uservec);
  CSR_WRITE(sscratch, p->trapframe);
  p->trapframe->kernel_sp = p->kstack + KSTACK_SIZE;
  p->trapframe->kernel_hartid = r_tp();

  uint64 sstatus = CSR_READ(sstatus);
  sstatus &= ~(SSTATUS_SPP | SSTATUS_FS); // user mode; no floating point
  sstatus |= SSTATUS_SPIE;                // interrupts on after sret
  CSR_WRITE(sstatus, sstatus);
  CSR_WRITE(sepc, p->trapframe->epc);
  userret_fn(p->trapframe);
  panic("user_trap_return: userret returned");
}

// Entered from kernelvec on a trap taken in supervisor mode.
void
kernel_trap(void)
{
  uint64 sepc = CSR_READ(sepc), sstatus = CSR_READ(sstatus);
  uint64 scause = CSR_READ(scause);
  if ((sstatus & SSTATUS_SPP) == 0)
    panic("kernel_trap: not from supervisor mode");
  if (intr_get())
    panic("kernel_trap: interrupts enabled");
  if (panicked)
    for (;;)
      asm volatile("wfi");

  enum intr_kind kind = device_intr(scause);
  if (kind == INTR_NONE)
    panic("kernel_trap: %s (scause 0x%lx) at sepc 0x%lx, stval 0x%lx", cause_name(scause), scause,
          sepc, CSR_READ(stval));
  if (kind == INTR_TIMER && time_to_yield())
    yield();
  // yield() may have run other traps: restore what sret needs.
  CSR_WRITE(sepc, sepc);
  CSR_WRITE(sstatus, sstatus);
}
