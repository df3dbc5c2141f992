// testlib: helpers shared by the user-space test programs and bench:
// reporting, running cases, helper children, free page counts. The
// contracts are in user/testlib.h.

#include "kernel/types.h"
#include "kernel/memstat.h"
#include "user/user.h"
#include "user/testlib.h"

#define PREFIX_LEN 64 // room for "PROG CASE"
#define WHY_LEN 96    // room for a generated reason

static const char *program = "test";     // tl_set_program's name
static char prefix[PREFIX_LEN] = "test"; // "PROG" or "PROG CASE": starts every line
static int failures;                     // checks failed so far in this process

// ---- Reporting --------------------------------------------------------------

// Rebuild prefix from the program name and case (0: none).
static void
set_prefix(const char *case_name)
{
  if (case_name != 0)
    snprintf(prefix, sizeof(prefix), "%s %s", program, case_name);
  else
    snprintf(prefix, sizeof(prefix), "%s", program);
}

// Name the program every line starts with (see testlib.h).
void
tl_set_program(const char *name)
{
  program = name;
  set_prefix(0);
}

// Name the case running now, or none (see testlib.h).
void
tl_set_case(const char *name)
{
  set_prefix(name);
}

// Print "PREFIX: FAILED (why)". Returns -1.
int
tl_fail(const char *why)
{
  printf("%s: FAILED (%s)\n", prefix, why);
  return -1;
}

// Print a check's OK or FAILED line; count a failure. Returns ok.
int
tl_check(const char *check, int ok, const char *why)
{
  if (ok)
    printf("%s: %s: OK\n", prefix, check);
  else
    printf("%s: %s: FAILED (%s)\n", prefix, check, why);
  failures += !ok;
  return ok;
}

// tl_check of got == want, showing both if they differ. Returns ok.
int
tl_check_eq(const char *check, long got, long want)
{
  char why[WHY_LEN];
  snprintf(why, sizeof(why), "got %d, want %d", (int)got, (int)want);
  return tl_check(check, got == want, why);
}

// A check's line with its detail shown either way; counts a failure.
void
tl_check_detail(const char *check, int ok, const char *detail)
{
  printf("%s: %s: %s (%s)\n", prefix, check, ok ? "OK" : "FAILED", detail);
  failures += !ok;
}

// Checks failed so far in this process.
int
tl_failures(void)
{
  return failures;
}

// Count n more failed checks.
void
tl_count_failures(int n)
{
  failures += n;
}

// Print the summary line and exit (0 only if failed is 0).
void
tl_finish(const char *which, int failed)
{
  set_prefix(which);
  if (failed == 0)
    printf("%s: ALL OK\n", prefix);
  else
    printf("%s: %d FAILED\n", prefix, failed);
  exit(failed == 0 ? 0 : 1);
}

// ---- Cases ------------------------------------------------------------------

// Run case c in a child and collect its verdict. Returns 0 if it passed,
// -1 if it failed (printing a FAILED line if the case could not).
static int
run_in_child(const struct tl_case *c)
{
  fflush(stdout); // or the child would print what waits there again
  int pid = fork();
  if (pid == 0)
    exit(c->run() == 0 ? TL_CHILD_OK : TL_CHILD_FAILED);
  int status = tl_reap(pid);
  if (status == TL_NO_STATUS)
    return tl_fail("fork or wait failed");
  if (status != TL_CHILD_OK)
    return status == TL_CHILD_FAILED ? -1 : tl_fail("the case's process died");
  return 0;
}

// Run the case(s) named only (all if 0); count the failures.
int
tl_run_cases(const struct tl_case *cases, int n, const char *only, int where)
{
  int ran = 0, failed = 0;
  for (int i = 0; i < n; i++) {
    if (only != 0 && strcmp(only, cases[i].name) != 0)
      continue;
    ran++;
    tl_set_case(cases[i].name);
    int result = where == TL_IN_CHILD ? run_in_child(&cases[i]) : cases[i].run();
    if (result == 0)
      printf("%s: OK\n", prefix);
    else
      failed++;
  }
  tl_set_case(0);
  return ran == 0 ? -1 : failed;
}

// Is which a group's name or "all"? 1 if so.
int
tl_group_known(const struct tl_group *groups, int n, const char *which)
{
  for (int i = 0; i < n; i++)
    if (strcmp(which, groups[i].name) == 0)
      return 1;
  return strcmp(which, "all") == 0;
}

