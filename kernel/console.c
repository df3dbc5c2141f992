// The console device: line-edited keyboard input and screen output.
//
// Input arrives one character at a time from the UART interrupt
// (console_intr). Characters are echoed and collected in a ring buffer;
// a reader (console_read) gets nothing until a whole line is typed (or
// Ctrl-D). Editing keys: Backspace/Delete erases a character, Ctrl-U the
// line, Ctrl-P prints the process table.
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "proc.h"
#include "file.h"
#include "console.h"
#include "uart.h"
#include "klib.h"

#define CTRL(x) ((x) - '@')
#define KEY_BACKSPACE '\b'
#define KEY_DELETE 0x7f
#define WRITE_CHUNK 128 // bytes copied from user space at a time

// Locks: [lock] cons.lock
static struct {
  struct spinlock lock;
  char buf[CONSOLE_BUF]; // [lock] ring buffer of typed characters
  uint read_idx;         // [lock] next byte console_read returns
  uint commit_idx;       // [lock] end of complete lines (readable)
  uint edit_idx;         // [lock] end of the line being typed
} cons;

// Serialises user writes so one write()'s bytes stay together.
static struct spinlock write_lock;

void
console_putc(int c)
{
  uart_putc_sync(c);
}

// Erase the last character on the screen.
static void
echo_erase(void)
{
  uart_putc_sync('\b');
  uart_putc_sync(' ');
  uart_putc_sync('\b');
}

// Copy up to n bytes of input to dst, waiting for a complete line.
// Returns the number of bytes copied (0 at end of file), or -1 if the
// process is killed or the destination is bad.
static int
console_read(int user_dst, uint64 dst, int n)
{
  int want = n;
  spin_lock(&cons.lock);
  while (n > 0) {
    while (cons.read_idx == cons.commit_idx) {
      if (proc_killed(myproc())) {
        spin_unlock(&cons.lock);
        return -1;
      }
      sleep_on(&cons.read_idx, &cons.lock);
    }
    char c = cons.buf[cons.read_idx % CONSOLE_BUF];
    if (c == CTRL('D')) { // end of file
      if (n == want)
        cons.read_idx++; // only if it is the first thing we read
      break;
    }
    cons.read_idx++;
    if (either_copyout(user_dst, dst, &c, 1) < 0) {
      spin_unlock(&cons.lock);
      return -1;
    }
    dst++;
    n--;
    if (c == '\n')
      break;
  }
  spin_unlock(&cons.lock);
  return want - n;
}

// Write n bytes from src to the screen. Returns n, or -1 if src is bad.
static int
console_write(int user_src, uint64 src, int n)
{
  char chunk[WRITE_CHUNK];
  spin_lock(&write_lock);
  for (int done = 0; done < n;) {
    int m = MIN(n - done, WRITE_CHUNK);
    if (either_copyin(chunk, user_src, src + done, m) < 0) {
      spin_unlock(&write_lock);
      return -1;
    }
    for (int i = 0; i < m; i++)
      uart_putc_sync(chunk[i]);
    done += m;
  }
  spin_unlock(&write_lock);
  return n;
}

void
console_intr(int c)
{
  if (c == CTRL('P')) {
    procdump();
    return;
  }
  spin_lock(&cons.lock);
  if (c == CTRL('U')) {
    for (; cons.edit_idx != cons.commit_idx; cons.edit_idx--)
      echo_erase();
  } else if (c == KEY_BACKSPACE || c == KEY_DELETE) {
    if (cons.edit_idx != cons.commit_idx) {
      cons.edit_idx--;
      echo_erase();
    }
  } else if (c != 0 && cons.edit_idx - cons.read_idx < CONSOLE_BUF) {
    c = (c == '\r') ? '\n' : c;
    if (c != CTRL('D'))
      uart_putc_sync(c);
    cons.buf[cons.edit_idx++ % CONSOLE_BUF] = c;
    if (c == '\n' || c == CTRL('D') || cons.edit_idx - cons.read_idx == CONSOLE_BUF) {
      cons.commit_idx = cons.edit_idx;
      wakeup(&cons.read_idx);
    }
  }
  spin_unlock(&cons.lock);
}

void
console_init(void)
{
  spin_init(&cons.lock, "cons");
  spin_init(&write_lock, "conswrite");
  uart_init();
  devsw[CONSOLE].read = console_read;
  devsw[CONSOLE].write = console_write;
}
