// forkprintf: why the same program prints 6 lines on the console and 8
// lines through a pipe.
//
//   $ forkprintf            6 lines
//   $ forkprintf | cat      8 lines
//
// The loop below runs twice; each pass forks, and then every process that
// exists prints one line. Pass 0: 2 processes print (2 lines). Pass 1:
// those 2 fork again, 4 processes print (4 lines). 2 + 4 = 6.
//
// But printf does not write to the file descriptor at once: it puts the
// text in a buffer in the process's memory (user/printf.c).
//   - On the console, stdout is line-buffered: the buffer is written out
//     at the end of each line, so it is empty again when fork() runs.
//   - Into a pipe, stdout is fully buffered: the text waits in the buffer
//     until exit(). So the line printed in pass 0 is still in the buffer
//     when pass 1 forks, and fork copies the buffer together with the rest
//     of memory. Each of the 4 final processes then writes 2 lines at exit:
//     4 * 2 = 8. Look at the pids: a line appears twice with the pid of
//     the process that printed it, once written by that process and once
//     by its child, which inherited the buffer.
// Calling fflush(stdout) before fork() (try it) makes both cases print 6.

#include "kernel/types.h"
#include "user/user.h"

#define PASSES 2

int
main(void)
{
  for (int i = 0; i < PASSES; i++) {
    fork();
    printf("forkprintf: hello from pid %d in pass %d\n", getpid(), i);
  }
  // Wait for our children, so that the shell prints its prompt only after
  // every line is out.
  while (wait(0) >= 0)
    ;
  return 0; // return from main = exit(0): flushes the buffer
}
