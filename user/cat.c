// cat [file ...]: copy each file (or, with no arguments, the standard
// input) to the standard output.

#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define COPY_BUF_SIZE 512 // bytes moved per read()/write()

static char buf[COPY_BUF_SIZE];

// Copy everything readable from fd to fd 1. name is used in messages.
// Returns 0, or -1 after reporting a read or write error.
static int
copy_out(int fd, const char *name)
{
  int n;

  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    if (write(1, buf, n) != n) {
      fprintf(2, "cat: write error\n");
      return -1;
    }
  }
  if (n < 0) {
    fprintf(2, "cat: read error on %s\n", name);
    return -1;
  }
  return 0;
}

int
main(int argc, char *argv[])
{
  int fd, status = 0;

  if (argc < 2)
    return copy_out(0, "standard input") < 0 ? 1 : 0;
  for (int i = 1; i < argc; i++) {
    fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "cat: cannot open %s\n", argv[i]);
      status = 1;
      continue;
    }
    if (copy_out(fd, argv[i]) < 0)
      status = 1;
    close(fd);
  }
  return status;
}
