// Freestanding memory and string routines for the kernel.
// memcpy/memset move 8 bytes at a time when both pointers allow it; page
// copies and page zeroing are a large part of fork and exec.
#include "types.h"
#include "klib.h"

#define WORD sizeof(uint64)
#define WORD_ALIGNED(x) ((((uint64)(x)) & (WORD - 1)) == 0)

// Fill n bytes at dst with the byte c. Returns dst.
void *
memset(void *dst, int c, uint64 n)
{
  uchar *d = dst;
  if (WORD_ALIGNED(d) && WORD_ALIGNED(n)) {
    uint64 pattern = (uchar)c;
    pattern |= pattern << 8;
    pattern |= pattern << 16;
    pattern |= pattern << 32;
    for (uint64 *w = dst; n > 0; n -= WORD)
      *w++ = pattern;
    return dst;
  }
  while (n-- > 0)
    *d++ = c;
  return dst;
}

// Copy n bytes from src to dst, which may overlap. Returns dst.
void *
memmove(void *dst, const void *src, uint64 n)
{
  uchar *d = dst;
  const uchar *s = src;
  if (s < d && s + n > d) { // overlapping, dst above src: copy backwards
    while (n-- > 0)
      d[n] = s[n];
    return dst;
  }
  if (WORD_ALIGNED(d) && WORD_ALIGNED(s)) {
    for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
      *(uint64 *)d = *(const uint64 *)s;
  }
  while (n-- > 0)
    *d++ = *s++;
  return dst;
}

// Copy n bytes between non-overlapping buffers. Returns dst.
void *
memcpy(void *dst, const void *src, uint64 n)
{
  return memmove(dst, src, n);
}

// Compare n bytes; <0, 0 or >0 like the C library's memcmp.
int
memcmp(const void *a, const void *b, uint64 n)
{
  const uchar *x = a, *y = b;
  for (; n > 0; n--, x++, y++)
    if (*x != *y)
      return *x - *y;
  return 0;
}

// Length of a NUL-terminated string.
uint64
strlen(const char *s)
{
  uint64 n = 0;
  while (s[n])
    n++;
  return n;
}

// Compare at most n characters of two strings.
int
strncmp(const char *a, const char *b, uint64 n)
{
  for (; n > 0 && *a && *a == *b; n--, a++, b++)
    ;
  if (n == 0)
    return 0;
  return (uchar)*a - (uchar)*b;
}

// Copy at most n bytes of src, padding with NULs; dst may be unterminated.
char *
strncpy(char *dst, const char *src, uint64 n)
{
  uint64 i = 0;
  for (; i < n && src[i]; i++)
    dst[i] = src[i];
  for (; i < n; i++)
    dst[i] = 0;
  return dst;
}

// Copy at most n-1 bytes of src and always terminate dst (n > 0).
char *
safestrcpy(char *dst, const char *src, uint64 n)
{
  uint64 i = 0;
  if (n == 0)
    return dst;
  for (; i + 1 < n && src[i]; i++)
    dst[i] = src[i];
  dst[i] = 0;
  return dst;
}
