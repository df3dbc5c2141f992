// testlib: helpers shared by the user-space test programs and bench.
//
//   reporting   the "PROG: ...", "PROG CASE: ..." lines the grader reads:
//               a check is "... CHECK: OK" or "... CHECK: FAILED (why)";
//               a program ends with "... ALL OK" or "... N FAILED"
//   cases       run the named case(s) of a program, each returning pass or
//               fail (tl_case; in children, with a leak check at the end),
//               or each printing its own checks (tl_group)
//   children    reap helper children; fork a child whose stdout is a pipe;
//               run a program and capture what it prints
//   memory      exact free page counts (memstat), for leak checks
//   clock       the units of r_time() (kernel/riscv.h), the wall clock
//
// Every line is printed with one printf, so that lines printed by several
// processes at once do not break each other up.
#pragma once
#include "kernel/types.h"

// ---- Clock: read it with r_time() from kernel/riscv.h -----------------------

#define TL_TIMEBASE_HZ 10000000UL                 // r_time() ticks per second (QEMU virt)
#define TL_TIME_PER_US (TL_TIMEBASE_HZ / 1000000) // r_time() ticks per microsecond
#define TL_TIME_PER_MS (TL_TIMEBASE_HZ / 1000)    // r_time() ticks per millisecond

// ---- Exit statuses of helper children ---------------------------------------

#define TL_CHILD_OK 0        // a helper child that saw no problem exits with this
#define TL_CHILD_FAILED 1    // ... and one that saw a problem with this
#define TL_EXEC_FAILED 127   // a tl_run_capture child whose exec returned
#define TL_NO_STATUS (-1000) // tl_reap: no status could be collected

// ---- Reporting --------------------------------------------------------------

// Name the program ("cowtest"): every line below starts with it.
void tl_set_program(const char *name);

// Name the case (or group) running now, or none if name is 0: lines then
// start with "PROG CASE" instead of "PROG". tl_run_cases and tl_run_groups
// call it themselves.
void tl_set_case(const char *name);

// Print "PROG CASE: FAILED (why)" (or "PROG: FAILED (why)" outside a case)
// for a case or program that failed as a whole. Does not count a failed
// check. Returns -1, for the case to return.
int tl_fail(const char *why);

// Print "PROG CASE: CHECK: OK", or "PROG CASE: CHECK: FAILED (why)" and
// count a failed check. why is not used if ok. Returns ok.
int tl_check(const char *check, int ok, const char *why);

// tl_check of got == want, with "got G, want W" as the reason.
// Returns 1 if they are equal.
int tl_check_eq(const char *check, long got, long want);

// Like tl_check, but the detail is printed either way:
// "PROG CASE: CHECK: OK (detail)" or "... FAILED (detail)".
void tl_check_detail(const char *check, int ok, const char *detail);

// The number of checks failed so far in this process.
int tl_failures(void);

// Count n more failed checks (ones a child process printed and counted).
void tl_count_failures(int n);

// Print "PROG WHICH: ALL OK" if failed is 0, else "PROG WHICH: N FAILED"
// ("PROG: ..." if which is 0), and exit: 0 if failed is 0, 1 otherwise.
void tl_finish(const char *which, int failed) __attribute__((noreturn));

// ---- Cases ------------------------------------------------------------------

// A case that passes or fails as a whole.
struct tl_case {
  const char *name;
  int (*run)(void); // 0 if passed, -1 (after printing why) if not
};

#define TL_IN_PROCESS 0 // tl_run_cases: run each case in this process
#define TL_IN_CHILD 1   // ... or in a child, so its memory goes away with it

// Run the case of cases[0..n) named only, or every case if only is 0, in
// order, where says (TL_IN_PROCESS or TL_IN_CHILD). Prints "PROG CASE: OK"
// for each case that passed; a failed case has printed its own FAILED line
// (tl_fail), or, if its child died, tl_run_cases prints one. Returns the
// number of cases that failed, or -1 if no case is named only.
int tl_run_cases(const struct tl_case *cases, int n, const char *only, int where);

// tl_run_cases in TL_IN_CHILD mode, then the leak check: the free page
// count must be what it was before the first case. Prints "PROG leak: OK"
// or "PROG leak: FAILED (B free pages before, A after)". Returns the
// number of failures (cases and the leak check), or -1 if no case is named
// only (then nothing ran, and there is no leak line).
int tl_run_cases_leak_checked(const struct tl_case *cases, int n, const char *only);

// A group of checks, each printing its own line (tl_check): a "group" in
// syscalltest, a "case" in schedtest and semtest.
struct tl_group {
  const char *name;
  void (*run)(void);
};

// Is which the name of one of groups[0..n), or "all"? 1 if so.
int tl_group_known(const struct tl_group *groups, int n, const char *which);

// Run the group of groups[0..n) named which, or every group if which is
// "all", in order, naming each (tl_set_case) while it runs. Returns how
// many groups ran: 0 if which names none.
int tl_run_groups(const struct tl_group *groups, int n, const char *which);

// ---- Children ---------------------------------------------------------------

// Wait for child pid. Returns its exit status, or TL_NO_STATUS if pid is
// negative or wait returned -1 or another child.
int tl_reap(int pid);

// Wait for n children, in any order. Returns how many of them exited with
// TL_CHILD_OK.
int tl_reap_ok(int n);

// Like fork(), but the child's stdout (fd 1) is the write end of a new pipe
// and the parent gets its read end in *read_fd (the parent's own fd 1 is
// left alone). stdout's buffer is flushed first, so that the child does not
// inherit (and print into the pipe) text waiting there. Returns the child's
// pid in the parent, 0 in the child, or -1 (and *read_fd = -1) if pipe or
// fork failed. The parent closes *read_fd and reaps the child.
int tl_fork_piped(int *read_fd);

// Read fd until end of file, keeping the first max bytes in buf and
// discarding the rest (so a chatty writer never blocks). Returns the number
// of bytes kept.
int tl_read_all(int fd, char *buf, int max);

// Run path with argv, and envp as its environment (0: this process's), in
// a child whose stdout is a pipe; put what it prints in out (NUL-terminated,
// at most size - 1 bytes, the rest discarded). Returns the child's exit
// status (TL_EXEC_FAILED if exec returned), or TL_NO_STATUS if pipe, fork
// or wait failed.
int tl_run_capture(const char *path, char **argv, char **envp, char *out, int size);

// ---- Memory -----------------------------------------------------------------

// Free pages, with the per-hart caches drained so that the count is exact;
// -1 if memstat (or the allocation of its buffer, at the first call) failed.
// The first call touches new memory: take the count from the second.
int64 tl_free_pages(void);

// Are the n bytes at p all c? 1 if so.
int tl_all_bytes(const char *p, int n, char c);
