// bench: measures what basic kernel operations cost.
// Usage: bench [NAME]. Runs every benchmark, or only NAME, and prints one
// line each, "bench: NAME VALUE UNIT", or "bench: NAME FAILED (why)":
//   getpid     system call round trip                  us per call
//   fork       fork + exit + wait of a small process    us
//   fork16m    the same for a process with 16 MiB of touched heap   ms
//   pipe       8 MiB through a pipe in 4 KiB writes     MiB/s
//   pingpong   1-byte round trip between two processes  us
//   create     create + write 512 B + close + unlink    us
//   forkexec   fork + exec("echo") + wait               ms
// Times come from the rdtime counter (wall clock). There is no floating
// point: values are scaled integers printed with a fixed number of decimals.
// Exits 0 if every benchmark ran, 1 otherwise.

#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/riscv.h"
#include "user/user.h"

#define TIMEBASE_HZ 10000000UL // rdtime frequency on QEMU virt (10 MHz)
#define TICKS_PER_US (TIMEBASE_HZ / 1000000)
#define TICKS_PER_MS (TIMEBASE_HZ / 1000)
#define MIB (1024 * 1024)

#define GETPID_ITERS 100000
#define FORK_ITERS 200
#define FORK16M_ITERS 20
#define FORK16M_BYTES (16 * MIB) // heap the forked process has touched
#define PIPE_BYTES (8 * MIB)     // bytes sent through the pipe
#define PIPE_WRITE_SIZE 4096     // size of each pipe write
#define PINGPONG_ITERS 2000
#define CREATE_ITERS 100
#define CREATE_WRITE_SIZE 512 // bytes written to each created file
#define FORKEXEC_ITERS 50
#define MAX_DECIMALS 6 // digits after the point report() can print
#define CHILD_FAILED 1 // exit status of a helper child that saw an error

static char io_buf[PIPE_WRITE_SIZE]; // data for pipe and file writes

// The wall clock, in timebase ticks.
static uint64
now(void)
{
  uint64 t;
  asm volatile("rdtime %0" : "=r"(t));
  return t;
}

// Print "bench: name VALUE unit" where VALUE = num / den, rounded to
// `decimals` digits after the point (integer arithmetic only).
static void
report(const char *name, uint64 num, uint64 den, int decimals, const char *unit)
{
  char frac[MAX_DECIMALS + 2];
  uint64 scale = 1;
  for (int i = 0; i < decimals; i++)
    scale *= 10;
  uint64 value = (num * scale + den / 2) / den;
  uint64 whole = value / scale, rest = value % scale;
  frac[0] = decimals > 0 ? '.' : 0;
  for (int i = decimals; i >= 1; i--) {
    frac[i] = '0' + rest % 10;
    rest /= 10;
  }
  frac[decimals + 1] = 0;
  printf("bench: %s %d%s %s\n", name, (int)whole, frac, unit);
}

// Print "bench: name FAILED (why)". Returns -1, for the caller to return.
static int
failed(const char *name, const char *why)
{
  printf("bench: %s FAILED (%s)\n", name, why);
  return -1;
}

// Fork a child that exits at once, and wait for it. Returns 0, or -1 if
// fork or wait failed.
static int
fork_exit_wait(void)
{
  int pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0)
    exit(0);
  return wait(0) == pid ? 0 : -1;
}

// getpid round trip, in microseconds per call.
static int
bench_getpid(void)
{
  uint64 start = now();
  for (int i = 0; i < GETPID_ITERS; i++)
    getpid();
  report("getpid", now() - start, TICKS_PER_US * GETPID_ITERS, 3, "us");
  return 0;
}

// fork + exit + wait of this (small) process, in microseconds.
static int
bench_fork(void)
{
  uint64 start = now();
  for (int i = 0; i < FORK_ITERS; i++)
    if (fork_exit_wait() < 0)
      return failed("fork", "fork or wait failed");
  report("fork", now() - start, TICKS_PER_US * FORK_ITERS, 1, "us");
  return 0;
}

// fork + exit + wait of a process that has written to every page of a
// 16 MiB heap, in milliseconds.
static int
bench_fork16m(void)
{
  char *heap = sbrk(FORK16M_BYTES);
  if (heap == (char *)-1)
    return failed("fork16m", "sbrk of 16 MiB failed");
  for (int off = 0; off < FORK16M_BYTES; off += PGSIZE)
    heap[off] = 1;
  uint64 start = now();
  int ok = 1;
  for (int i = 0; i < FORK16M_ITERS && ok; i++)
    ok = fork_exit_wait() == 0;
  uint64 elapsed = now() - start;
  sbrk(-FORK16M_BYTES);
  if (!ok)
    return failed("fork16m", "fork or wait failed");
  report("fork16m", elapsed, TICKS_PER_MS * FORK16M_ITERS, 2, "ms");
  return 0;
}

// Child side of the pipe benchmark: read until end of file, then exit 0 if
// exactly PIPE_BYTES arrived.
static void
pipe_reader(int fd)
{
  int total = 0, n;
  while ((n = read(fd, io_buf, sizeof(io_buf))) > 0)
    total += n;
  exit(total == PIPE_BYTES ? 0 : CHILD_FAILED);
}

