// mmaptest: checks mmap, munmap, mprotect and the lazy heap.
//   ro-private     a read-only private map of a file shows its bytes (and
//                  zeros past the end), also after close(fd); writing kills
//   private-write  writes to a private map never reach the file
//   ro-shared      a shared writable map of a read-only fd is refused
//   writeback      a shared map's dirty pages reach the file at munmap,
//                  never past its end; the file does not grow
//   writeback-exit ... and when the process exits, or is killed
//   after-munmap   touching memory after munmap kills the process
//   lazy           mapping a large file makes no page resident; touching
//                  one page makes exactly one resident
//   two-files      two files mapped at once, each with its own bytes
//   fork-shared    a child's writes to a shared file map reach the parent
//   fork-private   ... but not through a private map
//   fork-cold      fork with an untouched shared file map whose blocks
//                  are not in the buffer cache (fork must read the disk)
//   anon-shared    anonymous shared memory between parent and child
//   partial        munmap of the middle of a map: both ends still work
//                  (with the right file offsets), the hole kills
//   badargs        bad arguments to mmap/munmap/mprotect return -1
//   mprotect       read-only, then a write kills; back to rw works
//   lazy-heap      sbrk'd pages are zero and appear on first touch
// Every case runs in a child; at the end the free page count (memstat
// with MEMSTAT_DRAIN) must be what it was at the start:
//   leak           no page is lost by the cases above
// Killed children print "fault: ..." lines on the console: expected.
// Usage: mmaptest [CASE]. Prints "mmaptest CASE: OK" or "mmaptest CASE:
// FAILED (why)" per case and for leak, then "mmaptest: ALL OK" or
// "mmaptest: N FAILED". Exits 0 only if everything passed.

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "kernel/vmregion.h"
#include "user/user.h"
#include "user/testlib.h"

#define RW (PROT_READ | PROT_WRITE)
#define ANON_PRIVATE (MAP_PRIVATE | MAP_ANONYMOUS)
#define ANON_SHARED (MAP_SHARED | MAP_ANONYMOUS)
#define MAX_REGIONS 64
#define LAZY_PAGES 32 // pages of the large file in lazy
#define HEAP_PAGES 16 // pages lazy-heap grows the heap by
#define COLD_PAGES                                                                                 \
  16                                       // pages of fork-cold's file: more blocks
                                           // than the buffer cache holds (NBUF)
#define HUGE_SBRK 0x7fffffff               // far more than the machine's memory
#define UNMAPPED ((char *)0x100000000UL)   // nothing is ever mapped there
#define FIXED_ADDR ((char *)0x200000000UL) // free, for MAP_FIXED
#define CLOSED_FD 15                       // an fd this program never opens
#define HUGE_FD 1000                       // not an fd at all
#define BAD_PROT 0x8                       // not a PROT_* bit
#define BAD_FLAG 0x1000                    // not a MAP_* flag
#define UNALIGNED_OFF 100                  // not a multiple of PGSIZE
#define LETTERS 26                         // test files hold the letters a..z
#define PATTERN_STEP 7                     // the pattern moves this many letters per byte
#define SEED_STEP 3                        // and each seed starts this many letters on
#define CHILD_SURVIVED 2                   // a child whose bad access did not fault
#define NO_CHILD (-2)                      // child_status() found no child to wait for
#define KILLED (-1)                        // exit status of a process the kernel killed

int main(int argc, char *argv[]); // badargs tries to munmap its code

static struct vmregion regions[MAX_REGIONS];
static char io[PGSIZE];

// The byte at offset off of a test file made with seed.
static char
pattern(uint64 off, int seed)
{
  return 'a' + (off * PATTERN_STEP + seed * SEED_STEP + off / PGSIZE) % LETTERS;
}

// Create file name with n bytes of pattern(seed). 0 or -1.
static int
make_file(const char *name, int n, int seed)
{
  int fd = open(name, O_CREATE | O_RDWR | O_TRUNC);
  if (fd < 0)
    return -1;
  for (int off = 0; off < n; off += PGSIZE) {
    int len = n - off < PGSIZE ? n - off : PGSIZE;
    for (int i = 0; i < len; i++)
      io[i] = pattern(off + i, seed);
    if (write(fd, io, len) != len) {
      close(fd);
      return -1;
    }
  }
  close(fd);
  return 0;
}

// Do the n bytes at p equal the file pattern from offset off? 1 if so.
static int
matches(const char *p, uint64 off, int n, int seed)
{
  for (int i = 0; i < n; i++)
    if (p[i] != pattern(off + i, seed))
      return 0;
  return 1;
}

