// Virtual memory areas and the user page-fault handler.
//
// Every user address that may be touched lies in one of the process's
// VMAs. A page fault is resolved from the VMA that holds the address:
//   - a store to a copy-on-write page copies it (or takes it over, if this
//     process holds the last reference);
//   - a missing page of the heap, the stack or an anonymous mapping is a
//     fresh zero page (lazy allocation);
//   - a missing page of a file mapping is read from the file.
// Anything else -- no VMA, or an access the VMA does not permit -- kills
// the process, with the reason in words (trap.c prints it).
//
// Shared mappings (MAP_SHARED) keep one set of pages for the parent and
// its children: fork makes all their pages present first and shares
// them. A shared file mapping's dirty pages are written back to the file
// on munmap and at exit; a private one never writes the file.
//
// Locks: [v] p->vm_lock. Only the owning process changes its VMA list and
// page table, so it reads them without the lock; it takes the lock to
// change them, and other processes (pmap) take it to read.
// Lock order: proc_list_lock -> p->vm_lock -> pages.lock
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "proc.h"
#include "klib.h"
#include "printf.h"
#include "kalloc.h"
#include "slab.h"
#include "vm.h"
#include "vma.h"
#include "file.h"
#include "inode.h"
#include "log.h"
#include "fcntl.h"

static struct slab_cache *vma_cache;

void
vma_init(void)
{
  if ((vma_cache = slab_cache_create("vma", sizeof(struct vma))) == 0)
    panic("vma_init: no memory");
}

// Insert v into a list, keeping it sorted by start (p->vm_lock held, if
// the list is a process's).
static void
vma_insert(struct vma **list, struct vma *v)
{
  struct vma **pp = list;
  while (*pp && (*pp)->start < v->start)
    pp = &(*pp)->next;
  v->next = *pp;
  *pp = v;
}

// A new region, on no list. 0 if out of memory.
static struct vma *
vma_new(uint64 start, uint64 end, int prot, int flags, enum vma_kind kind, struct file *f,
        uint64 offset)
{
  struct vma *v = slab_alloc(vma_cache);
  if (v)
    *v = (struct vma){.start = start,
                      .end = end,
                      .prot = prot,
                      .flags = flags,
                      .kind = kind,
                      .file = f ? file_dup(f) : 0,
                      .offset = offset};
  return v;
}

int
vma_add(struct proc *p, uint64 start, uint64 end, int prot, int flags, enum vma_kind kind,
        struct file *f, uint64 offset)
{
  struct vma *v = vma_new(start, end, prot, flags, kind, f, offset);
  if (v == 0)
    return -1;
  spin_lock(&p->vm_lock);
  vma_insert(&p->vmas, v);
  spin_unlock(&p->vm_lock);
  return 0;
}

int
vma_list_add(struct vma **list, uint64 start, uint64 end, int prot, enum vma_kind kind)
{
  struct vma *v = vma_new(start, end, prot, MAP_PRIVATE, kind, 0, 0);
  if (v == 0)
    return -1;
  vma_insert(list, v);
  return 0;
}

struct vma *
vma_find(struct proc *p, uint64 va)
{
  for (struct vma *v = p->vmas; v && v->start <= va; v = v->next)
    if (va < v->end)
      return v;
  return 0;
}

struct vma *
vma_heap(struct proc *p)
{
  for (struct vma *v = p->vmas; v; v = v->next)
    if (v->kind == VMA_HEAP)
      return v;
  return 0;
}

uint64
vma_heap_limit(struct proc *p)
{
  struct vma *heap = vma_heap(p);
  uint64 limit = USER_STACK_TOP - (USERSTACK + 1) * PGSIZE; // the guard page
  for (struct vma *v = p->vmas; v; v = v->next)
    if (heap && v != heap && v->start >= heap->start && v->start < limit)
      limit = v->start;
  return limit;
}

int
vma_prot_to_pte(int prot)
{
  int perm = PTE_U;
  if (prot & PROT_READ)
    perm |= PTE_R;
  if (prot & PROT_WRITE)
    perm |= PTE_W | PTE_R; // Sv39 has no write-only pages
  if (prot & PROT_EXEC)
    perm |= PTE_X;
  return perm;
}

// ---- Faults -------------------------------------------------------------

// Why an address in no VMA is bad, in words.
static const char *
unmapped_reason(uint64 va)
{
  uint64 guard = USER_STACK_TOP - (USERSTACK + 1) * PGSIZE;
  if (va < USER_TEXT_BASE)
    return "NULL pointer";
  if (va >= MAXVA)
    return "kernel address";
  if (va >= guard && va < guard + PGSIZE)
    return "stack guard page";
  return "not mapped";
}

