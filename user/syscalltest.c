// syscalltest: checks the system calls, one behaviour per check, and checks
// that the kernel answers bad arguments with -1 instead of crashing.
//
// Usage: syscalltest GROUP, where GROUP is one of
//   proc     fork, exit, wait, kill, getpid, sbrk, pause, uptime
//   exec     exec of a real program, a missing file, too many arguments,
//            bad argv pointers, files that are not ELF executables
//   files    open/write/read/close, O_TRUNC, fstat, dup, link, unlink,
//            mkdir, chdir, mknod, many files, a file needing the indirect block
//   pipe     data order, end of file, writing to a closed pipe, 64 KiB transfer
//   badptr   pointers that are NULL, kernel addresses, unmapped, running off
//            the end of the heap, or (for outputs) the read-only program text
//   badfd    file descriptors that are negative, too large or closed
//   badlen   negative and zero lengths
//   badpath  paths that are too long, empty, or go through a plain file
//   all      every group above
// Prints "syscalltest GROUP: CHECK: OK" or "... FAILED (why)" per check, then
// "syscalltest GROUP: ALL OK" or "syscalltest GROUP: N FAILED", and exits
// with 0 only if every check passed. Files it creates are named st_* and are
// removed again, so the groups can run in any order.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/fs.h"
#include "user/user.h"
#include "user/testlib.h"

#define KERNEL_ADDR 0xFFFFFFC080200000UL // the kernel image (upper half)
#define UNMAPPED_ADDR 0x3000000000UL     // user half, nothing mapped there
#define HEAP_EDGE_OFFSET 2 // bad buffers start this far below the break
#define BAD_LEN 100        // length used with the bad buffers
#define BIG_FD 100         // a descriptor number far beyond NOFILE
#define CONSOLE_MAJOR 1    // the console's major device number
#define EXIT_MAGIC 42      // status passed through exit -> wait
#define CHILD_SURVIVED 3   // a child that should have been killed exits so
#define EXEC_RETURNED_ERROR 77 // child status: exec returned -1
#define EXEC_RETURNED_OTHER 78 // child status: exec returned, but not -1
#define PAUSE_TICKS 5          // length of the timed pause
#define SETTLE_TICKS 2         // time given to a child to reach pause()
#define KILL_WAIT_TICKS 300    // a child waiting to be killed gives up after
#define SBRK_TEST_PAGES 3      // heap pages grown and shrunk by the sbrk test
#define HUGE_SBRK 0x40000000   // 1 GiB: far more than the machine's RAM
#define MANY_FILES 50          // files created by the many-files check
#define BIG_FILE_BLOCKS (NDIRECT + 8) // enough to need the indirect block
#define PIPE_BULK_BYTES (64 * 1024)   // bytes moved by the pipe transfer
#define PIPE_CHUNK_MAX 700            // largest write in the pipe transfer
#define NAME_MAX_LEN 64               // room for a generated check name
#define WHY_MAX_LEN 64                // room for a generated reason
#define TEXT_SNAPSHOT 32              // bytes of main's code compared
#define MANY_NAME_SIZE 7              // "st_mNN" and its NUL
#define TEN_BYTES "0123456789"        // contents of small test files
#define ELF_MAGIC "\177ELF"           // first bytes of every ELF file

int main(int argc, char *argv[]); // its address is the bad-pointer "text"

static char capture[256];                        // output of a child
static char big_buf[BIG_FILE_BLOCKS * BSIZE];    // big file, written
static char big_back[BIG_FILE_BLOCKS * BSIZE];   // big file, read back
static char pipe_chunk[PIPE_CHUNK_MAX];          // pipe transfer buffer
static char *many_args[MAXARG + 2];              // argv for the MAXARG checks

// ---- reporting -----------------------------------------------------------

// Pass the check if got >= min; otherwise show both values.
static void
check_ge(const char *check, long got, long min)
{
  char why[WHY_MAX_LEN];
  snprintf(why, sizeof(why), "got %d, want at least %d", (int)got, (int)min);
  tl_check(check, got >= min, why);
}

// Build "a b" in a static buffer (one at a time) for generated check names.
static const char *
name2(const char *a, const char *b)
{
  static char name[NAME_MAX_LEN];
  int n = 0;
  for (; *a && n < NAME_MAX_LEN - 2; a++)
    name[n++] = *a;
  name[n++] = ' ';
  for (; *b && n < NAME_MAX_LEN - 1; b++)
    name[n++] = *b;
  name[n] = 0;
  return name;
}

// ---- helpers -------------------------------------------------------------