// Read up to PGSIZE bytes of file name at offset off (a multiple of
// PGSIZE) into io, with read(), not a map. Returns the count, or -1.
static int
read_at(const char *name, int off)
{
  int fd = open(name, O_RDONLY), n = 0;
  if (fd < 0)
    return -1;
  for (int skipped = 0; skipped < off && n >= 0; skipped += PGSIZE)
    n = read(fd, io, PGSIZE);
  n = read(fd, io, PGSIZE);
  close(fd);
  return n;
}

// The size of file name, or -1.
static int
file_size(const char *name)
{
  struct stat st;
  return stat(name, &st) < 0 ? -1 : (int)st.size;
}

// The caller's region that starts at addr, or 0.
static struct vmregion *
region_at(void *addr)
{
  int n = vmregions(0, regions, MAX_REGIONS);
  for (int i = 0; i < n; i++)
    if (regions[i].start == (uint64)addr)
      return &regions[i];
  return 0;
}

// Resident pages of the region starting at addr, or -1 if there is none.
static int
resident(void *addr)
{
  struct vmregion *r = region_at(addr);
  return r ? r->resident : -1;
}

// Touch addr (load, or store if `store`) in a child. Returns the
// child's exit status: KILLED if the kernel killed it (TL_NO_STATUS if
// fork or wait failed).
static int
touch_in_child(char *addr, int store)
{
  int pid = fork();
  if (pid == 0) {
    if (store)
      *(volatile char *)addr = 'k';
    else
      (void)*(volatile char *)addr;
    exit(CHILD_SURVIVED);
  }
  return tl_reap(pid);
}

// Wait for the only child; returns its exit status (or NO_CHILD).
static int
child_status(void)
{
  int status = NO_CHILD;
  wait(&status);
  return status;
}

// Map n bytes of file name (opened with omode) with prot and flags.
// The fd is closed again: a mapping keeps the file. MAP_FAILED if the
// open or the mmap failed.
static char *
map_file(const char *name, int omode, int n, int prot, int flags, int off)
{
  int fd = open(name, omode);
  if (fd < 0)
    return MAP_FAILED;
  char *p = mmap(0, n, prot, flags, fd, off);
  close(fd);
  return p;
}

// A read-only private map of a file (and one at an offset) shows the
// file, zeros past its end, even after close(fd); a write kills.
// Returns 0, or -1 after printing why.
static int
test_ro_private(void)
{
  const char *f = "mt-ro";
  int size = 2 * PGSIZE + 500;
  if (make_file(f, size, 1) < 0)
    return tl_fail("cannot create the file");
  char *p = map_file(f, O_RDONLY, 3 * PGSIZE, PROT_READ, MAP_PRIVATE, 0);
  char *q = map_file(f, O_RDONLY, PGSIZE, PROT_READ, MAP_PRIVATE, PGSIZE);
  if (p == MAP_FAILED || q == MAP_FAILED)
    return tl_fail("mmap of a read-only file failed");
  if (!matches(p, 0, size, 1))
    return tl_fail("the map does not show the file's bytes");
  if (!tl_all_bytes(p + size, 3 * PGSIZE - size, 0))
    return tl_fail("bytes past the end of the file are not zero");
  if (!matches(q, PGSIZE, PGSIZE, 1))
    return tl_fail("a map at offset PGSIZE shows the wrong bytes");
  if (touch_in_child(p + PGSIZE, 1) != KILLED)
    return tl_fail("a write to a read-only map did not kill");
  if (munmap(p, 3 * PGSIZE) < 0 || munmap(q, PGSIZE) < 0)
    return tl_fail("munmap failed");
  unlink(f);
  return 0;
}

// Writes through private maps (also a child's) stay out of the file
// and out of other private maps of it. Returns 0, or -1 after printing why.
static int
test_private_write(void)
{
  const char *f = "mt-pw";
  if (make_file(f, 2 * PGSIZE, 2) < 0)
    return tl_fail("cannot create the file");
  char *p = map_file(f, O_RDWR, 2 * PGSIZE, RW, MAP_PRIVATE, 0);
  if (p == MAP_FAILED)
    return tl_fail("mmap failed");
  p[0] = '#';
  p[PGSIZE + 5] = '#';
  char *q = map_file(f, O_RDWR, 2 * PGSIZE, RW, MAP_PRIVATE, 0);
  if (q == MAP_FAILED || q[0] != pattern(0, 2) || q[PGSIZE + 5] != pattern(PGSIZE + 5, 2))
    return tl_fail("a second private map sees the first one's writes");
  if (p[0] != '#' || !matches(p + 1, 1, PGSIZE + 4, 2))
    return tl_fail("the private map does not hold its own writes");
  if (fork() == 0) { // a child writes its copy and exits without munmap
    p[1] = '#';
    exit(TL_CHILD_OK);
  }
  child_status();
  if (munmap(p, 2 * PGSIZE) < 0 || munmap(q, 2 * PGSIZE) < 0)
    return tl_fail("munmap failed");
  if (read_at(f, 0) != PGSIZE || !matches(io, 0, PGSIZE, 2) || read_at(f, PGSIZE) != PGSIZE ||
      !matches(io, PGSIZE, PGSIZE, 2))
    return tl_fail("a private map's writes reached the file");
  unlink(f);
  return 0;
}

