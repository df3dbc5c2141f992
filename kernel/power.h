// Powering the machine off.
#pragma once

#define POWER_EXIT_OK 0    // QEMU exits with status 0
#define POWER_EXIT_PANIC 1 // QEMU exits with a failure status

// Stop every hart and power off. With POWER_EXIT_OK this is SBI system
// reset (shutdown); otherwise the sifive_test device makes QEMU exit with
// a non-zero status, so a panic fails a test run at once.
_Noreturn void power_off(int status);
