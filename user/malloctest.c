// malloctest: tests of malloc, free, calloc and realloc (user/umalloc.c).
//
// Checks alignment, a random stress of allocations of mixed sizes whose
// contents are verified before they are freed, realloc and calloc, that
// freeing everything brings the heap's use back to zero and gives memory
// back to the kernel (sbrk(0) returns near where it started: no leak),
// and that a double free or a bad pointer is reported on fd 2 naming the
// address, while the program carries on with an intact heap.
//
// Prints "malloctest: <check>: OK" or "... FAILED (<why>)" for each check,
// then "malloctest: ALL OK" or "malloctest: <n> FAILED".

#include "kernel/types.h"
#include "user/user.h"
#include "user/testlib.h"

#define ALIGN 16              // malloc's promised alignment
#define SLOTS 256             // live blocks at most during the stress
#define ROUNDS 6000           // allocations and frees in the stress
#define SMALL_MAX_TRY 600     // most requests are small...
#define BIG_EVERY 16          // ...one in BIG_EVERY is big
#define BIG_MAX (96 * 1024)   // the largest size tried
#define LEAK_SLACK (160 * 1024) // heap the allocator may keep when idle
#define MIN_PEAK (1024 * 1024) // the stress must have grown the heap this much
#define MSG_MAX 256           // bytes of a captured error message
#define HUGE_REQUEST 0xf0000000u // more than sbrk can ever give
#define SEED 12345

static struct {
  char *p;
  uint size;
} slot[SLOTS];

static uint64 rng_state = SEED;

// A small pseudo-random number generator (xorshift64).
static uint
rnd(void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint)rng_state;
}

// The byte stored at offset i of a block in slot s.
static char
pattern(int s, uint i)
{
  return (char)(s * 31 + i * 7 + 1);
}

// Fill the block in slot s with its pattern.
static void
fill(int s)
{
  for (uint i = 0; i < slot[s].size; i++)
    slot[s].p[i] = pattern(s, i);
}

// Returns 1 if the block in slot s still holds its pattern.
static int
intact(int s)
{
  for (uint i = 0; i < slot[s].size; i++) {
    if (slot[s].p[i] != pattern(s, i))
      return 0;
  }
  return 1;
}

// A random request size: mostly small, sometimes big.
static uint
random_size(void)
{
  if (rnd() % BIG_EVERY == 0)
    return rnd() % BIG_MAX + 1;
  return rnd() % SMALL_MAX_TRY;
}

// Free (after checking) or allocate (and fill) the block in a random slot;
// sometimes realloc it instead. Returns 0 if a block was found damaged or
// an allocation failed.
static int
stress_step(void)
{
  int s = rnd() % SLOTS;

  if (slot[s].p != 0) {
    if (!intact(s))
      return 0;
    if (rnd() % 4 == 0) { // grow or shrink, keeping the common prefix
      uint n = random_size(), keep = n < slot[s].size ? n : slot[s].size;
      char *q = realloc(slot[s].p, n);
      if (q == 0 && n != 0)
        return 0;
      slot[s].p = q;
      slot[s].size = n;
      for (uint i = 0; i < keep; i++)
        if (q[i] != pattern(s, i))
          return 0;
      if (q != 0)
        fill(s);
      return 1;
    }
    free(slot[s].p);
    slot[s].p = 0;
    return 1;
  }
  slot[s].size = random_size();
  slot[s].p = malloc(slot[s].size);
  if (slot[s].p == 0 || ((uint64)slot[s].p & (ALIGN - 1)) != 0)
    return 0;
  fill(s);
  return 1;
}

// The random stress, then free everything. *peak gets the highest break.
// Returns 1 if every block kept its contents.
static int
stress(char **peak)
{
  int ok = 1;

  *peak = sbrk(0);
  for (int r = 0; r < ROUNDS && ok; r++) {
    ok = stress_step();
    if (sbrk(0) > *peak)
      *peak = sbrk(0);
  }
  for (int s = 0; s < SLOTS; s++) {
    if (slot[s].p != 0 && !intact(s))
      ok = 0;
    free(slot[s].p);
    slot[s].p = 0;
  }
  return ok;
}

// The stress, and the leak check after it.
static void
test_stress_and_leaks(void)
{
  struct malloc_stats st;
  char *start = sbrk(0), *peak, *end;
  char why[MSG_MAX];

  tl_check("random stress keeps every block's contents", stress(&peak),
           "a block was damaged or malloc failed");
  malloc_getstats(&st);
  tl_check("after freeing everything no block is in use", st.used_blocks == 0 && st.used_bytes == 0,
           "stats show blocks in use");
  end = sbrk(0);
  snprintf(why, sizeof(why), "break went from %p up to %p, back to %p",
           start, peak, end);
  printf("malloctest: (%s)\n", why);
  tl_check("the stress grew the heap (a meaningful leak check)", peak - start >= MIN_PEAK, why);
  tl_check("freed memory goes back to the kernel: sbrk(0) returns near the start",
           end - start <= LEAK_SLACK, why);
}

