// Kernel console output: formatted printing and panic.
#pragma once
#include <stdarg.h>
#include "types.h"

// printf-style output to the console. Understands %d %i %u %x %p %s %c %%
// and the l / ll length modifiers (%ld %lu %lx). Serialised by a lock, so
// lines from different harts do not interleave.
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// Print "panic: " and the message, stop every hart, and never return.
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

// panic() with a va_list, for functions that take their own format.
void vpanic(const char *fmt, va_list ap) __attribute__((noreturn));

// Set to 1 once any hart panics; other harts stop at their next interrupt.
extern volatile int panicked;

void printf_init(void);
