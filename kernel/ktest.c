// Kernel self-tests and micro-benchmarks, started from user space with
// ktest(test, arg) so that the grader can run them on every hart at once
// (one user process per hart) and time them.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "klib.h"
#include "printf.h"
#include "kalloc.h"
#include "slab.h"
#include "sysarg.h"
#include "sysfunc.h"
#include "ktest.h"

#define STRESS_SLOTS 64   // live allocations a stress run juggles
#define BENCH_OBJ_SIZE 32 // the "small size" of the kmalloc benchmark

static struct spinlock counter_lock = {.name = "ktest_counter"};
static uint64 shared_counter; // [counter_lock]

// A small per-call pseudo-random generator (xorshift).
static uint64
next_random(uint64 *state)
{
  *state ^= *state << 13;
  *state ^= *state >> 7;
  *state ^= *state << 17;
  return *state;
}

// Allocate and free random sizes; each live block is filled with its own
// byte and checked before it is freed. Returns 0, or -1 if a block was
// changed behind our back or memory ran out.
static int
slab_stress(int iterations)
{
  static const uint32 sizes[] = {8, 24, 64, 100, 200, 512, 1000, 3000, 5000, 12000};
  char *blocks[STRESS_SLOTS] = {0};
  uint32 lens[STRESS_SLOTS];
  uint64 rnd = r_time() | 1;
  int result = 0;
  for (int i = 0; i < iterations && result == 0; i++) {
    int slot = next_random(&rnd) % STRESS_SLOTS;
    if (blocks[slot]) {
      for (uint32 j = 0; j < lens[slot]; j++)
        if (blocks[slot][j] != (char)slot)
          result = -1;
      kfree(blocks[slot]);
      blocks[slot] = 0;
    } else {
      lens[slot] = sizes[next_random(&rnd) % NELEM(sizes)];
      if ((blocks[slot] = kmalloc(lens[slot])) == 0)
        result = -1;
      else
        memset(blocks[slot], slot, lens[slot]);
    }
  }
  for (int slot = 0; slot < STRESS_SLOTS; slot++)
    kfree(blocks[slot]);
  return result;
}

// Time n kmalloc/kfree pairs of a small object.
static uint64
bench_kmalloc(int n)
{
  uint64 t0 = r_time();
  for (int i = 0; i < n; i++)
    kfree(kmalloc(BENCH_OBJ_SIZE));
  return r_time() - t0;
}

// Time n order-0 alloc/free pairs straight from the buddy allocator.
static uint64
bench_pages(int n)
{
  uint64 t0 = r_time();
  for (int i = 0; i < n; i++) {
    void *p = pages_alloc(0);
    if (p)
      pages_free(p, 0);
  }
  return r_time() - t0;
}

static uint64
spin_add(int n)
{
  for (int i = 0; i < n; i++) {
    spin_lock(&counter_lock);
    shared_counter++;
    spin_unlock(&counter_lock);
  }
  return 0;
}

static uint64
spin_read(int reset)
{
  spin_lock(&counter_lock);
  uint64 v = shared_counter;
  if (reset)
    shared_counter = 0;
  spin_unlock(&counter_lock);
  return v;
}

// ktest(test, arg): run one of the KTEST_* tests. Returns its result, or
// -1 for an unknown test or an argument outside 0..KTEST_MAX_ITERATIONS.
uint64
sys_ktest(void)
{
  int test = arg_int(0), arg = arg_int(1);
  if (arg < 0 || arg > KTEST_MAX_ITERATIONS)
    return -1;
  switch (test) {
  case KTEST_SLAB_STRESS:
    return slab_stress(arg);
  case KTEST_BUDDY_CHECK:
    return page_allocator_check();
  case KTEST_BENCH_KMALLOC:
    return bench_kmalloc(arg);
  case KTEST_BENCH_PAGES:
    return bench_pages(arg);
  case KTEST_SPIN_ADD:
    return spin_add(arg);
  case KTEST_SPIN_READ:
    return spin_read(arg);
  }
  return -1;
}
