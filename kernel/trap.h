// Traps: system calls, exceptions and interrupts.
#pragma once
#include "types.h"

// Clock ticks since boot (TICK_HZ per second), and its lock; sleepers in
// pause() wait on &ticks.
extern struct spinlock tickslock;
extern uint64 ticks; // [tickslock]

void trap_init(void);
// Per hart: kernel trap vector, interrupt enables, first timer tick.
void trap_init_hart(void);
// Return to user mode from the current process's trapframe.
_Noreturn void user_trap_return(void);
