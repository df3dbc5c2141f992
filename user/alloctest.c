// alloctest: checks the kernel's page (buddy) and object (slab) allocators
// from user space.
//   stress   the kernel's slab stress test on every hart at once (one
//            child per possible hart, NCPU), then the buddy allocator's
//            invariant check
//   leak     free pages (memstat with MEMSTAT_DRAIN) and the objects in
//            use in the kernel's caches are the same before and after a
//            workload of forks, execs, pipes, files and maps
//   exhaust  grow the heap and touch it until memory runs out and sbrk
//            fails; then fork, with 0, 1, 2, ... pages free, must either
//            fail cleanly (-1) or work; after freeing everything the free
//            page count is back where it started
//   caches   memstat lists proc, vma, file, pipe and every kmalloc-* cache
//            with sane numbers, and they move by one as objects come and go
// Usage: alloctest [CASE]. Prints "alloctest CASE: OK" or "alloctest
// CASE: FAILED (why)" per case, then "alloctest: ALL OK" or "alloctest:
// N FAILED". Exits 0 only if every case passed.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/fcntl.h"
#include "kernel/memstat.h"
#include "kernel/ktest.h"
#include "user/user.h"
#include "user/testlib.h"

#define STRESS_ITERATIONS 100000 // kmalloc/kfree steps per stress child
#define LEAK_ROUNDS 10           // rounds of the leak workload
#define LEAK_FILE_BYTES 5000     // bytes written to each workload file
#define PIPE_BYTES 3000          // bytes sent through each workload pipe
#define MAP_PAGES 4              // pages each workload child maps
#define CHUNK_PAGES 256          // the heap grows by this much at first
#define PT_SLACK 2               // spare pages kept for page tables
#define PTES_PER_TABLE 512       // pages one page-table page maps
#define PROBE_ACCEL 32           // probes between growing the release step
#define PROBE_SUCCESSES 3        // stop probing after this many forks work
#define NKMALLOC 13              // kmalloc size classes (see slab.c)

static struct memstat mstat;
static char buf[LEAK_FILE_BYTES];
static const uint32 kmalloc_sizes[NKMALLOC] = {8,   16,  32,   64,   96,   128, 192,
                                               256, 512, 1024, 2048, 4096, 8192};

// Fill mstat with per-hart caches drained (exact counts). 0 or -1.
static int
drained_stats(void)
{
  return memstat(&mstat, MEMSTAT_DRAIN);
}

// Free pages (exact), or -1.
static int64
free_pages(void)
{
  return drained_stats() < 0 ? -1 : (int64)mstat.free_pages;
}

// The entry of the cache called name in mstat, or 0.
static struct memstat_cache *
cache(const char *name)
{
  for (uint32 i = 0; i < mstat.ncaches; i++)
    if (strcmp(mstat.caches[i].name, name) == 0)
      return &mstat.caches[i];
  return 0;
}

// Objects in use in cache name (per mstat), or -1 if there is no such
// cache.
static int64
in_use(const char *name)
{
  struct memstat_cache *c = cache(name);
  return c ? (int64)c->in_use : -1;
}

// ---- stress -----------------------------------------------------------------

// KTEST_SLAB_STRESS in NCPU children started together (so every hart
// runs it at once), then KTEST_BUDDY_CHECK.
// Returns 0, or -1 after printing why.
static int
test_stress(void)
{
  int go[2], started = 0;
  if (pipe(go) < 0)
    return tl_fail("pipe failed");
  for (int i = 0; i < NCPU; i++) {
    int pid = fork();
    if (pid == 0) {
      char c;
      close(go[1]);
      read(go[0], &c, 1); // returns 0 when the parent closes: start together
      exit(ktest(KTEST_SLAB_STRESS, STRESS_ITERATIONS) == 0 ? TL_CHILD_OK : TL_CHILD_FAILED);
    }
    started += pid > 0;
  }
  close(go[0]);
  close(go[1]);
  if (started != NCPU)
    return tl_fail("fork failed");
  if (tl_reap_ok(started) != started)
    return tl_fail("KTEST_SLAB_STRESS failed on some hart");
  if (drained_stats() < 0 || ktest(KTEST_BUDDY_CHECK, 0) != 0)
    return tl_fail("KTEST_BUDDY_CHECK failed after the stress test");
  return 0;
}

