"""Grader tests for the scheduler and synchronisation: ps, schedtest,
semtest, spintest and bench's wake-up latency figure.

test-grade.py calls sched_tests(qemu_test, Wait) from build_tests(); the
programs ps, schedtest, semtest, spintest and bench must be in UPROGS.
Every case runs in its own boot so that one failure does not hide another.
The programs measure through the kernel's own counters (procinfo) and find
the hart count themselves, so these tests hold for any -smp.

Which checks can fail, and how it was shown (see each program's header):
- schedtest interactive (median latency), boost and nogaming are
  properties of MLFQ: under round robin (`schedtest -rr CASE`) they FAIL;
  the "schedpolicy" test below relies on that. Kernels with a deliberate
  bug made them fail too: no preemption for higher-level work
  (interactive), a demotion at every sleep (interactive), no boost (boost),
  the allotment reset at every sleep (nogaming), a LIFO run queue (fair).
- semtest mutex also runs its adders without the semaphore and requires
  lost updates (it loses about 70% on 3 harts and 35% on 1), so its main
  check is shown able to fail; a sem_wait that never blocks fails buffer
  and mutex, a LIFO wake-up fails fifo and kill, a killed waiter left on
  the queue fails kill, a semaphore never freed fails cleanup.
- spintest fails if the kernel counter is short: with the lock taken out
  of ktest's loop it counted 600000 of 900000.
The checks allow for a busy host: run time is charged by the wall clock,
so schedtest judges demotions against the run time the kernel charged and
uses the median wake-up latency. All passed with 5 QEMUs of 4 harts at
once on a 2-core host.
"""

SCHEDTEST_CASES = [
    ("interactive", 4, "a sleeper stays at level 0 and wakes fast under load"),
    ("boost", 4, "CPU-bound processes sink, and the boost lifts them"),
    ("nogaming", 3, "sleeping just before the tick still uses up the allotment"),
    ("fair", 3, "more hogs than harts: equal shares, no idle hart"),
]

SEMTEST_CASES = [
    ("buffer", 4, "bounded buffer: every item once, in order"),
    ("mutex", 3, "a semaphore as a mutex: no lost update on any hart"),
    ("fifo", 3, "waiters are woken first come, first served"),
    ("kill", 3, "killing waiters leaves the semaphore consistent"),
    ("badid", 2, "bad semaphore ids and values are refused"),
    ("cleanup", 2, "semaphores are shared by fork and freed when unused"),
]


def sched_tests(qemu_test, Wait):
    """Declare the scheduling and synchronisation tests."""
    qemu_test("ps", 2, "ps lists pid, ppid, state, level, ticks, name",
              steps=["ps", "ps -l"],
              expect=[r"^\s*PID\s+PPID\s+STATE\s+LVL\s+TICKS0\s+TICKS1\s+"
                      r"TICKS2\s+NAME$",
                      r"^\s+1\s+0\s+sleeping\s+\d\s+\d+\s+\d+\s+\d+\s+init$",
                      r"^\s+\d+\s+1\s+sleeping\s+\d\s+\d+\s+\d+\s+\d+\s+sh$",
                      r"^\s+\d+\s+\d+\s+running\s+\d\s+\d+\s+\d+\s+\d+\s+ps$",
                      r"^\s*PID\s.*\sLAT_AVG_US\s+LAT_MAX_US\s+MEM_KIB\s+NAME$"],
              forbid=[r"usage: ps"])
    for case, points, about in SCHEDTEST_CASES:
        qemu_test("schedtest-" + case, points, about,
                  steps=["schedtest " + case],
                  expect=[r"^schedtest %s: ALL OK$" % case],
                  forbid=[r"FAILED"], timeout=90)
    qemu_test("schedpolicy", 2,
              "round robin has one level; MLFQ is back afterwards",
              steps=["schedtest -rr nogaming", "schedtest nogaming"],
              expect=[r"^schedtest: \d+ harts, round-robin policy$",
                      r"^schedtest nogaming: sleeping before the tick is "
                      r"still charged: FAILED \(level 0 after",
                      r"^schedtest nogaming: ALL OK$"],
              timeout=90)
    for case, points, about in SEMTEST_CASES:
        qemu_test("semtest-" + case, points, about,
                  steps=["semtest " + case],
                  expect=[r"^semtest %s: ALL OK$" % case],
                  forbid=[r"FAILED"], timeout=90)
    qemu_test("spintest", 3, "a spinlock shared by every hart loses nothing",
              steps=["spintest"],
              expect=[lambda env: r"^spintest: adders: OK \(%d of %d adders "
                                  r"finished\)$" % (env.harts, env.harts),
                      r"^spintest: no lost update: OK \(counter (\d+), "
                      r"want \1\)$",
                      r"^spintest: ALL OK$"],
              forbid=[r"FAILED"], timeout=90)
    qemu_test("bench-wakelat", 1,
              "bench measures wake-up latency under MLFQ and round robin",
              steps=["bench wakelat"],
              expect=[r"^bench: wakelat-mlfq \d+ us$",
                      r"^bench: wakelat-rr \d+ us$"],
              forbid=[r"FAILED"], timeout=90)
