// exitdemo: exit() versus _exit(), and atexit handlers.
//
//   $ exitdemo          runs the three cases below, one child each
//   $ exitdemo exit     only the exit() case (also: _exit, return)
//
// Each case registers two atexit handlers and prints a text that does not
// end with a newline, so it sits in stdout's buffer (even on the console,
// which is line-buffered). The handlers print on stderr, which is not
// buffered, so their lines show exactly when they run. Then:
//   exit(0)       runs the handlers, newest first, flushes the buffer
//                 (so the text appears), and ends the process.
//   return 0      from main: the same as exit(0) (the C library's _start
//                 calls exit with main's return value).
//   _exit(0)      is the system call itself: it ends the process at once.
//                 No handlers run and the buffered text is lost.
// A process killed by a fault loses its buffer the same way.

#include "kernel/types.h"
#include "user/user.h"

static const char *cases[] = { "exit", "return", "_exit" };
#define NCASES (sizeof(cases) / sizeof(cases[0]))

// Registered first, so it runs last.
static void
first_registered(void)
{
  fprintf(stderr, "exitdemo: atexit handler 1 (registered first, runs last)\n");
}

// Registered second, so it runs first.
static void
second_registered(void)
{
  fprintf(stderr, "exitdemo: atexit handler 2 (registered second, runs first)\n");
}

// Run one case in this process. Does not return.
static int
run_case(const char *how)
{
  atexit(first_registered);
  atexit(second_registered);
  printf("exitdemo: %s: this text waited in the buffer until the end", how);
  if (strcmp(how, "_exit") == 0)
    _exit(0); // nothing more appears: buffer and handlers are skipped
  if (strcmp(how, "exit") == 0)
    exit(0);
  return 0;
}

// Run case `how` in a child and wait for it, then end the line.
static void
run_case_in_child(const char *how)
{
  printf("--- exitdemo %s ---\n", how);
  fflush(stdout); // or the child would inherit and print it too
  if (fork() == 0) {
    // main would return into exit(); we call it with run_case's value.
    exit(run_case(how));
  }
  wait(0);
  printf("\n");
}

int
main(int argc, char *argv[])
{
  if (argc == 2) {
    for (uint i = 0; i < NCASES; i++) {
      if (strcmp(argv[1], cases[i]) == 0)
        return run_case(argv[1]);
    }
    fprintf(stderr, "usage: exitdemo [exit|return|_exit]\n");
    return 1;
  }
  for (uint i = 0; i < NCASES; i++)
    run_case_in_child(cases[i]);
  return 0;
}
