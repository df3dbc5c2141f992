// System call numbers: placed in a7 by the user stubs (user/usys.S),
// dispatched by syscall() in kernel/syscall.c. 1..21 are xv6's numbers.
#pragma once

#define SYS_fork 1
#define SYS_exit 2
#define SYS_wait 3
#define SYS_pipe 4
#define SYS_read 5
#define SYS_kill 6
#define SYS_exec 7 // execve(path, argv, envp); the C library's exec() passes environ
#define SYS_fstat 8
#define SYS_chdir 9
#define SYS_dup 10
#define SYS_getpid 11
#define SYS_sbrk 12
#define SYS_pause 13 // xv6's sleep(n): sleep for n clock ticks
#define SYS_uptime 14
#define SYS_open 15
#define SYS_write 16
#define SYS_mknod 17
#define SYS_unlink 18
#define SYS_link 19
#define SYS_mkdir 20
#define SYS_close 21
#define SYS_poweroff 22    // power the machine off (SBI system reset)
#define SYS_memstat 23     // memstat(struct memstat *, flags): allocator statistics
#define SYS_ktest 24       // ktest(test, arg): kernel self-tests (kernel/ktest.h)
#define SYS_mmap 25        // mmap(addr, len, prot, flags, fd, offset)
#define SYS_munmap 26      // munmap(addr, len)
#define SYS_mprotect 27    // mprotect(addr, len, prot)
#define SYS_vmregions 28   // vmregions(pid, struct vmregion *, max): a process's map
#define SYS_vmprint 29     // vmprint(pid): print a page table on the console
#define SYS_procinfo 30    // procinfo(struct procinfo *, max): every process (ps)
#define SYS_schedpolicy 31 // schedpolicy(policy): SCHED_RR/SCHED_MLFQ, -1 asks
#define SYS_getppid 32     // the parent's pid
#define SYS_sem_create 33  // sem_create(value): a semaphore descriptor
#define SYS_sem_wait 34    // sem_wait(id): P
#define SYS_sem_post 35    // sem_post(id): V
#define SYS_sem_close 36   // sem_close(id)
#define SYS_sem_trywait 37 // sem_trywait(id): P if it need not wait
