// semtest: checks the semaphore system calls (sem_create, sem_wait,
// sem_trywait, sem_post, sem_close) between processes.
// Usage: semtest CASE [HARTS]
//   buffer   a bounded buffer in shared memory (mmap MAP_SHARED), two
//            producers and two consumers: every item arrives exactly once,
//            and each producer's items in the order they were sent
//   mutex    harts + 1 processes add to a shared counter under a semaphore
//            used as a mutex, with a system call between the load and the
//            store: no update is lost. Then the same without the semaphore
//            must lose updates, which shows the check above can fail (it
//            does on any number of harts: preemption inside the window is
//            enough)
//   fifo     waiters are woken in the order they started waiting
//   kill     killing waiters (the first and one in the middle) leaves the
//            semaphore sound: posts wake the remaining waiters in order and
//            the count is right afterwards
//   badid    -1 for bad descriptors (-1, NSEM, closed, never created), a
//            negative value, a full descriptor table; sem_trywait's rules
//   cleanup  semaphores are shared by fork and freed when the last
//            descriptor closes or its last holder exits (the kernel's
//            "semaphore" slab cache goes back to where it was)
//   all      every case above
// HARTS is the number of harts; without it semtest measures it.
// Prints "semtest CASE: CHECK: OK" or "... FAILED (why)" per check and
// "semtest CASE: ALL OK" if all passed; exits 0 only then.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/memstat.h"
#include "kernel/procinfo.h"
#include "user/user.h"
#include "user/schedutil.h"
#include "user/testlib.h"

#define DETAIL_LEN 128   // bytes of a check's explanation
#define SETTLE_TICKS 200 // longest wait for a child to block or report

static int harts;             // harts the kernel schedules on (0: not yet measured)
static const char *harts_arg; // the HARTS argument, or 0

