// Sv39 virtual memory: the kernel's page table and user address spaces.
//
// The kernel's mappings live in the upper half; every user page table
// copies the kernel's root entries for that half, so the kernel is mapped
// in every address space and a trap needs no satp switch.
#pragma once
#include "types.h"
#include "riscv.h"

// Build the kernel page table (boot hart, once).
void kvm_init(void);

// Switch this hart to the kernel page table, flushing its TLB.
void kvm_init_hart(void);

// Switch this hart to the kernel page table without a TLB flush (when
// leaving a user address space that may be freed by another hart).
void kvm_use_kernel_table(void);

// Return the PTE for va in pagetable, creating intermediate tables if
// alloc is set. Returns 0 if va is out of range or a table can't be had.
pte_t *vm_walk(pagetable_t pagetable, uint64 va, int alloc);

// Map [va, va+size) to [pa, pa+size) with permissions perm (PTE_R/W/X/U).
// va, pa, size page-aligned. Returns 0, or -1 if a table can't be allocated.
int vm_map(pagetable_t pagetable, uint64 va, uint64 pa, uint64 size, int perm);

// A new, empty user page table (with the kernel half shared). 0 if no memory.
pagetable_t uvm_create(void);

// Unmap npages user pages from va, freeing the frames if do_free.
// Pages that are not mapped are skipped.
void uvm_unmap(pagetable_t pagetable, uint64 va, uint64 npages, int do_free);

// Drop a reference to every page mapped in the user half of an address
// space, free its page tables, then the root table itself.
void uvm_free(pagetable_t pagetable);

// Allocate and map zeroed pages to grow [oldsz, newsz) with extra perm
// bits (PTE_U|PTE_R always). Returns newsz, or 0 on failure (nothing kept).
uint64 uvm_alloc(pagetable_t pagetable, uint64 oldsz, uint64 newsz, int perm);

// Unmap and free the pages of [newsz, oldsz). Returns newsz.
uint64 uvm_dealloc(pagetable_t pagetable, uint64 oldsz, uint64 newsz);

// The physical address of user virtual address va, or 0 if not mapped
// for user access.
uint64 uvm_walkaddr(pagetable_t pagetable, uint64 va);

// The PTE of the first mapped page at or after *va and below end, with *va
// set to its address, skipping whole ranges whose page tables do not
// exist (so sparse regions are cheap to walk). 0 if there is none.
pte_t *uvm_next_present(pagetable_t pagetable, uint64 *va, uint64 end);

// Number of present user pages in [start, end), skipping missing tables.
uint64 uvm_count_present(pagetable_t pagetable, uint64 start, uint64 end);

// Print the user half of a page table, level by level, on the console.
void uvm_print(pagetable_t pagetable);

// Copy between kernel memory and user memory in pagetable, a page at a
// time. Return 0, or -1 if any byte of the user range is not accessible
// (not mapped, not user, not writable for copyout, or above MAXVA).
int copyout(pagetable_t pagetable, uint64 dstva, const void *src, uint64 len);
int copyin(pagetable_t pagetable, void *dst, uint64 srcva, uint64 len);

// Copy a NUL-terminated string of at most max bytes (NUL included) from
// user space. Returns 0, or -1 if it is not accessible or too long.
int copyinstr(pagetable_t pagetable, char *dst, uint64 srcva, uint64 max);
