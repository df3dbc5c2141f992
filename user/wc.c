// wc [file ...]: count the lines, words and bytes of each file (or of the
// standard input) and print "lines words bytes name".
// A word is a run of characters that are not white space.

#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define READ_BUF_SIZE 512

struct counts {
  int lines;
  int words;
  int bytes;
};

static char buf[READ_BUF_SIZE];

// Returns 1 if c is white space (separates words).
static int
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v';
}

// Count everything readable from fd into *n.
// Returns 0, or -1 on a read error.
static int
count(int fd, struct counts *n)
{
  int len, in_word = 0;

  memset(n, 0, sizeof(*n));
  while ((len = read(fd, buf, sizeof(buf))) > 0) {
    n->bytes += len;
    for (int i = 0; i < len; i++) {
      if (buf[i] == '\n')
        n->lines++;
      if (is_space(buf[i])) {
        in_word = 0;
      } else if (!in_word) {
        in_word = 1;
        n->words++;
      }
    }
  }
  return len < 0 ? -1 : 0;
}

// Count fd and print the result labelled with name.
// Returns 0, or 1 after reporting a read error.
static int
wc_fd(int fd, const char *name)
{
  struct counts n;

  if (count(fd, &n) < 0) {
    fprintf(2, "wc: read error on %s\n", name);
    return 1;
  }
  printf("%d %d %d %s\n", n.lines, n.words, n.bytes, name);
  return 0;
}

int
main(int argc, char *argv[])
{
  int fd, status = 0;

  if (argc < 2)
    return wc_fd(0, "");
  for (int i = 1; i < argc; i++) {
    fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "wc: cannot open %s\n", argv[i]);
      status = 1;
      continue;
    }
    status |= wc_fd(fd, argv[i]);
    close(fd);
  }
  return status;
}
