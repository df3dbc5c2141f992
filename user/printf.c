// Formatted and buffered output for user programs: printf, fprintf,
// snprintf, puts, fputs, putchar, and the buffers behind them (stdio).
//
// Conversions: %d %u %x %p %s %c %%, with the length modifiers l and ll
// (also z) for 64-bit values, a field width, and the flags '-' (left-align)
// and '0' (pad numbers with zeros): "%5d", "%08x", "%-10s", "%lu"; a width
// of '*' comes from the argument list: printf("%-*s", 14, name).
//
// Buffering, as in a real C library:
//
//   fd 1 (stdout)  line-buffered if it is the console (a device), so each
//                  line appears when its '\n' is printed; fully buffered if
//                  it is a pipe or a file, so output goes out in BUFSIZ
//                  pieces, when the buffer is full, at fflush() or at exit().
//   fd 2 (stderr)  unbuffered: every call is written before it returns,
//                  so error messages are never lost or delayed.
//   other fds      unbuffered, like stderr (fprintf(fd, ...) is one write).
//
// A line-buffered or unbuffered stream is written at the end of the call,
// in one write(), so a line printed by one process is not broken up by
// another process printing at the same moment.
//
// The buffer is ordinary memory, so fork() copies it: text printed before
// a fork but not yet written comes out twice, once from each process, when
// each of them flushes. With stdout on the console (line-buffered) that
// cannot happen for complete lines; with stdout on a pipe it does. See
// user/forkprintf.c. Likewise _exit() (and a fault that kills the process)
// throws buffered text away; exit() flushes it first (user/ulib.c).
//
// Structure: format() walks the format string and hands bytes to a
// `struct sink` through sink_char(); a sink is either a stream (a buffer in
// front of a file descriptor) or a string (snprintf). stream_write_out()
// is the only place that calls write().

#include <stdarg.h>

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"

#define NUM_DIGITS_MAX 24 // enough for any 64-bit value in base 8 or more
#define PTR_HEX_DIGITS 16 // %p prints every hex digit of a 64-bit address
#define MODE_UNDECIDED (-1) // stdout's mode before its first use
#define FLUSH_ALL (-1)      // fflush(FLUSH_ALL) flushes every stream

static const char hex_digits[] = "0123456789abcdef";

// A buffer in front of a file descriptor.
struct stream {
  int fd;
  int mode; // _IOFBF, _IOLBF, _IONBF, or MODE_UNDECIDED
  int len;  // bytes waiting in buf
  char buf[BUFSIZ];
};

// The buffered streams: stdout decides its mode at its first use (it
// looks at what fd 1 is then); stderr is unbuffered.
static struct stream std_out = { stdout, MODE_UNDECIDED, 0, { 0 } };
static struct stream std_err = { stderr, _IONBF, 0, { 0 } };

// Where formatted bytes go: a stream, or (stream == 0) a string.
struct sink {
  struct stream *stream;
  int saw_newline; // a '\n' went into the stream during this call
  char *str;       // string sink: destination (may be 0 if size is 0)
  uint size;       // string sink: bytes available, terminator included
  uint len;        // string sink: bytes produced so far (may exceed size)
};

// One parsed conversion specification, e.g. "%-08lx".
struct spec {
  int left_align; // '-' flag: pad on the right
  int zero_pad;   // '0' flag: pad numbers with zeros, after any sign
  int width;      // minimum field width, 0 if none
  int is_long;    // 'l', 'll' or 'z' seen: argument is 64 bits
  char conv;      // conversion character: 'd', 'x', 's', ...
};

// ---------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------

// Returns the buffered stream for fd, or 0 if fd has none.
static struct stream *
stream_for(int fd)
{
  if (fd == stdout)
    return &std_out;
  if (fd == stderr)
    return &std_err;
  return 0;
}

// Decide s's buffering mode if that has not been done yet: the console
// (a device) gets line buffering, anything else full buffering. A closed
// fd gets full buffering too; its writes will fail and be dropped.
static void
stream_decide_mode(struct stream *s)
{
  struct stat st;

  if (s->mode != MODE_UNDECIDED)
    return;
  if (fstat(s->fd, &st) == 0 && st.type == T_DEVICE)
    s->mode = _IOLBF;
  else
    s->mode = _IOFBF;
}

