// Fetching system call arguments from the current process's trapframe.
// Arguments are in a0..a5 (n = 0..5). Pointers are checked when they are
// used (copyin/copyout), so a bad pointer turns into an error return.
#pragma once
#include "types.h"

int arg_int(int n);
uint64 arg_addr(int n);
// Copy the NUL-terminated string argument n into buf (at most max bytes,
// NUL included). Returns its length, or -1 if bad or too long.
int arg_str(int n, char *buf, int max);
// Read a 64-bit word at user address addr. 0 or -1.
int fetch_addr(uint64 addr, uint64 *ip);
// Copy a string at user address addr. Length, or -1.
int fetch_str(uint64 addr, char *buf, int max);
