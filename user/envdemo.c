// envdemo: how the environment travels across fork and exec.
//
//   $ envdemo
//   $ GREETING=hi envdemo      (the shell puts GREETING in envdemo's
//                               environment only)
//
// The environment is an array of "NAME=value" strings, `environ`, in the
// process's own memory. So:
//   1. fork() copies it, like all memory: the child starts with the same
//      variables, and a change in the child does not reach the parent.
//   2. exec(path, argv) hands environ to the kernel, which copies the
//      strings onto the new program's stack: the new program inherits it.
//   3. execve(path, argv, envp) lets the caller give any environment
//      instead; the new program sees only envp.
// Steps 2 and 3 run "envdemo show NAME", which prints the variable
// from inside the new program.

#include "kernel/types.h"
#include "user/user.h"

#define VAR "GREETING"

// Print NAME's value as this process sees it.
static void
show(const char *who, const char *name)
{
  const char *value = getenv(name);

  printf("envdemo: %s (pid %d): %s=%s\n", who, getpid(), name,
         value != 0 ? value : "(not set)");
}

// Fork; in the child, change the variable. Then show it in the parent.
static void
demo_fork(void)
{
  printf("1. fork copies the environment\n");
  fflush(stdout); // an unwritten buffer would be copied too
  if (fork() == 0) {
    show("child, after fork", VAR);
    setenv(VAR, "changed by the child", 1);
    show("child, after setenv", VAR);
    exit(0);
  }
  wait(0);
  show("parent, after the child exited", VAR);
}

// Run "envdemo show VAR" in a child, with the given environment
// (envp == 0: our own, through exec), and wait for it.
static void
run_show(char **envp)
{
  char *argv[] = { "envdemo", "show", VAR, 0 };

  fflush(stdout);
  if (fork() == 0) {
    if (envp == 0)
      exec("/envdemo", argv);
    else
      execve("/envdemo", argv, envp);
    fprintf(stderr, "envdemo: exec failed\n");
    exit(1);
  }
  wait(0);
}

int
main(int argc, char *argv[])
{
  char *custom_env[] = { VAR "=given to execve", "PATH=/", 0 };

  if (argc == 3 && strcmp(argv[1], "show") == 0) {
    show("new program", argv[2]);
    return 0;
  }
  if (getenv(VAR) == 0)
    setenv(VAR, "hello", 1);
  show("parent", VAR);
  demo_fork();
  printf("2. exec passes environ to the new program\n");
  run_show(0);
  printf("3. execve passes the envp it is given instead\n");
  run_show(custom_env);
  return 0;
}