// Throughput of a pipe from this process to a child, in MiB/s.
static int
bench_pipe(void)
{
  int fds[2], status = CHILD_FAILED;
  if (pipe(fds) < 0)
    return failed("pipe", "pipe failed");
  uint64 start = now();
  int pid = fork();
  if (pid == 0) {
    close(fds[1]);
    pipe_reader(fds[0]);
  }
  close(fds[0]);
  for (int sent = 0; pid > 0 && sent < PIPE_BYTES; sent += PIPE_WRITE_SIZE)
    if (write(fds[1], io_buf, PIPE_WRITE_SIZE) != PIPE_WRITE_SIZE)
      break;
  close(fds[1]);
  if (pid < 0 || wait(&status) != pid || status != 0)
    return failed("pipe", "transfer incomplete");
  report("pipe", (uint64)(PIPE_BYTES / MIB) * TIMEBASE_HZ, now() - start, 2,
         "MiB/s");
  return 0;
}

// Child side of ping-pong: echo every byte from in back to out until end
// of file.
static void
pong(int in, int out)
{
  char c;
  while (read(in, &c, 1) == 1)
    if (write(out, &c, 1) != 1)
      exit(CHILD_FAILED);
  exit(0);
}

// 1-byte round trip to a child over two pipes, in microseconds.
static int
bench_pingpong(void)
{
  int ping[2], back[2];
  char c = 'p';
  if (pipe(ping) < 0 || pipe(back) < 0)
    return failed("pingpong", "pipe failed");
  int pid = fork();
  if (pid == 0) {
    close(ping[1]);
    close(back[0]);
    pong(ping[0], back[1]);
  }
  close(ping[0]);
  close(back[1]);
  int done = 0;
  uint64 start = now();
  while (pid > 0 && done < PINGPONG_ITERS && write(ping[1], &c, 1) == 1 &&
         read(back[0], &c, 1) == 1)
    done++;
  uint64 elapsed = now() - start;
  close(ping[1]);
  close(back[0]);
  if (pid < 0 || wait(0) != pid || done != PINGPONG_ITERS)
    return failed("pingpong", "round trip failed");
  report("pingpong", elapsed, TICKS_PER_US * PINGPONG_ITERS, 1, "us");
  return 0;
}

// Create a file, write 512 bytes, close and unlink it, in microseconds.
static int
bench_create(void)
{
  uint64 start = now();
  for (int i = 0; i < CREATE_ITERS; i++) {
    int fd = open("bench_tmp", O_CREATE | O_RDWR);
    if (fd < 0)
      return failed("create", "open failed");
    int n = write(fd, io_buf, CREATE_WRITE_SIZE);
    close(fd);
    if (n != CREATE_WRITE_SIZE || unlink("bench_tmp") < 0)
      return failed("create", "write or unlink failed");
  }
  report("create", now() - start, TICKS_PER_US * CREATE_ITERS, 1, "us");
  return 0;
}

// One fork + exec("echo") + wait, echo's newline going into a pipe that is
// drained here. Returns 0, or -1 if something failed.
static int
fork_exec_echo(void)
{
  char *argv[] = {"echo", 0};
  char drain[16];
  int fds[2], status = CHILD_FAILED;
  if (pipe(fds) < 0)
    return -1;
  int pid = fork();
  if (pid == 0) {
    close(1);
    dup(fds[1]);
    close(fds[0]);
    close(fds[1]);
    exec("echo", argv);
    exit(CHILD_FAILED);
  }
  close(fds[1]);
  while (read(fds[0], drain, sizeof(drain)) > 0)
    ;
  close(fds[0]);
  if (pid < 0 || wait(&status) != pid)
    return -1;
  return status == 0 ? 0 : -1;
}

// fork + exec of a program that exits at once, in milliseconds.
static int
bench_forkexec(void)
{
  uint64 start = now();
  for (int i = 0; i < FORKEXEC_ITERS; i++)
    if (fork_exec_echo() < 0)
      return failed("forkexec", "fork, exec or wait failed");
  report("forkexec", now() - start, TICKS_PER_MS * FORKEXEC_ITERS, 2, "ms");
  return 0;
}

struct benchmark {
  const char *name;
  int (*run)(void); // prints its line; 0 if it ran, -1 if it failed
};

static struct benchmark benchmarks[] = {
    {"getpid", bench_getpid},     {"fork", bench_fork},
    {"fork16m", bench_fork16m},   {"pipe", bench_pipe},
    {"pingpong", bench_pingpong}, {"create", bench_create},
    {"forkexec", bench_forkexec},
};

#define NBENCHMARKS (sizeof(benchmarks) / sizeof(benchmarks[0]))

int
main(int argc, char *argv[])
{
  int ran = 0, errors = 0;
  if (argc > 2) {
    fprintf(2, "usage: bench [name]\n");
    exit(1);
  }
  memset(io_buf, 'b', sizeof(io_buf));
  for (int i = 0; i < NBENCHMARKS; i++) {
    if (argc == 2 && strcmp(argv[1], benchmarks[i].name) != 0)
      continue;
    ran++;
    errors += benchmarks[i].run() < 0;
  }
  if (ran == 0) {
    fprintf(2, "bench: no benchmark named %s\n", argv[1]);
    exit(1);
  }
  exit(errors == 0 ? 0 : 1);
}
