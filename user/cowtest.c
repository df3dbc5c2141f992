// cowtest: checks copy-on-write fork.
//   bigfork   fork succeeds while more than half of the free memory is in
//             use (touched heap); parent and child both read it intact,
//             and the fork itself takes almost no memory
//   threeway  three processes write the same (shared copy-on-write) pages
//             at the same time; each sees only its own data
//   copyout   the kernel writes into copy-on-write pages (read() from a
//             file and a pipe, pipe(), fstat()) in parent and child; the
//             other process does not see it
//   race      several processes fork and exit many children at once on
//             all harts; parent and children write the shared pages
// Every case runs in a child of the test, and at the end the free page
// count (memstat with MEMSTAT_DRAIN) must be what it was at the start:
//   leak      no page is lost by the cases above
// Usage: cowtest [CASE]. Prints "cowtest CASE: OK" or "cowtest CASE:
// FAILED (why)" for each case and for leak, then "cowtest: ALL OK" or
// "cowtest: N FAILED". Exits 0 only if everything passed.

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "user/user.h"
#include "user/testlib.h"

#define BIGFORK_PERCENT 60            // share of free memory the bigfork heap uses
#define BIGFORK_CHILD_WRITES 16       // pages the bigfork child writes (copies)
#define FORK_SLACK_PAGES 64           // pages a fork may take besides page tables
#define PTES_PER_TABLE 512            // a page-table page maps this many pages
#define SHARED_PAGES 8                // pages of the threeway and copyout buffers
#define NWRITERS 3                    // processes in threeway: parent + 2 children
#define FILE_BYTES (2 * PGSIZE + 100) // copyout's file: spans 3 pages
#define FILE_AT 100                   // where copyout reads the file into the buffer
#define MSG_AT 20                     // where copyout reads the pipe message
#define RACE_WORKERS 6                // processes forking at once in race
#define RACE_ROUNDS 40                // children each race worker forks
#define TAG_MULTIPLIER 2654435761UL   // spreads page_tag's values (any odd number)
#define TAG_OFFSET 17                 // so that page 0's tag is not 0
#define LETTERS 26                    // the file pattern cycles through A..Z

static char area[SHARED_PAGES * PGSIZE]; // bss: becomes copy-on-write at fork
static const char file_name[] = "cowtest.tmp";
static const char message[] = "through the pipe";

// The value bigfork stores in page i of its heap.
static uint64
page_tag(uint64 i)
{
  return i * TAG_MULTIPLIER + TAG_OFFSET;
}

// Do the first and last word of each of npages pages at heap hold their
// tags? Returns 1 if so.
static int
heap_intact(uint64 *heap, uint64 npages)
{
  uint64 words = PGSIZE / sizeof(uint64);
  for (uint64 i = 0; i < npages; i++)
    if (heap[i * words] != page_tag(i) || heap[i * words + words - 1] != ~page_tag(i))
      return 0;
  return 1;
}

// Child side of bigfork: the fork took little memory; everything reads
// back; writing a few pages copies them without disturbing the parent.
static void
bigfork_child(uint64 *heap, uint64 npages, int64 free_before)
{
  uint64 words = PGSIZE / sizeof(uint64);
  int64 free_now = tl_free_pages();
  if (free_now < free_before - (int64)(npages / PTES_PER_TABLE) - FORK_SLACK_PAGES)
    exit(tl_fail("fork took memory for the heap: not copy-on-write?"));
  if (!heap_intact(heap, npages))
    exit(tl_fail("child reads wrong heap contents"));
  for (uint64 i = 0; i < BIGFORK_CHILD_WRITES; i++)
    heap[i * words] = 0;
  for (uint64 i = 0; i < BIGFORK_CHILD_WRITES; i++)
    if (heap[i * words] != 0)
      exit(tl_fail("child's write did not stick"));
  exit(TL_CHILD_OK);
}

