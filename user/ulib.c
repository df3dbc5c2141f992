// The small C library linked into every user program, part 1: the program
// entry point _start, exit() and atexit(), the environment (environ,
// getenv, setenv, unsetenv, exec, execvp), string and memory functions,
// line input, stat and atoi. Signatures are xv6's (see user/user.h);
// buffered output is in user/printf.c, malloc in user/umalloc.c.
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
#include "kernel/param.h"
#include "user/user.h"

// Keep gcc from replacing a hand-written copy/fill loop by a library call.
#define NO_LIBCALL_LOOPS __attribute__((optimize("no-tree-loop-distribute-patterns")))

int main(int argc, char *argv[]);

// ---------------------------------------------------------------------
// Start and exit
// ---------------------------------------------------------------------

// The ELF entry point. The kernel starts a program here with a0 = argc,
// a1 = argv, a2 = envp and sp at the top of the user stack. Calls main and
// passes its return value to exit(), so `return 1;` from main means
// exit(1): atexit handlers run and buffered output is flushed.
// Placed first in the text segment by user/user.ld. Never returns.
__attribute__((section(".text.start"))) void
_start(int argc, char *argv[], char *envp[])
{
  environ = envp;
  exit(main(argc, argv));
}

static void (*atexit_fns[ATEXIT_MAX])(void); // in order of registration
static int atexit_count;

// Register fn to be called by exit() (and by returning from main).
// Handlers run in the reverse order of registration; _exit() skips them.
// Returns 0, or -1 if ATEXIT_MAX handlers are registered already.
int
atexit(void (*fn)(void))
{
  if (atexit_count == ATEXIT_MAX)
    return -1;
  atexit_fns[atexit_count++] = fn;
  return 0;
}

// End the process the way C programs expect: run the atexit handlers,
// newest first, then flush buffered output (user/printf.c), then _exit.
// A handler may call exit() itself; the handlers not yet run still run,
// each exactly once. Never returns.
int
exit(int status)
{
  while (atexit_count > 0) {
    void (*fn)(void) = atexit_fns[--atexit_count];
    fn();
  }
  fflush(-1);
  _exit(status);
}

// ---------------------------------------------------------------------
// The environment
// ---------------------------------------------------------------------
//
// environ starts out pointing at the array the kernel built on the stack
// (exec copies the envp strings there). That array cannot grow, so the
// first setenv or unsetenv copies it into env_vec, which has room for
// MAXENV entries -- as many as exec will pass on -- and points environ at
// the copy. Strings that setenv creates come from malloc; env_owned says
// which ones, so that replacing or removing one frees it. A program may
// also assign environ itself; the next change then copies that array.

// The environment: "NAME=value" strings, 0-terminated. exec() passes it on.
char **environ;

static char *env_vec[MAXENV + 1]; // our copy of the array, 0-terminated
static uchar env_owned[MAXENV];   // 1 if env_vec[i] came from malloc

// Returns 1 if name can be a variable name: not empty, no '='.
static int
env_name_ok(const char *name)
{
  return name != 0 && name[0] != 0 && strchr(name, '=') == 0;
}

// Returns the index in environ of the entry for name, or -1 if none.
static int
env_find(const char *name)
{
  uint len = strlen(name);

  for (int i = 0; environ != 0 && environ[i] != 0; i++) {
    if (strncmp(environ[i], name, len) == 0 && environ[i][len] == '=')
      return i;
  }
  return -1;
}

// Make environ point at env_vec, copying the current array if it is
// another one. Returns the number of entries, or -1 if there are more
// than MAXENV (environ is then left as it was).
static int
env_adopt(void)
{
  int n = 0;

  if (environ == env_vec) {
    while (env_vec[n] != 0)
      n++;
    return n;
  }
  while (environ != 0 && environ[n] != 0)
    n++;
  if (n > MAXENV)
    return -1;
  for (int i = 0; i < n; i++) {
    env_vec[i] = environ[i];
    env_owned[i] = 0;
  }
  env_vec[n] = 0;
  environ = env_vec;
  return n;
}

