# The README's gdb walkthrough: follow one system call from the user's
# ecall, through the kernel's dispatcher, and back to user mode.
#
# test-grade.py (test "gdb") runs it as
#   gdb-multiarch -batch -nx -x <.gdbinit.tmpl with the port + this file>
# against a QEMU started with -S; .gdbinit.tmpl connects and defines the
# helpers (to-user). Every fact the grader checks is printed on a line that
# starts with "walkthrough: ". In batch mode gdb stops at the first error,
# so a missing symbol or a failed step leaves lines missing.
#
# By hand: `make qemu-gdb` in one terminal, `make gdb` in another, then
# type the commands below (without the printf lines).

# 1. Stop at the first write() system call from user mode: the trap entry
#    runs for every trap, so make the breakpoint conditional on the cause
#    (scause 8 = environment call from U-mode) and the call (a7 = 16,
#    SYS_write in kernel/syscall.h). Why write: it never sleeps. A system
#    call that sleeps (open, read, wait) may wake up on another hart, and
#    `finish` and the breakpoints below wait for this hart (gdb thread).
break uservec if $scause == 8 && $a7 == 16
continue
printf "walkthrough: scause = %d\n", $scause
printf "walkthrough: sepc = 0x%lx\n", $sepc
printf "walkthrough: a7 = %d\n", $a7
printf "walkthrough: priv at uservec = %d\n", $priv
delete

# 2. Into the C dispatcher, syscall() in kernel/syscall.c, for this
# process. The process is named by its page table ($satp, the same in user
# and kernel mode), not by the hart: user_trap enables interrupts before it
# calls syscall(), so a timer interrupt may move the process to another hart.
set $walk_satp = $satp
tbreak syscall if $satp == $walk_satp
continue
printf "walkthrough: stopped in "
info symbol $pc
# uservec saved the user's registers in the process's trapframe; tp holds
# this hart's id, so cpus[$tp].proc is the process (what myproc() returns).
printf "walkthrough: a7 in the trapframe = %d\n", cpus[$tp].proc->trapframe->a7

# 3. Let the system call run, until user_trap sends the process back to
# user mode. (Not `finish`: the kernel may preempt the system call and
# resume it on another hart, and finish waits on this one. Follow the
# process instead.)
set $walk_proc = cpus[$tp].proc
tbreak user_trap_return if cpus[$tp].proc == $walk_proc
continue
printf "walkthrough: returned to "
info symbol $pc

# 4. Follow sret back to user mode (helper from .gdbinit.tmpl).
to-user
printf "walkthrough: priv = %d\n", $priv
printf "walkthrough: user pc = 0x%lx\n", $pc
printf "walkthrough: done\n"
kill
