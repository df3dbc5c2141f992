// The memory-mapping system calls: mmap, munmap, mprotect.
//
// A new mapping goes in the highest free gap below the stack's guard page
// (top-down, as Linux does), unless MAP_FIXED places it. Pages are not
// touched until the program uses them (see uvm_fault in vma.c).
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "proc.h"
#include "klib.h"
#include "slab.h"
#include "vm.h"
#include "vma.h"
#include "file.h"
#include "fcntl.h"
#include "sysarg.h"
#include "sysfunc.h"

#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)
#define MAP_KNOWN (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS)

// The top of the area mmap places mappings in: below the stack guard.
static uint64
mmap_top(void)
{
  return USER_STACK_TOP - (USERSTACK + 1) * PGSIZE;
}

// Is [lo, hi) free of p's regions?
static int
range_free(struct proc *p, uint64 lo, uint64 hi)
{
  for (struct vma *v = p->vmas; v; v = v->next)
    if (v->start < hi && lo < v->end)
      return 0;
  return 1;
}

// The highest page-aligned start of a free gap of len bytes below
// mmap_top() and above the heap's current end. 0 if there is none.
// Top-down: try the window just below `top`; if regions overlap it, no
// window ending above the lowest of them can be free either, so try again
// just below that one.
static uint64
find_gap(struct proc *p, uint64 len)
{
  struct vma *heap = vma_heap(p);
  uint64 floor = heap ? heap->end : USER_TEXT_BASE;
  for (uint64 top = mmap_top(); top >= floor + len;) {
    uint64 start = top - len;
    struct vma *lowest = 0; // the lowest region overlapping [start, top)
    for (struct vma *v = p->vmas; v; v = v->next)
      if (v->start < top && start < v->end && (lowest == 0 || v->start < lowest->start))
        lowest = v;
    if (lowest == 0)
      return start;
    top = lowest->start;
  }
  return 0;
}

// The open regular file behind fd for mmap, or 0.
static struct file *
mmap_file(int fd)
{
  struct proc *p = myproc();
  if (fd < 0 || fd >= NOFILE || p->ofile[fd] == 0)
    return 0;
  struct file *f = p->ofile[fd];
  return f->type == FD_INODE ? f : 0;
}

// Check mmap's arguments. Returns 0, or -1 with nothing changed.
static int
mmap_check(uint64 addr, uint64 len, int prot, int flags, struct file *f, uint64 off)
{
  int sharing = flags & (MAP_SHARED | MAP_PRIVATE);
  if (len == 0 || len > MAXVA || (prot & ~PROT_ALL) || (flags & ~MAP_KNOWN) ||
      (sharing != MAP_SHARED && sharing != MAP_PRIVATE) || off % PGSIZE)
    return -1;
  if ((flags & MAP_FIXED) &&
      (addr % PGSIZE || addr < USER_TEXT_BASE || addr + PGROUNDUP(len) > mmap_top()))
    return -1;
  if (flags & MAP_ANONYMOUS)
    return 0;
  if (f == 0 || !f->readable)
    return -1;
  if ((flags & MAP_SHARED) && (prot & PROT_WRITE) && !f->writable)
    return -1; // writing through the map would write a read-only file
  return 0;
}

// mmap(addr, len, prot, flags, fd, offset): map len bytes. Returns the
// address of the mapping, or -1 ((void *)-1 in C) on bad arguments.
uint64
sys_mmap(void)
{
  uint64 addr = arg_addr(0), len = arg_addr(1);
  int prot = arg_int(2), flags = arg_int(3), fd = arg_int(4);
  uint64 off = arg_addr(5);
  struct proc *p = myproc();
  struct file *f = (flags & MAP_ANONYMOUS) ? 0 : mmap_file(fd);

  if (mmap_check(addr, len, prot, flags, f, off) < 0)
    return -1;
  len = PGROUNDUP(len);
  if (flags & MAP_FIXED) {
    if (!range_free(p, addr, addr + len))
      return -1; // we do not replace existing mappings
  } else if ((addr = find_gap(p, len)) == 0) {
    return -1;
  }
  enum vma_kind kind = f ? VMA_FILE : VMA_ANON;
  if (vma_add(p, addr, addr + len, prot, flags & (MAP_SHARED | MAP_PRIVATE), kind, f, off) < 0)
    return -1;
  return addr;
}

