// Virtual memory areas (VMAs): the regions of a process's address space
// and what backs each one, and the page-fault handler that uses them.
#pragma once
#include "types.h"
#include "riscv.h"

struct proc;
struct file;

enum vma_kind {
  VMA_TEXT,  // program code (from the ELF file)
  VMA_DATA,  // program data and bss (from the ELF file)
  VMA_HEAP,  // grown by sbrk, pages appear on first touch
  VMA_STACK, // the user stack, with an unmapped guard page below
  VMA_ANON,  // mmap(MAP_ANONYMOUS)
  VMA_FILE,  // mmap of a file
};

// One region [start, end), page-aligned.
// Locks: [v] p->vm_lock for writes; the owning process reads without it
// (only the owner ever changes its own list).
struct vma {
  uint64 start;       // [v]
  uint64 end;         // [v]
  int prot;           // [v] PROT_READ | PROT_WRITE | PROT_EXEC
  int flags;          // [v] MAP_SHARED or MAP_PRIVATE
  enum vma_kind kind; // [I]
  struct file *file;  // [v] VMA_FILE: held open while mapped
  uint64 offset;      // [v] VMA_FILE: file offset of start
  struct vma *next;   // [v] the process's list, sorted by start
};

// Kinds of access, for uvm_fault.
#define FAULT_READ 0
#define FAULT_WRITE 1
#define FAULT_EXEC 2

void vma_init(void);

// Add a region to p (no pages are mapped). Returns 0, or -1 if no memory.
int vma_add(struct proc *p, uint64 start, uint64 end, int prot, int flags, enum vma_kind kind,
            struct file *f, uint64 offset);

// The region of p holding va, or 0.
struct vma *vma_find(struct proc *p, uint64 va);
// p's heap region (exec makes one).
struct vma *vma_heap(struct proc *p);

// Add a private region to a list that is not yet a process's (exec builds
// the new image's list this way). 0, or -1 if no memory.
int vma_list_add(struct vma **list, uint64 start, uint64 end, int prot, enum vma_kind kind);
// Free a detached list, first writing shared file pages back from
// pagetable (if not 0). Sleeps.
void vma_free_list(struct vma *list, pagetable_t pagetable);

// Remove every region of p: write shared file pages back, drop the file
// references and free the list. The page table is left to the caller.
// Sleeps (disk writes).
void vma_free_all(struct proc *p);

// Give child copies of parent's regions and pages (fork): private pages
// are shared copy-on-write, shared regions stay shared. 0 or -1.
int vma_fork(struct proc *parent, struct proc *child);

// Resolve a fault by p at va: copy-on-write, a zero page, or a page of a
// mapped file. Returns 0 if resolved; otherwise -1 with *why saying what
// is wrong in words. If !can_sleep (spinlocks held) a fault that needs
// the disk fails instead.
int uvm_fault(struct proc *p, uint64 va, int access, int can_sleep, const char **why);

// Make every page of the user range [va, va+len) present (and writable,
// if write) so that a later copy cannot fault. 0, or -1 if the range is
// not accessible.
int uvm_prefault(uint64 va, uint64 len, int write);

// Take v off p's list (p->vm_lock held) / free it and its file reference.
void vma_unlink(struct proc *p, struct vma *v);
void vma_destroy(struct vma *v);
// Write back (shared file maps), unmap and free the pages of [lo, hi) of v.
void vma_release_range(struct proc *p, struct vma *v, uint64 lo, uint64 hi);
// Make v's present pages follow v->prot (copy-on-write pages stay
// read-only until written).
void vma_apply_prot(struct proc *p, struct vma *v);

// The PTE permission bits (with PTE_U) for PROT_* bits.
int vma_prot_to_pte(int prot);

// Where the heap may grow up to: the lowest region above it (or the
// stack guard page).
uint64 vma_heap_limit(struct proc *p);
