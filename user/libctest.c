// libctest: tests of the C library: stdio buffering, exit/_exit/atexit,
// snprintf, and the environment (setenv/getenv/unsetenv, inheritance
// through fork and exec, execve's envp, execvp's PATH search).
//
// Prints "libctest: <check>: OK" or "libctest: <check>: FAILED (<why>)"
// for each check, then "libctest: ALL OK" or "libctest: <n> FAILED".
// Checks that need a fresh process run /libctest again with a "--mode"
// argument and read what it prints through a pipe, so the program must be
// installed as /libctest.

#include "kernel/types.h"
#include "kernel/param.h"
#include "user/user.h"
#include "user/testlib.h"

#define SELF "/libctest"
#define CAPTURE_MAX 1024 // bytes of a child's output kept for a check
#define FORK_PASSES 2    // the forkprintf loop: 2 passes
#define LINES_LINEBUF 6  // ... print 6 lines when stdout is line-buffered
#define LINES_FULLBUF 8  // ... and 8 when it is fully buffered
#define ENV_FILL_NAME_MAX 16 // room for "LT_FILL<n>"

// Run "SELF --mode arg" with what it prints captured in out
// (NUL-terminated, at most size - 1 bytes). Returns its exit status, as
// tl_run_capture does.
static int
capture_self(char *mode, char *arg, char *out, int size)
{
  char *argv[] = { SELF, mode, arg, 0 };

  return tl_run_capture(SELF, argv, 0, out, size);
}

// Returns the number of '\n' in s.
static int
count_lines(const char *s)
{
  int n = 0;

  for (; *s != 0; s++)
    n += (*s == '\n');
  return n;
}

// ---------------------------------------------------------------------
// Modes run in a fresh process (argv[1] starts with "--")
// ---------------------------------------------------------------------

// The forkprintf loop. bufmode "auto" leaves stdout's mode to the library
// (a pipe: fully buffered); "line" forces line buffering.
static void
mode_forkloop(const char *bufmode)
{
  if (strcmp(bufmode, "line") == 0)
    setbufmode(stdout, _IOLBF);
  for (int i = 0; i < FORK_PASSES; i++) {
    fork();
    printf("hello %d\n", i);
  }
  while (wait(0) >= 0)
    ;
}

// The atexit handlers of mode_ending: each writes its letter with write(),
// not printf, so the output shows when it runs relative to the flush.
static void
handler_a(void)
{
  write(1, "A", 1);
}

// Writes "B" (see handler_a).
static void
handler_b(void)
{
  write(1, "B", 1);
}

// Writes "C" (see handler_a).
static void
handler_c(void)
{
  write(1, "C", 1);
}

// Register handlers A, B, C, leave "main;" in stdout's buffer, and end
// the way `how` says: exit, return, _exit, or fflush then _exit.
// Returns main's return value for "return".
static int
mode_ending(const char *how)
{
  atexit(handler_a);
  atexit(handler_b);
  atexit(handler_c);
  printf("main;");
  if (strcmp(how, "exit") == 0)
    exit(0);
  if (strcmp(how, "_exit") == 0)
    _exit(0);
  if (strcmp(how, "fflush") == 0) {
    fflush(stdout);
    _exit(0);
  }
  return 0;
}

// Print the value of variable name, or "(unset)".
static void
mode_getenv(const char *name)
{
  char *v = getenv(name);

  printf("%s\n", v != 0 ? v : "(unset)");
}

// ---------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------

// stdout into a pipe is fully buffered: the forkprintf loop prints 8
// lines; forced to line buffering, 6.
static void
test_buffering(void)
{
  char out[CAPTURE_MAX];

  capture_self("--forkloop", "auto", out, sizeof(out));
  tl_check("fork+printf into a pipe prints 8 lines (fully buffered)",
           count_lines(out) == LINES_FULLBUF, "wrong number of lines");
  capture_self("--forkloop", "line", out, sizeof(out));
  tl_check("fork+printf line-buffered prints 6 lines", count_lines(out) == LINES_LINEBUF,
           "wrong number of lines");
}

// exit() and return from main run the atexit handlers newest first, then
// flush; _exit() does neither; fflush() writes the buffer out at once.
static void
test_exit(void)
{
  char out[CAPTURE_MAX];

  capture_self("--ending", "exit", out, sizeof(out));
  tl_check("exit() runs atexit handlers in reverse order, then flushes",
           strcmp(out, "CBAmain;") == 0, out);
  capture_self("--ending", "return", out, sizeof(out));
  tl_check("return from main runs atexit handlers and flushes", strcmp(out, "CBAmain;") == 0, out);
  capture_self("--ending", "_exit", out, sizeof(out));
  tl_check("_exit() loses buffered output and skips atexit handlers", strcmp(out, "") == 0, out);
  capture_self("--ending", "fflush", out, sizeof(out));
  tl_check("fflush(stdout) writes the buffer before _exit()", strcmp(out, "main;") == 0, out);
}

// snprintf formats like printf, truncates, and reports the full length.
static void
test_snprintf(void)
{
  char buf[16];
  int n;

  n = snprintf(buf, sizeof(buf), "%d|%5s|%-3x|%c", -42, "ab", 255, 'z');
  tl_check("snprintf formats", n == 15 && strcmp(buf, "-42|   ab|ff |z") == 0, buf);
  n = snprintf(buf, 4, "%s", "truncated");
  tl_check("snprintf truncates and returns the full length", n == 9 && strcmp(buf, "tru") == 0,
           buf);
}