// Take [lo, hi) out of region v of p: trim it, split it in two, or
// remove it. Returns 0, or -1 if a split needs memory we do not have.
static int
vma_cut(struct proc *p, struct vma *v, uint64 lo, uint64 hi)
{
  lo = MAX(lo, v->start);
  hi = MIN(hi, v->end);
  if (lo > v->start && hi < v->end) { // a hole: [hi, end) becomes a new VMA
    uint64 off = v->offset + (hi - v->start);
    if (vma_add(p, hi, v->end, v->prot, v->flags, v->kind, v->file, off) < 0)
      return -1;
  }
  vma_release_range(p, v, lo, hi);
  spin_lock(&p->vm_lock);
  if (lo == v->start && hi >= v->end) {
    vma_unlink(p, v);
    spin_unlock(&p->vm_lock);
    vma_destroy(v);
    return 0;
  }
  if (lo == v->start) {
    v->offset += hi - v->start;
    v->start = hi;
  } else {
    v->end = lo;
  }
  spin_unlock(&p->vm_lock);
  return 0;
}

// Are all regions overlapping [lo, hi) ones that munmap may remove?
static int
only_mappings(struct proc *p, uint64 lo, uint64 hi)
{
  for (struct vma *v = p->vmas; v; v = v->next)
    if (v->start < hi && lo < v->end && v->kind != VMA_ANON && v->kind != VMA_FILE)
      return 0;
  return 1;
}

// munmap(addr, len): remove the mappings in [addr, addr+len). Pages of a
// shared file mapping are written back first. Unmapping a range with no
// mapping in it is not an error; a range that touches the program's own
// text, data, heap or stack is. Returns 0 or -1.
uint64
sys_munmap(void)
{
  uint64 addr = arg_addr(0), len = arg_addr(1);
  struct proc *p = myproc();
  if (addr % PGSIZE || len == 0 || addr >= MAXVA || len > MAXVA - addr)
    return -1;
  uint64 end = PGROUNDUP(addr + len);
  if (!only_mappings(p, addr, end))
    return -1;
  for (;;) {
    struct vma *v = p->vmas;
    while (v && !(v->start < end && addr < v->end))
      v = v->next;
    if (v == 0)
      return 0;
    if (vma_cut(p, v, addr, end) < 0)
      return -1;
  }
}

// Split region v of p at address at (v->start < at < v->end), so that
// at starts a region of its own. 0 or -1 (no memory).
static int
vma_split(struct proc *p, struct vma *v, uint64 at)
{
  if (vma_add(p, at, v->end, v->prot, v->flags, v->kind, v->file, v->offset + (at - v->start)) < 0)
    return -1;
  spin_lock(&p->vm_lock);
  v->end = at;
  spin_unlock(&p->vm_lock);
  return 0;
}

// Is [lo, hi) covered by p's regions without a gap? May the protection
// prot be given to all of them?
static int
mprotect_ok(struct proc *p, uint64 lo, uint64 hi, int prot)
{
  uint64 covered = lo;
  for (struct vma *v = p->vmas; v && covered < hi; v = v->next) {
    if (v->end <= covered)
      continue;
    if (v->start > covered)
      return 0; // a hole
    if (v->kind == VMA_FILE && (v->flags & MAP_SHARED) && (prot & PROT_WRITE) && !v->file->writable)
      return 0;
    covered = v->end;
  }
  return covered >= hi;
}

// mprotect(addr, len, prot): change the protection of [addr, addr+len),
// which must be mapped throughout. Returns 0 or -1.
uint64
sys_mprotect(void)
{
  uint64 addr = arg_addr(0), len = arg_addr(1);
  int prot = arg_int(2);
  struct proc *p = myproc();
  if (addr % PGSIZE || len == 0 || (prot & ~PROT_ALL) || addr >= MAXVA || len > MAXVA - addr)
    return -1;
  uint64 end = PGROUNDUP(addr + len);
  if (!mprotect_ok(p, addr, end, prot))
    return -1;
  for (struct vma *v = p->vmas; v && v->start < end; v = v->next) {
    if (v->end <= addr)
      continue;
    if ((v->start < addr && vma_split(p, v, addr) < 0) ||
        (v->end > end && vma_split(p, v, end) < 0))
      return -1;
    if (v->start < addr)
      continue; // the part from addr is the next region now
    spin_lock(&p->vm_lock);
    v->prot = prot;
    spin_unlock(&p->vm_lock);
    vma_apply_prot(p, v);
  }
  return 0;
}