// Run exec(path, argv) in a child with stdout and stderr closed, so the
// parent survives whatever exec does. Returns the child's exit status:
// EXEC_RETURNED_ERROR if exec returned -1, the program's own status if exec
// worked, -1 if the child was killed, TL_NO_STATUS if fork failed.
static int
exec_in_child(const char *path, char **argv)
{
  int pid = fork();
  if (pid == 0) {
    close(1);
    close(2);
    int r = exec(path, argv);
    exit(r == -1 ? EXEC_RETURNED_ERROR : EXEC_RETURNED_OTHER);
  }
  return tl_reap(pid);
}

// Create (or truncate) the file name holding n bytes of data.
// Returns 0, or -1 if open or write failed.
static int
write_file(const char *name, const void *data, int n)
{
  int fd = open(name, O_CREATE | O_TRUNC | O_RDWR);
  if (fd < 0)
    return -1;
  int written = write(fd, data, n);
  close(fd);
  return written == n ? 0 : -1;
}

// Read up to max bytes of file name into buf.
// Returns the number of bytes read, or -1 if it cannot be opened.
static int
read_file(const char *name, char *buf, int max)
{
  int fd = open(name, O_RDONLY);
  if (fd < 0)
    return -1;
  int n = tl_read_all(fd, buf, max);
  close(fd);
  return n;
}

// Fill buf with n bytes of a pattern that depends on seed and position.
static void
fill_pattern(char *buf, int n, int seed)
{
  for (int i = 0; i < n; i++)
    buf[i] = (char)(seed * 31 + i * 7 + (i >> 8));
}

// Move the break up to a page boundary, so that a later sbrk(-n) of whole
// pages really removes them. Returns the new break.
static char *
align_break(void)
{
  char *cur = sbrk(0);
  int pad = PGROUNDUP((uint64)cur) - (uint64)cur;
  if (pad)
    sbrk(pad);
  return sbrk(0);
}

// ---- group proc ----------------------------------------------------------

// fork returns the child's pid to the parent and 0 to the child; the
// child's getpid agrees and differs from the parent's.
static void
test_fork_pids(void)
{
  int fds[2];
  int parent = getpid();
  if (pipe(fds) < 0) {
    tl_check("fork returns the child's pid", 0, "pipe failed");
    return;
  }
  int pid = fork();
  if (pid == 0) {
    int view[2] = {pid, getpid()}; // what fork returned here, and our pid
    write(fds[1], view, sizeof(view));
    exit(0);
  }
  close(fds[1]);
  int view[2] = {-1, -1};
  int n = read(fds[0], view, sizeof(view));
  close(fds[0]);
  tl_check("fork succeeds", pid > 0 && n == sizeof(view), "fork or pipe read failed");
  tl_check_eq("fork returns 0 in the child", view[0], 0);
  tl_check_eq("fork returns the child's pid in the parent", pid, view[1]);
  tl_check("child's pid differs from the parent's", view[1] != parent, "same pid");
  tl_check_eq("getpid is stable in the parent", getpid(), parent);
  tl_check_eq("wait returns the child's pid", wait(0), pid);
}

// exit's status reaches wait; wait(0) is allowed; with no children left
// wait returns -1.
static void
test_exit_wait(void)
{
  int pid = fork();
  if (pid == 0)
    exit(EXIT_MAGIC);
  int status = TL_NO_STATUS;
  tl_check_eq("wait returns the exited child", wait(&status), pid);
  tl_check_eq("wait reports exit(42) as 42", status, EXIT_MAGIC);

  pid = fork();
  if (pid == 0)
    exit(0);
  tl_check_eq("wait(0) reaps a child", wait(0), pid);
  tl_check_eq("wait with no children returns -1", wait(&status), -1);
  tl_check_eq("wait(0) with no children returns -1", wait(0), -1);
}

// kill makes a child that sleeps in pause() exit with status -1; kill of
// a pid that does not exist returns -1.
static void
test_kill(void)
{
  int fds[2];
  char ready;
  pipe(fds);
  int pid = fork();
  if (pid == 0) {
    write(fds[1], "r", 1);
    pause(KILL_WAIT_TICKS);
    exit(CHILD_SURVIVED);
  }
  close(fds[1]);
  read(fds[0], &ready, 1);
  close(fds[0]);
  pause(SETTLE_TICKS); // let the child get into pause()
  tl_check_eq("kill of a paused child returns 0", kill(pid), 0);
  tl_check_eq("killed child exits with status -1", tl_reap(pid), -1);
  tl_check_eq("kill(-1) returns -1", kill(-1), -1);
  tl_check_eq("kill(999999) returns -1", kill(999999), -1);
}

