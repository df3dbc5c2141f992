// Tunable limits. Each has a one-line reason; change them here only.
#pragma once

#define NPROC 512                 // most processes at once (memory may run out first)
#define NCPU 8                    // maximum number of harts (hart ids 0..NCPU-1)
#define NOFILE 16                 // open files per process
#define NSEM 16                   // semaphore descriptors per process
#define NFILE 100                 // (xv6's; open files now come from a slab cache)
#define NINODE 50                 // (xv6's; in-memory inodes come from a slab cache)
#define NDEV 10                   // maximum major device number
#define ROOTDEV 1                 // device number of the file system root disk
#define MAXARG 32                 // max exec arguments
#define MAXENV 64                 // max exec environment strings
#define MAXOPBLOCKS 10            // max # of blocks any FS op writes
#define LOGSIZE (MAXOPBLOCKS * 3) // max data blocks in on-disk log
#define NBUF (MAXOPBLOCKS * 6)    // size of disk block cache (the log pins up to LOGSIZE)
#define FSSIZE 20000              // size of file system in blocks (20 MiB)
#define MAXPATH 128               // maximum file path name
#define USERSTACK 4               // user stack pages (below it: one guard page)

#define TICK_HZ 100 // timer interrupts per second on each hart

// The MLFQ scheduler (kernel/mlfq.c). Times are in clock ticks.
#define MLFQ_LEVELS 3                        // priority levels; 0 is the top
#define MLFQ_SLICE(level) (1 << (level))     // time slice: 1, 2, 4 ticks
#define MLFQ_ALLOTMENT(level) (4 << (level)) // time at a level before demotion
#define MLFQ_BOOST_TICKS 100                 // every 1 s all processes return to the top
#define CONSOLE_BUF 1024                     // bytes of typed-ahead console input kept
