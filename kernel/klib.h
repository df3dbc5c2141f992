// Freestanding C library routines used by the kernel (gcc also emits calls
// to memset/memcpy on its own, so they must exist).
#pragma once
#include "types.h"

void *memset(void *dst, int c, uint64 n);
void *memcpy(void *dst, const void *src, uint64 n);
void *memmove(void *dst, const void *src, uint64 n);
int memcmp(const void *a, const void *b, uint64 n);
uint64 strlen(const char *s);
int strncmp(const char *a, const char *b, uint64 n);
// Copy at most n bytes; like C's strncpy, may leave dst unterminated.
char *strncpy(char *dst, const char *src, uint64 n);
// Copy at most n-1 bytes and always NUL-terminate (n > 0).
char *safestrcpy(char *dst, const char *src, uint64 n);

#define NELEM(x) (sizeof(x) / sizeof((x)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
