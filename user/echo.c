// echo [word ...]: print the words separated by spaces, then a newline.
// The whole line goes out in one write() so that it is not interleaved
// with the output of other processes.

#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
  uint total = 1; // the newline
  char *line, *p;

  for (int i = 1; i < argc; i++)
    total += strlen(argv[i]) + 1; // the word and a space or the newline
  line = malloc(total);
  if (line == 0) {
    fprintf(2, "echo: out of memory\n");
    return 1;
  }
  p = line;
  for (int i = 1; i < argc; i++) {
    strcpy(p, argv[i]);
    p += strlen(argv[i]);
    if (i + 1 < argc)
      *p++ = ' ';
  }
  *p++ = '\n';
  if (write(1, line, p - line) != p - line) {
    fprintf(2, "echo: write error\n");
    return 1;
  }
  return 0;
}
