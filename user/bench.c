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
//   fork16m-copy  fork16m, but the child writes every heap page before it
//              exits (what fork would cost if it copied)            ms
//   cow-speedup   fork16m-copy / fork16m: what copy-on-write saves   x
//   kmalloc    kmalloc(32) + kfree pairs in the kernel, one hart    Mpairs/s
//   kmalloc-all   the same in NCPU processes at once (all harts), the
//              aggregate: all pairs / wall time from first start to last end
//   pages      order-0 page alloc + free pairs (buddy allocator)     Mpairs/s
// Times come from r_time() (kernel/riscv.h), the rdtime counter: the wall
// clock. There is no floating point: values are scaled integers printed
// with a fixed number of decimals.
// Exits 0 if every benchmark ran, 1 otherwise.

#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/riscv.h"
#include "kernel/param.h"
#include "kernel/ktest.h"
#include "user/user.h"
#include "user/testlib.h"

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
#define KMALLOC_PAIRS 200000 // pairs timed by each kmalloc run
#define PAGE_PAIRS 200000    // pairs timed by the pages benchmark
#define MILLION 1000000
#define MAX_DECIMALS 6     // digits after the point report() can print
#define ECHO_OUTPUT_MAX 16 // bytes of forkexec's echo output kept

static char io_buf[PIPE_WRITE_SIZE]; // data for pipe and file writes

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
  uint64 start = r_time();
  for (int i = 0; i < GETPID_ITERS; i++)
    getpid();
  report("getpid", r_time() - start, TL_TIME_PER_US * GETPID_ITERS, 3, "us");
  return 0;
}

// fork + exit + wait of this (small) process, in microseconds.
static int
bench_fork(void)
{
  uint64 start = r_time();
  for (int i = 0; i < FORK_ITERS; i++)
    if (fork_exit_wait() < 0)
      return failed("fork", "fork or wait failed");
  report("fork", r_time() - start, TL_TIME_PER_US * FORK_ITERS, 1, "us");
  return 0;
}

static uint64 fork16m_ticks; // fork16m's time per fork, once it has run

// Give this process a 16 MiB heap with every page written, then time
// FORK16M_ITERS forks of it; the child writes every heap page first if
// child_writes is set. Returns the ticks per fork, or 0 if something failed.
static uint64
time_fork16m(int child_writes)
{
  char *heap = sbrk(FORK16M_BYTES);
  if (heap == (char *)-1)
    return 0;
  for (int off = 0; off < FORK16M_BYTES; off += PGSIZE)
    heap[off] = 1;
  uint64 start = r_time();
  int ok = 1;
  for (int i = 0; i < FORK16M_ITERS && ok; i++) {
    int pid = fork();
    if (pid == 0) {
      for (int off = 0; child_writes && off < FORK16M_BYTES; off += PGSIZE)
        heap[off] = 2; // each write copies a copy-on-write page
      exit(0);
    }
    ok = pid > 0 && wait(0) == pid;
  }
  uint64 elapsed = r_time() - start;
  sbrk(-FORK16M_BYTES);
  return ok ? elapsed / FORK16M_ITERS : 0;
}

// fork + exit + wait of a process that has written to every page of a
// 16 MiB heap, in milliseconds.
static int
bench_fork16m(void)
{
  if ((fork16m_ticks = time_fork16m(0)) == 0)
    return failed("fork16m", "sbrk of 16 MiB, fork or wait failed");
  report("fork16m", fork16m_ticks, TL_TIME_PER_MS, 2, "ms");
  return 0;
}

// fork16m where the child writes every page (so every page is copied),
// in milliseconds; then how many times cheaper the plain fork16m is.
static int
bench_fork16m_copy(void)
{
  uint64 copy_ticks = time_fork16m(1);
  if (copy_ticks == 0)
    return failed("fork16m-copy", "sbrk of 16 MiB, fork or wait failed");
  report("fork16m-copy", copy_ticks, TL_TIME_PER_MS, 2, "ms");
  if (fork16m_ticks == 0 && (fork16m_ticks = time_fork16m(0)) == 0)
    return failed("cow-speedup", "fork16m failed");
  report("cow-speedup", copy_ticks, fork16m_ticks, 1, "x");
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
  exit(total == PIPE_BYTES ? 0 : TL_CHILD_FAILED);
}

