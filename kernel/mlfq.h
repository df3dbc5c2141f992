// The multi-level feedback queue scheduler, in the form OSTEP teaches:
//   1. a higher level runs before a lower one; within a level, round robin;
//   2. a new process starts at the top level;
//   3. once a process has used its allotment of run time at a level --
//      in one slice or in many short ones -- it moves down one level;
//   4. every boost period every process goes back to the top level.
// There is also a plain round-robin policy (one level, one-tick slices),
// so that what MLFQ buys can be measured.
#pragma once
#include "types.h"
#include "procinfo.h" // SCHED_RR, SCHED_MLFQ

struct proc;

void mlfq_init(void);

// Queue a RUNNABLE process at the tail of its level and wake an idle hart
// for it. p->lock held.
void runq_add(struct proc *p);

// Take the first process of the highest non-empty level; 0 if none.
struct proc *runq_pop(void);

// Is any process queued? (For idle harts, before they wfi.)
int runq_nonempty(void);

// Charge p for the time it ran since p->run_start, moving it down a level
// if it has used up its allotment. p->lock held.
void mlfq_charge(struct proc *p, uint64 now);

// Called on each timer interrupt on a hart running p: should p give up the
// hart now (slice or allotment used up, or higher-level work waiting)?
int mlfq_should_preempt(struct proc *p, uint64 now);

// Move every process back to the top level.
void mlfq_boost(void);

// The policy in force.
int mlfq_get_policy(void);

// Switch policy (SCHED_RR or SCHED_MLFQ). Returns the old one, or -1.
int mlfq_set_policy(int policy);