// setenv, getenv and unsetenv in one process.
static void
test_env_basic(void)
{
  int ok = setenv("LT_A", "one", 1) == 0 && strcmp(getenv("LT_A"), "one") == 0;
  ok = ok && setenv("LT_A", "two", 0) == 0 && strcmp(getenv("LT_A"), "one") == 0;
  ok = ok && setenv("LT_A", "three", 1) == 0 &&
       strcmp(getenv("LT_A"), "three") == 0;
  tl_check("setenv/getenv, with and without overwrite", ok, "wrong value");
  ok = unsetenv("LT_A") == 0 && getenv("LT_A") == 0 && unsetenv("LT_A") == 0;
  tl_check("unsetenv removes a variable", ok, "still set");
  ok = setenv("", "x", 1) < 0 && setenv("A=B", "x", 1) < 0 && getenv("A") == 0;
  tl_check("setenv refuses bad names", ok, "accepted a bad name");
}

// The environment holds at most MAXENV variables (what exec can pass).
static void
test_env_limit(void)
{
  char name[ENV_FILL_NAME_MAX];
  int i, set = 0;

  for (i = 0; i < MAXENV + 1; i++) {
    snprintf(name, sizeof(name), "LT_FILL%d", i);
    if (setenv(name, "x", 1) == 0)
      set++;
  }
  int count = 0;
  for (char **e = environ; *e != 0; e++)
    count++;
  tl_check("setenv stops at MAXENV variables", count == MAXENV && set < MAXENV + 1, "wrong count");
  for (i = 0; i < MAXENV + 1; i++) {
    snprintf(name, sizeof(name), "LT_FILL%d", i);
    unsetenv(name);
  }
}

// A forked child sees the parent's variables; its changes stay its own.
static void
test_env_fork(void)
{
  int status = -1;

  setenv("LT_FORK", "parent", 1);
  fflush(stdout);
  if (fork() == 0) {
    int ok = getenv("LT_FORK") != 0 && strcmp(getenv("LT_FORK"), "parent") == 0;
    setenv("LT_FORK", "child", 1);
    exit(ok ? 0 : 1);
  }
  wait(&status);
  tl_check("fork: the child inherits the environment", status == 0, "child saw another value");
  tl_check("fork: the child's setenv does not change the parent",
           strcmp(getenv("LT_FORK"), "parent") == 0, "parent's value changed");
  unsetenv("LT_FORK");
}

// exec passes environ; execve passes exactly the envp it is given.
static void
test_env_exec(void)
{
  char out[CAPTURE_MAX];
  char *argv[] = { SELF, "--getenv", "LT_EXEC", 0 };
  char *envp[] = { "LT_EXEC=from-envp", 0 };

  setenv("LT_EXEC", "inherited", 1);
  tl_run_capture(argv[0], argv, 0, out, sizeof(out));
  tl_check("exec: the new program inherits environ", strcmp(out, "inherited\n") == 0, out);
  tl_run_capture(argv[0], argv, envp, out, sizeof(out));
  tl_check("execve: the new program gets the envp given", strcmp(out, "from-envp\n") == 0, out);
  unsetenv("LT_EXEC");
  tl_run_capture(argv[0], argv, 0, out, sizeof(out));
  tl_check("exec: an unset variable stays unset", strcmp(out, "(unset)\n") == 0, out);
}

// Run execvp("libctest", ...) in a child with PATH set to path; returns 1
// if the program ran (printed the variable LT_PATH's value).
static int
execvp_works(const char *path)
{
  char out[CAPTURE_MAX];
  int from_child;

  int pid = tl_fork_piped(&from_child);
  if (pid == 0) {
    char *argv[] = { "libctest", "--getenv", "LT_PATH", 0 };
    setenv("PATH", path, 1);
    execvp(argv[0], argv);
    _exit(TL_EXEC_FAILED);
  }
  int n = tl_read_all(from_child, out, sizeof(out) - 1);
  out[n] = 0;
  close(from_child);
  tl_reap(pid);
  return strcmp(out, "seen\n") == 0;
}

// execvp searches the directories of $PATH in order.
static void
test_execvp(void)
{
  setenv("LT_PATH", "seen", 1);
  tl_check("execvp finds a program through PATH=/nonexistent:/", execvp_works("/nonexistent:/"),
           "not run");
  tl_check("execvp fails when PATH has no such program", !execvp_works("/nonexistent"),
           "ran anyway");
  unsetenv("LT_PATH");
}

int
main(int argc, char *argv[])
{
  if (argc == 3 && strcmp(argv[1], "--forkloop") == 0) {
    mode_forkloop(argv[2]);
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "--ending") == 0)
    return mode_ending(argv[2]);
  if (argc == 3 && strcmp(argv[1], "--getenv") == 0) {
    mode_getenv(argv[2]);
    return 0;
  }
  tl_set_program("libctest");
  test_buffering();
  test_exit();
  test_snprintf();
  test_env_basic();
  test_env_limit();
  test_env_fork();
  test_env_exec();
  test_execvp();
  tl_finish(0, tl_failures());
}
