// The PLIC on QEMU virt (32-bit registers only).
//   priority of IRQ i:          base + 4*i
//   enable bits of context c:   base + 0x2000 + 0x80*c
//   threshold of context c:     base + 0x200000 + 0x1000*c
//   claim/complete of context c: threshold + 4
// Hart h's S-mode context is c = 2h + 1 (2h is its M-mode context).
#include "types.h"
#include "memlayout.h"
#include "plic.h"
#include "proc.h"

#define PLIC_PRIORITY(irq) (PLIC_PA + 4 * (irq))
#define PLIC_ENABLE(ctx) (PLIC_PA + 0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) (PLIC_PA + 0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_THRESHOLD(ctx) + 4)
#define S_CONTEXT(hart) (2 * (hart) + 1)

#define REG(pa) (*(volatile uint32 *)P2V(pa))

void
plic_init(void)
{
  REG(PLIC_PRIORITY(UART0_IRQ)) = 1; // any non-zero priority enables it
  REG(PLIC_PRIORITY(VIRTIO0_IRQ)) = 1;
}

void
plic_init_hart(void)
{
  int ctx = S_CONTEXT(cpuid());
  REG(PLIC_ENABLE(ctx)) = (1 << UART0_IRQ) | (1 << VIRTIO0_IRQ);
  // QEMU 7.2: set the threshold after the enable bits, or an interrupt
  // that is already pending is never delivered.
  REG(PLIC_THRESHOLD(ctx)) = 0;
}

int
plic_claim(void)
{
  return REG(PLIC_CLAIM(S_CONTEXT(cpuid())));
}

void
plic_complete(int irq)
{
  REG(PLIC_CLAIM(S_CONTEXT(cpuid()))) = irq;
}