// sbrk(n) returns the old break and gives zeroed, writable memory;
// sbrk(-n) gives it back; grown again it is zero again.
static void
test_sbrk_grow_shrink(void)
{
  int n = SBRK_TEST_PAGES * PGSIZE;
  char *old = align_break();
  char *p = sbrk(n);
  tl_check("sbrk(n) returns the old break", p == old, "returned another address");
  if (p != old)
    return;
  tl_check("sbrk(n) moves the break up by n", sbrk(0) == old + n, "wrong break");
  tl_check("new heap memory is zero", tl_all_bytes(p, n, 0), "non-zero byte");
  memset(p, 0x5a, n);
  tl_check("new heap memory is writable", tl_all_bytes(p, n, 0x5a), "bytes not kept");
  tl_check("sbrk(-n) returns the old break", sbrk(-n) == old + n, "wrong value");
  tl_check("sbrk(-n) moves the break down by n", sbrk(0) == old, "wrong break");
  p = sbrk(n);
  tl_check("heap grown again is zero again", p == old && tl_all_bytes(p, n, 0),
           "old contents or wrong address");
  sbrk(-n);
}

// A page given back with sbrk(-n) is gone: touching it kills the process.
static void
test_sbrk_unmaps(void)
{
  char *old = align_break();
  char *p = sbrk(PGSIZE);
  p[0] = 1;
  sbrk(-PGSIZE);
  int pid = fork();
  if (pid == 0) {
    volatile char *gone = old;
    if (gone[0] == 1)
      exit(CHILD_SURVIVED + 1);
    exit(CHILD_SURVIVED);
  }
  tl_check_eq("load from a page removed by sbrk(-n) kills", tl_reap(pid), -1);
}

// An sbrk far larger than memory fails with (char*)-1 and changes nothing.
static void
test_sbrk_huge(void)
{
  char *before = sbrk(0);
  char *r = sbrk(HUGE_SBRK);
  tl_check("sbrk(1 GiB) fails with -1", r == (char *)-1, "it succeeded");
  if (r != (char *)-1)
    sbrk(-HUGE_SBRK);
  tl_check("failed sbrk leaves the break alone", sbrk(0) == before, "break moved");
  char *p = sbrk(PGSIZE);
  int works = p == before;
  if (works) {
    p[PGSIZE - 1] = 7;
    works = p[PGSIZE - 1] == 7;
    sbrk(-PGSIZE);
  }
  tl_check("small sbrk still works afterwards", works, "sbrk or memory broken");
}

// pause(n) lasts at least n ticks of uptime; uptime moves forward.
static void
test_pause_uptime(void)
{
  int t0 = uptime();
  int r = pause(PAUSE_TICKS);
  int t1 = uptime();
  tl_check_eq("pause(5) returns 0", r, 0);
  check_ge("pause(5) lasts at least 5 ticks", t1 - t0, PAUSE_TICKS);
  check_ge("uptime increases", t1, t0 + 1);
  check_ge("uptime is positive", t0, 0);
}

// Group proc: process system calls.
static void
group_proc(void)
{
  test_fork_pids();
  test_exit_wait();
  test_kill();
  test_sbrk_grow_shrink();
  test_sbrk_unmaps();
  test_sbrk_huge();
  test_pause_uptime();
}

// ---- group exec ----------------------------------------------------------

// exec runs echo with its arguments; its output comes through a pipe.
static void
test_exec_echo(void)
{
  char *argv[] = {"echo", "hello", "world", 0};
  int status = tl_run_capture("echo", argv, 0, capture, sizeof(capture));
  tl_check_eq("exec echo exits with 0", status, 0);
  tl_check("exec echo prints \"hello world\\n\"", strcmp(capture, "hello world\n") == 0,
           "wrong output");
}

// exec accepts MAXARG-1 arguments and rejects MAXARG+1.
static void
test_exec_argc_limit(void)
{
  many_args[0] = "echo";
  for (int i = 1; i < MAXARG - 1; i++)
    many_args[i] = "x";
  many_args[MAXARG - 1] = 0;
  int status = tl_run_capture("echo", many_args, 0, capture, sizeof(capture));
  tl_check("exec with MAXARG-1 arguments works", status == 0 && strlen(capture) == 2 * (MAXARG - 2),
           "failed or wrong output");

  for (int i = 1; i <= MAXARG; i++)
    many_args[i] = "x";
  many_args[MAXARG + 1] = 0;
  tl_check_eq("exec with MAXARG+1 arguments returns -1", exec_in_child("echo", many_args),
              EXEC_RETURNED_ERROR);
}

