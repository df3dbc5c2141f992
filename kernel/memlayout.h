// Physical and virtual memory layout.
//
// Physical memory on QEMU virt:
//   0x00100000  sifive_test (write here to power off / exit QEMU)
//   0x0c000000  PLIC
//   0x10000000  UART0 (ns16550a)
//   0x10001000  virtio-mmio slot 0 (the disk, IRQ 1)
//   0x80000000  RAM; OpenSBI owns the first 512 KiB
//   0x80200000  the kernel image (OpenSBI jumps here in S-mode)
//
// Virtual memory, the same in every address space (Sv39):
//   [0, MAXVA)                  user space (lower half); page 0 never mapped
//   KERNEL_DIRECT_BASE + pa     direct map of all physical memory and devices
// The kernel image is linked at its direct-map address, so kernel pointers
// are direct-map addresses and P2V/V2P convert with one add.
#pragma once
#include "riscv.h"

#define KERNEL_DIRECT_BASE CONST_UL(0xFFFFFFC000000000) // start of the upper half
#define RAM_BASE CONST_UL(0x80000000)                   // physical start of RAM
#define KERNEL_LOAD_PA CONST_UL(0x80200000)             // where OpenSBI enters us
#define KERNEL_VA (KERNEL_DIRECT_BASE + KERNEL_LOAD_PA)

#define P2V(pa) ((void *)((uint64)(pa) + KERNEL_DIRECT_BASE))
#define V2P(va) ((uint64)(va)-KERNEL_DIRECT_BASE)

// Devices (physical addresses; use them through P2V / DEV()).
#define SIFIVE_TEST_PA CONST_UL(0x00100000)
#define PLIC_PA CONST_UL(0x0c000000)
#define PLIC_SIZE CONST_UL(0x400000) // covers the contexts of NCPU harts
#define UART0_PA CONST_UL(0x10000000)
#define VIRTIO_MMIO_PA(slot) (CONST_UL(0x10001000) + CONST_UL(0x1000) * (slot))
#define VIRTIO_MMIO_SLOTS 8

#define UART0_IRQ 10
#define VIRTIO0_IRQ 1 // IRQ of virtio-mmio slot 0; slot i has IRQ 1+i

// User address space, from the bottom up:
//   0 .. USER_TEXT_BASE     never mapped (NULL dereferences fault)
//   USER_TEXT_BASE ..       program text and data (from the ELF)
//   .. p->heap_end          heap, grown by sbrk
//   ...                     free (mmap region, later)
//   USER_STACK_TOP - USERSTACK pages .. USER_STACK_TOP   stack
//   one page below the stack: the guard page, never mapped
#define USER_TEXT_BASE CONST_UL(0x10000)
#define USER_STACK_TOP MAXVA
