// kill pid ...: kill each process.

#include "kernel/types.h"
#include "user/user.h"

// Returns 1 if s is a non-empty string of decimal digits.
static int
is_number(const char *s)
{
  if (*s == 0)
    return 0;
  for (; *s != 0; s++) {
    if (*s < '0' || *s > '9')
      return 0;
  }
  return 1;
}

int
main(int argc, char *argv[])
{
  int status = 0;

  if (argc < 2) {
    fprintf(2, "usage: kill pid ...\n");
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    if (!is_number(argv[i])) {
      fprintf(2, "kill: %s is not a process id\n", argv[i]);
      status = 1;
    } else if (kill(atoi(argv[i])) < 0) {
      fprintf(2, "kill: cannot kill %s\n", argv[i]);
      status = 1;
    }
  }
  return status;
}