// Fill most of free memory, then fork.
static int
test_bigfork(void)
{
  int64 free_start = tl_free_pages();
  uint64 npages = free_start * BIGFORK_PERCENT / 100;
  uint64 words = PGSIZE / sizeof(uint64);
  uint64 *heap = (uint64 *)sbrk(npages * PGSIZE);
  if (free_start < 0 || heap == (uint64 *)-1)
    return tl_fail("sbrk of 60% of free memory failed");
  for (uint64 i = 0; i < npages; i++) {
    heap[i * words] = page_tag(i);
    heap[i * words + words - 1] = ~page_tag(i);
  }
  int64 free_before = tl_free_pages();
  if (free_before > free_start - (int64)npages)
    return tl_fail("touching the heap did not use its pages");
  int pid = fork();
  if (pid < 0)
    return tl_fail("fork failed with 60% of memory in use: not copy-on-write?");
  if (pid == 0)
    bigfork_child(heap, npages, free_before);
  if (tl_reap(pid) != TL_CHILD_OK)
    return tl_fail("child saw a problem");
  if (!heap_intact(heap, npages))
    return tl_fail("parent's heap changed (the child's writes leaked?)");
  return 0;
}

// Does area hold only mark? Prints where it does not. 1 if so.
static int
area_holds(char mark)
{
  for (int i = 0; i < sizeof(area); i++) {
    if (area[i] != mark) {
      printf("cowtest threeway: writer '%c' finds '%c' at offset %d\n", mark, area[i], i);
      return 0;
    }
  }
  return 1;
}

// A threeway child: wait for the start signal, fill area with mark,
// report done, wait until everybody has written, check area. Exits.
static void
threeway_child(char mark, int start_fd, int done_fd, int check_fd)
{
  char c;
  int ok = read(start_fd, &c, 1) == 1;
  memset(area, mark, sizeof(area));
  ok = ok && write(done_fd, &mark, 1) == 1 && read(check_fd, &c, 1) == 1;
  exit(ok && area_holds(mark) ? TL_CHILD_OK : TL_CHILD_FAILED);
}

// Three processes write the same copy-on-write pages at once; then each
// checks that it sees only its own data.
static int
test_threeway(void)
{
  int start[2], done[2], check[2];
  char c;
  memset(area, '.', sizeof(area));
  if (pipe(start) < 0 || pipe(done) < 0 || pipe(check) < 0)
    return tl_fail("pipe failed");
  for (int i = 0; i < NWRITERS - 1; i++)
    if (fork() == 0)
      threeway_child('a' + i, start[0], done[1], check[0]);
  for (int i = 0; i < NWRITERS - 1; i++)
    write(start[1], "g", 1); // let the children write while we do
  memset(area, 'P', sizeof(area));
  for (int i = 0; i < NWRITERS - 1; i++)
    read(done[0], &c, 1);
  int mine = area_holds('P'); // everybody has written
  for (int i = 0; i < NWRITERS - 1; i++)
    write(check[1], "c", 1); // now the children check
  int result = mine ? 0 : tl_fail("the parent sees another writer's data");
  if (tl_reap_ok(NWRITERS - 1) != NWRITERS - 1 && result == 0)
    result = tl_fail("a child sees another writer's data");
  for (int i = 0; i < 2; i++) {
    close(start[i]);
    close(done[i]);
    close(check[i]);
  }
  return result;
}

// Create the copyout test file: FILE_BYTES of a pattern. 0 or -1.
static int
make_file(void)
{
  char chunk[100];
  int fd = open(file_name, O_CREATE | O_RDWR | O_TRUNC);
  if (fd < 0)
    return -1;
  for (int off = 0; off < FILE_BYTES; off += sizeof(chunk)) {
    int n = FILE_BYTES - off < sizeof(chunk) ? FILE_BYTES - off : sizeof(chunk);
    for (int i = 0; i < n; i++)
      chunk[i] = 'A' + (off + i) % LETTERS;
    if (write(fd, chunk, n) != n)
      break;
  }
  close(fd);
  return 0;
}

// read() the test file into area + FILE_AT (a copyout that crosses three
// copy-on-write pages) and check what arrived. Returns 1 if all is well.
static int
read_file_into_area(void)
{
  int fd = open(file_name, O_RDONLY);
  if (fd < 0)
    return 0;
  int n = read(fd, area + FILE_AT, FILE_BYTES);
  close(fd);
  if (n != FILE_BYTES)
    return 0;
  for (int i = 0; i < FILE_BYTES; i++)
    if (area[FILE_AT + i] != 'A' + i % LETTERS)
      return 0;
  return 1;
}

