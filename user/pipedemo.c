// pipedemo: the pipeline `echo one two three | wc`, built by hand with
// pipe, fork, close, dup and exec -- what the shell does for `|`.
//
//   $ pipedemo
//
// Steps:
//   1. pipe(fds): fds[0] is the read end, fds[1] the write end.
//   2. fork the writer. In it: close(1), then dup(fds[1]), which returns
//      the lowest free descriptor, 1: stdout is now the pipe. Close both
//      original pipe fds (stdout keeps the pipe open) and exec echo.
//   3. fork the reader the same way, with the read end as its fd 0, and
//      exec wc.
//   4. The parent closes both ends and waits for both children.
// Why all the closing: wc reads until end of file, and a pipe reports end
// of file only when every descriptor for its write end is closed -- in
// every process. Delete the parent's close(fds[1]) and wc never finishes.

#include "kernel/types.h"
#include "user/user.h"

#define READ_END 0
#define WRITE_END 1

// Fork a child that makes pipe end fds[end] its fd `target`, closes both
// pipe fds and runs argv. Returns the child's pid (or -1).
static int
start(int fds[2], int end, int target, char **argv)
{
  int pid = fork();

  if (pid != 0)
    return pid;
  close(target);      // free the slot ...
  dup(fds[end]);      // ... and dup fills the lowest free one: target
  close(fds[READ_END]);
  close(fds[WRITE_END]);
  exec(argv[0], argv);
  fprintf(stderr, "pipedemo: exec %s failed\n", argv[0]);
  exit(1);
}

int
main(void)
{
  char *writer[] = { "/echo", "one", "two", "three", 0 };
  char *reader[] = { "/wc", 0 };
  int fds[2], status;

  if (pipe(fds) < 0) {
    fprintf(stderr, "pipedemo: pipe failed\n");
    return 1;
  }
  printf("pipedemo: running: echo one two three | wc\n");
  printf("pipedemo: wc prints lines, words, bytes:\n");
  fflush(stdout);
  int w = start(fds, WRITE_END, 1, writer);
  int r = start(fds, READ_END, 0, reader);
  close(fds[READ_END]);  // the parent uses neither end; without these
  close(fds[WRITE_END]); // closes wc would wait for more input forever
  for (int i = 0; i < 2; i++) {
    int pid = wait(&status);
    printf("pipedemo: %s (pid %d) exited with status %d\n",
           pid == w ? "writer" : pid == r ? "reader" : "?", pid, status);
  }
  return 0;
}