// Zeroed memory that this process and its children (forked later) share,
// or 0 if mmap failed.
static void *
shared_alloc(uint64 size)
{
  void *p = mmap(0, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return 0;
  memset(p, 0, size);
  return p;
}

// Wait (a tick at a time, at most SETTLE_TICKS) until process pid sleeps.
// Returns 0, or -1 if it never did.
static int
wait_until_sleeping(int pid)
{
  struct procinfo pi;
  for (int t = 0; t < SETTLE_TICKS; t++) {
    if (su_procinfo_of(pid, &pi) == 0 && pi.state == PROC_SLEEPING)
      return 0;
    pause(1);
  }
  return -1;
}

// ---- buffer ---------------------------------------------------------------

#define SLOTS 8 // the bounded buffer's capacity
#define PRODUCERS 2
#define CONSUMERS 2
#define ITEMS_PER_PRODUCER 2000
#define ITEMS (PRODUCERS * ITEMS_PER_PRODUCER)
#define STOP_ITEM (-1) // tells a consumer to finish

struct ring {
  int slot[SLOTS];
  int put, take;      // next slot to fill / to empty (under the mutex)
  int arrived[ITEMS]; // how often each item was consumed
  int out_of_order;   // items that came before an earlier one
};

struct ring_sems {
  int mutex; // guards put and take
  int empty; // free slots
  int full;  // filled slots
};

// Put one item into the ring, waiting for a free slot.
// Returns 0, or -1 if a semaphore call failed.
static int
ring_put(struct ring *r, struct ring_sems *s, int item)
{
  if (sem_wait(s->empty) < 0 || sem_wait(s->mutex) < 0)
    return -1;
  r->slot[r->put] = item;
  r->put = (r->put + 1) % SLOTS;
  if (sem_post(s->mutex) < 0 || sem_post(s->full) < 0)
    return -1;
  return 0;
}

// Take one item from the ring, waiting for one to be there.
// Returns it, or STOP_ITEM if a semaphore call failed.
static int
ring_take(struct ring *r, struct ring_sems *s)
{
  if (sem_wait(s->full) < 0 || sem_wait(s->mutex) < 0)
    return STOP_ITEM;
  int item = r->slot[r->take];
  r->take = (r->take + 1) % SLOTS;
  if (sem_post(s->mutex) < 0 || sem_post(s->empty) < 0)
    return STOP_ITEM;
  return item;
}

// Producer number p: send its items in order, then exit.
static void
producer(struct ring *r, struct ring_sems *s, int p)
{
  for (int seq = 0; seq < ITEMS_PER_PRODUCER; seq++)
    if (ring_put(r, s, p * ITEMS_PER_PRODUCER + seq) < 0)
      exit(TL_CHILD_FAILED);
  exit(0);
}

// A consumer: count each item and check that each producer's items come
// in increasing order, until the stop item arrives.
static void
consumer(struct ring *r, struct ring_sems *s)
{
  int last[PRODUCERS];
  for (int p = 0; p < PRODUCERS; p++)
    last[p] = -1;
  for (;;) {
    int item = ring_take(r, s);
    if (item == STOP_ITEM)
      exit(0);
    if (item < 0 || item >= ITEMS)
      exit(TL_CHILD_FAILED);
    int p = item / ITEMS_PER_PRODUCER, seq = item % ITEMS_PER_PRODUCER;
    __atomic_fetch_add(&r->arrived[item], 1, __ATOMIC_RELAXED);
    if (seq <= last[p])
      __atomic_fetch_add(&r->out_of_order, 1, __ATOMIC_RELAXED);
    last[p] = seq;
  }
}

// Check that every item arrived exactly once and in order.
static void
check_ring(struct ring *r)
{
  int missing = 0, repeated = 0;
  char why[DETAIL_LEN];
  for (int i = 0; i < ITEMS; i++) {
    missing += r->arrived[i] == 0;
    repeated += r->arrived[i] > 1;
  }
  snprintf(why, sizeof(why), "%d of %d items missing, %d more than once", missing, ITEMS, repeated);
  tl_check("every item exactly once", missing == 0 && repeated == 0, why);
  snprintf(why, sizeof(why), "%d items out of order", r->out_of_order);
  tl_check("in order", r->out_of_order == 0, why);
}

// PRODUCERS producers and CONSUMERS consumers share a SLOTS-item ring in
// shared memory, guarded by three semaphores.
static void
case_buffer(void)
{
  struct ring *r = shared_alloc(sizeof(struct ring));
  struct ring_sems s = {sem_create(1), sem_create(SLOTS), sem_create(0)};
  if (r == 0 || s.mutex < 0 || s.empty < 0 || s.full < 0) {
    tl_check("set-up", 0, "mmap or sem_create failed");
    return;
  }
  for (int p = 0; p < PRODUCERS; p++)
    if (fork() == 0)
      producer(r, &s, p);
  for (int c = 0; c < CONSUMERS; c++)
    if (fork() == 0)
      consumer(r, &s);
  // The first PRODUCERS children to finish are the producers: consumers
  // cannot finish before the stop items below.
  int clean = tl_reap_ok(PRODUCERS);
  for (int c = 0; c < CONSUMERS; c++)
    ring_put(r, &s, STOP_ITEM);
  clean += tl_reap_ok(CONSUMERS);
  tl_check("children finish", clean == PRODUCERS + CONSUMERS, "a child failed");
  check_ring(r);
  sem_close(s.mutex);
  sem_close(s.empty);
  sem_close(s.full);
  munmap(r, sizeof(struct ring));
}

// ---- mutex ----------------------------------------------------------------

#define MUTEX_ROUNDS 2000 // protected increments per process
#define RACE_ROUNDS 20000 // unprotected increments per process

struct counter {
  volatile uint64 value;
};

// Add 1 to c->value `rounds` times, under semaphore `mutex` if it is not
// -1, after waiting at the starting gate. Exits 0, or TL_CHILD_FAILED.
static void
adder(struct counter *c, int gate, int mutex, int rounds)
{
  if (sem_wait(gate) < 0)
    exit(TL_CHILD_FAILED);
  for (int i = 0; i < rounds; i++) {
    if (mutex >= 0 && sem_wait(mutex) < 0)
      exit(TL_CHILD_FAILED);
    uint64 v = c->value; // a separate load and store: a race loses updates,
    getpid();            // the more so with a system call in between
    c->value = v + 1;
    if (mutex >= 0 && sem_post(mutex) < 0)
      exit(TL_CHILD_FAILED);
  }
  exit(0);
}

// Start `workers` adders together; returns the final count, or -1.
static int64
run_adders(struct counter *c, int workers, int mutex, int rounds)
{
  int gate = sem_create(0);
  if (gate < 0)
    return -1;
  c->value = 0;
  for (int i = 0; i < workers; i++)
    if (fork() == 0)
      adder(c, gate, mutex, rounds);
  for (int i = 0; i < workers; i++)
    sem_post(gate); // open the gate: they start at about the same time
  int clean = tl_reap_ok(workers);
  sem_close(gate);
  return clean == workers ? (int64)c->value : -1;
}

// harts + 1 adders with the semaphore, then the same without it.
static void
case_mutex(void)
{
  if (harts == 0)
    harts = su_harts_arg(harts_arg);
  struct counter *c = shared_alloc(sizeof(struct counter));
  int mutex = sem_create(1), workers = harts + 1;
  char why[DETAIL_LEN];
  if (c == 0 || mutex < 0) {
    tl_check("set-up", 0, "mmap or sem_create failed");
    return;
  }
  int64 want = (int64)workers * MUTEX_ROUNDS;
  int64 got = run_adders(c, workers, mutex, MUTEX_ROUNDS);
  snprintf(why, sizeof(why), "%d processes: counter %ld, want %ld", workers, got, want);
  tl_check("no lost update", got == want, why);
  want = (int64)workers * RACE_ROUNDS;
  got = run_adders(c, workers, -1, RACE_ROUNDS);
  printf("semtest mutex: without the semaphore: %ld of %ld updates lost\n", want - got, want);
  tl_check("without it, updates are lost", got >= 0 && got < want, "none lost");
  sem_close(mutex);
  munmap(c, sizeof(struct counter));
}

// ---- fifo and kill: processes that wait on one semaphore ------------------

#define WAITERS 5

struct wake_log {
  int n;              // entries used (atomic)
  int order[WAITERS]; // waiter numbers, in the order they woke
};

// Waiter number i: wait on sem, log that it woke, exit.
static void
waiter(struct wake_log *log, int sem, int i)
{
  if (sem_wait(sem) < 0)
    exit(TL_CHILD_FAILED);
  log->order[__atomic_fetch_add(&log->n, 1, __ATOMIC_SEQ_CST)] = i;
  exit(0);
}

// Start n waiters on sem, each one asleep before the next starts, so the
// queue order is known. Returns 0 (pids[] filled), or -1 (the waiters
// already started are killed and reaped).
static int
start_waiters(struct wake_log *log, int sem, int n, int *pids)
{
  for (int i = 0; i < n; i++) {
    if ((pids[i] = fork()) == 0)
      waiter(log, sem, i);
    if (pids[i] < 0 || wait_until_sleeping(pids[i]) < 0) {
      int started = pids[i] < 0 ? i : i + 1;
      su_kill_all(started, pids);
      return -1;
    }
  }
  return 0;
}

// Post once and wait until the wake log has `count` entries (a tick at a
// time, at most SETTLE_TICKS). Returns the waiter that woke, or -1.
static int
post_and_see(struct wake_log *log, int sem, int count)
{
  sem_post(sem);
  int t = 0;
  while (__atomic_load_n(&log->n, __ATOMIC_SEQ_CST) < count && t++ < SETTLE_TICKS)
    pause(1);
  if (__atomic_load_n(&log->n, __ATOMIC_SEQ_CST) < count)
    return -1;
  return log->order[count - 1];
}

// WAITERS processes queue on one semaphore; single posts must wake them
// in the order they queued.
static void
case_fifo(void)
{
  struct wake_log *log = shared_alloc(sizeof(struct wake_log));
  int sem = sem_create(0), pids[WAITERS], out_of_order = 0;
  char why[DETAIL_LEN];
  if (log == 0 || sem < 0 || start_waiters(log, sem, WAITERS, pids) < 0) {
    tl_check("set-up", 0, "mmap, sem_create, fork or a waiter failed");
    return;
  }
  for (int i = 0; i < WAITERS; i++) {
    int woke = post_and_see(log, sem, i + 1);
    if (woke != i) {
      snprintf(why, sizeof(why), "post %d woke waiter %d, want %d", i + 1, woke, i);
      tl_check("first come, first woken", 0, why);
      out_of_order++;
    }
  }
  int clean = tl_reap_ok(WAITERS);
  if (out_of_order == 0)
    tl_check("first come, first woken", 1, 0);
  tl_check("waiters finish", clean == WAITERS, "a waiter failed");
  sem_close(sem);
  munmap(log, sizeof(struct wake_log));
}

#define KILL_WAITERS 4 // waiters 0 (the first) and 2 are killed, 1 and 3 live
#define KILLED 2

// Kill waiters 0 and 2 of KILL_WAITERS; the posts must then wake 1 and 3.
static void
kill_two_waiters(struct wake_log *log, int sem, int *pids)
{
  const int victims[KILLED] = {0, 2}, survivors[KILL_WAITERS - KILLED] = {1, 3};
  char why[DETAIL_LEN];
  for (int v = 0; v < KILLED; v++)
    kill(pids[victims[v]]);
  for (int v = 0; v < KILLED; v++) {
    int pid = wait(0);
    tl_check("killed waiters exit", pid == pids[victims[0]] || pid == pids[victims[1]],
             "another child exited first");
  }
  for (int s = 0; s < KILL_WAITERS - KILLED; s++) {
    int woke = post_and_see(log, sem, s + 1);
    snprintf(why, sizeof(why), "woke waiter %d, want %d", woke, survivors[s]);
    tl_check("a post wakes the next live waiter", woke == survivors[s], why);
  }
  tl_check("woken waiters finish", tl_reap_ok(KILL_WAITERS - KILLED) == KILL_WAITERS - KILLED,
           "a waiter failed");
}

// KILL_WAITERS queued waiters, two of them killed; then the posts and the
// count.
static void
case_kill(void)
{
  struct wake_log *log = shared_alloc(sizeof(struct wake_log));
  int sem = sem_create(0), pids[KILL_WAITERS];
  if (log == 0 || sem < 0 || start_waiters(log, sem, KILL_WAITERS, pids) < 0) {
    tl_check("set-up", 0, "mmap, sem_create, fork or a waiter failed");
    return;
  }
  kill_two_waiters(log, sem, pids);
  // Nobody waits now and the count is 0: no unit was lost or made up.
  tl_check_eq("sem_trywait with count 0", sem_trywait(sem), -1);
  sem_post(sem);
  tl_check_eq("sem_trywait after a post", sem_trywait(sem), 0);
  tl_check_eq("sem_trywait again", sem_trywait(sem), -1);
  sem_close(sem);
  munmap(log, sizeof(struct wake_log));
}

// ---- badid ----------------------------------------------------------------

// All four calls that take a descriptor must return -1 for id.
static void
expect_bad(int id, const char *what)
{
  char name[DETAIL_LEN];
  int r[4] = {sem_wait(id), sem_trywait(id), sem_post(id), sem_close(id)};
  int ok = r[0] == -1 && r[1] == -1 && r[2] == -1 && r[3] == -1;
  snprintf(name, sizeof(name), "%s id %d", what, id);
  tl_check(name, ok, "wait/trywait/post/close returned something else than -1");
}

// Fill the descriptor table: exactly NSEM creations succeed.
static void
fill_table(void)
{
  int ids[NSEM + 1], made = 0;
  char why[DETAIL_LEN];
  for (int i = 0; i <= NSEM; i++)
    if ((ids[made] = sem_create(0)) >= 0)
      made++;
  snprintf(why, sizeof(why), "%d created, want %d", made, NSEM);
  tl_check("NSEM semaphores and no more", made == NSEM, why);
  for (int i = 0; i < made; i++)
    sem_close(ids[i]);
}

// Bad descriptors and values, sem_trywait, and a full descriptor table.
static void
case_badid(void)
{
  expect_bad(-1, "negative");
  expect_bad(NSEM, "too large");
  int id = sem_create(2);
  tl_check_eq("sem_create(2)", id >= 0, 1);
  expect_bad(NSEM - 1, "never created"); // only id is open
  tl_check_eq("sem_create(-1)", sem_create(-1), -1);
  tl_check_eq("sem_trywait on 2", sem_trywait(id), 0);
  tl_check_eq("sem_trywait on 1", sem_trywait(id), 0);
  tl_check_eq("sem_trywait on 0", sem_trywait(id), -1);
  tl_check_eq("sem_post", sem_post(id), 0);
  tl_check_eq("sem_trywait after post", sem_trywait(id), 0);
  tl_check_eq("sem_close", sem_close(id), 0);
  expect_bad(id, "closed");
  fill_table();
}

// ---- cleanup --------------------------------------------------------------

#define CLEANUP_SEMS 5

// Objects in use in the kernel's "semaphore" slab cache, or -1.
static int64
sems_in_use(void)
{
  static struct memstat st;
  if (memstat(&st, MEMSTAT_DRAIN) < 0)
    return -1;
  for (int i = 0; i < st.ncaches && i < MEMSTAT_CACHES; i++)
    if (strcmp(st.caches[i].name, "semaphore") == 0)
      return st.caches[i].in_use;
  return -1;
}

static int cleanup_ids[CLEANUP_SEMS]; // the parent's semaphores

// Run fn(arg) in a child and wait for it; returns 1 if it exited with 0.
static int
in_child(void (*fn)(int), int arg)
{
  int pid = fork();
  if (pid == 0) {
    fn(arg);
    exit(0);
  }
  return tl_reap(pid) == TL_CHILD_OK;
}

// Child: create n semaphores and exit without closing them.
static void
create_and_exit(int n)
{
  for (int i = 0; i < n; i++)
    if (sem_create(i) < 0)
      exit(TL_CHILD_FAILED);
}

// Child: close the inherited descriptors.
static void
close_inherited(int n)
{
  for (int i = 0; i < n; i++)
    if (sem_close(cleanup_ids[i]) < 0)
      exit(TL_CHILD_FAILED);
}

// A child keeps using cleanup_ids[0] after the parent has closed its own
// descriptor for it (semaphore `closed` says when). Returns 1 if it could.
static int
outlives_parent_descriptor(void)
{
  int closed = sem_create(0), id = cleanup_ids[0];
  int pid = fork();
  if (pid == 0) {
    if (sem_wait(closed) < 0 || sem_post(id) < 0 || sem_trywait(id) < 0 || sem_trywait(id) == 0)
      exit(TL_CHILD_FAILED);
    exit(0);
  }
  sem_close(id);
  sem_post(closed);
  sem_close(closed);
  return tl_reap(pid) == TL_CHILD_OK;
}

// Check the "semaphore" cache holds `want` objects.
static void
expect_in_use(const char *check, int64 want)
{
  char why[DETAIL_LEN];
  int64 got = sems_in_use();
  snprintf(why, sizeof(why), "%ld in use, want %ld", got, want);
  tl_check(check, got == want, why);
}

// Count the kernel's semaphore objects through creation, inheritance,
// closing and exit.
static void
case_cleanup(void)
{
  int64 base = sems_in_use();
  tl_check("memstat shows the semaphore cache", base >= 0, "not found");
  for (int i = 0; i < CLEANUP_SEMS; i++)
    cleanup_ids[i] = sem_create(0);
  expect_in_use("created", base + CLEANUP_SEMS);
  tl_check("child closes inherited ones", in_child(close_inherited, CLEANUP_SEMS), "child failed");
  expect_in_use("still there for the parent", base + CLEANUP_SEMS);
  tl_check("shared after the parent closes", outlives_parent_descriptor(),
           "child could not use it");
  for (int i = 1; i < CLEANUP_SEMS; i++)
    sem_close(cleanup_ids[i]);
  expect_in_use("closed", base);
  tl_check("child creates and exits", in_child(create_and_exit, CLEANUP_SEMS), "child failed");
  expect_in_use("freed at exit", base);
}

// ---- main -----------------------------------------------------------------

static struct tl_group cases[] = {
    {"buffer", case_buffer}, {"mutex", case_mutex}, {"fifo", case_fifo},
    {"kill", case_kill},     {"badid", case_badid}, {"cleanup", case_cleanup},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

// Print how to call the program and exit with status 1.
static void
usage(void)
{
  fprintf(2, "usage: semtest buffer|mutex|fifo|kill|badid|cleanup|all [harts]\n");
  exit(1);
}

int
main(int argc, char *argv[])
{
  tl_set_program("semtest");
  if (argc < 2 || argc > 3 || !tl_group_known(cases, NCASES, argv[1]))
    usage();
  harts_arg = argc == 3 ? argv[2] : 0;
  tl_run_groups(cases, NCASES, argv[1]);
  tl_finish(argv[1], tl_failures());
}
