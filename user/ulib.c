// The small C library linked into every user program: the program entry
// point _start, string and memory functions, line input, stat and atoi.
// Signatures are xv6's (see user/user.h).
//
// Note for readers: gcc may turn a struct copy or an array initialiser into
// a call to memset or memcpy even with -ffreestanding, so those two must
// exist here. It may also recognise a byte-copy loop as "this is memcpy" and
// compile it into a call to memcpy -- which, inside memcpy itself, would
// recurse forever. The functions that could be mistaken for memset/memcpy
// are therefore compiled with that optimisation switched off.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"

// Keep gcc from replacing a hand-written copy/fill loop by a library call.
#define NO_LIBCALL_LOOPS __attribute__((optimize("no-tree-loop-distribute-patterns")))

int main(int argc, char *argv[]);

// The ELF entry point. The kernel starts a program here with a0 = argc,
// a1 = argv and sp at the top of the user stack. Calls main and passes its
// return value to exit(), so `return 1;` from main means exit(1).
// Placed first in the text segment by user/user.ld. Never returns.
__attribute__((section(".text.start"))) void
_start(int argc, char *argv[], char *envp[])
{
  environ = envp;
  exit(main(argc, argv));
}

// The environment: "NAME=value" strings, 0-terminated. exec() passes it on.
char **environ;

// Run the program at path with arguments argv and the caller's environment.
// Returns -1 on failure (on success it does not return).
int
exec(const char *path, char **argv)
{
  return execve(path, argv, environ);
}

// Copy the NUL-terminated string src, terminator included, into dst.
// Returns dst.
char *
strcpy(char *dst, const char *src)
{
  char *out = dst;

  while ((*out++ = *src++) != 0)
    ;
  return dst;
}

// Compare two strings byte by byte (as unsigned chars).
// Returns <0, 0 or >0 as a sorts before, equal to or after b.
int
strcmp(const char *a, const char *b)
{
  while (*a != 0 && *a == *b) {
    a++;
    b++;
  }
  return (uchar)*a - (uchar)*b;
}

// Like strcmp, but looks at no more than n bytes.
int
strncmp(const char *a, const char *b, uint n)
{
  for (; n > 0; n--, a++, b++) {
    if (*a != *b || *a == 0)
      return (uchar)*a - (uchar)*b;
  }
  return 0;
}

// Returns the number of bytes in s before its NUL terminator.
uint
strlen(const char *s)
{
  uint n = 0;

  while (s[n] != 0)
    n++;
  return n;
}

// Returns a pointer to the first c in s, or 0 if s has none.
// (Searching for 0 finds nothing: the terminator is not part of s here,
// as in xv6.)
char *
strchr(const char *s, char c)
{
  for (; *s != 0; s++) {
    if (*s == c)
      return (char *)s;
  }
  return 0;
}

// Set the n bytes at dst to the byte value c. Returns dst.
NO_LIBCALL_LOOPS void *
memset(void *dst, int c, uint n)
{
  uchar *d = dst;

  while (n-- > 0)
    *d++ = (uchar)c;
  return dst;
}

// Copy n bytes from src to dst; the two areas may overlap.
// The common body of memmove and memcpy. Returns dst.
static NO_LIBCALL_LOOPS void *
copy_bytes(void *dst, const void *src, uint64 n)
{
  uchar *d = dst;
  const uchar *s = src;

  if (s < d && s + n > d) {
    // dst overlaps the end of src: copy backwards so that every source
    // byte is read before it is overwritten.
    d += n;
    s += n;
    while (n-- > 0)
      *--d = *--s;
  } else {
    while (n-- > 0)
      *d++ = *s++;
  }
  return dst;
}

// Copy n bytes from src to dst; the areas may overlap. A negative n copies
// nothing. Returns dst.
void *
memmove(void *dst, const void *src, int n)
{
  if (n <= 0)
    return dst;
  return copy_bytes(dst, src, (uint64)n);
}

// Copy n bytes from src to dst. Overlap is allowed here too (this is
// memmove), because callers written for xv6 sometimes rely on it.
// Returns dst.
void *
memcpy(void *dst, const void *src, uint n)
{
  return copy_bytes(dst, src, n);
}

// Compare n bytes (as unsigned chars).
// Returns <0, 0 or >0 as a sorts before, equal to or after b.
int
memcmp(const void *a, const void *b, uint n)
{
  const uchar *x = a, *y = b;

  for (; n > 0; n--, x++, y++) {
    if (*x != *y)
      return *x - *y;
  }
  return 0;
}

// Read one line from fd 0 into buf: at most max-1 bytes, stopping after a
// newline or carriage return, which is kept. Always NUL-terminates buf.
// At end of input (or a read error) buf holds what was read so far, so an
// empty string means end of input. Returns buf.
char *
gets(char *buf, int max)
{
  int len = 0;
  char c;

  while (len + 1 < max) {
    if (read(0, &c, 1) < 1)
      break;
    buf[len++] = c;
    if (c == '\n' || c == '\r')
      break;
  }
  buf[len] = 0;
  return buf;
}

// Fill *st with the status of the file at path (open, fstat, close).
// Returns 0, or -1 if the file cannot be opened or examined.
int
stat(const char *path, struct stat *st)
{
  int fd, result;

  fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  result = fstat(fd, st);
  close(fd);
  return result;
}

// Convert the decimal number at the start of s to an int: optional leading
// spaces, an optional sign, then digits; stops at the first non-digit.
// Returns 0 if s has no digits. Overflow is not detected.
int
atoi(const char *s)
{
  int value = 0, negative = 0;

  while (*s == ' ' || *s == '\t')
    s++;
  if (*s == '-' || *s == '+')
    negative = (*s++ == '-');
  while (*s >= '0' && *s <= '9')
    value = value * 10 + (*s++ - '0');
  return negative ? -value : value;
}
