// System calls about processes and time.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "sysarg.h"
#include "sysfunc.h"
#include "trap.h"
#include "power.h"

uint64
sys_fork(void)
{
  return proc_fork();
}

uint64
sys_exit(void)
{
  proc_exit(arg_int(0));
}

uint64
sys_wait(void)
{
  return proc_wait(arg_addr(0));
}

uint64
sys_kill(void)
{
  return proc_kill(arg_int(0));
}

uint64
sys_getpid(void)
{
  return myproc()->pid;
}

// sbrk(n): grow or shrink the heap by n bytes; returns the old break.
uint64
sys_sbrk(void)
{
  uint64 old = myproc()->sz;
  if (proc_grow(arg_int(0)) < 0)
    return -1;
  return old;
}

// pause(n): sleep for n clock ticks. -1 if killed meanwhile.
uint64
sys_pause(void)
{
  int n = arg_int(0);
  if (n < 0)
    n = 0;
  spin_lock(&tickslock);
  uint64 start = ticks;
  while (ticks - start < (uint64)n) {
    if (proc_killed(myproc())) {
      spin_unlock(&tickslock);
      return -1;
    }
    sleep_on(&ticks, &tickslock);
  }
  spin_unlock(&tickslock);
  return 0;
}

uint64
sys_uptime(void)
{
  spin_lock(&tickslock);
  uint64 t = ticks;
  spin_unlock(&tickslock);
  return t;
}

uint64
sys_poweroff(void)
{
  power_off(POWER_EXIT_OK);
}
