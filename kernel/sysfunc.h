// The system call implementations, one per number in syscall.h.
// Each reads its own arguments (sysarg.h) and returns the value for a0;
// (uint64)-1 means failure.
#pragma once
#include "types.h"

// kernel/sysproc.c
uint64 sys_fork(void);
uint64 sys_exit(void);
uint64 sys_wait(void);
uint64 sys_kill(void);
uint64 sys_getpid(void);
uint64 sys_sbrk(void);
uint64 sys_pause(void);
uint64 sys_uptime(void);
uint64 sys_poweroff(void);

// kernel/sysmem.c
uint64 sys_memstat(void);

// kernel/ktest.c
uint64 sys_ktest(void);

// kernel/sysmmap.c
uint64 sys_mmap(void);
uint64 sys_munmap(void);
uint64 sys_mprotect(void);

// kernel/sysinfo.c
uint64 sys_procinfo(void);
uint64 sys_schedpolicy(void);
uint64 sys_getppid(void);

// kernel/semaphore.c
uint64 sys_sem_create(void);
uint64 sys_sem_wait(void);
uint64 sys_sem_post(void);
uint64 sys_sem_close(void);
uint64 sys_sem_trywait(void);

// kernel/sysvm.c
uint64 sys_vmregions(void);
uint64 sys_vmprint(void);

// kernel/exec.c
uint64 sys_exec(void);

// kernel/sysfile.c
uint64 sys_read(void);
uint64 sys_write(void);
uint64 sys_close(void);
uint64 sys_dup(void);
uint64 sys_pipe(void);
uint64 sys_fstat(void);
uint64 sys_open(void);
uint64 sys_link(void);
uint64 sys_unlink(void);
uint64 sys_mkdir(void);
uint64 sys_mknod(void);
uint64 sys_chdir(void);
