// System call dispatch and argument fetching.
//
// The user stub (user/usys.S) puts the call number in a7 and the arguments
// in a0..a5, then runs ecall; uservec saved them in the trapframe.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "printf.h"
#include "vm.h"
#include "syscall.h"
#include "sysarg.h"
#include "sysfunc.h"
#include "syscall_dispatch.h"
#include "klib.h"

// The raw value of argument n (a0..a5).
static uint64
arg_raw(int n)
{
  struct trapframe *tf = myproc()->trapframe;
  switch (n) {
  case 0:
    return tf->a0;
  case 1:
    return tf->a1;
  case 2:
    return tf->a2;
  case 3:
    return tf->a3;
  case 4:
    return tf->a4;
  case 5:
    return tf->a5;
  }
  panic("arg_raw: no argument %d", n);
}

int
arg_int(int n)
{
  return (int)arg_raw(n);
}

uint64
arg_addr(int n)
{
  return arg_raw(n);
}

int
fetch_addr(uint64 addr, uint64 *ip)
{
  return copyin(myproc()->pagetable, ip, addr, sizeof(*ip));
}

int
fetch_str(uint64 addr, char *buf, int max)
{
  if (copyinstr(myproc()->pagetable, buf, addr, max) < 0)
    return -1;
  return strlen(buf);
}

int
arg_str(int n, char *buf, int max)
{
  return fetch_str(arg_addr(n), buf, max);
}

// clang-format off
static uint64 (*const syscalls[])(void) = {
  [SYS_fork] = sys_fork,     [SYS_exit] = sys_exit,
  [SYS_wait] = sys_wait,     [SYS_pipe] = sys_pipe,
  [SYS_read] = sys_read,     [SYS_kill] = sys_kill,
  [SYS_exec] = sys_exec,     [SYS_fstat] = sys_fstat,
  [SYS_chdir] = sys_chdir,   [SYS_dup] = sys_dup,
  [SYS_getpid] = sys_getpid, [SYS_sbrk] = sys_sbrk,
  [SYS_pause] = sys_pause,   [SYS_uptime] = sys_uptime,
  [SYS_open] = sys_open,     [SYS_write] = sys_write,
  [SYS_mknod] = sys_mknod,   [SYS_unlink] = sys_unlink,
  [SYS_link] = sys_link,     [SYS_mkdir] = sys_mkdir,
  [SYS_close] = sys_close,   [SYS_poweroff] = sys_poweroff,
  [SYS_memstat] = sys_memstat, [SYS_ktest] = sys_ktest,
  [SYS_mmap] = sys_mmap,       [SYS_munmap] = sys_munmap,
  [SYS_mprotect] = sys_mprotect, [SYS_vmregions] = sys_vmregions,
  [SYS_vmprint] = sys_vmprint,   [SYS_procinfo] = sys_procinfo,
  [SYS_schedpolicy] = sys_schedpolicy, [SYS_getppid] = sys_getppid,
  [SYS_sem_create] = sys_sem_create, [SYS_sem_wait] = sys_sem_wait,
  [SYS_sem_post] = sys_sem_post, [SYS_sem_close] = sys_sem_close,
  [SYS_sem_trywait] = sys_sem_trywait,
};
// clang-format on

void
syscall(void)
{
  struct proc *p = myproc();
  uint64 num = p->trapframe->a7;
  if (num < NELEM(syscalls) && syscalls[num]) {
    p->trapframe->a0 = syscalls[num]();
  } else {
    kprintf("pid %d (%s): unknown system call %ld\n", p->pid, p->name, num);
    p->trapframe->a0 = -1;
  }
}
