// vmprint: ask the kernel to print a process's page table on the console,
// level by level (Sv39 has three levels: 512 entries each).
//
//   $ vmprint        the page table of vmprint itself
//   $ vmprint 1      the page table of process 1 (init)
//
// Each line is one valid page-table entry, indented by level: its index
// in its table, the entry itself and the physical address it points to.
// A leaf (last level) maps one 4 KiB page; its line adds the virtual
// address and the permissions (r w x u), and "cow" for a page shared
// copy-on-write since a fork. Look for the text at 0x10000, the stack at
// the top of user space, and how few tables a small process needs.

#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
  if (argc > 2 || (argc == 2 && (argv[1][0] < '0' || argv[1][0] > '9'))) {
    fprintf(2, "usage: vmprint [pid]\n");
    exit(1);
  }
  int pid = argc == 2 ? atoi(argv[1]) : 0;
  if (vmprint(pid) < 0) {
    fprintf(2, "vmprint: no process %d\n", pid);
    exit(1);
  }
  exit(0);
}
