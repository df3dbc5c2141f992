// fuzz: make thousands of system calls with random, hostile arguments and
// check that the kernel survives them.
//
// usage: fuzz [rounds [calls]]     (default 40 rounds of 300 calls)
//
// Each round forks a worker that closes the console, moves into a scratch
// directory and makes random system calls: the numbers are real ones, the
// arguments come from a pool of bad values (NULL, kernel addresses, the
// last byte below MAXVA, huge lengths, negative numbers, stray fds) mixed
// with plausible ones (its own buffers, small fds, names in the scratch
// directory). A worker may well kill itself with a fault, or block (reading
// its own empty pipe, waiting on a semaphore): a watchdog child kills any
// worker that is still running after a few ticks. What must hold is that
// the kernel neither panics nor leaks memory: the free page count after all
// rounds equals the count before.
//
// Calls that would reach outside the worker are not made: exec, fork, kill,
// exit, poweroff, schedpolicy, chdir (it stays in the scratch directory),
// pause with a long time, and mknod of the console (its output would mix
// with the test's). The scratch directory is removed after every round.
#include "kernel/types.h"
#include "kernel/syscall.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "kernel/fs.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/testlib.h"

#define DEFAULT_ROUNDS 40
#define DEFAULT_CALLS 300
#define WATCHDOG_TICKS 20 // a worker still running after this is killed
#define CONSOLE_MAJOR 1   // kernel/file.h: a node with it would be the console
#define NO_DRIVER_MAJOR 2 // a device number with no driver
#define MAX_ARGS 6
#define BUF_SIZE 512
#define MAXPATH_BUF 128 // kernel/param.h MAXPATH
#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

// The system calls a worker may make (see the list at the top).
static const int calls[] = {
  SYS_wait,    SYS_pipe,     SYS_read,      SYS_fstat,
  SYS_dup,     SYS_getpid,   SYS_sbrk,      SYS_uptime,    SYS_open,
  SYS_write,   SYS_mknod,    SYS_unlink,    SYS_link,      SYS_mkdir,
  SYS_close,   SYS_memstat,  SYS_vmregions, SYS_mmap,      SYS_munmap,
  SYS_mprotect, SYS_procinfo, SYS_getppid,  SYS_sem_create, SYS_sem_wait,
  SYS_sem_post, SYS_sem_close, SYS_sem_trywait, SYS_pause,
};

// Names a worker may create, all relative to its scratch directory.
static const char *names[] = { "a", "b", "dir", "a/b", "dir/a", ".", "" };

static char buf[BUF_SIZE];
static uint64 random_state;

static uint64
random_next(void)
{
  random_state ^= random_state << 13;
  random_state ^= random_state >> 7;
  random_state ^= random_state << 17;
  return random_state;
}

// One argument: a hostile value or a plausible one.
static uint64
random_arg(void)
{
  uint64 stack_var;
  uint64 pool[] = {
    0,                           // NULL
    1,
    (uint64)-1,
    random_next() % 16,          // a small number: an fd, a length, an id
    random_next() % 4096,
    (uint64)buf,                 // a good buffer
    (uint64)buf + BUF_SIZE - 1,  // a buffer that runs out of the data page
    (uint64)&stack_var,          // the stack
    KERNEL_VA,                   // the kernel
    MAXVA - 1,                   // the last user byte
    MAXVA,                       // just past user space
    USER_TEXT_BASE,              // the program's own code
    0x7fffffff,                  // a huge length
    (uint64)sbrk(0),             // the end of the heap
    random_next(),               // anything
  };
  return pool[random_next() % NELEM(pool)];
}

// A path argument: a name in the scratch directory, or a pointer that can
// never be a valid string. (Never a pointer into the worker's own memory:
// bytes read back from its files could spell a path out of the scratch
// directory.)
static uint64
random_path_arg(void)
{
  uint64 pool[] = {
    (uint64)names[random_next() % NELEM(names)],
    0, KERNEL_VA, MAXVA - 1, MAXVA, random_next(),
  };
  return pool[random_next() % NELEM(pool)];
}

