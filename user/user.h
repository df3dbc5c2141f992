// The user-space API: system calls and the small C library.
// Names and signatures are xv6-riscv's, so xv6 programs compile unchanged.
#pragma once
#include "kernel/types.h"

struct stat;

// System calls (user/usys.S, generated from kernel/syscall.h).
int fork(void);
int exit(int status) __attribute__((noreturn));
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

// C library (user/ulib.c, user/printf.c, user/umalloc.c).
extern char **environ;
int exec(const char *path, char **argv); // execve with the caller's environ
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
void fprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *malloc(uint n);
void free(void *p);
