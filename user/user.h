// The user-space API: system calls and the small C library.
// Names and signatures are xv6-riscv's, so xv6 programs compile unchanged.
#pragma once
#include "kernel/types.h"

struct stat;

// System calls (user/usys.S, generated from kernel/syscall.h).
int fork(void);
void _exit(int status) __attribute__((noreturn)); // end now: no atexit, no flush
int wait(int *status);
int pipe(int *fds);
int write(int fd, const void *buf, int n);
int read(int fd, void *buf, int n);
int close(int fd);
int kill(int pid);
int execve(const char *path, char **argv, char **envp);
int open(const char *path, int omode);
int mknod(const char *path, short major, short minor);
int unlink(const char *path);
int fstat(int fd, struct stat *st);
int link(const char *oldpath, const char *newpath);
int mkdir(const char *path);
int chdir(const char *path);
int dup(int fd);
int getpid(void);
char *sbrk(int n);
int pause(int ticks);  // sleep for ticks clock ticks (xv6's sleep)
int sleep(int ticks);  // the same as pause
int uptime(void);      // clock ticks since boot
int poweroff(void);    // power the machine off; does not return on success
struct memstat;
int memstat(struct memstat *st, int flags); // allocator statistics (kernel/memstat.h)
int ktest(int test, int arg); // kernel self-tests and benchmarks (kernel/ktest.h)
void *mmap(void *addr, uint64 len, int prot, int flags, int fd, uint64 offset);
int munmap(void *addr, uint64 len);
int mprotect(void *addr, uint64 len, int prot);
struct vmregion;
int vmregions(int pid, struct vmregion *regions, int max); // see kernel/vmregion.h
int vmprint(int pid); // print a process's page table on the console
struct procinfo;
int procinfo(struct procinfo *procs, int max); // every process (kernel/procinfo.h)
int schedpolicy(int policy); // SCHED_RR or SCHED_MLFQ (kernel/procinfo.h); -1 asks
int getppid(void);
int sem_create(int value);   // a semaphore descriptor, inherited by fork
int sem_wait(int id);        // P: 0, or -1 (bad id, killed)
int sem_trywait(int id);     // P if no wait is needed: 0, or -1
int sem_post(int id);        // V
int sem_close(int id);

// C library (user/ulib.c, user/printf.c, user/umalloc.c).

// Process exit (user/ulib.c). exit() runs the atexit handlers, newest
// first, flushes buffered output, then calls _exit(). Returning from main
// calls exit().
int exit(int status) __attribute__((noreturn));
int atexit(void (*fn)(void)); // 0, or -1 if ATEXIT_MAX handlers exist
#define ATEXIT_MAX 32

// Environment (user/ulib.c): "NAME=value" strings, 0-terminated.
extern char **environ;
int exec(const char *path, char **argv); // execve with the caller's environ
int execvp(const char *file, char **argv); // exec, searching $PATH for file
char *getenv(const char *name);         // value, or 0 if not set
int setenv(const char *name, const char *value, int overwrite); // 0 or -1
int unsetenv(const char *name);         // 0, or -1 for a bad name
#define PATH_DEFAULT "/" // where execvp looks when PATH is not set
int stat(const char *path, struct stat *st);
char *strcpy(char *dst, const char *src);
void *memmove(void *dst, const void *src, int n);
char *strchr(const char *s, char c);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, uint n);
uint strlen(const char *s);
void *memset(void *dst, int c, uint n);
int memcmp(const void *a, const void *b, uint n);
void *memcpy(void *dst, const void *src, uint n);
char *gets(char *buf, int max);
int atoi(const char *s);

// Buffered output (user/printf.c). Output to fd 1 is line-buffered when fd
// 1 is the console and fully buffered when it is a pipe or a file; fd 2 is
// unbuffered (each call is one write); other fds are unbuffered too.
// exit() flushes; _exit() and a fatal fault do not.
void fprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, uint size, const char *fmt, ...)
  __attribute__((format(printf, 3, 4))); // returns the untruncated length
int fflush(int fd);           // write out fd's buffer (-1: every buffer); 0 or -1
int setbufmode(int fd, int mode); // _IONBF/_IOLBF/_IOFBF for fd 1 or 2; 0 or -1
int putchar(int c);
int puts(const char *s);      // s and a newline to stdout
int fputs(const char *s, int fd);
#define stdin 0
#define stdout 1
#define stderr 2
#define _IOFBF 0 // fully buffered: written when the buffer is full
#define _IOLBF 1 // line-buffered: written at the end of each line
#define _IONBF 2 // unbuffered: written at the end of each call
#define BUFSIZ 1024 // bytes of buffer for fd 1 and fd 2

// Memory allocation (user/umalloc.c). Blocks are 16-byte aligned.
// free() of a pointer that is not a live block (a double free, say) prints
// "free: 0x...: ..." on fd 2 and is otherwise ignored.
void *malloc(uint n);
void free(void *p);
void *calloc(uint nmemb, uint size);
void *realloc(void *p, uint n);
struct malloc_stats {
  uint64 heap_bytes;  // bytes the allocator holds from sbrk
  uint64 used_blocks; // blocks malloc'd and not yet freed
  uint64 used_bytes;  // bytes in those blocks (rounded sizes, headers incl.)
};
void malloc_getstats(struct malloc_stats *st);
