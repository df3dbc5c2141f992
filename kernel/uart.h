// The 16550a UART: the console's hardware.
#pragma once

void uart_init(void);
// Write one byte, waiting for the transmitter (never sleeps).
void uart_putc_sync(int c);
// Read one byte if one is waiting; -1 if none.
int uart_getc(void);
// UART interrupt: hand every received byte to the console.
void uart_intr(void);
