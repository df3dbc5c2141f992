// Host unit tests for the buddy allocator (kernel/buddy.c) and the slab
// allocator (kernel/slab.c), compiled from the kernel's own source files
// with AddressSanitizer and UBSan (see tests/host/Makefile.inc).
//
// Each test prints "name: OK"; a failed check prints what failed and
// exits non-zero. Long random sequences of allocations and frees are
// checked against a simple reference model: the set of live blocks.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/buddy.h"
#include "kernel/slab.h"
#include "kernel/klib.h"
#include "alloc_harness.h"

#define MAX_LIVE 4096

struct live_block {
  uint64 pfn;
  int order;
};

static uint64 rng_state = 0x9e3779b97f4a7c15UL;

static uint64
rng(void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

// No two live blocks overlap, and each is aligned to its size.
static void
check_no_overlap(struct live_block *live, int n)
{
  for (int i = 0; i < n; i++) {
    CHECK(live[i].pfn % (1UL << live[i].order) == 0, "block %lx misaligned", live[i].pfn);
    for (int j = i + 1; j < n; j++) {
      uint64 a0 = live[i].pfn, a1 = a0 + (1UL << live[i].order);
      uint64 b0 = live[j].pfn, b1 = b0 + (1UL << live[j].order);
      CHECK(a1 <= b0 || b1 <= a0, "blocks %lx and %lx overlap", a0, b0);
    }
  }
}

static uint64
live_pages(struct live_block *live, int n)
{
  uint64 pages = 0;
  for (int i = 0; i < n; i++)
    pages += 1UL << live[i].order;
  return pages;
}

// Random allocations and frees of mixed orders against the model.
static void
test_buddy_random(void)
{
  static struct live_block live[MAX_LIVE];
  int n = 0;
  arena_init(8192, 0, 0); // 32 MiB: eight order-10 blocks
  struct buddy *b = arena_buddy();
  uint64 total = b->free_pages;
  for (int step = 0; step < 200000; step++) {
    if (n > 0 && (rng() % 2 || n == MAX_LIVE)) {
      int i = rng() % n;
      buddy_free(b, live[i].pfn);
      live[i] = live[--n];
    } else {
      int order = rng() % 3 ? rng() % 3 : rng() % (BUDDY_MAX_ORDER + 1);
      uint64 pfn = buddy_alloc(b, order);
      if (pfn == BUDDY_NONE) {
        CHECK(b->free_pages < (1UL << order) || order > 0, "alloc failed with memory free");
        continue;
      }
      live[n++] = (struct live_block){ pfn, order };
    }
    CHECK(b->free_pages + live_pages(live, n) == total, "pages lost at step %d", step);
    if (step % 5000 == 0) {
      CHECK(buddy_check(b) == 0, "invariants at step %d", step);
      check_no_overlap(live, n);
    }
  }
  while (n > 0)
    buddy_free(b, live[--n].pfn);
  CHECK(buddy_check(b) == 0, "invariants after freeing everything");
  // Everything free again: the arena is one block per aligned 4 MiB.
  CHECK(b->free_blocks[BUDDY_MAX_ORDER] == 8, "%lu order-10 blocks", b->free_blocks[BUDDY_MAX_ORDER]);
  for (int k = 0; k < BUDDY_MAX_ORDER; k++)
    CHECK(b->free_blocks[k] == 0, "%lu free blocks of order %d", b->free_blocks[k], k);
  arena_free();
  printf("buddy random alloc/free: OK\n");
}

// With reserved frames, freeing everything gives back exactly the free
// structure a fresh allocator has: maximal aligned blocks around them.
static void
test_buddy_holes(void)
{
  const uint64 reserved[] = { 0, 1, 2, 700, 1023, 1024, 3000 };
  arena_init(4096, reserved, 7);
  struct buddy *b = arena_buddy();
  uint64 fresh[BUDDY_ORDERS];
  memcpy(fresh, b->free_blocks, sizeof(fresh));
  CHECK(b->free_pages == 4096 - 7, "%lu free pages", b->free_pages);
  CHECK(b->free_blocks[BUDDY_MAX_ORDER] == 1, "one whole 4 MiB block (frames 2048..3071)");
  // Allocate every page, then free each exactly once in random order.
  static uint64 pfns[4096];
  int n = 0;
  uint64 pfn;

  while ((pfn = buddy_alloc(b, 0)) != BUDDY_NONE)
    pfns[n++] = pfn;
  CHECK(n == 4096 - 7, "allocated %d single pages", n);
  for (int i = n - 1; i > 0; i--) {
    int j = rng() % (i + 1);
    uint64 t = pfns[i];
    pfns[i] = pfns[j];
    pfns[j] = t;
  }
  for (int i = 0; i < n; i++)
    buddy_free(b, pfns[i]);
  CHECK(buddy_check(b) == 0, "invariants");
  CHECK(memcmp(fresh, b->free_blocks, sizeof(fresh)) == 0, "free lists differ from a fresh allocator");
  arena_free();
  printf("buddy coalescing around reserved frames: OK\n");
}

// Bad frees panic with a message naming the frame.
static void
test_buddy_bad_free(void)
{
  arena_init(2048, 0, 0);
  struct buddy *b = arena_buddy();
  uint64 p = buddy_alloc(b, 2);
  buddy_free(b, p);
  CHECK(EXPECT_PANIC(buddy_free(b, p)), "double free did not panic");
  CHECK(strstr(panic_message, "not allocated") != 0, "message: %s", panic_message);
  p = buddy_alloc(b, 3);
  CHECK(EXPECT_PANIC(buddy_free(b, p + 1)), "freeing the middle of a block did not panic");
  CHECK(EXPECT_PANIC(buddy_free(b, b->base_pfn + b->nframes + 5)), "freeing outside memory");
  buddy_free(b, p);
  CHECK(buddy_check(b) == 0, "invariants after rejected frees");
  arena_free();
  printf("buddy rejects bad frees: OK\n");
}

struct live_obj {
  char *p;
  uint64 size;
  uchar fill;
};

// Random kmalloc/kfree of mixed sizes on several simulated harts: contents
// survive, allocations never overlap, and everything comes back.
static void
test_slab_random(void)
{
  static struct live_obj live[MAX_LIVE];
  int n = 0;
  arena_init(16384, 0, 0); // 64 MiB
  slab_init();
  struct buddy *b = arena_buddy();
  uint64 baseline = b->free_pages;
  static const uint64 sizes[] = { 1, 8, 9, 24, 64, 100, 128, 200, 256, 300,
                                  512, 1000, 2048, 4000, 4096, 8192, 9000, 50000 };
  for (int step = 0; step < 300000; step++) {
    current_hart = rng() % 4;
    if (n > 0 && (rng() % 2 || n == MAX_LIVE)) {
      int i = rng() % n;
      for (uint64 j = 0; j < live[i].size; j++)
        CHECK((uchar)live[i].p[j] == live[i].fill, "object %p byte %lu changed", live[i].p, j);
      kfree(live[i].p);
      live[i] = live[--n];
    } else {
      uint64 size = sizes[rng() % NELEM(sizes)];
      char *p = kmalloc(size);
      CHECK(p != 0, "kmalloc(%lu) failed", size);
      for (uint64 j = 0; j < size; j++)
        CHECK(p[j] == 0, "kmalloc(%lu) not zeroed", size);
      uchar fill = rng();
      memset(p, fill, size);
      live[n++] = (struct live_obj){ p, size, fill };
    }
  }
  struct slab_stats stats[64];
  slab_drain();
  int ncaches = slab_stats(stats, 64);
  uint64 in_use = 0;
  for (int i = 0; i < ncaches; i++)
    if (strncmp(stats[i].name, "kmalloc-", 8) == 0)
      in_use += stats[i].in_use;
  uint64 small = 0;
  for (int i = 0; i < n; i++)
    small += live[i].size <= 8192;
  CHECK(in_use == small, "stats say %lu objects in use, model %lu", in_use, small);
  while (n > 0)
    kfree(live[--n].p);
  slab_drain();
  CHECK(b->free_pages == baseline, "pages leaked: %lu free, %lu before", b->free_pages, baseline);
  CHECK(buddy_check(b) == 0, "buddy invariants");
  ncaches = slab_stats(stats, 64);
  for (int i = 0; i < ncaches; i++)
    if (strncmp(stats[i].name, "kmalloc-", 8) == 0)
      CHECK(stats[i].in_use == 0 && stats[i].slabs == 0, "%s keeps %lu slabs", stats[i].name, stats[i].slabs);
  printf("slab random kmalloc/kfree on 4 harts: OK\n");
}

// A named cache; a write after free is caught on the next allocation.
static void
test_slab_cache_and_poison(void)
{
  struct slab_cache *c = slab_cache_create("test-obj", 40);
  CHECK(c != 0, "cache create");
  current_hart = 0;
  char *objs[100];
  for (int i = 0; i < 100; i++)
    CHECK((objs[i] = slab_alloc(c)) != 0, "alloc %d", i);
  for (int i = 0; i < 100; i++)
    for (int j = i + 1; j < 100; j++)
      CHECK(objs[i] + 40 <= objs[j] || objs[j] + 40 <= objs[i], "objects overlap");
  struct slab_stats st;
  int ncaches = slab_stats(&st, 1); // the newest cache is listed first
  CHECK(ncaches > 0 && strcmp(st.name, "test-obj") == 0 && st.in_use == 100, "stats %s %lu", st.name, st.in_use);
  for (int i = 0; i < 100; i++)
    slab_free(c, objs[i]);
  char *p = objs[99];
  p[20] = 1; // write after free: the last freed object is reused first
  CHECK(EXPECT_PANIC(slab_alloc(c)), "write after free not caught");
  CHECK(strstr(panic_message, "written after free") != 0, "message: %s", panic_message);
  CHECK(EXPECT_PANIC(slab_free(c, (char *)objs[0] + 1)), "freeing a non-object pointer");
  printf("slab named cache and poison check: OK\n");
}

int
main(void)
{
  test_buddy_random();
  test_buddy_holes();
  test_buddy_bad_free();
  test_slab_random();
  test_slab_cache_and_poison();
  printf("5 passed, 0 failed\n");
  return 0;
}