// ---- leak -------------------------------------------------------------------

// fork + exec("echo") with its output going into a pipe read here.
// 0 or -1.
static int
exec_echo(void)
{
  char *argv[] = {"echo", "leak", "test", 0};
  int status = tl_run_capture("echo", argv, 0, buf, sizeof(buf));
  return status == TL_CHILD_OK && strlen(buf) == sizeof("leak test") ? 0 : -1;
}

// Send PIPE_BYTES through a pipe to a child that checks and echoes the
// count back as its exit status. 0 or -1.
static int
pipe_round(void)
{
  int fds[2];
  if (pipe(fds) < 0)
    return -1;
  int pid = fork();
  if (pid == 0) {
    close(fds[1]);
    int n, total = 0;
    while ((n = read(fds[0], buf, sizeof(buf))) > 0)
      total += n;
    exit(total == PIPE_BYTES ? TL_CHILD_OK : TL_CHILD_FAILED);
  }
  close(fds[0]);
  memset(buf, 'p', PIPE_BYTES);
  int w = write(fds[1], buf, PIPE_BYTES);
  close(fds[1]);
  return pid > 0 && w == PIPE_BYTES && tl_reap_ok(1) == 1 ? 0 : -1;
}

// Create, write, read back and remove a file and a directory. 0 or -1.
static int
file_round(void)
{
  int fd = open("at-file", O_CREATE | O_RDWR | O_TRUNC);
  if (fd < 0)
    return -1;
  memset(buf, 'f', LEAK_FILE_BYTES);
  int w = write(fd, buf, LEAK_FILE_BYTES);
  close(fd);
  fd = open("at-file", O_RDONLY);
  int r = fd < 0 ? -1 : read(fd, buf, LEAK_FILE_BYTES);
  close(fd);
  int ok = w == LEAK_FILE_BYTES && r == LEAK_FILE_BYTES && mkdir("at-dir") == 0;
  return ok && unlink("at-dir") == 0 && unlink("at-file") == 0 ? 0 : -1;
}

