// init: the first user process (pid 1).
//
// It connects fds 0, 1 and 2 to the console, then runs the shell, and
// starts it again whenever it exits. Because the kernel makes init the new
// parent of every process whose parent exits, init also collects
// ("reaps") those orphans when they exit, so they do not stay zombies.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/file.h"
#include "user/user.h"

#define CONSOLE_PATH "console" // device node created in the root directory
#define CONSOLE_MINOR 0

static char *shell_argv[] = { "sh", 0 };

// Open the console as fd 0 and duplicate it to fds 1 and 2, creating the
// device node first if it does not exist yet. Exits if that fails: with no
// console there is nowhere to report anything.
static void
open_console(void)
{
  if (open(CONSOLE_PATH, O_RDWR) < 0) {
    mknod(CONSOLE_PATH, CONSOLE, CONSOLE_MINOR);
    if (open(CONSOLE_PATH, O_RDWR) < 0)
      exit(1);
  }
  dup(0); // standard output
  dup(0); // standard error
}

// Start one shell in a child process. Returns the child's pid.
// Exits if fork fails (init cannot do its job without processes).
static int
start_shell(void)
{
  int pid;

  printf("init: starting sh\n");
  pid = fork();
  if (pid < 0) {
    fprintf(2, "init: fork failed\n");
    exit(1);
  }
  if (pid == 0) {
    exec(shell_argv[0], shell_argv);
    fprintf(2, "init: exec sh failed\n");
    exit(1);
  }
  return pid;
}

// Wait until the process shell_pid exits, reaping any orphaned processes
// that exit in the meantime.
static void
wait_for_shell(int shell_pid)
{
  int pid;

  for (;;) {
    pid = wait(0);
    if (pid == shell_pid)
      return;
    if (pid < 0) {
      // No children at all: cannot happen while the shell runs.
      fprintf(2, "init: wait returned an error\n");
      exit(1);
    }
    // Otherwise an orphan was reaped; keep waiting.
  }
}

// A shell that dies sooner than this after starting (in clock ticks) is
// restarted only after a pause, so a broken sh cannot flood the console.
#define QUICK_EXIT_TICKS 100

int
main(void)
{
  open_console();
  for (;;) {
    int started = uptime();
    wait_for_shell(start_shell());
    if (uptime() - started < QUICK_EXIT_TICKS)
      pause(QUICK_EXIT_TICKS);
  }
}