// exec returns -1 for bad argv pointers, missing files and non-ELF files.
static void
test_exec_failures(void)
{
  char *argv[] = {"echo", 0};
  char *kernel_arg[] = {"echo", (char *)KERNEL_ADDR, 0};
  char *unmapped_arg[] = {"echo", (char *)UNMAPPED_ADDR, 0};
  char elf_head[64];

  tl_check_eq("exec of a missing file returns -1", exec_in_child("st_no_such_program", argv),
              EXEC_RETURNED_ERROR);
  tl_check_eq("exec with argv = 0x1 returns -1", exec_in_child("echo", (char **)1),
              EXEC_RETURNED_ERROR);
  tl_check_eq("exec with argv = kernel address returns -1",
              exec_in_child("echo", (char **)KERNEL_ADDR), EXEC_RETURNED_ERROR);
  tl_check_eq("exec with a kernel-address argument returns -1", exec_in_child("echo", kernel_arg),
              EXEC_RETURNED_ERROR);
  tl_check_eq("exec with an unmapped argument returns -1", exec_in_child("echo", unmapped_arg),
              EXEC_RETURNED_ERROR);

  char *text = "this is a text file, not a program\n";
  write_file("st_notelf", text, strlen(text));
  tl_check_eq("exec of a text file returns -1", exec_in_child("st_notelf", argv),
              EXEC_RETURNED_ERROR);
  write_file("st_empty", "", 0);
  tl_check_eq("exec of an empty file returns -1", exec_in_child("st_empty", argv),
              EXEC_RETURNED_ERROR);
  memset(elf_head, 0xff, sizeof(elf_head));
  memmove(elf_head, ELF_MAGIC, strlen(ELF_MAGIC));
  write_file("st_badelf", elf_head, sizeof(elf_head));
  tl_check_eq("exec of a garbage ELF header returns -1", exec_in_child("st_badelf", argv),
              EXEC_RETURNED_ERROR);
  unlink("st_notelf");
  unlink("st_empty");
  unlink("st_badelf");
}

// Group exec: loading programs.
static void
group_exec(void)
{
  test_exec_echo();
  test_exec_argc_limit();
  test_exec_failures();
}

// ---- group files ---------------------------------------------------------

// Remove every file the files group may create (left over from a crash).
static void
files_cleanup(void)
{
  unlink("st_dir/st_inner");
  unlink("st_dir");
  unlink("st_file");
  unlink("st_link");
  unlink("st_dev");
  unlink("st_big");
}

// Data written to a new file reads back the same, followed by end of file.
static void
test_write_read(void)
{
  char out[100], in[200];
  fill_pattern(out, sizeof(out), 1);
  int fd = open("st_file", O_CREATE | O_RDWR);
  check_ge("open O_CREATE returns a descriptor", fd, 0);
  tl_check_eq("write returns the length", write(fd, out, sizeof(out)), sizeof(out));
  tl_check_eq("close returns 0", close(fd), 0);
  fd = open("st_file", O_RDONLY);
  check_ge("open of an existing file works", fd, 0);
  int n = read(fd, in, sizeof(in));
  tl_check_eq("read returns what is in the file", n, sizeof(out));
  tl_check("read returns the bytes written", n == sizeof(out) && memcmp(in, out, sizeof(out)) == 0,
           "data differ");
  tl_check_eq("read at end of file returns 0", read(fd, in, sizeof(in)), 0);
  close(fd);
}

// O_TRUNC empties a file; fstat reports type, size and link count.
static void
test_trunc_fstat(void)
{
  struct stat st;
  int fd = open("st_file", O_WRONLY | O_TRUNC);
  tl_check_eq("fstat of an open file returns 0", fstat(fd, &st), 0);
  tl_check_eq("O_TRUNC makes the size 0", st.size, 0);
  tl_check_eq("fstat type of a file is T_FILE", st.type, T_FILE);
  tl_check_eq("a new file has one link", st.nlink, 1);
  write(fd, TEN_BYTES, strlen(TEN_BYTES));
  fstat(fd, &st);
  tl_check_eq("fstat size follows writes", st.size, strlen(TEN_BYTES));
  close(fd);
  tl_check_eq("stat sees the same size", stat("st_file", &st) == 0 ? st.size : -1,
              strlen(TEN_BYTES));
}

// A descriptor made by dup shares the file offset with the original.
static void
test_dup_offset(void)
{
  char in[16];
  int fd = open("st_file", O_RDWR | O_TRUNC);
  write(fd, "abc", 3);
  int copy = dup(fd);
  tl_check("dup returns a new descriptor", copy >= 0 && copy != fd, "bad fd");
  write(copy, "def", 3);
  close(fd);
  close(copy);
  int n = read_file("st_file", in, sizeof(in) - 1);
  in[n < 0 ? 0 : n] = 0;
  tl_check("dup shares the file offset", strcmp(in, "abcdef") == 0,
           "second write did not follow the first");
}