// Write out everything in s's buffer and empty it.
// Returns 0, or -1 if write() failed (the unwritten bytes are dropped:
// there is nowhere to keep them and nobody to tell).
static int
stream_write_out(struct stream *s)
{
  int done = 0, n;

  while (done < s->len) {
    n = write(s->fd, s->buf + done, s->len - done);
    if (n <= 0) {
      s->len = 0;
      return -1;
    }
    done += n;
  }
  s->len = 0;
  return 0;
}

// Append one byte to s, writing the buffer out first if it is full.
static void
stream_put(struct stream *s, char c)
{
  if (s->len == BUFSIZ)
    stream_write_out(s);
  s->buf[s->len++] = c;
}

// Called at the end of every output call on s: write the buffer out if
// the mode says so (unbuffered: always; line-buffered: if a line ended).
static void
stream_end_call(struct stream *s, int saw_newline)
{
  if (s->mode == _IONBF || (s->mode == _IOLBF && saw_newline))
    stream_write_out(s);
}

// Write out fd's buffered output; fd FLUSH_ALL (-1) means every stream.
// An fd without a buffer has nothing to flush.
// Returns 0, or -1 if a write failed.
int
fflush(int fd)
{
  struct stream *s;

  if (fd == FLUSH_ALL)
    return (fflush(stdout) | fflush(stderr)) ? -1 : 0;
  s = stream_for(fd);
  if (s == 0)
    return 0;
  return stream_write_out(s);
}

// Choose how fd 1 or fd 2 is buffered: _IOFBF, _IOLBF or _IONBF.
// Anything already buffered is written out first.
// Returns 0, or -1 for another fd or an unknown mode.
int
setbufmode(int fd, int mode)
{
  struct stream *s = stream_for(fd);

  if (s == 0 || (mode != _IOFBF && mode != _IOLBF && mode != _IONBF))
    return -1;
  stream_write_out(s);
  s->mode = mode;
  return 0;
}

// ---------------------------------------------------------------------
// Sinks
// ---------------------------------------------------------------------

// Append one byte to the sink.
static void
sink_char(struct sink *k, char c)
{
  if (k->stream != 0) {
    stream_put(k->stream, c);
    if (c == '\n')
      k->saw_newline = 1;
    return;
  }
  if (k->len + 1 < k->size) // always leave room for the terminator
    k->str[k->len] = c;
  k->len++;
}

// Append c n times (nothing if n <= 0).
static void
sink_repeat(struct sink *k, char c, int n)
{
  for (; n > 0; n--)
    sink_char(k, c);
}

// ---------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------

// Append len bytes of s, space-padded to sp->width on the side the flags
// ask for. Used for %s and %c.
static void
out_field(struct sink *k, const char *s, int len, const struct spec *sp)
{
  int pad = sp->width - len;

  if (!sp->left_align)
    sink_repeat(k, ' ', pad);
  for (int i = 0; i < len; i++)
    sink_char(k, s[i]);
  if (sp->left_align)
    sink_repeat(k, ' ', pad);
}

// Append value in the given base, with a '-' in front if negative is set,
// padded to sp->width with spaces or (flag '0') with zeros after the sign.
// min_digits forces leading zeros (used by %p).
static void
out_number(struct sink *k, uint64 value, int base, int negative,
           int min_digits, const struct spec *sp)
{
  char digits[NUM_DIGITS_MAX];
  int ndigits = 0;

  do {
    digits[ndigits++] = hex_digits[value % base];
    value /= base;
  } while (value != 0);
  while (ndigits < min_digits && ndigits < NUM_DIGITS_MAX)
    digits[ndigits++] = '0';

  int pad = sp->width - ndigits - (negative ? 1 : 0);
  if (!sp->left_align && !sp->zero_pad)
    sink_repeat(k, ' ', pad);
  if (negative)
    sink_char(k, '-');
  if (!sp->left_align && sp->zero_pad)
    sink_repeat(k, '0', pad);
  while (ndigits > 0)
    sink_char(k, digits[--ndigits]);
  if (sp->left_align)
    sink_repeat(k, ' ', pad);
}

// Parse the flags, width and length modifier that follow a '%' and fill
// *sp. A width of '*' is taken from the next argument in *ap (negative
// means left-aligned). Returns a pointer to the conversion character.
static const char *
parse_spec(const char *p, struct spec *sp, va_list *ap)
{
  memset(sp, 0, sizeof(*sp));
  for (;; p++) {
    if (*p == '-')
      sp->left_align = 1;
    else if (*p == '0')
      sp->zero_pad = 1;
    else
      break;
  }
  if (*p == '*') {
    sp->width = va_arg(*ap, int);
    if (sp->width < 0) {
      sp->left_align = 1;
      sp->width = -sp->width;
    }
    p++;
  }
  while (*p >= '0' && *p <= '9')
    sp->width = sp->width * 10 + (*p++ - '0');
  while (*p == 'l' || *p == 'z') {
    sp->is_long = 1;
    p++;
  }
  sp->conv = *p;
  return p;
}

