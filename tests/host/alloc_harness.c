// The kernel functions buddy.c and slab.c call, implemented for the host.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/buddy.h"
#include "kernel/kalloc.h"
#include "kernel/spinlock.h"
#include "kernel/printf.h"
#include "alloc_harness.h"

int current_hart;
jmp_buf *panic_catch;
char panic_message[256];
volatile int panicked;

static char *arena;        // host memory holding the frames
static char *arena_alloc;  // what malloc returned (arena is aligned in it)
static struct page *frames;
static struct buddy buddy;

// The arena's frame numbers start at a multiple of 2^BUDDY_MAX_ORDER, as
// RAM does on the real machine.
#define ARENA_BASE_PFN (1UL << 20)

void
arena_init(uint64 nframes, const uint64 *reserved, int nreserved)
{
  uint64 align = PGSIZE << BUDDY_MAX_ORDER;
  arena_alloc = malloc(nframes * PGSIZE + align);
  arena = (char *)(((uint64)arena_alloc + align - 1) & ~(align - 1));
  frames = calloc(nframes, sizeof(struct page));
  buddy_init(&buddy, ARENA_BASE_PFN, nframes, frames);
  for (uint64 i = 0; i < nframes; i++) {
    int skip = 0;
    for (int r = 0; r < nreserved; r++)
      skip |= reserved[r] == i;
    if (!skip)
      buddy_add_frame(&buddy, ARENA_BASE_PFN + i);
  }
}

void
arena_free(void)
{
  free(arena_alloc);
  free(frames);
}

struct buddy *
arena_buddy(void)
{
  return &buddy;
}

uint64
arena_pfn(void *va)
{
  return ARENA_BASE_PFN + ((char *)va - arena) / PGSIZE;
}

void *
arena_va(uint64 pfn)
{
  return arena + (pfn - ARENA_BASE_PFN) * PGSIZE;
}

// ---- kalloc.h -------------------------------------------------------------

void *
pages_alloc(int order)
{
  uint64 pfn = buddy_alloc(&buddy, order);
  return pfn == BUDDY_NONE ? 0 : arena_va(pfn);
}

void
pages_free(void *va, int order)
{
  struct page *pg = page_struct(va);
  if (pg->order != order)
    panic("pages_free: order %d, not %d", pg->order, order);
  memset(va, 0x5a, PGSIZE << order);
  buddy_free(&buddy, arena_pfn(va));
}

struct page *
page_struct(void *va)
{
  uint64 pfn = arena_pfn(va);
  if ((char *)va < arena || pfn >= ARENA_BASE_PFN + buddy.nframes)
    panic("page_struct: %p outside the arena", va);
  return &frames[pfn - ARENA_BASE_PFN];
}

// ---- printf.h, spinlock.h, proc.h, klib.h ------------------------------------

void
vpanic(const char *fmt, va_list ap)
{
  vsnprintf(panic_message, sizeof(panic_message), fmt, ap);
  if (panic_catch)
    longjmp(*panic_catch, 1);
  fprintf(stderr, "panic: %s\n", panic_message);
  abort();
}

void
panic(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vpanic(fmt, ap);
}

void
buddy_fail(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vpanic(fmt, ap);
}

void spin_init(struct spinlock *lk, const char *name) { lk->name = name; lk->locked = 0; }
void spin_lock(struct spinlock *lk) { lk->locked = 1; }
void spin_unlock(struct spinlock *lk) { lk->locked = 0; }
void push_off(void) {}
void pop_off(void) {}
int cpuid(void) { return current_hart; }

char *
safestrcpy(char *dst, const char *src, uint64 n)
{
  snprintf(dst, n, "%s", src);
  return dst;
}