// link adds a second name for the same inode; unlink removes a name.
static void
test_link_unlink(void)
{
  struct stat a, b;
  tl_check_eq("link returns 0", link("st_file", "st_link"), 0);
  tl_check_eq("link to an existing name returns -1", link("st_file", "st_link"), -1);
  stat("st_file", &a);
  tl_check_eq("a linked file has nlink 2", stat("st_link", &b) == 0 ? b.nlink : -1, 2);
  tl_check("both names are the same inode", a.ino == b.ino, "inode numbers differ");
  tl_check_eq("unlink returns 0", unlink("st_link"), 0);
  tl_check_eq("open of an unlinked name returns -1", open("st_link", O_RDONLY), -1);
  tl_check_eq("unlink leaves nlink 1", stat("st_file", &a) == 0 ? a.nlink : -1, 1);
  tl_check_eq("unlink of a missing name returns -1", unlink("st_link"), -1);
  tl_check_eq("open of a missing file returns -1", open("st_missing", O_RDONLY), -1);
}

// mkdir, chdir into it, open by a relative name, chdir back; a directory
// that is not empty cannot be unlinked.
static void
test_directories(void)
{
  char in[8];
  tl_check_eq("mkdir returns 0", mkdir("st_dir"), 0);
  tl_check_eq("mkdir of an existing name returns -1", mkdir("st_dir"), -1);
  tl_check_eq("chdir into it returns 0", chdir("st_dir"), 0);
  tl_check_eq("relative create inside it works", write_file("st_inner", "in", 2), 0);
  tl_check_eq("chdir(\"..\") returns 0", chdir(".."), 0);
  tl_check_eq("the file is reachable as st_dir/st_inner",
              read_file("st_dir/st_inner", in, sizeof(in)), 2);
  tl_check_eq("open of a directory O_WRONLY returns -1", open("st_dir", O_WRONLY), -1);
  tl_check_eq("open of a directory O_RDWR returns -1", open("st_dir", O_RDWR), -1);
  int fd = open("st_dir", O_RDONLY);
  check_ge("open of a directory O_RDONLY works", fd, 0);
  close(fd);
  tl_check_eq("unlink of a non-empty directory returns -1", unlink("st_dir"), -1);
  tl_check_eq("unlink inside it returns 0", unlink("st_dir/st_inner"), 0);
  tl_check_eq("unlink of the empty directory returns 0", unlink("st_dir"), 0);
}

// mknod makes a device file that fstat reports as T_DEVICE.
static void
test_mknod(void)
{
  struct stat st;
  tl_check_eq("mknod returns 0", mknod("st_dev", CONSOLE_MAJOR, 0), 0);
  int fd = open("st_dev", O_RDONLY);
  check_ge("open of the device works", fd, 0);
  st.type = 0;
  fstat(fd, &st);
  tl_check_eq("fstat type of the device is T_DEVICE", st.type, T_DEVICE);
  close(fd);
  tl_check_eq("unlink of the device returns 0", unlink("st_dev"), 0);
}

// Fill name with "st_mNN" for file number i.
static void
many_name(char *name, int i)
{
  strcpy(name, "st_m00");
  name[4] = '0' + i / 10;
  name[5] = '0' + i % 10;
}

// Fifty files can be created, hold their data, and be removed.
static void
test_many_files(void)
{
  char name[MANY_NAME_SIZE], in[MANY_NAME_SIZE + 1];
  int created = 0, correct = 0, removed = 0, gone = 0;
  for (int i = 0; i < MANY_FILES; i++) {
    many_name(name, i);
    created += write_file(name, name, sizeof(name)) == 0;
  }
  for (int i = 0; i < MANY_FILES; i++) {
    many_name(name, i);
    correct += read_file(name, in, sizeof(in)) == sizeof(name) &&
               strcmp(in, name) == 0;
    removed += unlink(name) == 0;
    gone += open(name, O_RDONLY) == -1;
  }
  tl_check_eq("50 files created", created, MANY_FILES);
  tl_check_eq("50 files read back", correct, MANY_FILES);
  tl_check_eq("50 files unlinked", removed, MANY_FILES);
  tl_check_eq("50 unlinked files are gone", gone, MANY_FILES);
}

// A file bigger than NDIRECT blocks (using the indirect block) reads back.
static void
test_big_file(void)
{
  struct stat st;
  int size = sizeof(big_buf), written = 0;
  fill_pattern(big_buf, size, 2);
  int fd = open("st_big", O_CREATE | O_RDWR);
  for (int off = 0; off < size; off += BSIZE)
    written += write(fd, big_buf + off, BSIZE);
  fstat(fd, &st);
  close(fd);
  tl_check_eq("big file: every block written", written, size);
  tl_check_eq("big file: fstat size", st.size, size);
  memset(big_back, 0, size);
  tl_check_eq("big file: read returns every byte", read_file("st_big", big_back, size), size);
  tl_check("big file: data read back equal", memcmp(big_buf, big_back, size) == 0, "data differ");
  tl_check_eq("big file: unlink returns 0", unlink("st_big"), 0);
}

