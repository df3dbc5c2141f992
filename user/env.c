// env: print the environment, or run a program in a changed one.
//
//   env                          print every NAME=value, one per line
//   env NAME=value ... [cmd ...] set the variables, then run cmd (found
//                                through $PATH) or, without cmd, print
//   env -i [NAME=value ...] [cmd ...]   start from an empty environment
//   env -u NAME ...              remove NAME first (may be repeated)

#include "kernel/types.h"
#include "user/user.h"

#define EXIT_NOTFOUND 127 // as the shell reports a missing program

// Print the environment, one variable per line.
static void
print_env(void)
{
  for (char **e = environ; e != 0 && *e != 0; e++)
    printf("%s\n", *e);
}

// Apply the option or assignment argv[i] if it is one.
// Returns the number of arguments it used (0 if it is not one), or -1
// after reporting an error.
static int
apply_arg(int argc, char **argv, int i)
{
  static char *empty[] = { 0 };
  char *eq;

  if (strcmp(argv[i], "-i") == 0) {
    environ = empty; // setenv copies it before changing anything
    return 1;
  }
  if (strcmp(argv[i], "-u") == 0) {
    if (i + 1 >= argc || unsetenv(argv[i + 1]) < 0) {
      fprintf(stderr, "env: -u needs a variable name\n");
      return -1;
    }
    return 2;
  }
  if ((eq = strchr(argv[i], '=')) == 0 || eq == argv[i])
    return 0;
  *eq = 0;
  if (setenv(argv[i], eq + 1, 1) < 0) {
    fprintf(stderr, "env: cannot set %s\n", argv[i]);
    return -1;
  }
  *eq = '=';
  return 1;
}

int
main(int argc, char *argv[])
{
  int i = 1, used;

  while (i < argc && (used = apply_arg(argc, argv, i)) != 0) {
    if (used < 0)
      return 1;
    i += used;
  }
  if (i == argc) {
    print_env();
    return 0;
  }
  execvp(argv[i], argv + i);
  fprintf(stderr, "env: %s: not found\n", argv[i]);
  return EXIT_NOTFOUND;
}
