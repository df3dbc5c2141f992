// Kernel self-tests and micro-benchmarks that a user program can start
// with the ktest() system call. Shared by the kernel and user programs.
#pragma once

#define KTEST_SLAB_STRESS 1   // random kmalloc/kfree with content checks; 0 or -1
#define KTEST_BUDDY_CHECK 2   // check the buddy allocator's invariants; 0 or -1
#define KTEST_BENCH_KMALLOC 3 // arg pairs of kmalloc(32)/kfree; returns rdtime ticks
#define KTEST_BENCH_PAGES 4   // arg pairs of order-0 page alloc/free; rdtime ticks
#define KTEST_SPIN_ADD 5      // add 1 to a shared counter arg times under a spinlock
#define KTEST_SPIN_READ 6     // the shared counter's value (arg 1 also resets it)

#define KTEST_MAX_ITERATIONS 10000000 // bound on arg
