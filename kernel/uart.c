// Driver for the ns16550a UART at UART0_PA (QEMU virt).
// OpenSBI has already set the line speed; we only turn on the receive
// interrupt. Output is synchronous: QEMU's UART transmits instantly, so
// waiting for the holding register costs nothing measurable.
#include "types.h"
#include "memlayout.h"
#include "uart.h"
#include "console.h"

// Registers, as byte offsets from the base.
#define UART_RHR 0 // receive holding register (read)
#define UART_THR 0 // transmit holding register (write)
#define UART_IER 1 // interrupt enable
#define UART_FCR 2 // FIFO control
#define UART_LSR 5 // line status

#define IER_RX_ENABLE (1 << 0)
#define FCR_FIFO_ENABLE (1 << 0)
#define FCR_FIFO_CLEAR (3 << 1)
#define LSR_RX_READY (1 << 0) // a byte is waiting in RHR
#define LSR_TX_IDLE (1 << 5)  // THR can take another byte

#define UART_REG(r) ((volatile uchar *)P2V(UART0_PA + (r)))

void
uart_init(void)
{
  *UART_REG(UART_FCR) = FCR_FIFO_ENABLE | FCR_FIFO_CLEAR;
  *UART_REG(UART_IER) = IER_RX_ENABLE;
}

void
uart_putc_sync(int c)
{
  while ((*UART_REG(UART_LSR) & LSR_TX_IDLE) == 0)
    ;
  *UART_REG(UART_THR) = c;
}

int
uart_getc(void)
{
  if (*UART_REG(UART_LSR) & LSR_RX_READY)
    return *UART_REG(UART_RHR);
  return -1;
}

void
uart_intr(void)
{
  int c;
  while ((c = uart_getc()) >= 0)
    console_intr(c);
}
