# The first instructions of the kernel, on every hart.
#
# OpenSBI enters here in S-mode at the kernel's physical load address
# (0x80200000) with a0 = hart id, a1 = DTB physical address, satp = 0
# (no paging) and interrupts off. The kernel is linked at its upper-half
# virtual address, so until paging is on we may only use PC-relative code.
# Other harts arrive at _entry_secondary, started by SBI HSM hart_start from
# the boot hart, with a0 = hart id and satp = 0 as well.
# Only the first hart to reach _entry boots the kernel: it claims
# boot_claimed with an atomic swap. (Under heavy host load OpenSBI has been
# seen to send a second hart to the entry point; that one is treated as a
# secondary hart and waits in kmain_secondary until the kernel is ready.)
#
# Steps, on each hart:
#   1. pick this hart's boot stack (boot_stacks + (hartid+1)*BOOT_STACK_SIZE)
#   2. turn on paging with boot_pagetable, which maps RAM twice: at its
#      physical address (so the next instruction still runs) and at its
#      upper-half alias (where the kernel is linked)
#   3. jump to the absolute (upper-half) address of the C entry point,
#      with sp moved to the upper half too.

#include "kernel/riscv.h"
#include "kernel/memlayout.h"

#define BOOT_STACK_SIZE 4096

.section .text.entry
.globl _entry
_entry:
        # the first hart here boots: C entry is kmain(hartid, dtb_pa)
        la      t0, boot_claimed
        li      t1, 1
        amoswap.w.aq t1, t1, (t0)
        bnez    t1, _entry_secondary
        la      t3, kmain_addr
        j       start_hart

.globl _entry_secondary
_entry_secondary:
        # a hart started by hart_start: kmain_secondary(hartid)
        la      t3, kmain_secondary_addr

start_hart:
        # 1. sp = boot_stacks + (hartid + 1) * BOOT_STACK_SIZE (physical)
        la      sp, boot_stacks
        li      t0, BOOT_STACK_SIZE
        addi    t1, a0, 1
        mul     t0, t0, t1
        add     sp, sp, t0

        # 2. satp = Sv39 | PPN(boot_pagetable); flush the TLB
        la      t0, boot_pagetable
        srli    t0, t0, PGSHIFT
        li      t1, SATP_SV39
        or      t0, t0, t1
        csrw    satp, t0
        sfence.vma zero, zero

        # 3. move sp to the upper half and jump to the C entry's absolute
        #    address (loaded from memory, so it is the linked address)
        li      t0, KERNEL_DIRECT_BASE
        add     sp, sp, t0
        ld      t3, 0(t3)
        mv      tp, a0
        jr      t3

.section .rodata
.balign 8
kmain_addr:
        .quad   kmain
kmain_secondary_addr:
        .quad   kmain_secondary

# The boot page table: three 1 GiB "gigapages" in the root table.
#   index 0     VA 0x0         -> PA 0x0          devices (UART ...), identity
#   index 2     VA 0x80000000  -> PA 0x80000000   RAM, identity
#   index 256   upper-half VA 0xFFFFFFC000000000 -> PA 0x0  devices
#   index 258   upper-half VA 0xFFFFFFC080000000 -> PA 0x80000000  RAM
# kvm_init() later replaces it with a finer table built in C.
#define GIGA_PTE(pa, flags) (((pa) >> 12) << 10 | (flags))
#define RWXAD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define RWAD (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

.section .data
.balign 4
boot_claimed:                      # in .data: kmain's .bss zeroing must not clear it
        .word   0

.balign 4096
.globl boot_pagetable
boot_pagetable:
        .quad   GIGA_PTE(0x00000000, RWAD)
        .quad   0
        .quad   GIGA_PTE(0x80000000, RWXAD)
        .fill   253, 8, 0
        .quad   GIGA_PTE(0x00000000, RWAD)
        .quad   0
        .quad   GIGA_PTE(0x80000000, RWXAD)
        .fill   253, 8, 0

.section .bss.bootstack, "aw", @nobits
.balign 4096
.globl boot_stacks
boot_stacks:
        .space  BOOT_STACK_SIZE * (8 + 1)  # one per hart (NCPU), stacks grow down
