// SBI calls: ecall from S-mode with the extension id in a7, the function
// id in a6 and arguments in a0..a5; the firmware returns an error code in
// a0 and a value in a1.
#include "types.h"
#include "sbi.h"

#define SBI_EXT_TIME 0x54494D45 // "TIME"
#define SBI_EXT_IPI 0x735049    // "sPI"
#define SBI_EXT_HSM 0x48534D    // "HSM"
#define SBI_EXT_SRST 0x53525354 // "SRST"

#define SBI_TIME_SET_TIMER 0
#define SBI_IPI_SEND 0
#define SBI_HSM_HART_START 0
#define SBI_SRST_RESET 0
#define SBI_SRST_TYPE_SHUTDOWN 0
#define SBI_SRST_REASON_NONE 0

struct sbiret {
  long error;
  long value;
};

// Make one SBI call with up to three arguments.
static struct sbiret
sbi_call(uint64 ext, uint64 fn, uint64 arg0, uint64 arg1, uint64 arg2)
{
  register uint64 a0 asm("a0") = arg0;
  register uint64 a1 asm("a1") = arg1;
  register uint64 a2 asm("a2") = arg2;
  register uint64 a6 asm("a6") = fn;
  register uint64 a7 asm("a7") = ext;
  asm volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
  return (struct sbiret){.error = a0, .value = a1};
}

void
sbi_set_timer(uint64 stime)
{
  sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, stime, 0, 0);
}

void
sbi_send_ipi(uint64 hart_mask)
{
  sbi_call(SBI_EXT_IPI, SBI_IPI_SEND, hart_mask, 0, 0);
}

long
sbi_hart_start(uint64 hartid, uint64 start_pa, uint64 opaque)
{
  return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, start_pa, opaque).error;
}

void
sbi_shutdown(void)
{
  sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_SHUTDOWN, SBI_SRST_REASON_NONE, 0);
  for (;;) // the firmware refused: stop here
    asm volatile("wfi");
}
