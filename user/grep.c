// grep pattern [file ...]: print the lines of the files (or of the
// standard input) that contain a match for pattern.
//
// Patterns are a small subset of regular expressions:
//   c    any ordinary character matches itself
//   .    matches any one character
//   x*   zero or more of x (x is an ordinary character or '.')
//   ^    at the start of the pattern: the match must begin the line
//   $    at the end of the pattern: the match must end the line
//
// Matching is by backtracking: at each position of the line, try to match
// the whole pattern there; a starred item first matches nothing and then
// one more character each time the rest of the pattern fails.

#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define LINE_BUF_SIZE 1024 // longer lines are split into pieces this long

static char buf[LINE_BUF_SIZE + 1]; // +1: room for a '\n' after a full buffer

// Returns 1 if the pattern character p matches the text character c.
static int
char_matches(char p, char c)
{
  return p == '.' || p == c;
}

static int match_here(const char *re, const char *text);

// Match item* followed by the pattern rest, at the start of text.
// Tries the shortest run of item first. Returns 1 on a match.
static int
match_star(char item, const char *rest, const char *text)
{
  for (;;) {
    if (match_here(rest, text))
      return 1;
    if (*text == 0 || !char_matches(item, *text))
      return 0;
    text++;
  }
}

// Returns 1 if pattern re matches at the very start of text.
static int
match_here(const char *re, const char *text)
{
  for (;;) {
    if (re[0] == 0)
      return 1;
    if (re[1] == '*')
      return match_star(re[0], re + 2, text);
    if (re[0] == '$' && re[1] == 0)
      return *text == 0;
    if (*text == 0 || !char_matches(re[0], *text))
      return 0;
    re++;
    text++;
  }
}

// Returns 1 if pattern re matches anywhere in text.
static int
match(const char *re, const char *text)
{
  if (re[0] == '^')
    return match_here(re + 1, text);
  for (;; text++) {
    if (match_here(re, text))
      return 1;
    if (*text == 0)
      return 0;
  }
}

// Print line (len bytes, without its newline) if it matches re.
// line[len] must be writable; it is overwritten.
static void
check_line(const char *re, char *line, int len)
{
  line[len] = 0;
  if (match(re, line)) {
    line[len] = '\n';
    write(1, line, len + 1); // the line and its newline in one write
  }
}

// Returns the first '\n' in [p, end), or 0 if there is none.
static char *
find_newline(char *p, char *end)
{
  for (; p < end; p++) {
    if (*p == '\n')
      return p;
  }
  return 0;
}

// Print the matching lines of everything readable from fd.
// Returns 0, or -1 on a read error.
static int
grep(const char *re, int fd)
{
  int have = 0, n;
  char *start, *newline;

  while ((n = read(fd, buf + have, LINE_BUF_SIZE - have)) > 0) {
    have += n;
    start = buf;
    while ((newline = find_newline(start, buf + have)) != 0) {
      check_line(re, start, newline - start);
      start = newline + 1;
    }
    have -= start - buf;
    memmove(buf, start, have); // keep the unfinished line
    if (have == LINE_BUF_SIZE) { // a line too long for buf: split it
      check_line(re, buf, have);
      have = 0;
    }
  }
  if (have > 0) // a last line without a newline
    check_line(re, buf, have);
  return n < 0 ? -1 : 0;
}

int
main(int argc, char *argv[])
{
  int fd, status = 0;
  const char *re;

  if (argc < 2) {
    fprintf(2, "usage: grep pattern [file ...]\n");
    return 1;
  }
  re = argv[1];
  if (argc == 2) {
    if (grep(re, 0) < 0) {
      fprintf(2, "grep: read error on standard input\n");
      return 1;
    }
    return 0;
  }
  for (int i = 2; i < argc; i++) {
    fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "grep: cannot open %s\n", argv[i]);
      status = 1;
      continue;
    }
    if (grep(re, fd) < 0) {
      fprintf(2, "grep: read error on %s\n", argv[i]);
      status = 1;
    }
    close(fd);
  }
  return status;
}