// A read-only fd gives no shared writable map, not even by mprotect;
// read-only shared and writable private maps of it are fine.
// Returns 0, or -1 after printing why.
static int
test_ro_shared(void)
{
  const char *f = "mt-rs";
  if (make_file(f, PGSIZE, 3) < 0)
    return tl_fail("cannot create the file");
  if (map_file(f, O_RDONLY, PGSIZE, RW, MAP_SHARED, 0) != MAP_FAILED)
    return tl_fail("shared writable map of a read-only fd was allowed");
  if (map_file(f, O_WRONLY, PGSIZE, PROT_READ, MAP_SHARED, 0) != MAP_FAILED)
    return tl_fail("map of a write-only fd was allowed");
  char *p = map_file(f, O_RDONLY, PGSIZE, PROT_READ, MAP_SHARED, 0);
  char *q = map_file(f, O_RDONLY, PGSIZE, RW, MAP_PRIVATE, 0);
  if (p == MAP_FAILED || q == MAP_FAILED)
    return tl_fail("read-only shared or writable private map was refused");
  if (mprotect(p, PGSIZE, RW) != -1)
    return tl_fail("mprotect made a read-only file's shared map writable");
  if (!matches(p, 0, PGSIZE, 3))
    return tl_fail("the shared map shows the wrong bytes");
  munmap(p, PGSIZE);
  munmap(q, PGSIZE);
  unlink(f);
  return 0;
}

// munmap writes a shared map's dirty pages back, up to the end of
// the file only; untouched pages and the file size stay as they were.
// Returns 0, or -1 after printing why.
static int
test_writeback(void)
{
  const char *f = "mt-wb";
  int size = 2 * PGSIZE + 300;
  if (make_file(f, size, 4) < 0)
    return tl_fail("cannot create the file");
  char *p = map_file(f, O_RDWR, 3 * PGSIZE, RW, MAP_SHARED, 0);
  if (p == MAP_FAILED)
    return tl_fail("mmap failed");
  p[10] = '!';                              // page 0
  p[size - 1] = '!';                        // the file's last byte, on page 2
  memset(p + size, 'Z', 3 * PGSIZE - size); // past the end of the file
  if (munmap(p, 3 * PGSIZE) < 0)
    return tl_fail("munmap failed");
  if (file_size(f) != size)
    return tl_fail("the file's size changed");
  if (read_at(f, 0) != PGSIZE || io[10] != '!' || !matches(io, 0, 10, 4) ||
      !matches(io + 11, 11, PGSIZE - 11, 4))
    return tl_fail("page 0 was not written back correctly");
  if (read_at(f, PGSIZE) != PGSIZE || !matches(io, PGSIZE, PGSIZE, 4))
    return tl_fail("the untouched page 1 changed");
  if (read_at(f, 2 * PGSIZE) != 300 || io[299] != '!' || !matches(io, 2 * PGSIZE, 299, 4))
    return tl_fail("page 2 was not written back correctly");
  unlink(f);
  return 0;
}

// Child of writeback-exit: write msg at off of a shared map of f, then
// exit normally or, if crash, die of a NULL dereference.
static void
write_and_leave(const char *f, int off, const char *msg, int crash)
{
  char *p = map_file(f, O_RDWR, PGSIZE, RW, MAP_SHARED, 0);
  if (p == MAP_FAILED)
    exit(TL_CHILD_FAILED);
  strcpy(p + off, msg);
  volatile char *null = 0;
  if (crash)
    (void)*null;
  exit(TL_CHILD_OK);
}

