// Kernel formatted output (kprintf) and panic.
#include <stdarg.h>
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "printf.h"
#include "console.h"
#include "power.h"

volatile int panicked = 0;

// Serialises kprintf so lines from different harts don't interleave.
static struct spinlock print_lock;
// Set while panicking: print without the lock (its holder may be stuck).
static volatile int printing_unlocked = 0;

static const char digits[] = "0123456789abcdef";

void
printf_init(void)
{
  spin_init(&print_lock, "print");
}

// Print x in the given base; signed if sign is set and x is negative.
static void
print_number(uint64 x, int base, int sign)
{
  char buf[24];
  int i = 0;
  int negative = sign && (int64)x < 0;
  if (negative)
    x = -(int64)x;
  do {
    buf[i++] = digits[x % base];
    x /= base;
  } while (x != 0);
  if (negative)
    buf[i++] = '-';
  while (--i >= 0)
    console_putc(buf[i]);
}

// Format one conversion. *fmt points just after the '%' and is advanced.
static void
print_conversion(const char **fmt, va_list *ap)
{
  int longs = 0;
  while (**fmt == 'l') {
    longs++;
    (*fmt)++;
  }
  char c = *(*fmt)++;
  switch (c) {
  case 'd':
  case 'i':
    print_number(longs ? va_arg(*ap, int64) : va_arg(*ap, int), 10, 1);
    break;
  case 'u':
    print_number(longs ? va_arg(*ap, uint64) : va_arg(*ap, uint), 10, 0);
    break;
  case 'x':
    print_number(longs ? va_arg(*ap, uint64) : va_arg(*ap, uint), 16, 0);
    break;
  case 'p':
    console_putc('0');
    console_putc('x');
    print_number(va_arg(*ap, uint64), 16, 0);
    break;
  case 'c':
    console_putc(va_arg(*ap, int));
    break;
  case 's': {
    const char *s = va_arg(*ap, const char *);
    for (s = s ? s : "(null)"; *s; s++)
      console_putc(*s);
    break;
  }
  case '%':
    console_putc('%');
    break;
  case 0: // a lone '%' at the end of the format
    (*fmt)--;
    break;
  default: // unknown: show it as written
    console_putc('%');
    console_putc(c);
  }
}

static void
vprint(const char *fmt, va_list ap)
{
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      console_putc(*fmt);
      continue;
    }
    fmt++;
    print_conversion(&fmt, &ap);
    fmt--;
  }
}

void
kprintf(const char *fmt, ...)
{
  va_list ap;
  int locking = !printing_unlocked;
  if (locking)
    spin_lock(&print_lock);
  va_start(ap, fmt);
  vprint(fmt, ap);
  va_end(ap);
  if (locking)
    spin_unlock(&print_lock);
}

void
vpanic(const char *fmt, va_list ap)
{
  printing_unlocked = 1;
  kprintf("panic: ");
  vprint(fmt, ap);
  kprintf("\n");
  panicked = 1; // other harts stop at their next interrupt
  power_off(POWER_EXIT_PANIC);
}

void
panic(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vpanic(fmt, ap);
}