// Group files: the file system calls.
static void
group_files(void)
{
  files_cleanup();
  test_write_read();
  test_trunc_fstat();
  test_dup_offset();
  test_link_unlink();
  test_directories();
  test_mknod();
  test_many_files();
  test_big_file();
  files_cleanup();
}

// ---- group pipe ----------------------------------------------------------

// Bytes come out of a pipe in the order they went in; read returns 0 once
// the write end is closed; write to a pipe with no reader returns -1.
static void
test_pipe_basics(void)
{
  int fds[2];
  char in[16];
  tl_check_eq("pipe returns 0", pipe(fds), 0);
  write(fds[1], "hello", 5);
  write(fds[1], " world", 6);
  int n = 0, r;
  int want = strlen("hello world");
  while (n < want && (r = read(fds[0], in + n, want - n)) > 0)
    n += r;
  in[n] = 0;
  tl_check("pipe data comes out in order", strcmp(in, "hello world") == 0, "wrong data");
  close(fds[1]);
  tl_check_eq("read returns 0 after the writer closed", read(fds[0], in, 1), 0);
  close(fds[0]);

  pipe(fds);
  close(fds[0]);
  tl_check_eq("write with the reader closed returns -1", write(fds[1], "x", 1), -1);
  close(fds[1]);
}

// Child side of the bulk transfer: write PIPE_BULK_BYTES in chunks of
// varying size, then exit.
static void
bulk_writer(int fd)
{
  int sent = 0, chunk = 1;
  while (sent < PIPE_BULK_BYTES) {
    int n = chunk;
    if (n > PIPE_BULK_BYTES - sent)
      n = PIPE_BULK_BYTES - sent;
    for (int i = 0; i < n; i++)
      pipe_chunk[i] = (char)((sent + i) * 13 + 5);
    if (write(fd, pipe_chunk, n) != n)
      exit(1);
    sent += n;
    chunk = chunk * 3 % PIPE_CHUNK_MAX + 1;
  }
  exit(0);
}

// 64 KiB go from a child to the parent through a pipe, intact.
static void
test_pipe_bulk(void)
{
  int from_writer;
  uint sum = 0, want = 0;
  int total = 0, n;
  int pid = tl_fork_piped(&from_writer);
  if (pid == 0)
    bulk_writer(stdout);
  while ((n = read(from_writer, pipe_chunk, sizeof(pipe_chunk))) > 0) {
    for (int i = 0; i < n; i++)
      sum = sum * 31 + (uchar)pipe_chunk[i];
    total += n;
  }
  close(from_writer);
  for (int i = 0; i < PIPE_BULK_BYTES; i++)
    want = want * 31 + (uchar)(i * 13 + 5);
  tl_check_eq("64 KiB transfer: writer exits 0", tl_reap(pid), 0);
  tl_check_eq("64 KiB transfer: byte count", total, PIPE_BULK_BYTES);
  tl_check("64 KiB transfer: checksum matches", sum == want, "data corrupted");
}

// Group pipe: pipes between and within processes.
static void
group_pipe(void)
{
  test_pipe_basics();
  test_pipe_bulk();
}

// ---- group badptr --------------------------------------------------------

// A bad user pointer and how the checks name it. Pointers with writable_only
// set are valid to read (the program text), so they are only used where the
// kernel must write to them.
struct bad_pointer {
  const char *label;
  char *addr;
  int writable_only;
};

// An address HEAP_EDGE_OFFSET bytes below the break, where the break is
// page-aligned so the page above it is unmapped. The bytes below the break
// are not zero, so a string there never ends. Returns 0 if sbrk failed.
static char *
heap_edge(void)
{
  align_break();
  char *page = sbrk(PGSIZE);
  if (page == (char *)-1)
    return 0;
  memset(page, 'a', PGSIZE);
  return page + PGSIZE - HEAP_EDGE_OFFSET;
}

// Calls whose pointer argument the kernel writes through: each must
// return -1 for p.
static void
badptr_outputs(int fd, struct bad_pointer *p)
{
  tl_check_eq(name2("read into", p->label), read(fd, p->addr, BAD_LEN), -1);
  tl_check_eq(name2("fstat into", p->label), fstat(fd, (struct stat *)p->addr), -1);
  tl_check_eq(name2("pipe into", p->label), pipe((int *)p->addr), -1);
  if (p->addr == 0)
    return; // wait(0) is legal: it means "status not wanted"
  int pid = fork();
  if (pid == 0)
    exit(0);
  tl_check_eq(name2("wait status into", p->label), wait((int *)p->addr), -1);
  while (wait(0) >= 0)
    ;
}

