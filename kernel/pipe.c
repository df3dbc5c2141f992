// Pipes: a ring buffer between a write end and a read end.
//
// The pipe's bookkeeping comes from the "pipe" slab cache and its byte
// buffer is PIPESIZE bytes of pages from the buddy allocator. nread and
// nwrite count every byte ever read and written; they only grow (64 bits: they never wrap in
// practice), so
//   bytes waiting = nwrite - nread        (0 .. PIPESIZE)
//   next byte to read sits at data[nread % PIPESIZE]
//   next free byte sits at    data[nwrite % PIPESIZE]
// A writer sleeps on &pi->nwrite while the buffer is full; a reader sleeps
// on &pi->nread while it is empty. Each wakes the other after moving bytes.
// Bytes move with one copyin/copyout per contiguous run of the ring (at
// most two per pass), not byte by byte.
//
// Invariants:
//   (a) 0 <= nwrite - nread <= PIPESIZE
//   (b) the pipe is freed when both ends are closed, and only then
//
// Locks: [p] pi->lock
// Lock order: pi->lock -> p->lock (sleep_on, proc_killed). copyin and
// copyout run with pi->lock held, so they must not sleep; they do not on
// ordinary (anonymous) user memory.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "spinlock.h"
#include "printf.h"
#include "klib.h"
#include "kalloc.h"
#include "proc.h"
#include "vm.h"
#include "file.h"
#include "pipe.h"
#include "slab.h"

struct pipe {
  struct spinlock lock;
  uint64 nread;  // [p] bytes read since the pipe was made
  uint64 nwrite; // [p] bytes written since the pipe was made
  int readopen;  // [p] is the read end still open?
  int writeopen; // [p] is the write end still open?
  char *data;    // [p] the ring buffer: PIPESIZE bytes (2^PIPE_ORDER pages)
};

#define PIPE_ORDER 1                    // buffer pages: 2^PIPE_ORDER
#define PIPESIZE (PGSIZE << PIPE_ORDER) // 8 KiB: two 4 KiB writes fit

static struct slab_cache *pipe_cache;

void
pipe_init(void)
{
  if ((pipe_cache = slab_cache_create("pipe", sizeof(struct pipe))) == 0)
    panic("pipe_init: no memory");
}

// Free a pipe and its buffer.
static void
pipe_free(struct pipe *pi)
{
  if (pi->data)
    pages_free(pi->data, PIPE_ORDER);
  slab_free(pipe_cache, pi);
}

// Make a pipe and two open files for it: *readf reads, *writef writes.
// Returns 0, or -1 if a file or the page cannot be had (then nothing stays
// allocated).
int
pipe_alloc(struct file **readf, struct file **writef)
{
  struct pipe *pi = 0;
  struct file *rf = file_alloc();
  struct file *wf = file_alloc();
  if (rf == 0 || wf == 0)
    goto fail;
  pi = slab_alloc(pipe_cache);
  if (pi == 0)
    goto fail;
  if ((pi->data = pages_alloc(PIPE_ORDER)) == 0)
    goto fail;

  spin_init(&pi->lock, "pipe");
  pi->nread = 0;
  pi->nwrite = 0;
  pi->readopen = 1;
  pi->writeopen = 1;

  rf->type = FD_PIPE;
  rf->readable = 1;
  rf->writable = 0;
  rf->pipe = pi;
  wf->type = FD_PIPE;
  wf->readable = 0;
  wf->writable = 1;
  wf->pipe = pi;
  *readf = rf;
  *writef = wf;
  return 0;

fail:
  if (pi)
    pipe_free(pi);
  if (rf)
    file_close(rf); // still FD_NONE: just frees the slot
  if (wf)
    file_close(wf);
  return -1;
}

// Close one end of pi (the write end if writable) and wake whoever waits
// on the other end. The last close frees the page. Takes and releases
// pi->lock.
void
pipe_close(struct pipe *pi, int writable)
{
  spin_lock(&pi->lock);
  if (writable) {
    pi->writeopen = 0;
    wakeup(&pi->nread); // readers now see end of file
  } else {
    pi->readopen = 0;
    wakeup(&pi->nwrite); // writers now fail
  }
  int last = !pi->readopen && !pi->writeopen;
  spin_unlock(&pi->lock);
  if (last)
    pipe_free(pi);
}

// Write n bytes from user address addr into pi, sleeping while it is full.
// Returns n; or, if the read end closes, the process is killed, or addr
// turns out bad: -1 (the count so far if addr went bad after some bytes).
// Takes and releases pi->lock; sleeps.
int
pipe_write(struct pipe *pi, uint64 addr, int n)
{
  struct proc *p = myproc();
  int done = 0;
  int result = n;

  spin_lock(&pi->lock);
  while (done < n) {
    if (!pi->readopen || proc_killed(p)) {
      result = -1;
      break;
    }
    uint64 space = PIPESIZE - (pi->nwrite - pi->nread);
    if (space == 0) {
      wakeup(&pi->nread);
      sleep_on(&pi->nwrite, &pi->lock);
      continue;
    }
    uint64 at = pi->nwrite % PIPESIZE;
    uint64 run = MIN(MIN(space, PIPESIZE - at), (uint64)(n - done));
    if (copyin(p->pagetable, &pi->data[at], addr + done, run) < 0) {
      result = done > 0 ? done : -1;
      break;
    }
    pi->nwrite += run;
    done += run;
  }
  wakeup(&pi->nread);
  spin_unlock(&pi->lock);
  return result;
}

// Read up to n bytes from pi into user address addr. Sleeps while the pipe
// is empty and its write end is open. Returns the number of bytes read
// (0: end of file, the write end is closed and nothing is left), or -1 if
// the process is killed or addr is bad. Takes and releases pi->lock.
int
pipe_read(struct pipe *pi, uint64 addr, int n)
{
  struct proc *p = myproc();
  int done = 0;

  if (n <= 0)
    return 0;
  spin_lock(&pi->lock);
  while (pi->nread == pi->nwrite && pi->writeopen) {
    if (proc_killed(p)) {
      spin_unlock(&pi->lock);
      return -1;
    }
    sleep_on(&pi->nread, &pi->lock);
  }
  while (done < n && pi->nread != pi->nwrite) {
    uint64 at = pi->nread % PIPESIZE;
    uint64 waiting = pi->nwrite - pi->nread;
    uint64 run = MIN(MIN(waiting, PIPESIZE - at), (uint64)(n - done));
    if (copyout(p->pagetable, addr + done, &pi->data[at], run) < 0) {
      if (done == 0)
        done = -1;
      break;
    }
    pi->nread += run;
    done += run;
  }
  wakeup(&pi->nwrite);
  spin_unlock(&pi->lock);
  return done;
}
