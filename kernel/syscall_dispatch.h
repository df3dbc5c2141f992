// The system call dispatcher.
#pragma once

// Run the system call whose number is in the current process's a7, with
// arguments in a0..a5; put its result in a0. An unknown number returns -1.
void syscall(void);