// Calls whose pointer argument the kernel reads from: each must return -1.
static void
badptr_inputs(int fd, struct bad_pointer *p)
{
  char *argv[] = {"echo", 0};
  tl_check_eq(name2("write from", p->label), write(fd, p->addr, BAD_LEN), -1);
  tl_check_eq(name2("open of path at", p->label), open(p->addr, O_RDONLY), -1);
  tl_check_eq(name2("open O_CREATE of path at", p->label), open(p->addr, O_CREATE | O_RDWR), -1);
  tl_check_eq(name2("exec of path at", p->label), exec_in_child(p->addr, argv),
              EXEC_RETURNED_ERROR);
  tl_check_eq(name2("exec with argv at", p->label), exec_in_child("echo", (char **)p->addr),
              EXEC_RETURNED_ERROR);
  tl_check_eq(name2("link from path at", p->label), link(p->addr, "st_bp_new"), -1);
  tl_check_eq(name2("link to path at", p->label), link("st_bp_file", p->addr), -1);
  tl_check_eq(name2("unlink of path at", p->label), unlink(p->addr), -1);
  tl_check_eq(name2("mkdir of path at", p->label), mkdir(p->addr), -1);
  tl_check_eq(name2("chdir to path at", p->label), chdir(p->addr), -1);
}

// Group badptr: every pointer argument is checked by the kernel.
static void
group_badptr(void)
{
  static char file_data[PGSIZE];
  char text_before[TEXT_SNAPSHOT];
  struct bad_pointer bad[] = {
      {"NULL", 0, 0},
      {"kernel address", (char *)KERNEL_ADDR, 0},
      {"unmapped address", (char *)UNMAPPED_ADDR, 0},
      {"end of heap", heap_edge(), 0},
      {"program text", (char *)main, 1},
  };
  int nbad = sizeof(bad) / sizeof(bad[0]);

  fill_pattern(file_data, sizeof(file_data), 3);
  write_file("st_bp_file", file_data, sizeof(file_data));
  memmove(text_before, (char *)main, TEXT_SNAPSHOT);
  int fd = open("st_bp_file", O_RDWR);
  for (int i = 0; i < nbad; i++) {
    badptr_outputs(fd, &bad[i]);
    if (!bad[i].writable_only)
      badptr_inputs(fd, &bad[i]);
  }
  close(fd);
  tl_check("program text unchanged after read into it",
           memcmp(text_before, (char *)main, TEXT_SNAPSHOT) == 0, "text modified");
  int probe = open("st_bp_file", O_RDONLY);
  tl_check_eq("no descriptor leaked by failed calls", probe, fd);
  close(probe);
  unlink("st_bp_new");
  unlink("st_bp_file");
  tl_check("process survived every bad pointer", 1, 0);
}

// ---- group badfd ---------------------------------------------------------

// read, write, close, dup and fstat on fd return -1 (fd is named label).
static void
badfd_calls(int fd, const char *label)
{
  char buf[16];
  struct stat st;
  tl_check_eq(name2("read on fd", label), read(fd, buf, sizeof(buf)), -1);
  tl_check_eq(name2("write on fd", label), write(fd, "x", 1), -1);
  tl_check_eq(name2("fstat on fd", label), fstat(fd, &st), -1);
  tl_check_eq(name2("dup on fd", label), dup(fd), -1);
  tl_check_eq(name2("close on fd", label), close(fd), -1);
}

// Group badfd: descriptors out of range, closed, or open the wrong way.
static void
group_badfd(void)
{
  char buf[4];
  int fds[2];
  write_file("st_fd_file", "data", 4);
  int closed = open("st_fd_file", O_RDONLY);
  close(closed);
  badfd_calls(-1, "-1");
  badfd_calls(NOFILE, "NOFILE");
  badfd_calls(BIG_FD, "100");
  badfd_calls(closed, "already closed");

  int fd = open("st_fd_file", O_RDONLY);
  tl_check_eq("write on an O_RDONLY fd returns -1", write(fd, "x", 1), -1);
  close(fd);
  fd = open("st_fd_file", O_WRONLY);
  tl_check_eq("read on an O_WRONLY fd returns -1", read(fd, buf, sizeof(buf)), -1);
  close(fd);
  pipe(fds);
  tl_check_eq("write on a pipe's read end returns -1", write(fds[0], "x", 1), -1);
  tl_check_eq("read on a pipe's write end returns -1", read(fds[1], buf, 1), -1);
  close(fds[0]);
  close(fds[1]);
  unlink("st_fd_file");
}