// Exit writes a shared map's dirty pages back, also when the kernel
// kills the process. Returns 0, or -1 after printing why.
static int
test_writeback_exit(void)
{
  const char *f = "mt-we";
  if (make_file(f, PGSIZE, 5) < 0)
    return tl_fail("cannot create the file");
  if (fork() == 0)
    write_and_leave(f, 100, "written by a child", 0);
  if (child_status() != TL_CHILD_OK)
    return tl_fail("the child failed");
  if (fork() == 0)
    write_and_leave(f, 200, "written, then killed", 1);
  if (child_status() != KILLED)
    return tl_fail("the crashing child was not killed");
  if (read_at(f, 0) != PGSIZE || strcmp(io + 100, "written by a child") != 0)
    return tl_fail("dirty page not written back at exit");
  if (strcmp(io + 200, "written, then killed") != 0)
    return tl_fail("dirty page not written back when the process was killed");
  unlink(f);
  return 0;
}

// Loads and stores to anonymous and file maps after munmap kill.
// Returns 0, or -1 after printing why.
static int
test_after_munmap(void)
{
  const char *f = "mt-am";
  char *p = mmap(0, 2 * PGSIZE, RW, ANON_PRIVATE, -1, 0);
  if (p == MAP_FAILED || make_file(f, PGSIZE, 6) < 0)
    return tl_fail("mmap or file creation failed");
  char *q = map_file(f, O_RDONLY, PGSIZE, PROT_READ, MAP_PRIVATE, 0);
  if (q == MAP_FAILED)
    return tl_fail("mmap of the file failed");
  p[0] = p[PGSIZE] = 1;
  (void)*(volatile char *)q;
  if (munmap(p, 2 * PGSIZE) < 0 || munmap(q, PGSIZE) < 0)
    return tl_fail("munmap failed");
  if (touch_in_child(p, 0) != KILLED || touch_in_child(p + PGSIZE, 1) != KILLED)
    return tl_fail("an access to unmapped anonymous memory did not kill");
  if (touch_in_child(q, 0) != KILLED)
    return tl_fail("an access to an unmapped file map did not kill");
  unlink(f);
  return 0;
}

// Maps start with no resident page; each touched page adds one.
// Returns 0, or -1 after printing why.
static int
test_lazy(void)
{
  const char *f = "mt-lazy";
  if (make_file(f, LAZY_PAGES * PGSIZE, 7) < 0)
    return tl_fail("cannot create the file");
  struct stat st;
  int fd = open(f, O_RDONLY);
  char *p = mmap(0, LAZY_PAGES * PGSIZE, PROT_READ, MAP_PRIVATE, fd, 0);
  if (fd < 0 || fstat(fd, &st) < 0 || p == MAP_FAILED)
    return tl_fail("open or mmap failed");
  close(fd);
  struct vmregion *r = region_at(p);
  if (r == 0 || r->kind != VMREGION_FILE || r->inum != st.ino ||
      r->end - r->start != LAZY_PAGES * PGSIZE || r->prot != PROT_READ)
    return tl_fail("vmregions does not describe the map");
  if (r->resident != 0)
    return tl_fail("pages are resident before any access");
  if (!matches(p + 7 * PGSIZE + 123, 7 * PGSIZE + 123, 1, 7) || resident(p) != 1)
    return tl_fail("reading one page did not make exactly one page resident");
  if (!matches(p + 7 * PGSIZE, 7 * PGSIZE, PGSIZE, 7) || resident(p) != 1)
    return tl_fail("re-reading the page changed the resident count");
  if (!matches(p + 20 * PGSIZE, 20 * PGSIZE, PGSIZE, 7) || resident(p) != 2)
    return tl_fail("a second page did not make two resident pages");
  char *a = mmap(0, LAZY_PAGES * PGSIZE, RW, ANON_PRIVATE, -1, 0);
  if (a == MAP_FAILED || resident(a) != 0)
    return tl_fail("an anonymous map has resident pages before any access");
  a[5 * PGSIZE] = 1;
  if (resident(a) != 1)
    return tl_fail("writing one anonymous page did not make it resident");
  munmap(p, LAZY_PAGES * PGSIZE);
  munmap(a, LAZY_PAGES * PGSIZE);
  unlink(f);
  return 0;
}