// A store to a copy-on-write page: give p its own copy (or the page
// itself, if p holds its last reference).
static int
cow_break(struct proc *p, struct vma *v, pte_t *pte, const char **why)
{
  void *old = P2V(PTE2PA(*pte));
  int perm = vma_prot_to_pte(v->prot);
  if (page_ref_count(old) == 1) {
    *pte = PA2PTE(V2P(old)) | perm | PTE_V | PTE_A | PTE_D;
  } else {
    void *copy = page_alloc();
    if (copy == 0) {
      *why = "out of memory";
      return -1;
    }
    memmove(copy, old, PGSIZE);
    *pte = PA2PTE(V2P(copy)) | perm | PTE_V | PTE_A | PTE_D;
    page_free(old); // drop our reference to the shared page
  }
  sfence_vma();
  return 0;
}

// Read one page of v's file (the page at va) into page. Sleeps.
static int
read_file_page(struct vma *v, uint64 va, void *page)
{
  struct inode *ip = v->file->ip;
  uint64 off = v->offset + (va - v->start);
  inode_lock(ip);
  int n = off < ip->size ? inode_read(ip, 0, (uint64)page, off, PGSIZE) : 0;
  inode_unlock(ip);
  return n < 0 ? -1 : 0; // bytes past the end of the file stay zero
}

// A missing page of v at va: a zero page, or a page of the file.
static int
page_in(struct proc *p, struct vma *v, uint64 va, int can_sleep, const char **why)
{
  if (v->kind == VMA_FILE && !can_sleep) {
    *why = "file page needed while holding a lock";
    return -1;
  }
  void *page = page_alloc();
  if (page == 0) {
    *why = "out of memory";
    return -1;
  }
  if (v->kind == VMA_FILE && read_file_page(v, va, page) < 0) {
    page_free(page);
    *why = "file read failed";
    return -1;
  }
  if (vm_map(p->pagetable, va, V2P(page), PGSIZE, vma_prot_to_pte(v->prot)) < 0) {
    page_free(page);
    *why = "out of memory";
    return -1;
  }
  return 0;
}

int
uvm_fault(struct proc *p, uint64 va, int access, int can_sleep, const char **why)
{
  struct vma *v = va < MAXVA ? vma_find(p, va) : 0;
  if (v == 0) {
    *why = unmapped_reason(va);
    return -1;
  }
  if ((access == FAULT_WRITE && !(v->prot & PROT_WRITE)) ||
      (access == FAULT_EXEC && !(v->prot & PROT_EXEC)) ||
      (access == FAULT_READ && !(v->prot & (PROT_READ | PROT_WRITE)))) {
    *why = access == FAULT_WRITE  ? "write to read-only page"
           : access == FAULT_EXEC ? "not executable"
                                  : "not readable";
    return -1;
  }
  uint64 va0 = PGROUNDDOWN(va);
  pte_t *pte = vm_walk(p->pagetable, va0, 0);
  if (pte && (*pte & PTE_V)) {
    if (access == FAULT_WRITE && (*pte & PTE_COW))
      return cow_break(p, v, pte, why);
    *why = "access not permitted";
    return -1;
  }
  return page_in(p, v, va0, can_sleep, why);
}

int
uvm_prefault(uint64 va, uint64 len, int write)
{
  struct proc *p = myproc();
  const char *why;
  if (va + len < va || va + len > MAXVA)
    return -1;
  for (uint64 a = PGROUNDDOWN(va); a < va + len; a += PGSIZE) {
    pte_t *pte = vm_walk(p->pagetable, a, 0);
    int present = pte && (*pte & PTE_V) && (*pte & PTE_U);
    if (present && (!write || (*pte & PTE_W)))
      continue;
    if (uvm_fault(p, a, write ? FAULT_WRITE : FAULT_READ, 1, &why) < 0)
      return -1;
  }
  return 0;
}

// ---- Write-back and removal ------------------------------------------------

// Blocks one write-back transaction may write: the log's limit, less the
// inode block (the write never grows the file, so no bitmap blocks).
#define WRITEBACK_CHUNK ((MAXOPBLOCKS - 1) * BSIZE)

