// System calls that show a process's address space: vmregions (its
// regions, for pmap) and vmprint (its page table, level by level).
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "proc.h"
#include "klib.h"
#include "printf.h"
#include "slab.h"
#include "vm.h"
#include "vma.h"
#include "file.h"
#include "inode.h"
#include "sysarg.h"
#include "sysfunc.h"
#include "vmregion.h"

#define MAX_REGIONS 64 // regions vmregions reports at most

struct snapshot {
  struct vmregion *regions;
  int max;
  int n;
};

// Describe p's regions into the snapshot. Called with the process list
// locked (p stays alive); takes p->vm_lock so its list holds still.
static void
take_snapshot(struct proc *p, void *arg)
{
  struct snapshot *snap = arg;
  spin_lock(&p->vm_lock);
  for (struct vma *v = p->vmas; v && snap->n < snap->max; v = v->next) {
    if (v->start == v->end)
      continue; // an empty heap
    struct vmregion *r = &snap->regions[snap->n++];
    *r = (struct vmregion){
        .start = v->start, .end = v->end, .prot = v->prot, .flags = v->flags, .kind = v->kind};
    r->resident = uvm_count_present(p->pagetable, v->start, v->end);
    if (v->file)
      r->inum = v->file->ip->inum;
  }
  spin_unlock(&p->vm_lock);
}

// vmregions(pid, regions, max): copy up to max descriptions of process
// pid's regions (pid 0: the caller) to user memory. Returns how many, or
// -1 if there is no such process or the buffer is bad.
uint64
sys_vmregions(void)
{
  int pid = arg_int(0), max = arg_int(2);
  uint64 dst = arg_addr(1);
  if (pid == 0)
    pid = myproc()->pid;
  if (max < 0)
    return -1;
  max = MIN(max, MAX_REGIONS);
  struct snapshot snap = {kmalloc(MAX_REGIONS * sizeof(struct vmregion)), max, 0};
  if (snap.regions == 0)
    return -1;
  int r = proc_with_pid(pid, take_snapshot, &snap);
  if (r == 0 &&
      copyout(myproc()->pagetable, dst, snap.regions, snap.n * sizeof(struct vmregion)) < 0)
    r = -1;
  kfree(snap.regions);
  return r < 0 ? -1 : snap.n;
}

static void
print_page_table(struct proc *p, void *arg)
{
  spin_lock(&p->vm_lock);
  kprintf("pid %d (%s): ", p->pid, p->name);
  uvm_print(p->pagetable);
  spin_unlock(&p->vm_lock);
}

// vmprint(pid): print process pid's page table (pid 0: the caller's) on
// the console. Returns 0, or -1 if there is no such process.
uint64
sys_vmprint(void)
{
  int pid = arg_int(0);
  if (pid == 0)
    pid = myproc()->pid;
  return proc_with_pid(pid, print_page_table, 0);
}
