// RISC-V privileged architecture: CSR accessors, CSR bit names, trap causes
// and Sv39 page-table definitions. Every hardware number the kernel uses is
// named here. User programs include this file for PGSIZE and friends.
#pragma once

// Integer constants usable from both C and assembly.
#ifdef __ASSEMBLER__
#define CONST_UL(x) x
#else
#include "types.h"
#define CONST_UL(x) x##UL
#endif

// ---- Pages and Sv39 page tables ----------------------------------------

#define PGSIZE 4096 // bytes per page
#define PGSHIFT 12  // bits of offset within a page

#define PGROUNDUP(sz) (((sz) + PGSIZE - 1) & ~(uint64)(PGSIZE - 1))
#define PGROUNDDOWN(a) (((a)) & ~(uint64)(PGSIZE - 1))

// A page-table entry (PTE), Sv39 format:
//   63..54 reserved | 53..10 PPN | 9..8 RSW | D A G U X W R V
#define PTE_V (CONST_UL(1) << 0)    // valid
#define PTE_R (CONST_UL(1) << 1)    // readable
#define PTE_W (CONST_UL(1) << 2)    // writable
#define PTE_X (CONST_UL(1) << 3)    // executable
#define PTE_U (CONST_UL(1) << 4)    // accessible from user mode
#define PTE_G (CONST_UL(1) << 5)    // global: present in every address space
#define PTE_A (CONST_UL(1) << 6)    // accessed (QEMU sets it itself)
#define PTE_D (CONST_UL(1) << 7)    // dirty (QEMU sets it itself)
#define PTE_RSW0 (CONST_UL(1) << 8) // reserved for software
#define PTE_RSW1 (CONST_UL(1) << 9) // reserved for software
#define PTE_COW PTE_RSW0            // copy-on-write page (used by fork)

// Physical address <-> PTE: the PPN lives in bits 53..10.
#define PA2PTE(pa) ((((uint64)(pa)) >> 12) << 10)
#define PTE2PA(pte) (((pte) >> 10) << 12)
#define PTE_FLAGS(pte) ((pte)&0x3FF)
#define PTE_LEAF(pte) ((pte) & (PTE_R | PTE_W | PTE_X)) // non-zero: leaf

// A virtual address has three 9-bit page-table indexes above the 12-bit
// page offset: level 2 (root) uses bits 38..30, level 1 bits 29..21,
// level 0 bits 20..12. Bits 63..39 must equal bit 38.
#define PXMASK 0x1FF // 9 bits
#define PXSHIFT(level) (PGSHIFT + (9 * (level)))
#define PX(level, va) ((((uint64)(va)) >> PXSHIFT(level)) & PXMASK)
#define PTES_PER_PAGE 512

// User space is the lower half of Sv39: [0, MAXVA). The kernel lives in the
// upper half (addresses with bits 63..38 all set); see memlayout.h.
#define MAXVA (CONST_UL(1) << 38)

// satp: MODE in bits 63..60 (8 = Sv39), root table PPN in bits 43..0.
#define SATP_SV39 (CONST_UL(8) << 60)
#define MAKE_SATP(pagetable) (SATP_SV39 | (((uint64)(pagetable)) >> 12))

// ---- sstatus -------------------------------------------------------------
#define SSTATUS_SIE (CONST_UL(1) << 1)  // supervisor interrupt enable
#define SSTATUS_SPIE (CONST_UL(1) << 5) // SIE before the trap
#define SSTATUS_SPP (CONST_UL(1) << 8)  // previous mode: 1 = supervisor, 0 = user
#define SSTATUS_FS (CONST_UL(3) << 13)  // floating-point unit state
#define SSTATUS_SUM (CONST_UL(1) << 18) // supervisor may access user pages

// ---- sie / sip: interrupt enable and pending bits --------------------------
#define SIE_SSIE (CONST_UL(1) << 1) // software interrupt (IPI)
#define SIE_STIE (CONST_UL(1) << 5) // timer interrupt
#define SIE_SEIE (CONST_UL(1) << 9) // external interrupt (PLIC)

