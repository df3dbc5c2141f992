// Calls into the SBI firmware (OpenSBI), which runs in M-mode below us.
// Extension and function numbers are from the SBI specification 1.0.
#pragma once
#include "types.h"

// Ask for a timer interrupt at time stime (rdtime units).
void sbi_set_timer(uint64 stime);
// Raise a software interrupt on every hart in the mask (bit i = hart i).
void sbi_send_ipi(uint64 hart_mask);
#define SBI_ERR_ALREADY_AVAILABLE (-6) // hart_start: the hart is running

// Start a stopped hart at physical address start_pa with a1 = opaque.
// Returns the SBI error code (0 = success).
long sbi_hart_start(uint64 hartid, uint64 start_pa, uint64 opaque);
// Power the machine off. Does not return.
_Noreturn void sbi_shutdown(void);