// Two shared file maps at once: apart, each with its own file's bytes,
// and each writing back to its own file. Returns 0, or -1 after printing why.
static int
test_two_files(void)
{
  const char *fa = "mt-a", *fb = "mt-b";
  if (make_file(fa, 2 * PGSIZE, 8) < 0 || make_file(fb, 2 * PGSIZE, 9) < 0)
    return tl_fail("cannot create the files");
  char *a = map_file(fa, O_RDWR, 2 * PGSIZE, RW, MAP_SHARED, 0);
  char *b = map_file(fb, O_RDWR, 2 * PGSIZE, RW, MAP_SHARED, 0);
  if (a == MAP_FAILED || b == MAP_FAILED)
    return tl_fail("mmap failed");
  if ((a < b && a + 2 * PGSIZE > b) || (b < a && b + 2 * PGSIZE > a))
    return tl_fail("the two maps overlap");
  struct vmregion *ra = region_at(a);
  uint32 inum_a = ra ? ra->inum : 0;
  struct vmregion *rb = region_at(b);
  if (ra == 0 || rb == 0 || inum_a == rb->inum)
    return tl_fail("vmregions does not show two files");
  for (int pg = 1; pg >= 0; pg--) // interleaved accesses
    if (!matches(b + pg * PGSIZE, pg * PGSIZE, PGSIZE, 9) ||
        !matches(a + pg * PGSIZE, pg * PGSIZE, PGSIZE, 8))
      return tl_fail("a map shows the wrong file's bytes");
  a[0] = 'A';
  b[0] = 'B';
  if (munmap(a, 2 * PGSIZE) < 0 || !matches(b + 1, 1, 2 * PGSIZE - 1, 9))
    return tl_fail("unmapping one file disturbed the other");
  munmap(b, 2 * PGSIZE);
  if (read_at(fa, 0) != PGSIZE || io[0] != 'A' || read_at(fb, 0) != PGSIZE || io[0] != 'B')
    return tl_fail("the writes did not reach their own files");
  unlink(fa);
  unlink(fb);
  return 0;
}

// A child's writes to a shared file map (a resident page and one not
// yet touched) reach the parent and the file.
// Returns 0, or -1 after printing why.
static int
test_fork_shared(void)
{
  const char *f = "mt-fs";
  if (make_file(f, 2 * PGSIZE, 10) < 0)
    return tl_fail("cannot create the file");
  char *p = map_file(f, O_RDWR, 2 * PGSIZE, RW, MAP_SHARED, 0);
  if (p == MAP_FAILED)
    return tl_fail("mmap failed");
  (void)*(volatile char *)p; // page 0 resident at fork, page 1 not
  if (fork() == 0) {
    strcpy(p + 10, "child page 0");
    strcpy(p + PGSIZE + 10, "child page 1");
    exit(TL_CHILD_OK);
  }
  if (child_status() != TL_CHILD_OK)
    return tl_fail("the child failed");
  if (strcmp(p + 10, "child page 0") != 0 || strcmp(p + PGSIZE + 10, "child page 1") != 0)
    return tl_fail("the child's writes to a shared map are not visible");
  munmap(p, 2 * PGSIZE);
  if (read_at(f, PGSIZE) != PGSIZE || strcmp(io + 10, "child page 1") != 0)
    return tl_fail("the child's writes did not reach the file");
  unlink(f);
  return 0;
}

// A child inherits a private map's contents, but its writes reach
// neither the parent nor the file. Returns 0, or -1 after printing why.
static int
test_fork_private(void)
{
  const char *f = "mt-fp";
  if (make_file(f, 2 * PGSIZE, 11) < 0)
    return tl_fail("cannot create the file");
  char *p = map_file(f, O_RDWR, 2 * PGSIZE, RW, MAP_PRIVATE, 0);
  if (p == MAP_FAILED)
    return tl_fail("mmap failed");
  p[0] = 'P'; // page 0 private and written at fork, page 1 untouched
  if (fork() == 0) {
    int inherited = p[0] == 'P' && matches(p + PGSIZE, PGSIZE, PGSIZE, 11);
    p[0] = 'C';
    p[PGSIZE] = 'C';
    exit(inherited ? TL_CHILD_OK : TL_CHILD_FAILED);
  }
  if (child_status() != TL_CHILD_OK)
    return tl_fail("the child did not inherit the private map's contents");
  if (p[0] != 'P' || !matches(p + PGSIZE, PGSIZE, PGSIZE, 11))
    return tl_fail("the child's writes to a private map are visible");
  munmap(p, 2 * PGSIZE);
  if (read_at(f, 0) != PGSIZE || !matches(io, 0, PGSIZE, 11))
    return tl_fail("a private map's writes reached the file");
  unlink(f);
  return 0;
}