// ---- group badlen --------------------------------------------------------

// Group badlen: negative lengths are rejected; zero lengths do nothing.
static void
group_badlen(void)
{
  char buf[16];
  int fds[2];
  write_file("st_len_file", TEN_BYTES, strlen(TEN_BYTES));
  int fd = open("st_len_file", O_RDWR);
  tl_check_eq("read of length -1 returns -1", read(fd, buf, -1), -1);
  tl_check_eq("read of length -4096 returns -1", read(fd, buf, -PGSIZE), -1);
  tl_check_eq("write of length -1 returns -1", write(fd, buf, -1), -1);
  tl_check_eq("write of length 0 returns 0", write(fd, buf, 0), 0);
  tl_check_eq("read of length 0 returns 0", read(fd, buf, 0), 0);
  close(fd);
  struct stat st;
  tl_check_eq("file size unchanged", stat("st_len_file", &st) == 0 ? st.size : -1,
              strlen(TEN_BYTES));
  unlink("st_len_file");

  pipe(fds);
  write(fds[1], "abc", 3); // so a buggy read has data and does not block
  tl_check_eq("pipe read of length -1 returns -1", read(fds[0], buf, -1), -1);
  tl_check_eq("pipe write of length -1 returns -1", write(fds[1], buf, -1), -1);
  tl_check_eq("pipe write of length 0 returns 0", write(fds[1], buf, 0), 0);
  close(fds[1]);
  tl_check_eq("pipe still holds its 3 bytes", tl_read_all(fds[0], buf, sizeof(buf)), 3);
  close(fds[0]);
}

// ---- group badpath -------------------------------------------------------

// Path calls that must all fail for path (named label).
static void
badpath_calls(const char *path, const char *label)
{
  tl_check_eq(name2("open of", label), open(path, O_RDONLY), -1);
  tl_check_eq(name2("open O_CREATE of", label), open(path, O_CREATE | O_RDWR), -1);
  tl_check_eq(name2("mkdir of", label), mkdir(path), -1);
  tl_check_eq(name2("unlink of", label), unlink(path), -1);
  tl_check_eq(name2("chdir to", label), chdir(path), -1);
  tl_check_eq(name2("link to", label), link("st_path_file", path), -1);
  tl_check_eq(name2("mknod of", label), mknod(path, CONSOLE_MAJOR, 0), -1);
}

// Group badpath: paths that are too long, empty or run through a file.
static void
group_badpath(void)
{
  static char long_path[MAXPATH + 20];
  char truncated[DIRSIZ + 1];
  write_file("st_path_file", "x", 1);

  strcpy(long_path, "st_");
  memset(long_path + 3, 'p', sizeof(long_path) - 4);
  long_path[sizeof(long_path) - 1] = 0;
  badpath_calls(long_path, "a path longer than MAXPATH");
  tl_check_eq("link from a path longer than MAXPATH", link(long_path, "st_path_new"), -1);
  memmove(truncated, long_path, DIRSIZ); // remove anything a bug created
  truncated[DIRSIZ] = 0;
  unlink(truncated);

  tl_check_eq("open O_CREATE of \"\" returns -1", open("", O_CREATE | O_RDWR), -1);
  tl_check_eq("mkdir of \"\" returns -1", mkdir(""), -1);
  tl_check_eq("unlink of \"\" returns -1", unlink(""), -1);
  tl_check_eq("link to \"\" returns -1", link("st_path_file", ""), -1);

  badpath_calls("st_path_file/x", "a path through a file");
  tl_check_eq("link from a path through a file", link("st_path_file/x", "st_path_new"), -1);
  unlink("st_path_new");
  unlink("st_path_file");
}

// ---- main ----------------------------------------------------------------

static struct tl_group groups[] = {
    {"proc", group_proc},     {"exec", group_exec},       {"files", group_files},
    {"pipe", group_pipe},     {"badptr", group_badptr},   {"badfd", group_badfd},
    {"badlen", group_badlen}, {"badpath", group_badpath},
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

// Print how to call the program and exit with status 1.
static void
usage(void)
{
  fprintf(2, "usage: syscalltest proc|exec|files|pipe|badptr|badfd|badlen|badpath|all\n");
  exit(1);
}

int
main(int argc, char *argv[])
{
  tl_set_program("syscalltest");
  if (argc != 2 || tl_run_groups(groups, NGROUPS, argv[1]) == 0)
    usage();
  tl_finish(argv[1], tl_failures());
}