// Run the group(s) named which ("all": every one). Returns how many ran.
int
tl_run_groups(const struct tl_group *groups, int n, const char *which)
{
  int ran = 0;
  for (int i = 0; i < n; i++) {
    if (strcmp(which, "all") != 0 && strcmp(which, groups[i].name) != 0)
      continue;
    tl_set_case(groups[i].name);
    groups[i].run();
    ran++;
  }
  tl_set_case(0);
  return ran;
}

// ---- Children ---------------------------------------------------------------

// Wait for child pid; its exit status, or TL_NO_STATUS.
int
tl_reap(int pid)
{
  int status = TL_NO_STATUS;
  if (pid < 0 || wait(&status) != pid)
    return TL_NO_STATUS;
  return status;
}

// Wait for n children; how many exited with TL_CHILD_OK.
int
tl_reap_ok(int n)
{
  int clean = 0;
  for (int i = 0; i < n; i++) {
    int status = TL_NO_STATUS;
    if (wait(&status) >= 0 && status == TL_CHILD_OK)
      clean++;
  }
  return clean;
}

// fork(), with the child's stdout going into a pipe the parent reads.
int
tl_fork_piped(int *read_fd)
{
  int fds[2];
  *read_fd = -1;
  if (pipe(fds) < 0)
    return -1;
  fflush(stdout);
  int pid = fork();
  if (pid == 0) {
    close(stdout);
    dup(fds[1]); // the lowest free fd: stdout
    close(fds[0]);
    close(fds[1]);
    return 0;
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    return -1;
  }
  *read_fd = fds[0];
  return pid;
}

// Read fd to end of file, keeping the first max bytes. Returns the count kept.
int
tl_read_all(int fd, char *buf, int max)
{
  char discard[64];
  int kept = 0;
  for (;;) {
    int room = max - kept;
    int n = room > 0 ? read(fd, buf + kept, room) : read(fd, discard, sizeof(discard));
    if (n <= 0)
      return kept;
    if (room > 0)
      kept += n;
  }
}

// Run a program with its stdout captured into out. Its exit status, or
// TL_NO_STATUS.
int
tl_run_capture(const char *path, char **argv, char **envp, char *out, int size)
{
  int from_child;
  out[0] = 0;
  int pid = tl_fork_piped(&from_child);
  if (pid == 0) {
    execve(path, argv, envp != 0 ? envp : environ);
    _exit(TL_EXEC_FAILED);
  }
  if (pid < 0)
    return TL_NO_STATUS;
  int len = tl_read_all(from_child, out, size - 1);
  out[len] = 0;
  close(from_child);
  return tl_reap(pid);
}

// ---- Memory -----------------------------------------------------------------

// Exact free pages, or -1.
int64
tl_free_pages(void)
{
  static struct memstat *stats; // allocated at the first call
  if (stats == 0 && (stats = malloc(sizeof(*stats))) == 0)
    return -1;
  if (memstat(stats, MEMSTAT_DRAIN) < 0)
    return -1;
  return stats->free_pages;
}

// Print the leak line: free pages back to before? 0 or -1.
static int
check_leak(int64 before)
{
  char why[WHY_LEN];
  int64 after = tl_free_pages();
  int ok = before >= 0 && after == before;
  tl_set_case("leak");
  if (ok)
    printf("%s: OK\n", prefix);
  else {
    snprintf(why, sizeof(why), "%ld free pages before, %ld after", before, after);
    tl_fail(why);
  }
  tl_set_case(0);
  return ok ? 0 : -1;
}

// Every case (or the one named only) in a child, then the leak check.
// Returns the failures, or -1 if no case is named only.
int
tl_run_cases_leak_checked(const struct tl_case *cases, int n, const char *only)
{
  tl_free_pages(); // the first call touches new memory; count from the second
  int64 before = tl_free_pages();
  int failed = tl_run_cases(cases, n, only, TL_IN_CHILD);
  if (failed < 0)
    return -1;
  return failed + (check_leak(before) < 0);
}

// Are the n bytes at p all c? 1 if so.
int
tl_all_bytes(const char *p, int n, char c)
{
  for (int i = 0; i < n; i++)
    if (p[i] != c)
      return 0;
  return 1;
}