// Is argument i of system call num a path?
static int
is_path_arg(int num, int i)
{
  switch (num) {
  case SYS_open:
  case SYS_mkdir:
  case SYS_unlink:
  case SYS_mknod:
    return i == 0;
  case SYS_link:
    return i <= 1;
  default:
    return 0;
  }
}

// Make system call num with arguments a[0..5]; return a0.
static uint64
raw_syscall(int num, uint64 *a)
{
  register uint64 a0 asm("a0") = a[0];
  register uint64 a1 asm("a1") = a[1];
  register uint64 a2 asm("a2") = a[2];
  register uint64 a3 asm("a3") = a[3];
  register uint64 a4 asm("a4") = a[4];
  register uint64 a5 asm("a5") = a[5];
  register uint64 a7 asm("a7") = num;
  asm volatile("ecall"
               : "+r"(a0)
               : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
               : "memory");
  return a0;
}

// The worker: calls random system calls, never returns.
static void
worker(int round, int ncalls)
{
  random_state = (r_time() << 8) ^ (round + 1) * 0x9E3779B97F4A7C15UL;
  close(0);
  close(1);
  close(2); // nothing it writes may reach the console
  if (chdir("fuzzdir") < 0)
    _exit(1);
  for (int i = 0; i < ncalls; i++) {
    uint64 a[MAX_ARGS];
    int num = calls[random_next() % NELEM(calls)];
    for (int j = 0; j < MAX_ARGS; j++)
      a[j] = is_path_arg(num, j) ? random_path_arg() : random_arg();
    if (num == SYS_pause)
      a[0] %= 2; // never sleep long
    if (num == SYS_mknod && (short)a[1] == CONSOLE_MAJOR)
      a[1] = NO_DRIVER_MAJOR;
    raw_syscall(num, a);
  }
  _exit(0);
}

// Run one worker under a watchdog that kills it if it blocks.
static void
run_round(int round, int ncalls)
{
  int pid = fork();
  if (pid == 0)
    worker(round, ncalls);
  int dog = fork();
  if (dog == 0) {
    pause(WATCHDOG_TICKS);
    kill(pid);
    _exit(0);
  }
  tl_reap(pid);
  kill(dog);
  tl_reap(dog);
}

// Remove path and, if it is a directory, everything below it.
static void
remove_tree(const char *path)
{
  struct stat st;
  char child[MAXPATH_BUF];
  if (stat(path, &st) < 0)
    return;
  if (st.type == T_DIR) {
    int fd = open(path, O_RDONLY);
    struct dirent de;
    while (fd >= 0 && read(fd, &de, sizeof(de)) == sizeof(de)) {
      if (de.inum == 0)
        continue;
      char name[DIRSIZ + 1];
      memmove(name, de.name, DIRSIZ);
      name[DIRSIZ] = 0;
      if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
          strlen(path) + 1 + strlen(name) + 1 > sizeof(child))
        continue;
      strcpy(child, path);
      strcpy(child + strlen(child), "/");
      strcpy(child + strlen(child), name);
      remove_tree(child);
    }
    if (fd >= 0)
      close(fd);
  }
  unlink(path);
}

int
main(int argc, char *argv[])
{
  int rounds = argc > 1 ? atoi(argv[1]) : DEFAULT_ROUNDS;
  int ncalls = argc > 2 ? atoi(argv[2]) : DEFAULT_CALLS;
  tl_set_program("fuzz");
  if (rounds <= 0 || ncalls <= 0) {
    fprintf(2, "usage: fuzz [rounds [calls]]\n");
    exit(1);
  }
  int64 before = tl_free_pages();
  for (int round = 0; round < rounds; round++) {
    remove_tree("fuzzdir");
    if (mkdir("fuzzdir") < 0)
      return tl_fail("cannot make fuzzdir");
    run_round(round, ncalls);
  }
  remove_tree("fuzzdir");
  int64 after = tl_free_pages();
  printf("fuzz: %d rounds of %d random system calls\n", rounds, ncalls);
  tl_check_eq("free pages afterwards", after, before);
  tl_finish(0, tl_failures());
}