// Throughput of a pipe from this process to a child, in MiB/s.
static int
bench_pipe(void)
{
  int fds[2], status = TL_CHILD_FAILED;
  if (pipe(fds) < 0)
    return failed("pipe", "pipe failed");
  uint64 start = r_time();
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
  report("pipe", (uint64)(PIPE_BYTES / MIB) * TL_TIMEBASE_HZ, r_time() - start, 2, "MiB/s");
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
      exit(TL_CHILD_FAILED);
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
  uint64 start = r_time();
  while (pid > 0 && done < PINGPONG_ITERS && write(ping[1], &c, 1) == 1 &&
         read(back[0], &c, 1) == 1)
    done++;
  uint64 elapsed = r_time() - start;
  close(ping[1]);
  close(back[0]);
  if (pid < 0 || wait(0) != pid || done != PINGPONG_ITERS)
    return failed("pingpong", "round trip failed");
  report("pingpong", elapsed, TL_TIME_PER_US * PINGPONG_ITERS, 1, "us");
  return 0;
}

// Create a file, write 512 bytes, close and unlink it, in microseconds.
static int
bench_create(void)
{
  uint64 start = r_time();
  for (int i = 0; i < CREATE_ITERS; i++) {
    int fd = open("bench_tmp", O_CREATE | O_RDWR);
    if (fd < 0)
      return failed("create", "open failed");
    int n = write(fd, io_buf, CREATE_WRITE_SIZE);
    close(fd);
    if (n != CREATE_WRITE_SIZE || unlink("bench_tmp") < 0)
      return failed("create", "write or unlink failed");
  }
  report("create", r_time() - start, TL_TIME_PER_US * CREATE_ITERS, 1, "us");
  return 0;
}

// One fork + exec("echo") + wait, echo's newline going into a pipe that is
// drained here. Returns 0, or -1 if something failed.
static int
fork_exec_echo(void)
{
  char *argv[] = {"echo", 0};
  char drain[ECHO_OUTPUT_MAX];
  return tl_run_capture("echo", argv, 0, drain, sizeof(drain)) == 0 ? 0 : -1;
}

// fork + exec of a program that exits at once, in milliseconds.
static int
bench_forkexec(void)
{
  uint64 start = r_time();
  for (int i = 0; i < FORKEXEC_ITERS; i++)
    if (fork_exec_echo() < 0)
      return failed("forkexec", "fork, exec or wait failed");
  report("forkexec", r_time() - start, TL_TIME_PER_MS * FORKEXEC_ITERS, 2, "ms");
  return 0;
}

// Pairs per second, in millions, for `pairs` done in `ticks`.
static void
report_pairs(const char *name, uint64 pairs, uint64 ticks)
{
  report(name, pairs * TL_TIMEBASE_HZ, ticks * MILLION, 2, "Mpairs/s");
}

// kmalloc(32) + kfree pairs on one hart.
static int
bench_kmalloc(void)
{
  int ticks = ktest(KTEST_BENCH_KMALLOC, KMALLOC_PAIRS);
  if (ticks <= 0)
    return failed("kmalloc", "ktest failed");
  report_pairs("kmalloc", KMALLOC_PAIRS, ticks);
  return 0;
}

// Child of kmalloc-all: wait until the parent closes `go`, time the
// kmalloc pairs, send the start and end times through `times`, exit.
static void
kmalloc_worker(int go[2], int times[2])
{
  char c;
  uint64 span[2];
  close(go[1]);
  close(times[0]);
  read(go[0], &c, 1); // returns 0 once the parent closes go: all start
  span[0] = r_time();
  int ticks = ktest(KTEST_BENCH_KMALLOC, KMALLOC_PAIRS);
  span[1] = r_time();
  if (ticks <= 0 || write(times[1], span, sizeof(span)) != sizeof(span))
    exit(TL_CHILD_FAILED);
  exit(0);
}

// kmalloc pairs in NCPU processes at once: aggregate pairs per second
// over the wall time from the first start to the last end.
static int
bench_kmalloc_all(void)
{
  int go[2], times[2], started = 0, ok = 1;
  uint64 span[2], first = ~0UL, last = 0;
  if (pipe(go) < 0 || pipe(times) < 0)
    return failed("kmalloc-all", "pipe failed");
  for (int i = 0; i < NCPU; i++) {
    int pid = fork();
    if (pid == 0)
      kmalloc_worker(go, times);
    started += pid > 0;
  }
  close(go[0]);
  close(go[1]);
  close(times[1]);
  for (int i = 0; i < started; i++) {
    if (read(times[0], span, sizeof(span)) != sizeof(span)) {
      ok = 0;
      break;
    }
    first = span[0] < first ? span[0] : first;
    last = span[1] > last ? span[1] : last;
  }
  close(times[0]);
  for (int i = 0; i < started; i++)
    wait(0);
  if (!ok || started != NCPU || last <= first)
    return failed("kmalloc-all", "fork or ktest failed");
  report_pairs("kmalloc-all", (uint64)NCPU * KMALLOC_PAIRS, last - first);
  return 0;
}