// ---- scause ---------------------------------------------------------------
// The top bit says interrupt (1) or exception (0); the rest is the code.
#define SCAUSE_INTERRUPT (CONST_UL(1) << 63)
#define SCAUSE_CODE(c) ((c) & ~SCAUSE_INTERRUPT)

#define IRQ_S_SOFT 1  // supervisor software interrupt (IPI)
#define IRQ_S_TIMER 5 // supervisor timer interrupt
#define IRQ_S_EXT 9   // supervisor external interrupt

#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8 // ecall from user mode: a system call
#define EXC_ECALL_S 9
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

#define SCAUSE_ECALL_U EXC_ECALL_U
#define SCAUSE_S_TIMER (SCAUSE_INTERRUPT | IRQ_S_TIMER)
#define SCAUSE_S_SOFT (SCAUSE_INTERRUPT | IRQ_S_SOFT)
#define SCAUSE_S_EXT (SCAUSE_INTERRUPT | IRQ_S_EXT)

// The stimecmp CSR of the Sstc extension (number 0x14D).
#define CSR_STIMECMP 0x14D

#ifndef __ASSEMBLER__

typedef uint64 pte_t;
typedef uint64 *pagetable_t; // 512 PTEs

#define CSR_READ(csr)                                                                              \
  ({                                                                                               \
    uint64 __v;                                                                                    \
    asm volatile("csrr %0, " #csr : "=r"(__v));                                                    \
    __v;                                                                                           \
  })
#define CSR_WRITE(csr, val)                                                                        \
  do {                                                                                             \
    asm volatile("csrw " #csr ", %0" : : "r"((uint64)(val)));                                      \
  } while (0)
#define CSR_SET(csr, bits)                                                                         \
  do {                                                                                             \
    asm volatile("csrs " #csr ", %0" : : "r"((uint64)(bits)));                                     \
  } while (0)
#define CSR_CLEAR(csr, bits)                                                                       \
  do {                                                                                             \
    asm volatile("csrc " #csr ", %0" : : "r"((uint64)(bits)));                                     \
  } while (0)

// Enable supervisor interrupts on this hart.
static inline void
intr_on(void)
{
  CSR_SET(sstatus, SSTATUS_SIE);
}

// Disable supervisor interrupts on this hart.
static inline void
intr_off(void)
{
  CSR_CLEAR(sstatus, SSTATUS_SIE);
}

// Disable interrupts and return whether they were enabled, in one CSR
// access (csrrc reads sstatus and clears SIE).
static inline int
intr_save(void)
{
  uint64 old;
  asm volatile("csrrc %0, sstatus, %1" : "=r"(old) : "r"(SSTATUS_SIE));
  return (old & SSTATUS_SIE) != 0;
}

// Re-enable interrupts if intr_save() found them enabled.
static inline void
intr_restore(int was_on)
{
  if (was_on)
    intr_on();
}

// Are supervisor interrupts enabled on this hart?
static inline int
intr_get(void)
{
  return (CSR_READ(sstatus) & SSTATUS_SIE) != 0;
}

// The wall clock: ticks of the timebase (10 MHz on QEMU virt).
static inline uint64
r_time(void)
{
  uint64 t;
  asm volatile("rdtime %0" : "=r"(t));
  return t;
}

// tp holds this hart's id while in the kernel.
static inline uint64
r_tp(void)
{
  uint64 x;
  asm volatile("mv %0, tp" : "=r"(x));
  return x;
}

static inline void
w_tp(uint64 x)
{
  asm volatile("mv tp, %0" : : "r"(x));
}

static inline uint64
r_sp(void)
{
  uint64 x;
  asm volatile("mv %0, sp" : "=r"(x));
  return x;
}

// Flush all TLB entries of this hart.
static inline void
sfence_vma(void)
{
  asm volatile("sfence.vma zero, zero");
}

#endif // __ASSEMBLER__
