// zombie: zombie and orphan processes.
//
//   $ zombie          (the parent sleeps 3 seconds; press Ctrl-P then)
//   $ zombie 20       (sleep 20 clock ticks instead)
//
// 1. A zombie is a process that has exited but whose parent has not yet
//    called wait(). The kernel must keep its process-table slot, because
//    the exit status lives there until the parent collects it. While the
//    parent sleeps, Ctrl-P (the kernel's process list) shows the child as
//    "zombie". A program can see it too: kill(pid) still finds the pid
//    (it returns 0, and does nothing to a process that is already dead);
//    once wait() has reaped the child, kill(pid) returns -1.
// 2. An orphan is a process whose parent exits first. The kernel gives it
//    a new parent, init (pid 1), whose loop calls wait() for every child
//    (user/init.c), so the orphan does not stay a zombie when it exits.
//    There is no getppid() system call here, so we show it this way: the
//    original process cannot wait() for its grandchild (wait returns -1),
//    yet after the grandchild exits its pid disappears: someone reaped it.

#include "kernel/types.h"
#include "kernel/param.h"
#include "user/user.h"

#define CHILD_STATUS 7        // exit status the zombie child reports
#define DEFAULT_SLEEP (3 * TICK_HZ) // parent's sleep: 3 seconds
#define ORPHAN_TICKS 5        // how long the orphan outlives its parent
#define REAP_WAIT_TICKS 100   // how long we give init to reap the orphan

// Part 1: a child exits at once; we sleep before waiting for it.
static void
demo_zombie(int ticks)
{
  int pid, status;

  printf("zombie: 1. a zombie: a child that exited, not yet waited for\n");
  fflush(stdout);
  if ((pid = fork()) == 0)
    exit(CHILD_STATUS);
  printf("zombie: child pid %d exits at once; the parent sleeps %d ticks\n",
         pid, ticks);
  printf("zombie: (press Ctrl-P now: pid %d is listed as a zombie)\n", pid);
  pause(ticks);
  printf("zombie: kill(%d) = %d: the exited child is still in the process "
         "table\n", pid, kill(pid));
  int reaped = wait(&status);
  printf("zombie: wait() = %d with status %d: the zombie is reaped\n",
         reaped, status);
  printf("zombie: kill(%d) = %d: now it is gone\n", pid, kill(pid));
}

// The orphan: report our pid through the pipe, outlive our parent a
// little, say so, and exit (closing the pipe tells the grandparent).
static void
orphan(int fd)
{
  int me = getpid();

  write(fd, &me, sizeof(me));
  pause(ORPHAN_TICKS);
  printf("zombie: orphan (pid %d): my parent has exited; I still run, and "
         "init is my parent now\n", me);
  exit(0);
}

// Part 2: a middle process forks the orphan and exits at once.
static void
demo_orphan(void)
{
  int fds[2], middle, orphan_pid = -1, tries;
  char c;

  printf("zombie: 2. an orphan: a process whose parent exits first\n");
  fflush(stdout);
  pipe(fds);
  if ((middle = fork()) == 0) {
    if (fork() == 0)
      orphan(fds[1]);
    exit(0); // the middle process: leave the grandchild behind
  }
  close(fds[1]);
  read(fds[0], &orphan_pid, sizeof(orphan_pid));
  int first = wait(0);  // the middle process
  int second = wait(0); // no children left: the orphan is not ours
  printf("zombie: wait() = %d (the middle process, pid %d); wait() again = "
         "%d: pid %d is not our child\n", first, middle, second, orphan_pid);
  while (read(fds[0], &c, 1) > 0) // end of file: the orphan has exited
    ;
  for (tries = 0; kill(orphan_pid) == 0 && tries < REAP_WAIT_TICKS; tries++)
    pause(1);
  if (kill(orphan_pid) < 0)
    printf("zombie: pid %d exited and is gone: init reaped it\n", orphan_pid);
  else
    printf("zombie: pid %d is still a zombie: nobody reaped it\n", orphan_pid);
}

int
main(int argc, char *argv[])
{
  int ticks = argc > 1 ? atoi(argv[1]) : DEFAULT_SLEEP;

  demo_zombie(ticks);
  demo_orphan();
  return 0;
}
