# Trap entry and exit.
#
# uservec: stvec points here while a hart runs in user mode.
#   A trap from user mode (ecall, page fault, interrupt) arrives with the
#   user's registers still live. The kernel is mapped in every address
#   space (upper half), so there is no satp switch:
#   1. swap a0 with sscratch: a0 = this process's trapframe (kernel VA),
#      sscratch = the user's a0
#   2. save the user's registers in the trapframe; sepc (user pc) too
#   3. load the kernel stack pointer and hart id (tp) from the trapframe
#   4. call user_trap() in trap.c, which never returns here; it leaves
#      through user_trap_return() -> userret below.
#
# userret(trapframe): the last step back to user mode. user_trap_return
#   has already set stvec = uservec, sscratch = trapframe, sepc and
#   sstatus (SPP = user, SPIE = 1); we restore the user's registers and
#   sret, which jumps to sepc in user mode with interrupts enabled.
#
# kernelvec: stvec points here while a hart runs in the kernel. It saves
#   the caller-saved registers on the current kernel stack, calls
#   kernel_trap(), restores them and returns with sret.
#
# The trapframe offsets are those of struct trapframe in proc.h (checked
# with _Static_assert in trap.c).

#define TF_A0 72
#define TF_EPC 248
#define TF_KERNEL_SP 256
#define TF_KERNEL_HARTID 264

.section .text
.globl uservec
.balign 4
uservec:
        # 1. a0 <-> sscratch
        csrrw   a0, sscratch, a0

        # 2. save user registers (all but a0, which is in sscratch)
        sd      ra, 0(a0)
        sd      sp, 8(a0)
        sd      gp, 16(a0)
        sd      tp, 24(a0)
        sd      t0, 32(a0)
        sd      t1, 40(a0)
        sd      t2, 48(a0)
        sd      s0, 56(a0)
        sd      s1, 64(a0)
        sd      a1, 80(a0)
        sd      a2, 88(a0)
        sd      a3, 96(a0)
        sd      a4, 104(a0)
        sd      a5, 112(a0)
        sd      a6, 120(a0)
        sd      a7, 128(a0)
        sd      s2, 136(a0)
        sd      s3, 144(a0)
        sd      s4, 152(a0)
        sd      s5, 160(a0)
        sd      s6, 168(a0)
        sd      s7, 176(a0)
        sd      s8, 184(a0)
        sd      s9, 192(a0)
        sd      s10, 200(a0)
        sd      s11, 208(a0)
        sd      t3, 216(a0)
        sd      t4, 224(a0)
        sd      t5, 232(a0)
        sd      t6, 240(a0)
        csrr    t0, sscratch
        sd      t0, TF_A0(a0)
        csrr    t0, sepc
        sd      t0, TF_EPC(a0)

        # 3. kernel stack and hart id
        ld      sp, TF_KERNEL_SP(a0)
        ld      tp, TF_KERNEL_HARTID(a0)

        # 4. into C; user_trap() does not return
        call    user_trap
1:      j       1b

.globl userret
userret:
        # a0 = trapframe. Restore every user register, a0 last.
        ld      ra, 0(a0)
        ld      sp, 8(a0)
        ld      gp, 16(a0)
        ld      tp, 24(a0)
        ld      t0, 32(a0)
        ld      t1, 40(a0)
        ld      t2, 48(a0)
        ld      s0, 56(a0)
        ld      s1, 64(a0)
        ld      a1, 80(a0)
        ld      a2, 88(a0)
        ld      a3, 96(a0)
        ld      a4, 104(a0)
        ld      a5, 112(a0)
        ld      a6, 120(a0)
        ld      a7, 128(a0)
        ld      s2, 136(a0)
        ld      s3, 144(a0)
        ld      s4, 152(a0)
        ld      s5, 160(a0)
        ld      s6, 168(a0)
        ld      s7, 176(a0)
        ld      s8, 184(a0)
        ld      s9, 192(a0)
        ld      s10, 200(a0)
        ld      s11, 208(a0)
        ld      t3, 216(a0)
        ld      t4, 224(a0)
        ld      t5, 232(a0)
        ld      t6, 240(a0)
        ld      a0, TF_A0(a0)
        # to user mode, at sepc
        sret

# Kernel traps: 16 caller-saved registers on the stack (128 bytes, keeps
# sp 16-byte aligned). tp is not restored: if kernel_trap() yielded, this
# thread may resume on another hart, and tp must name that hart.
#define KFRAME 128
.globl kernelvec
.balign 4
kernelvec:
        addi    sp, sp, -KFRAME
        sd      ra, 0(sp)
        sd      t0, 8(sp)
        sd      t1, 16(sp)
        sd      t2, 24(sp)
        sd      a0, 32(sp)
        sd      a1, 40(sp)
        sd      a2, 48(sp)
        sd      a3, 56(sp)
        sd      a4, 64(sp)
        sd      a5, 72(sp)
        sd      a6, 80(sp)
        sd      a7, 88(sp)
        sd      t3, 96(sp)
        sd      t4, 104(sp)
        sd      t5, 112(sp)
        sd      t6, 120(sp)

        call    kernel_trap

        ld      ra, 0(sp)
        ld      t0, 8(sp)
        ld      t1, 16(sp)
        ld      t2, 24(sp)
        ld      a0, 32(sp)
        ld      a1, 40(sp)
        ld      a2, 48(sp)
        ld      a3, 56(sp)
        ld      a4, 64(sp)
        ld      a5, 72(sp)
        ld      a6, 80(sp)
        ld      a7, 88(sp)
        ld      t3, 96(sp)
        ld      t4, 104(sp)
        ld      t5, 112(sp)
        ld      t6, 120(sp)
        addi    sp, sp, KFRAME
        sret