// Write the dirty pages of a shared file mapping in [lo, hi) back to the
// file, never past its end (a mapping does not grow a file). Sleeps.
static void
writeback(pagetable_t pagetable, struct vma *v, uint64 lo, uint64 hi)
{
  struct inode *ip = v->file->ip;
  pte_t *pte;
  for (uint64 va = lo; (pte = uvm_next_present(pagetable, &va, hi)) != 0; va += PGSIZE) {
    if (!(*pte & PTE_D))
      continue;
    uchar *page = P2V(PTE2PA(*pte));
    uint64 off = v->offset + (va - v->start);
    for (uint64 done = 0; done < PGSIZE;) {
      log_begin_op();
      inode_lock(ip);
      uint64 n = 0;
      if (off + done < ip->size)
        n = MIN(MIN(PGSIZE - done, (uint64)WRITEBACK_CHUNK), ip->size - (off + done));
      int r = n ? inode_write(ip, 0, (uint64)page + done, off + done, n) : 0;
      inode_unlock(ip);
      log_end_op();
      if (r <= 0)
        break;
      done += r;
    }
    *pte &= ~PTE_D;
  }
}

// Tear down the pages of [lo, hi) of v, which has already left p's list
// (or is about to be trimmed): write back, unmap, free. Sleeps.
void
vma_release_range(struct proc *p, struct vma *v, uint64 lo, uint64 hi)
{
  if (v->kind == VMA_FILE && (v->flags & MAP_SHARED))
    writeback(p->pagetable, v, lo, hi);
  uvm_unmap(p->pagetable, lo, (hi - lo) / PGSIZE, 1);
}

void
vma_destroy(struct vma *v)
{
  if (v->file)
    file_close(v->file);
  slab_free(vma_cache, v);
}

void
vma_free_list(struct vma *list, pagetable_t pagetable)
{
  while (list) {
    struct vma *v = list;
    list = v->next;
    if (pagetable && v->kind == VMA_FILE && (v->flags & MAP_SHARED))
      writeback(pagetable, v, v->start, v->end);
    vma_destroy(v);
  }
}

void
vma_free_all(struct proc *p)
{
  spin_lock(&p->vm_lock);
  struct vma *list = p->vmas;
  p->vmas = 0;
  spin_unlock(&p->vm_lock);
  vma_free_list(list, p->pagetable);
}

void
vma_unlink(struct proc *p, struct vma *v)
{
  struct vma **pp = &p->vmas;
  while (*pp != v)
    pp = &(*pp)->next;
  *pp = v->next;
}

void
vma_apply_prot(struct proc *p, struct vma *v)
{
  int perm = vma_prot_to_pte(v->prot);
  pte_t *pte;
  for (uint64 va = v->start; (pte = uvm_next_present(p->pagetable, &va, v->end)); va += PGSIZE) {
    int keep = *pte & (PTE_V | PTE_A | PTE_D | PTE_COW);
    int bits = (*pte & PTE_COW) ? perm & ~PTE_W : perm; // COW stays read-only
    *pte = PA2PTE(PTE2PA(*pte)) | keep | bits;
  }
  sfence_vma();
}

// ---- fork ------------------------------------------------------------------

// Make every page of a shared region present, so parent and child share
// the same frames from now on. Sleeps (file reads).
static int
populate(struct proc *p, struct vma *v)
{
  const char *why;
  for (uint64 va = v->start; va < v->end; va += PGSIZE) {
    pte_t *pte = vm_walk(p->pagetable, va, 0);
    if ((pte == 0 || !(*pte & PTE_V)) && page_in(p, v, va, 1, &why) < 0)
      return -1;
  }
  return 0;
}

// Share the present pages of parent's region v with child: the same
// frames, read-only and copy-on-write unless the region is shared.
static int
share_pages(struct proc *parent, struct proc *child, struct vma *v)
{
  int shared = v->flags & MAP_SHARED;
  pte_t *pte;
  for (uint64 va = v->start; (pte = uvm_next_present(parent->pagetable, &va, v->end));
       va += PGSIZE) {
    if (!shared && (*pte & PTE_W))
      *pte = (*pte & ~PTE_W) | PTE_COW;
    else if (!shared)
      *pte |= PTE_COW; // so that an mprotect(PROT_WRITE) still copies
    void *page = P2V(PTE2PA(*pte));
    if (vm_map(child->pagetable, va, V2P(page), PGSIZE, PTE_FLAGS(*pte) & ~PTE_V) < 0)
      return -1;
    page_ref_inc(page);
  }
  return 0;
}

int
vma_fork(struct proc *parent, struct proc *child)
{
  int result = 0;
  for (struct vma *v = parent->vmas; v && result == 0; v = v->next) {
    if ((v->flags & MAP_SHARED) && populate(parent, v) < 0)
      result = -1;
    else if (vma_add(child, v->start, v->end, v->prot, v->flags, v->kind, v->file, v->offset) < 0)
      result = -1;
    else
      result = share_pages(parent, child, v);
  }
  sfence_vma(); // the parent's pages just lost their write permission
  return result;
}
