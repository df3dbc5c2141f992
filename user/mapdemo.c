// mapdemo: build an address space with one of everything, then look at it
// with pmap and vmprint.
//
//   $ mapdemo
//
// It maps README.md (private, read-only) and reads its first page, maps
// 8 pages of anonymous memory and writes 3 of them, and grows the heap by
// 4 pages and writes 1. Then it runs `pmap PID` on itself (in a child,
// while it waits) and prints its own page table with vmprint.
//
// What to look for: every mapping is lazy, so each region's resident
// count is the number of pages touched, not its size; in the page table,
// only touched pages have leaves. The pages the fork shared with the
// child are marked "cow" (and lost their w) until this process writes
// them again. (A MAP_SHARED region would show all its pages resident:
// fork makes them present, so that parent and child share the same ones.)

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define FILE_NAME "README.md"
#define FILE_MAP_BYTES (4 * PGSIZE) // part of README.md to map
#define ANON_PAGES 8
#define ANON_TOUCHED 3
#define HEAP_PAGES 4
#define PID_TEXT 16 // room for a pid in decimal

// Run pmap on this process and wait for it.
static void
run_pmap(void)
{
  char pid_text[PID_TEXT];
  snprintf(pid_text, sizeof(pid_text), "%d", getpid());
  char *argv[] = {"pmap", pid_text, 0};
  int pid = fork();
  if (pid == 0) {
    exec("pmap", argv);
    fprintf(2, "mapdemo: cannot run pmap\n");
    exit(1);
  }
  wait(0);
}

int
main(void)
{
  int fd = open(FILE_NAME, O_RDONLY);
  char *file = mmap(0, FILE_MAP_BYTES, PROT_READ, MAP_PRIVATE, fd, 0);
  char *anon =
      mmap(0, ANON_PAGES * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *heap = sbrk(HEAP_PAGES * PGSIZE);
  if (fd < 0 || file == MAP_FAILED || anon == MAP_FAILED || heap == (char *)-1) {
    fprintf(2, "mapdemo: open, mmap or sbrk failed\n");
    exit(1);
  }
  close(fd); // the mapping keeps the file open
  printf("mapdemo: %s starts with \"%c%c%c...\"\n", FILE_NAME, file[0], file[1], file[2]);
  for (int i = 0; i < ANON_TOUCHED; i++)
    anon[i * PGSIZE] = 1;
  heap[0] = 1;
  printf("mapdemo: file map at %p, anonymous map at %p, heap at %p\n", file, anon, heap);
  run_pmap();
  vmprint(0);
  exit(0);
}