// Fork with a shared file map none of whose pages are resident or in
// the buffer cache: fork has to read the file to share the pages.
// Returns 0, or -1 after printing why.
static int
test_fork_cold(void)
{
  const char *f = "mt-cold", *evict = "mt-evict";
  if (make_file(f, COLD_PAGES * PGSIZE, 14) < 0 ||
      make_file(evict, COLD_PAGES * PGSIZE, 15) < 0) // pushes f out of the cache
    return tl_fail("cannot create the files");
  char *p = map_file(f, O_RDWR, COLD_PAGES * PGSIZE, RW, MAP_SHARED, 0);
  if (p == MAP_FAILED)
    return tl_fail("mmap failed");
  int pid = fork(); // shares every page of p, so it must read them all now
  if (pid == 0)
    exit(matches(p, 0, COLD_PAGES * PGSIZE, 14) ? TL_CHILD_OK : TL_CHILD_FAILED);
  if (pid < 0 || child_status() != TL_CHILD_OK)
    return tl_fail("the child does not see the file through the shared map");
  if (!matches(p, 0, COLD_PAGES * PGSIZE, 14))
    return tl_fail("the parent does not see the file through the shared map");
  munmap(p, COLD_PAGES * PGSIZE);
  unlink(f);
  unlink(evict);
  return 0;
}

// Anonymous shared memory carries messages both ways between parent
// and child; a private anonymous page does not.
// Returns 0, or -1 after printing why.
static int
test_anon_shared(void)
{
  int ping[2], pong[2];
  char c;
  char *p = mmap(0, 2 * PGSIZE, RW, ANON_SHARED, -1, 0);
  char *priv = mmap(0, PGSIZE, RW, ANON_PRIVATE, -1, 0);
  if (p == MAP_FAILED || priv == MAP_FAILED || pipe(ping) < 0 || pipe(pong) < 0)
    return tl_fail("mmap or pipe failed");
  if (!tl_all_bytes(p, 2 * PGSIZE, 0))
    return tl_fail("anonymous memory is not zero");
  if (fork() == 0) {
    strcpy(p + PGSIZE + 7, "hello parent");
    priv[0] = 'c';
    write(pong[1], "x", 1);
    read(ping[0], &c, 1); // the parent has answered in page 0
    exit(strcmp(p + 3, "hello child") == 0 ? TL_CHILD_OK : TL_CHILD_FAILED);
  }
  read(pong[0], &c, 1);
  int seen = strcmp(p + PGSIZE + 7, "hello parent") == 0;
  strcpy(p + 3, "hello child");
  write(ping[1], "x", 1);
  if (child_status() != TL_CHILD_OK)
    return tl_fail("the child does not see the parent's write");
  if (!seen)
    return tl_fail("the parent does not see the child's write");
  if (priv[0] != 0)
    return tl_fail("a private anonymous page was shared");
  munmap(p, 2 * PGSIZE);
  munmap(priv, PGSIZE);
  return 0;
}

// munmap the middle page of a 3-page anonymous map.
static int
partial_anon(void)
{
  char *p = mmap(0, 3 * PGSIZE, RW, ANON_PRIVATE, -1, 0);
  if (p == MAP_FAILED)
    return tl_fail("mmap failed");
  for (int i = 0; i < 3; i++)
    p[i * PGSIZE] = 'a' + i;
  if (munmap(p + PGSIZE, PGSIZE) < 0)
    return tl_fail("munmap of the middle page failed");
  if (p[0] != 'a' || p[2 * PGSIZE] != 'c')
    return tl_fail("the ends lost their data");
  p[1] = p[2 * PGSIZE + 1] = 'w';
  if (resident(p) != 1 || resident(p + 2 * PGSIZE) != 1)
    return tl_fail("vmregions does not show two one-page regions");
  if (touch_in_child(p + PGSIZE, 0) != KILLED)
    return tl_fail("the hole did not kill");
  munmap(p, 3 * PGSIZE);
  return 0;
}

// munmap the middle and the front of a shared file map: the pieces keep
// their file offsets, also when written back.
static int
partial_file(void)
{
  const char *f = "mt-part";
  if (make_file(f, 4 * PGSIZE, 12) < 0)
    return tl_fail("cannot create the file");
  char *p = map_file(f, O_RDWR, 4 * PGSIZE, RW, MAP_SHARED, 0);
  if (p == MAP_FAILED)
    return tl_fail("mmap failed");
  p[PGSIZE] = '1'; // dirty page 1 is written back when it is unmapped
  if (munmap(p + PGSIZE, PGSIZE) < 0 || munmap(p, PGSIZE) < 0)
    return tl_fail("munmap of part of a file map failed");
  if (!matches(p + 2 * PGSIZE, 2 * PGSIZE, 2 * PGSIZE, 12))
    return tl_fail("the rest of the map shows the wrong file offsets");
  p[3 * PGSIZE] = '3';
  if (munmap(p + 2 * PGSIZE, 2 * PGSIZE) < 0)
    return tl_fail("munmap of the rest failed");
  if (read_at(f, PGSIZE) != PGSIZE || io[0] != '1' || read_at(f, 3 * PGSIZE) != PGSIZE ||
      io[0] != '3' || !matches(io + 1, 3 * PGSIZE + 1, PGSIZE - 1, 12))
    return tl_fail("pieces were written back at the wrong offsets");
  unlink(f);
  return 0;
}