// Order-0 page alloc + free pairs in the buddy allocator.
static int
bench_pages(void)
{
  int ticks = ktest(KTEST_BENCH_PAGES, PAGE_PAIRS);
  if (ticks <= 0)
    return failed("pages", "ktest failed");
  report_pairs("pages", PAGE_PAIRS, ticks);
  return 0;
}

static int bench_wakelat(void); // scheduling: see the end of the file

struct benchmark {
  const char *name;
  int (*run)(void); // prints its line; 0 if it ran, -1 if it failed
};

static struct benchmark benchmarks[] = {
    {"getpid", bench_getpid},
    {"fork", bench_fork},
    {"fork16m", bench_fork16m},
    {"fork16m-copy", bench_fork16m_copy},
    {"pipe", bench_pipe},
    {"pingpong", bench_pingpong},
    {"create", bench_create},
    {"forkexec", bench_forkexec},
    {"kmalloc", bench_kmalloc},
    {"kmalloc-all", bench_kmalloc_all},
    {"pages", bench_pages},
    {"wakelat", bench_wakelat},
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

// ---- Scheduling: wake-up latency under load --------------------------------
//   wakelat-mlfq  a process that sleeps one tick at a time, competing with
//                 2 * harts CPU-bound processes under the MLFQ policy: its
//                 mean wake-up-to-running time, as the kernel measured it
//                 (procinfo), in us
//   wakelat-rr    the same under round robin (the policy is put back after)

#include "kernel/procinfo.h"
#include "user/schedutil.h"

#define WAKELAT_ROUNDS 100    // pause(1) rounds of the sleeper
#define WAKELAT_SINK_TICKS 40 // head start for the CPU-bound processes

// The sleeper: WAKELAT_ROUNDS times pause(1), then write its mean wake-up
// latency in us (from procinfo) to fd and exit.
static void
wakelat_sleeper(int fd)
{
  struct procinfo me;
  for (int i = 0; i < WAKELAT_ROUNDS; i++)
    pause(1);
  if (su_procinfo_of(getpid(), &me) < 0 || me.nwakeups < WAKELAT_ROUNDS)
    exit(TL_CHILD_FAILED);
  if (write(fd, &me.wake_latency_avg_us, sizeof(uint64)) != sizeof(uint64))
    exit(TL_CHILD_FAILED);
  exit(0);
}

// Measure the sleeper's latency under `policy` with 2 * harts hogs and
// print it as `name`. Returns 0, or -1 if something failed.
static int
wakelat_under(int policy, const char *name, int harts)
{
  int hogs = 2 * harts, pids[2 * NCPU], from_sleeper;
  uint64 us = 0;
  int old_policy = schedpolicy(policy);
  if (su_spawn_hogs(hogs, pids) < 0) {
    schedpolicy(old_policy);
    return failed(name, "fork failed");
  }
  pause(WAKELAT_SINK_TICKS);
  int pid = tl_fork_piped(&from_sleeper);
  if (pid == 0)
    wakelat_sleeper(stdout);
  int n = read(from_sleeper, &us, sizeof(us)); // end of file if the sleeper failed
  close(from_sleeper);
  int status = tl_reap(pid);
  su_kill_all(hogs, pids);
  schedpolicy(old_policy);
  if (pid < 0 || n != sizeof(us) || status != 0)
    return failed(name, "the sleeper failed");
  report(name, us, 1, 0, "us");
  return 0;
}

// Wake-up latency under MLFQ and under round robin.
static int
bench_wakelat(void)
{
  int harts = su_count_harts();
  if (harts > NCPU)
    harts = NCPU;
  int mlfq = wakelat_under(SCHED_MLFQ, "wakelat-mlfq", harts);
  int rr = wakelat_under(SCHED_RR, "wakelat-rr", harts);
  return mlfq < 0 || rr < 0 ? -1 : 0;
}
