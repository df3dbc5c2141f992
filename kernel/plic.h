// The platform-level interrupt controller (PLIC): routes device
// interrupts (UART, disk) to harts.
#pragma once

void plic_init(void);
// Enable the device interrupts for this hart's S-mode context.
void plic_init_hart(void);
// The highest-priority pending IRQ for this hart, or 0 if none.
int plic_claim(void);
// Tell the PLIC this hart has finished with irq.
void plic_complete(int irq);