// munmap of part of an anonymous and of a file map.
// Returns 0, or -1 after printing why.
static int
test_partial(void)
{
  return partial_anon() < 0 ? -1 : partial_file();
}

// Each of these calls must fail.
static int
mmap_bad_calls(int fd, int pipe_fd)
{
  struct {
    const char *what;
    void *result;
  } calls[] = {
      {"len 0", mmap(0, 0, RW, ANON_PRIVATE, -1, 0)},
      {"unaligned MAP_FIXED", mmap(FIXED_ADDR + 1, PGSIZE, RW, ANON_PRIVATE | MAP_FIXED, -1, 0)},
      {"MAP_FIXED at 0", mmap(0, PGSIZE, RW, ANON_PRIVATE | MAP_FIXED, -1, 0)},
      {"bad prot", mmap(0, PGSIZE, BAD_PROT, ANON_PRIVATE, -1, 0)},
      {"bad flag", mmap(0, PGSIZE, RW, ANON_PRIVATE | BAD_FLAG, -1, 0)},
      {"neither shared nor private", mmap(0, PGSIZE, RW, MAP_ANONYMOUS, -1, 0)},
      {"both shared and private", mmap(0, PGSIZE, RW, ANON_SHARED | MAP_PRIVATE, -1, 0)},
      {"fd -1", mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, -1, 0)},
      {"closed fd", mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, CLOSED_FD, 0)},
      {"fd 1000", mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, HUGE_FD, 0)},
      {"a pipe", mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, pipe_fd, 0)},
      {"unaligned offset", mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, fd, UNALIGNED_OFF)},
  };
  for (int i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
    if (calls[i].result != MAP_FAILED) {
      printf("mmaptest badargs: mmap with %s returned %p\n", calls[i].what, calls[i].result);
      return tl_fail("a bad mmap succeeded");
    }
  }
  return 0;
}

// munmap and mprotect with bad arguments, around the 2-page map p whose
// next page is not mapped.
static int
unmap_protect_bad_calls(char *p)
{
  char *stack_page = (char *)PGROUNDDOWN((uint64)&p);
  if (munmap(p + 1, PGSIZE) != -1 || munmap(p, 0) != -1)
    return tl_fail("munmap of an unaligned address or of 0 bytes succeeded");
  if (munmap((char *)main, PGSIZE) != -1 || munmap(stack_page, PGSIZE) != -1)
    return tl_fail("munmap of the program's text or stack succeeded");
  if (munmap(UNMAPPED, PGSIZE) != 0)
    return tl_fail("munmap of a range with nothing mapped did not return 0");
  if (mprotect(UNMAPPED, PGSIZE, PROT_READ) != -1 || mprotect(p, 3 * PGSIZE, PROT_READ) != -1)
    return tl_fail("mprotect of an unmapped range succeeded");
  if (mprotect(p, PGSIZE, BAD_PROT) != -1 || mprotect(p + 1, PGSIZE, PROT_READ) != -1 ||
      mprotect(p, 0, PROT_READ) != -1)
    return tl_fail("mprotect with bad prot, address or length succeeded");
  if (mmap(p, PGSIZE, RW, ANON_PRIVATE | MAP_FIXED, -1, 0) != MAP_FAILED)
    return tl_fail("MAP_FIXED over an existing map succeeded");
  return 0;
}

// Bad arguments to mmap, munmap and mprotect fail and disturb
// nothing; a good MAP_FIXED map works. Returns 0, or -1 after printing why.
static int
test_badargs(void)
{
  const char *f = "mt-bad";
  int fds[2];
  if (make_file(f, PGSIZE, 13) < 0 || pipe(fds) < 0)
    return tl_fail("cannot create the file or the pipe");
  int fd = open(f, O_RDONLY);
  char *p = mmap(0, 3 * PGSIZE, RW, ANON_PRIVATE, -1, 0);
  if (fd < 0 || p == MAP_FAILED || munmap(p + 2 * PGSIZE, PGSIZE) < 0)
    return tl_fail("setting up failed");
  if (mmap_bad_calls(fd, fds[0]) < 0 || unmap_protect_bad_calls(p) < 0)
    return -1;
  p[0] = 'p';
  char *fixed = mmap(FIXED_ADDR, PGSIZE, RW, ANON_PRIVATE | MAP_FIXED, -1, 0);
  if (fixed != FIXED_ADDR)
    return tl_fail("a good MAP_FIXED map failed");
  fixed[0] = 'f';
  if (p[0] != 'p' || munmap(fixed, PGSIZE) < 0 || munmap(p, 2 * PGSIZE) < 0)
    return tl_fail("the good maps do not work after the bad calls");
  close(fd);
  unlink(f);
  return 0;
}