// Basic promises: alignment, free(0), calloc zeroes, huge requests fail.
static void
test_basics(void)
{
  int ok = 1;
  char *p[8];

  for (int i = 0; i < 8; i++) {
    p[i] = malloc(1 << (2 * i)); // 1 byte .. 16 KiB
    ok = ok && p[i] != 0 && ((uint64)p[i] & (ALIGN - 1)) == 0;
  }
  for (int i = 0; i < 8; i++)
    free(p[i]);
  tl_check("malloc returns 16-byte aligned blocks of every size", ok, "misaligned or null");
  free(0);
  tl_check("free(0) does nothing", 1, "");
  char *z = malloc(300);
  memset(z, 0x5a, 300);
  free(z);
  z = calloc(100, 3);
  ok = z != 0;
  for (int i = 0; ok && i < 300; i++)
    ok = z[i] == 0;
  free(z);
  tl_check("calloc returns zeroed memory", ok, "not zero");
  tl_check("calloc detects nmemb * size overflow", calloc(0x10000, 0x10001) == 0,
           "returned a block");
  tl_check("malloc of an impossible size returns 0", malloc(HUGE_REQUEST) == 0, "returned a block");
}

// realloc keeps contents across small -> large -> small, and the edge
// cases realloc(0, n) and realloc(p, 0).
static void
test_realloc(void)
{
  char *p = realloc(0, 10);
  int ok = p != 0;

  strcpy(p, "kestrel!!");
  p = realloc(p, 5000);
  ok = ok && p != 0 && strcmp(p, "kestrel!!") == 0;
  p = realloc(p, 20);
  ok = ok && p != 0 && strcmp(p, "kestrel!!") == 0;
  tl_check("realloc keeps the contents while moving the block", ok, "changed");
  tl_check("realloc(p, 0) frees and returns 0", realloc(p, 0) == 0, "non-zero");
}

// Call free(p) (twice if twice is set) with fd 2 redirected into a pipe;
// put what was printed there in msg. Returns its length.
static int
free_capturing_stderr(void *p, int twice, char *msg, int size)
{
  int fds[2], saved, n;

  pipe(fds);
  saved = dup(2);
  close(2);
  dup(fds[1]); // fd 2 is now the pipe's write end
  free(p);
  if (twice)
    free(p);
  close(2);
  dup(saved); // fd 2 is the console again
  close(saved);
  close(fds[1]);
  n = read(fds[0], msg, size - 1);
  msg[n > 0 ? n : 0] = 0;
  close(fds[0]);
  return n;
}

// Returns 1 if msg mentions the address p (as %p prints it) and text.
static int
reports(const char *msg, void *p, const char *text)
{
  char addr[MSG_MAX];

  snprintf(addr, sizeof(addr), "%p", p);
  int found_addr = 0, found_text = 0;
  for (const char *s = msg; *s != 0; s++) {
    found_addr |= strncmp(s, addr, strlen(addr)) == 0;
    found_text |= strncmp(s, text, strlen(text)) == 0;
  }
  return found_addr && found_text;
}

// A double free is reported (naming the address) and ignored: the heap
// still works, and the block is not handed out twice.
static void
test_double_free(void)
{
  char msg[MSG_MAX];
  char local;
  uint sizes[] = { 40, 3000 }; // a small block and a large one

  for (int i = 0; i < 2; i++) {
    char *p = malloc(sizes[i]);
    free_capturing_stderr(p, 1, msg, sizeof(msg));
    tl_check(i == 0 ? "double free of a small block is reported with its address"
                    : "double free of a large block is reported with its address",
             reports(msg, p, "double free"), msg);
    char *a = malloc(sizes[i]), *b = malloc(sizes[i]);
    tl_check(i == 0 ? "after a double free, two mallocs give two blocks (small)"
                    : "after a double free, two mallocs give two blocks (large)",
             a != 0 && b != 0 && a != b, "the same block twice");
    free(a);
    free(b);
  }
  free_capturing_stderr(&local, 0, msg, sizeof(msg));
  tl_check("free of a pointer malloc never returned is reported",
           reports(msg, &local, "not a block from malloc"), msg);
}

int
main(void)
{
  tl_set_program("malloctest");
  test_basics();
  test_realloc();
  test_double_free();
  test_stress_and_leaks();
  tl_finish(0, tl_failures());
}