// Returns the value of the environment variable name, or 0 if it is not
// set. The string belongs to the environment: do not change or free it.
char *
getenv(const char *name)
{
  int i;

  if (!env_name_ok(name) || (i = env_find(name)) < 0)
    return 0;
  return environ[i] + strlen(name) + 1;
}

// Set the environment variable name to value. An existing variable keeps
// its value unless overwrite is non-zero.
// Returns 0, or -1 for a bad name, no memory, or MAXENV variables already.
int
setenv(const char *name, const char *value, int overwrite)
{
  uint nlen, vlen;
  int i, n;
  char *entry;

  if (!env_name_ok(name) || value == 0)
    return -1;
  i = env_find(name);
  if (i >= 0 && !overwrite)
    return 0;
  if ((n = env_adopt()) < 0 || (i < 0 && n == MAXENV))
    return -1;
  nlen = strlen(name);
  vlen = strlen(value);
  if ((entry = malloc(nlen + 1 + vlen + 1)) == 0)
    return -1;
  memcpy(entry, name, nlen);
  entry[nlen] = '=';
  memcpy(entry + nlen + 1, value, vlen + 1);
  if (i < 0) {
    i = n;
    env_vec[n + 1] = 0;
  } else if (env_owned[i]) {
    free(env_vec[i]);
  }
  env_vec[i] = entry;
  env_owned[i] = 1;
  return 0;
}

// Remove the variable name from the environment (nothing happens if it is
// not set). Returns 0, or -1 for a bad name or an environment too big to
// copy.
int
unsetenv(const char *name)
{
  int i, n;

  if (!env_name_ok(name))
    return -1;
  if ((i = env_find(name)) < 0)
    return 0;
  if ((n = env_adopt()) < 0)
    return -1;
  if (env_owned[i])
    free(env_vec[i]);
  for (; i < n; i++) { // move the later entries down, terminator included
    env_vec[i] = env_vec[i + 1];
    env_owned[i] = i + 1 < MAXENV ? env_owned[i + 1] : 0;
  }
  return 0;
}

// Run the program at path with arguments argv and the caller's environment.
// Returns -1 on failure (on success it does not return).
int
exec(const char *path, char **argv)
{
  return execve(path, argv, environ);
}

// Run the program file with arguments argv and the caller's environment.
// A file name containing '/' is used as it is; a bare name is looked for
// in each directory listed in $PATH (separated by ':'; an empty entry
// means the current directory), or in PATH_DEFAULT if PATH is not set.
// Returns -1 if no directory holds a program of that name that can be run.
int
execvp(const char *file, char **argv)
{
  char path[MAXPATH];
  const char *dirs, *end;
  uint dlen, flen = strlen(file);

  if (strchr(file, '/') != 0)
    return exec(file, argv);
  dirs = getenv("PATH");
  if (dirs == 0)
    dirs = PATH_DEFAULT;
  for (;; dirs = end + 1) {
    end = strchr(dirs, ':');
    dlen = end != 0 ? end - dirs : strlen(dirs);
    if (dlen + 1 + flen + 1 <= sizeof(path)) {
      memcpy(path, dirs, dlen);
      if (dlen > 0 && path[dlen - 1] != '/')
        path[dlen++] = '/';
      memcpy(path + dlen, file, flen + 1);
      exec(path, argv);
    }
    if (end == 0)
      return -1;
  }
}

// ---------------------------------------------------------------------
// Strings, memory, input
// ---------------------------------------------------------------------

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
// empty string means end of input. Buffered output is flushed first, so
// that a prompt printed without a newline is on the screen. Returns buf.
char *
gets(char *buf, int max)
{
  int len = 0;
  char c;

  fflush(stdout);

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
