// Host test harness for kernel/buddy.c and kernel/slab.c.
//
// The allocators are compiled unchanged for the host; this harness gives
// them what the kernel would: locks (no-ops: the tests are single-threaded
// but switch the "current hart" to exercise per-hart caches), panic (which
// a test can catch), and a page allocator over a host memory arena.
#pragma once
#include <setjmp.h>
#include "kernel/types.h"

extern int current_hart;     // what cpuid() returns
extern jmp_buf *panic_catch; // if set, panic longjmps here instead of aborting
extern char panic_message[256];

// Set up an arena of nframes frames (reserving the frames listed) and the
// buddy allocator over it.
void arena_init(uint64 nframes, const uint64 *reserved, int nreserved);
void arena_free(void);
struct buddy *arena_buddy(void);
// Frame number of a host address inside the arena and back.
uint64 arena_pfn(void *va);
void *arena_va(uint64 pfn);

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                        \
      fprintf(stderr, "\n");                                               \
      exit(1);                                                             \
    }                                                                      \
  } while (0)

// Run stmt, which must panic; returns 1 if it did.
#define EXPECT_PANIC(stmt)                                                 \
  ({                                                                       \
    jmp_buf jb;                                                            \
    int panicked_ = 0;                                                     \
    panic_catch = &jb;                                                     \
    if (setjmp(jb) == 0) {                                                 \
      stmt;                                                                \
    } else {                                                               \
      panicked_ = 1;                                                       \
    }                                                                      \
    panic_catch = 0;                                                       \
    panicked_;                                                             \
  })