// mprotect to read-only and PROT_NONE (a write, a read kills), of one
// page of two, and back to read-write. Returns 0, or -1 after printing why.
static int
test_mprotect(void)
{
  char *p = mmap(0, 2 * PGSIZE, RW, ANON_PRIVATE, -1, 0);
  if (p == MAP_FAILED)
    return tl_fail("mmap failed");
  p[0] = 'a';
  if (mprotect(p, PGSIZE, PROT_READ) < 0)
    return tl_fail("mprotect to read-only failed");
  if (p[0] != 'a')
    return tl_fail("a read-only page lost its data");
  if (touch_in_child(p, 1) != KILLED)
    return tl_fail("a write to a read-only page did not kill");
  p[PGSIZE] = 'b'; // the second page is still writable
  if (mprotect(p, PGSIZE, PROT_NONE) < 0 || touch_in_child(p, 0) != KILLED)
    return tl_fail("a read of a PROT_NONE page did not kill");
  if (mprotect(p, 2 * PGSIZE, RW) < 0)
    return tl_fail("mprotect back to read-write failed");
  p[0] = 'c';
  if (p[0] != 'c' || p[PGSIZE] != 'b')
    return tl_fail("the pages do not work after mprotect back to read-write");
  munmap(p, 2 * PGSIZE);
  return 0;
}

// The heap region's resident pages, or -1 if there is no heap region.
static int
heap_resident(void)
{
  int n = vmregions(0, regions, MAX_REGIONS);
  for (int i = 0; i < n; i++)
    if (regions[i].kind == VMREGION_HEAP)
      return regions[i].resident;
  return -1;
}

// sbrk'd pages are zero, become resident when touched, go away when
// the heap shrinks, and come back zero; a huge sbrk fails.
// Returns 0, or -1 after printing why.
static int
test_lazy_heap(void)
{
  char *heap = sbrk(HEAP_PAGES * PGSIZE);
  int before = heap_resident();
  if (heap == (char *)-1 || before < 0)
    return tl_fail("sbrk failed or there is no heap region");
  for (int i = 0; i < HEAP_PAGES / 2; i++)
    if (!tl_all_bytes(heap + i * PGSIZE, PGSIZE, 0))
      return tl_fail("a new heap page is not zero");
  if (heap_resident() != before + HEAP_PAGES / 2)
    return tl_fail("reading heap pages did not make exactly them resident");
  heap[(HEAP_PAGES - 1) * PGSIZE] = 1;
  if (heap_resident() != before + HEAP_PAGES / 2 + 1)
    return tl_fail("writing a heap page did not make it resident");
  memset(heap, 'x', HEAP_PAGES * PGSIZE);
  if (sbrk(-HEAP_PAGES * PGSIZE) == (char *)-1 || sbrk(HEAP_PAGES * PGSIZE) != heap)
    return tl_fail("shrinking and growing the heap again failed");
  if (heap_resident() != before)
    return tl_fail("pages given back with sbrk are still resident");
  if (!tl_all_bytes(heap, HEAP_PAGES * PGSIZE, 0))
    return tl_fail("heap pages given back and grown again are not zero");
  if (sbrk(HUGE_SBRK) != (char *)-1)
    return tl_fail("sbrk of more than the free memory succeeded");
  return 0;
}

static struct tl_case cases[] = {
    {"ro-private", test_ro_private},
    {"private-write", test_private_write},
    {"ro-shared", test_ro_shared},
    {"writeback", test_writeback},
    {"writeback-exit", test_writeback_exit},
    {"after-munmap", test_after_munmap},
    {"lazy", test_lazy},
    {"two-files", test_two_files},
    {"fork-shared", test_fork_shared},
    {"fork-private", test_fork_private},
    {"fork-cold", test_fork_cold},
    {"anon-shared", test_anon_shared},
    {"partial", test_partial},
    {"badargs", test_badargs},
    {"mprotect", test_mprotect},
    {"lazy-heap", test_lazy_heap},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

// Each case runs in a child, so that its maps and files go away with it;
// then the leak check.
int
main(int argc, char *argv[])
{
  tl_set_program("mmaptest");
  int failed = tl_run_cases_leak_checked(cases, NCASES, argc > 1 ? argv[1] : 0);
  if (failed < 0) {
    fprintf(2, "mmaptest: no case named %s\n", argv[1]);
    exit(1);
  }
  tl_finish(0, failed);
}