// Child side of copyout: pipe() and fstat() into copy-on-write pages,
// read() from the pipe into one; the parent's file read must not show.
static void
copyout_child(int from_parent)
{
  static int fds[2];     // bss: copy-on-write
  static struct stat st; // bss: copy-on-write
  int n = read(from_parent, area + MSG_AT, sizeof(message));
  if (n != sizeof(message) || strcmp(area + MSG_AT, message) != 0)
    exit(tl_fail("child: read from a pipe into a COW page went wrong"));
  if (!tl_all_bytes(area + FILE_AT, FILE_BYTES, 'x'))
    exit(tl_fail("child sees the parent's read() data"));
  int fd = open(file_name, O_RDONLY);
  if (pipe(fds) < 0 || fds[0] < 0 || fds[1] < 0 || fstat(fd, &st) < 0 || st.size != FILE_BYTES)
    exit(tl_fail("child: pipe()/fstat() into COW pages failed"));
  close(fd);
  close(fds[0]);
  close(fds[1]);
  if (!read_file_into_area())
    exit(tl_fail("child: read from a file into a COW page went wrong"));
  exit(TL_CHILD_OK);
}

// The kernel writes into copy-on-write pages in both processes.
static int
test_copyout(void)
{
  int to_child[2];
  memset(area, 'x', sizeof(area));
  if (make_file() < 0 || pipe(to_child) < 0)
    return tl_fail("cannot create the file or the pipe");
  int pid = fork();
  if (pid == 0)
    copyout_child(to_child[0]);
  int result = 0;
  if (pid < 0)
    result = tl_fail("fork failed");
  else if (!read_file_into_area()) // the child still shares these pages
    result = tl_fail("parent: read from a file into a COW page went wrong");
  write(to_child[1], message, sizeof(message));
  if (tl_reap(pid) != TL_CHILD_OK && result == 0)
    result = tl_fail("the child saw a problem");
  if (result == 0 && !tl_all_bytes(area, FILE_AT, 'x'))
    result = tl_fail("parent sees the child's pipe read");
  close(to_child[0]);
  close(to_child[1]);
  unlink(file_name);
  return result;
}

// One race worker: fork RACE_ROUNDS children one after another; each
// child writes the shared pages and exits with a status derived from what
// it read; the worker writes them too and checks every status.
static void
race_worker(int id)
{
  for (int round = 0; round < RACE_ROUNDS; round++) {
    area[0] = id;
    area[PGSIZE] = round;
    int pid = fork();
    if (pid < 0)
      exit(tl_fail("fork failed"));
    if (pid == 0) {
      int seen = area[0] * 100 + area[PGSIZE];
      area[0] = area[PGSIZE] = -1; // copy the pages while the parent does
      exit(seen == id * 100 + round ? TL_CHILD_OK : TL_CHILD_FAILED);
    }
    area[PGSIZE * 2] = round; // a write in the parent while the child runs
    if (tl_reap(pid) != TL_CHILD_OK || area[0] != id || area[PGSIZE] != round)
      exit(tl_fail("a child read or wrote the wrong data"));
  }
  exit(TL_CHILD_OK);
}

// Many forks and exits at once, from several processes, on all harts.
static int
test_race(void)
{
  int started = 0;
  for (int i = 0; i < RACE_WORKERS; i++) {
    int pid = fork();
    if (pid == 0)
      race_worker(i + 1);
    started += pid > 0;
  }
  if (tl_reap_ok(started) != started || started != RACE_WORKERS)
    return tl_fail("a worker failed");
  return 0;
}

static struct tl_case cases[] = {
    {"bigfork", test_bigfork},
    {"threeway", test_threeway},
    {"copyout", test_copyout},
    {"race", test_race},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

// Each case runs in a child, so that whatever it allocates goes away with
// it; then the leak check.
int
main(int argc, char *argv[])
{
  tl_set_program("cowtest");
  int failed = tl_run_cases_leak_checked(cases, NCASES, argc > 1 ? argv[1] : 0);
  if (failed < 0) {
    fprintf(2, "usage: cowtest [bigfork|threeway|copyout|race]\n");
    exit(1);
  }
  tl_finish(0, failed);
}
