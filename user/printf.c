// Formatted output for user programs: printf(fmt, ...) writes to fd 1,
// fprintf(fd, fmt, ...) to any file descriptor.
//
// Conversions: %d %u %x %p %s %c %%, with the length modifiers l and ll
// (also z) for 64-bit values, a field width, and the flags '-' (left-align)
// and '0' (pad numbers with zeros): "%5d", "%08x", "%-10s", "%lu"; a width
// of '*' comes from the argument list: printf("%-*s", 14, name).
//
// The formatted text collects in a buffer and goes to the kernel in one
// write() (or a few, for text longer than the buffer), so a line printed by
// one process is not broken up by output from another process running at
// the same time, as it would be with one write() per character.
//
// Structure: format() walks the format string and emits bytes to a
// `struct out` through out_char(); out_flush() is the only place that calls
// write(). A buffered stdio can reuse format() with a longer-lived buffer.

#include <stdarg.h>

#include "kernel/types.h"
#include "user/user.h"

#define OUT_BUF_SIZE 256 // bytes formatted before a write() is forced
#define NUM_DIGITS_MAX 24 // enough for any 64-bit value in base 8 or more
#define PTR_HEX_DIGITS 16 // %p prints every hex digit of a 64-bit address

static const char hex_digits[] = "0123456789abcdef";

// Where formatted bytes go: a buffer in front of file descriptor fd.
struct out {
  int fd;
  int len;                // bytes waiting in buf
  char buf[OUT_BUF_SIZE];
};

// One parsed conversion specification, e.g. "%-08lx".
struct spec {
  int left_align; // '-' flag: pad on the right
  int zero_pad;   // '0' flag: pad numbers with zeros, after any sign
  int width;      // minimum field width, 0 if none
  int is_long;    // 'l', 'll' or 'z' seen: argument is 64 bits
  char conv;      // conversion character: 'd', 'x', 's', ...
};

// Write the buffered bytes to o->fd and empty the buffer.
// Write errors are ignored: there is nowhere to report them.
static void
out_flush(struct out *o)
{
  if (o->len > 0)
    write(o->fd, o->buf, o->len);
  o->len = 0;
}

// Append one byte, flushing first if the buffer is full.
static void
out_char(struct out *o, char c)
{
  if (o->len == OUT_BUF_SIZE)
    out_flush(o);
  o->buf[o->len++] = c;
}

// Append c n times (nothing if n <= 0).
static void
out_repeat(struct out *o, char c, int n)
{
  for (; n > 0; n--)
    out_char(o, c);
}

// Append len bytes of s, space-padded to sp->width on the side the flags
// ask for. Used for %s and %c.
static void
out_field(struct out *o, const char *s, int len, const struct spec *sp)
{
  int pad = sp->width - len;

  if (!sp->left_align)
    out_repeat(o, ' ', pad);
  for (int i = 0; i < len; i++)
    out_char(o, s[i]);
  if (sp->left_align)
    out_repeat(o, ' ', pad);
}

// Append value in the given base, with a '-' in front if negative is set,
// padded to sp->width with spaces or (flag '0') with zeros after the sign.
// min_digits forces leading zeros (used by %p).
static void
out_number(struct out *o, uint64 value, int base, int negative,
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
    out_repeat(o, ' ', pad);
  if (negative)
    out_char(o, '-');
  if (!sp->left_align && sp->zero_pad)
    out_repeat(o, '0', pad);
  while (ndigits > 0)
    out_char(o, digits[--ndigits]);
  if (sp->left_align)
    out_repeat(o, ' ', pad);
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
format_one(struct out *o, const struct spec *sp, va_list *ap)
{
  int64 sval;
  uint64 uval;
  const char *s;
  char c;

  switch (sp->conv) {
  case 'd':
    sval = sp->is_long ? va_arg(*ap, int64) : va_arg(*ap, int);
    uval = sval < 0 ? -(uint64)sval : (uint64)sval;
    out_number(o, uval, 10, sval < 0, 0, sp);
    break;
  case 'u':
  case 'x':
    uval = sp->is_long ? va_arg(*ap, uint64) : va_arg(*ap, uint);
    out_number(o, uval, sp->conv == 'u' ? 10 : 16, 0, 0, sp);
    break;
  case 'p':
    out_char(o, '0');
    out_char(o, 'x');
    out_number(o, (uint64)va_arg(*ap, void *), 16, 0, PTR_HEX_DIGITS, sp);
    break;
  case 's':
    s = va_arg(*ap, const char *);
    if (s == 0)
      s = "(null)";
    out_field(o, s, strlen(s), sp);
    break;
  case 'c':
    c = (char)va_arg(*ap, int);
    out_field(o, &c, 1, sp);
    break;
  case '%':
    out_char(o, '%');
    break;
  default:
    // Unknown conversion: print it as written so the mistake is visible.
    out_char(o, '%');
    out_char(o, sp->conv);
    break;
  }
}

// Format fmt with the arguments in ap into o (without flushing).
static void
format(struct out *o, const char *fmt, va_list ap)
{
  struct spec sp;
  va_list args;

  va_copy(args, ap);
  for (const char *p = fmt; *p != 0; p++) {
    if (*p != '%') {
      out_char(o, *p);
      continue;
    }
    p = parse_spec(p + 1, &sp, &args);
    if (sp.conv == 0) // the format string ended inside a conversion
      break;
    format_one(o, &sp, &args);
  }
  va_end(args);
}

// Format and write to fd, flushing at the end.
static void
vfprintf_fd(int fd, const char *fmt, va_list ap)
{
  struct out o;

  o.fd = fd;
  o.len = 0;
  format(&o, fmt, ap);
  out_flush(&o);
}

// Print formatted text to file descriptor fd. Errors are ignored.
void
fprintf(int fd, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vfprintf_fd(fd, fmt, ap);
  va_end(ap);
}

// Print formatted text to the standard output (fd 1). Errors are ignored.
void
printf(const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vfprintf_fd(1, fmt, ap);
  va_end(ap);
}
