// The console: UART output and line-edited input, device CONSOLE.
#pragma once

void console_init(void);
// One character of input from the UART interrupt handler.
void console_intr(int c);
// Write one character to the console (kernel output; never sleeps).
void console_putc(int c);