// Format one conversion, taking its argument (if any) from *ap.
static void
format_one(struct sink *k, const struct spec *sp, va_list *ap)
{
  int64 sval;
  uint64 uval;
  const char *s;
  char c;

  switch (sp->conv) {
  case 'd':
    sval = sp->is_long ? va_arg(*ap, int64) : va_arg(*ap, int);
    uval = sval < 0 ? -(uint64)sval : (uint64)sval;
    out_number(k, uval, 10, sval < 0, 0, sp);
    break;
  case 'u':
  case 'x':
    uval = sp->is_long ? va_arg(*ap, uint64) : va_arg(*ap, uint);
    out_number(k, uval, sp->conv == 'u' ? 10 : 16, 0, 0, sp);
    break;
  case 'p':
    sink_char(k, '0');
    sink_char(k, 'x');
    out_number(k, (uint64)va_arg(*ap, void *), 16, 0, PTR_HEX_DIGITS, sp);
    break;
  case 's':
    s = va_arg(*ap, const char *);
    if (s == 0)
      s = "(null)";
    out_field(k, s, strlen(s), sp);
    break;
  case 'c':
    c = (char)va_arg(*ap, int);
    out_field(k, &c, 1, sp);
    break;
  case '%':
    sink_char(k, '%');
    break;
  default:
    // Unknown conversion: print it as written so the mistake is visible.
    sink_char(k, '%');
    sink_char(k, sp->conv);
    break;
  }
}

// Format fmt with the arguments in ap into the sink.
static void
format(struct sink *k, const char *fmt, va_list ap)
{
  struct spec sp;
  va_list args;

  va_copy(args, ap);
  for (const char *p = fmt; *p != 0; p++) {
    if (*p != '%') {
      sink_char(k, *p);
      continue;
    }
    p = parse_spec(p + 1, &sp, &args);
    if (sp.conv == 0) // the format string ended inside a conversion
      break;
    format_one(k, &sp, &args);
  }
  va_end(args);
}

// Format into fd's stream, or, for an fd without one, into a temporary
// unbuffered stream that is written out at the end of the call.
static void
format_to_fd(int fd, const char *fmt, va_list ap)
{
  struct stream scratch;
  struct sink k;

  memset(&k, 0, sizeof(k));
  k.stream = stream_for(fd);
  if (k.stream == 0) {
    scratch.fd = fd;
    scratch.mode = _IONBF;
    scratch.len = 0;
    k.stream = &scratch;
  }
  stream_decide_mode(k.stream);
  format(&k, fmt, ap);
  stream_end_call(k.stream, k.saw_newline);
}

// Print formatted text to file descriptor fd. Errors are ignored.
void
fprintf(int fd, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  format_to_fd(fd, fmt, ap);
  va_end(ap);
}

// Print formatted text to the standard output (fd 1). Errors are ignored.
void
printf(const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  format_to_fd(stdout, fmt, ap);
  va_end(ap);
}

// Format into buf, writing at most size bytes including the terminating
// NUL (buf is always terminated if size > 0).
// Returns the length the whole text would have: a result >= size means
// the text was cut short.
int
snprintf(char *buf, uint size, const char *fmt, ...)
{
  struct sink k;
  va_list ap;

  memset(&k, 0, sizeof(k));
  k.str = buf;
  k.size = size;
  va_start(ap, fmt);
  format(&k, fmt, ap);
  va_end(ap);
  if (size > 0)
    buf[k.len < size ? k.len : size - 1] = 0;
  return k.len;
}

// Write the string s to fd through its stream (or unbuffered).
// Returns 0 (errors are not reported, as with printf).
int
fputs(const char *s, int fd)
{
  fprintf(fd, "%s", s);
  return 0;
}

// Write s and a newline to stdout. Returns 0.
int
puts(const char *s)
{
  printf("%s\n", s);
  return 0;
}

// Write the byte c to stdout. Returns c.
int
putchar(int c)
{
  printf("%c", c);
  return (uchar)c;
}