// A child that maps anonymous and file memory, touches it, forks a
// grandchild that writes it, and exits without unmapping. 0 or -1.
static int
map_round(void)
{
  int pid = fork();
  if (pid == 0) {
    int fd = open("echo", O_RDONLY);
    char *a =
        mmap(0, MAP_PAGES * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *f = mmap(0, MAP_PAGES * PGSIZE, PROT_READ, MAP_PRIVATE, fd, 0);
    if (fd < 0 || a == MAP_FAILED || f == MAP_FAILED)
      exit(TL_CHILD_FAILED);
    for (int i = 0; i < MAP_PAGES; i++)
      a[i * PGSIZE] = f[i * PGSIZE];
    if (fork() == 0) {
      a[0] = 1; // copy-on-write in the grandchild
      exit(TL_CHILD_OK);
    }
    exit(tl_reap_ok(1) == 1 ? TL_CHILD_OK : TL_CHILD_FAILED);
  }
  return pid > 0 && tl_reap_ok(1) == 1 ? 0 : -1;
}

// The caches whose objects in use must not change over the workload.
static const char *leak_caches[] = {"proc", "trapframe", "file", "pipe", "vma", "inode"};
#define NLEAK_CACHES (sizeof(leak_caches) / sizeof(leak_caches[0]))

// The leak workload LEAK_ROUNDS times; free pages and the objects in
// use in leak_caches must not change. Returns 0, or -1 after printing why.
static int
test_leak(void)
{
  int64 before_use[NLEAK_CACHES];
  int64 before = free_pages();
  for (int i = 0; i < NLEAK_CACHES; i++)
    before_use[i] = in_use(leak_caches[i]);
  for (int round = 0; round < LEAK_ROUNDS; round++)
    if (exec_echo() < 0 || pipe_round() < 0 || file_round() < 0 || map_round() < 0)
      return tl_fail("the workload failed");
  int64 after = free_pages();
  for (int i = 0; i < NLEAK_CACHES; i++) {
    if (in_use(leak_caches[i]) != before_use[i]) {
      printf("alloctest leak: cache %s: %ld objects in use before, %ld after\n", leak_caches[i],
             before_use[i], in_use(leak_caches[i]));
      return tl_fail("kernel objects leaked");
    }
  }
  if (before < 0 || after != before) {
    printf("alloctest leak: %ld free pages before, %ld after\n", before, after);
    return tl_fail("pages leaked");
  }
  return 0;
}

// ---- exhaust ----------------------------------------------------------------

// Results of the exhaust case, kept in bss (already mapped) so that
// nothing new is touched while memory is full.
static uint64 heap_pages;  // pages the heap has grown by
static int sbrk_failures;  // times sbrk said no
static int fork_failures;  // forks that failed while memory was full
static int fork_successes; // forks that worked while memory was full

// Fork a child that exits at once; returns fork's result. Neither side
// writes memory between fork and the child's exit, so neither needs a
// copy of a copy-on-write page while no memory is free.
__attribute__((noinline)) static int
fork_probe(void)
{
  int pid = fork();
  if (pid == 0)
    _exit(TL_CHILD_OK);
  if (pid > 0)
    wait(0);
  return pid;
}

// Grow the heap by `pages` and touch them, unless that would leave too
// little for their page tables. Returns 1 if it did, 0 if not.
static int
grow_and_touch(uint64 pages)
{
  char *chunk = sbrk(pages * PGSIZE);
  if (chunk == (char *)-1) {
    sbrk_failures++;
    return 0;
  }
  if (memstat(&mstat, 0) < 0 || mstat.free_pages < pages + pages / PTES_PER_TABLE + PT_SLACK) {
    sbrk(-(int)(pages * PGSIZE)); // touching it could run out mid-way
    return 0;
  }
  for (uint64 i = 0; i < pages; i++)
    chunk[i * PGSIZE] = 1;
  heap_pages += pages;
  return 1;
}

// Body of the exhaust case, in its own process: fill memory, probe fork,
// give it all back.
static void
exhaust_memory(void)
{
  for (uint64 pages = CHUNK_PAGES; pages > 0;)
    if (!grow_and_touch(pages))
      pages /= 2;
  // memstat needs a little kernel memory itself: if even that is gone,
  // no page is left.
  uint64 left = memstat(&mstat, 0) < 0 ? 0 : mstat.free_pages;
  int refused = sbrk((left + 1) * PGSIZE) == (char *)-1;
  // Free a page, then a few more, between tries: fork first fails at
  // each of its early allocations, then needs page tables for the heap.
  uint64 peak = heap_pages, step = 1;
  for (int i = 0; fork_successes < PROBE_SUCCESSES && heap_pages > step; i++) {
    if (fork_probe() < 0)
      fork_failures++;
    else
      fork_successes++;
    step = 1 + i / PROBE_ACCEL;
    sbrk(-(int)(step * PGSIZE));
    heap_pages -= step;
  }
  sbrk(-(int)(heap_pages * PGSIZE));
  printf("alloctest exhaust: heap grew to %lu pages, %lu pages left free; "
         "fork failed %d times, then worked\n",
         peak, left, fork_failures);
  if (!refused || sbrk_failures == 0)
    exit(tl_fail("sbrk of more than the free memory succeeded"));
  if (left > PT_SLACK + 1)
    exit(tl_fail("memory was not full after sbrk stopped"));
  if (fork_failures == 0 || fork_successes == 0)
    exit(tl_fail("fork did not fail when memory was full, or never worked again"));
  exit(TL_CHILD_OK);
}

// exhaust_memory() in a child; afterwards the free page count must be
// what it was before. Returns 0, or -1 after printing why.
static int
test_exhaust(void)
{
  int64 before = free_pages();
  int pid = fork();
  if (pid == 0)
    exhaust_memory();
  if (pid < 0 || tl_reap_ok(1) != 1)
    return tl_fail("the process that filled memory failed");
  int64 after = free_pages();
  if (before < 0 || after != before) {
    printf("alloctest exhaust: %ld free pages before, %ld after\n", before, after);
    return tl_fail("pages were lost");
  }
  return 0;
}

// ---- caches -----------------------------------------------------------------

// Are cache c's numbers consistent? 1 if so.
static int
cache_sane(struct memstat_cache *c)
{
  if (c->obj_size == 0 || c->slab_pages == 0 || c->in_use > c->total)
    return 0;
  if (c->slabs == 0)
    return c->total == 0;
  return c->total % c->slabs == 0 &&
         (c->total / c->slabs) * c->obj_size <= c->slab_pages * mstat.page_size;
}

// Check the buddy numbers and every cache in mstat. 0 or -1.
static int
check_numbers(void)
{
  uint64 in_blocks = 0;
  for (int k = 0; k < MEMSTAT_ORDERS; k++)
    in_blocks += mstat.free_blocks[k] << k;
  if (mstat.page_size != PGSIZE || mstat.free_pages > mstat.total_pages ||
      in_blocks != mstat.free_pages)
    return tl_fail("the buddy numbers do not add up");
  const char *named[] = {"proc", "vma", "file", "pipe", "trapframe", "inode"};
  for (int i = 0; i < sizeof(named) / sizeof(named[0]); i++)
    if (cache(named[i]) == 0)
      return tl_fail("a kernel object cache is missing");
  for (int i = 0; i < NKMALLOC; i++) {
    char name[MEMSTAT_NAME_LEN];
    snprintf(name, sizeof(name), "kmalloc-%u", kmalloc_sizes[i]);
    struct memstat_cache *c = cache(name);
    if (c == 0 || c->obj_size < kmalloc_sizes[i])
      return tl_fail("a kmalloc size class is missing or too small");
  }
  for (uint32 i = 0; i < mstat.ncaches; i++)
    if (!cache_sane(&mstat.caches[i])) {
      printf("alloctest caches: %s: size %u, %lu in use of %lu in %lu slabs\n",
             mstat.caches[i].name, mstat.caches[i].obj_size, mstat.caches[i].in_use,
             mstat.caches[i].total, mstat.caches[i].slabs);
      return tl_fail("a cache's numbers are not consistent");
    }
  if (mstat.nprocs < 3 || in_use("proc") < mstat.nprocs)
    return tl_fail("fewer proc objects in use than processes");
  return 0;
}

// Does cache name hold expected objects in use now? Prints why if not.
static int
expect_in_use(const char *name, int64 expected)
{
  if (drained_stats() < 0 || in_use(name) != expected) {
    printf("alloctest caches: %s: %ld in use, expected %ld\n", name, in_use(name), expected);
    return 0;
  }
  return 1;
}

// memstat's numbers add up, and objects come and go one at a time
// (a map is one vma, a pipe one pipe and two files, a child one proc).
// Returns 0, or -1 after printing why.
static int
test_caches(void)
{
  int fds[2];
  char c;
  if (drained_stats() < 0 || check_numbers() < 0)
    return -1;
  int64 vmas = in_use("vma"), pipes = in_use("pipe"), files = in_use("file");
  int64 procs = in_use("proc");
  char *p = mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED || !expect_in_use("vma", vmas + 1) || munmap(p, PGSIZE) < 0 ||
      !expect_in_use("vma", vmas))
    return tl_fail("mmap/munmap did not add/remove one vma object");
  if (pipe(fds) < 0 || !expect_in_use("pipe", pipes + 1) || !expect_in_use("file", files + 2))
    return tl_fail("pipe() did not add one pipe and two file objects");
  int pid = fork();
  if (pid == 0) {
    close(fds[1]);
    read(fds[0], &c, 1); // until the parent closes the pipe
    exit(TL_CHILD_OK);
  }
  int live = expect_in_use("proc", procs + 1);
  close(fds[0]);
  close(fds[1]);
  if (pid < 0 || tl_reap_ok(1) != 1 || !live)
    return tl_fail("a live child is not one more proc object");
  if (!expect_in_use("proc", procs) || !expect_in_use("pipe", pipes) ||
      !expect_in_use("file", files))
    return tl_fail("objects were not given back");
  return check_numbers();
}

static struct tl_case cases[] = {
    {"stress", test_stress},
    {"leak", test_leak},
    {"exhaust", test_exhaust},
    {"caches", test_caches},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

int
main(int argc, char *argv[])
{
  tl_set_program("alloctest");
  int failed = tl_run_cases(cases, NCASES, argc > 1 ? argv[1] : 0, TL_IN_PROCESS);
  if (failed < 0) {
    fprintf(2, "usage: alloctest [stress|leak|exhaust|caches]\n");
    exit(1);
  }
  tl_finish(0, failed);
}
