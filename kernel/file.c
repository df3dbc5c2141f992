// Open files: the objects that file descriptors point to.
//
// A struct file is one "open" of something: a pipe end, an inode (a
// regular file or directory) or a device. It carries what the open
// decided: readable, writable, and (for inodes) the current offset.
// Several descriptors, in one process (dup) or several (fork), may share
// one struct file, and so share its offset; ref counts them.
//
// All open files live in ftable. devsw[] maps a device's major number to
// its driver's read and write functions (the console registers itself as
// devsw[CONSOLE]).
//
// Locks: [f] ftable.lock  [I] set when the file is opened, then read-only
//        [i] f->ip->lock (the offset of an inode file moves under it)
// Lock order: log op -> inode lock -> ftable.lock (a leaf: nothing is
// taken while holding it).
#include "types.h"
#include "param.h"
#include "stat.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "printf.h"
#include "klib.h"
#include "proc.h"
#include "vm.h"
#include "fs.h"
#include "log.h"
#include "inode.h"
#include "pipe.h"
#include "file.h"
#include "slab.h"

// Drivers fill in their entries at boot ([I] afterwards).
struct devsw devsw[NDEV];

// Open files come from the "file" slab cache; ftable.lock guards every
// file's ref and type (the rest is [I] while ref > 0).
static struct {
  struct spinlock lock;
  struct slab_cache *cache;
} ftable;

// One log op may write at most MAXOPBLOCKS blocks. A write that touches d
// data blocks may also write the inode, the indirect block, and one bitmap
// block for each block it allocates (the d data blocks and the indirect
// block, in the worst case all in different bitmap blocks):
//   d + 1 + 1 + (d + 1) = 2d + 3 <= MAXOPBLOCKS
// so file_write splits a write into chunks of at most this many blocks.
#define WRITE_CHUNK_BLOCKS ((MAXOPBLOCKS - 3) / 2)
_Static_assert(WRITE_CHUNK_BLOCKS >= 1, "file: MAXOPBLOCKS too small");

// Set up the file table. Boot hart, once.
void
file_init(void)
{
  spin_init(&ftable.lock, "ftable");
  if ((ftable.cache = slab_cache_create("file", sizeof(struct file))) == 0)
    panic("file_init: no memory");
}

// Allocate an open file with ref 1 and type FD_NONE (the caller fills it
// in). Returns 0 if memory is exhausted.
struct file *
file_alloc(void)
{
  struct file *f = slab_alloc(ftable.cache); // zero-filled
  if (f) {
    f->type = FD_NONE;
    f->ref = 1;
  }
  return f;
}

// Add a reference to f and return it (for dup and fork).
// Takes and releases ftable.lock.
struct file *
file_dup(struct file *f)
{
  spin_lock(&ftable.lock);
  if (f->ref < 1)
    panic("file_dup: file not open");
  f->ref++;
  spin_unlock(&ftable.lock);
  return f;
}

// Drop a reference to f. The last reference closes what f refers to: the
// pipe end, or the inode (inode_put, inside its own log op, since dropping
// the last reference to an unlinked file frees it on disk).
// Takes and releases ftable.lock; may sleep afterwards (hold no spinlock).
void
file_close(struct file *f)
{
  spin_lock(&ftable.lock);
  if (f->ref < 1)
    panic("file_close: file not open");
  f->ref--;
  if (f->ref > 0) {
    spin_unlock(&ftable.lock);
    return;
  }
  struct file closing = *f;
  spin_unlock(&ftable.lock);
  slab_free(ftable.cache, f);

  if (closing.type == FD_PIPE) {
    pipe_close(closing.pipe, closing.writable);
  } else if (closing.type == FD_INODE || closing.type == FD_DEVICE) {
    log_begin_op();
    inode_put(closing.ip);
    log_end_op();
  }
}

// Copy the status of f's inode to user address addr of the current
// process. Returns 0, or -1 if f is not an inode or device, or addr is bad.
int
file_stat(struct file *f, uint64 addr)
{
  struct stat st;

  if (f->type != FD_INODE && f->type != FD_DEVICE)
    return -1;
  inode_lock(f->ip);
  inode_stat(f->ip, &st);
  inode_unlock(f->ip);
  if (copyout(myproc()->pagetable, addr, &st, sizeof(st)) < 0)
    return -1;
  return 0;
}

// Is major a device number with a driver function of the given kind?
static int
device_ok(short major, int for_write)
{
  if (major < 0 || major >= NDEV)
    return 0;
  return for_write ? devsw[major].write != 0 : devsw[major].read != 0;
}

// Read up to n bytes from f into user address addr, at f's offset for an
// inode (which moves past what was read). Returns the number of bytes read
// (0 at end of file), or -1 if f is not readable, the device has no
// driver, or addr is bad. May sleep.
int
file_read(struct file *f, uint64 addr, int n)
{
  if (!f->readable || n < 0)
    return -1;

  switch (f->type) {
  case FD_PIPE:
    return pipe_read(f->pipe, addr, n);
  case FD_DEVICE:
    if (!device_ok(f->major, 0))
      return -1;
    return devsw[f->major].read(1, addr, n);
  case FD_INODE: {
    inode_lock(f->ip);
    int r = inode_read(f->ip, 1, addr, f->off, n);
    if (r > 0)
      f->off += r;
    inode_unlock(f->ip);
    return r;
  }
  default:
    panic("file_read: file of unknown type %d", f->type);
  }
}

// Write n bytes from user address addr to inode file f at its offset, in
// chunks of at most WRITE_CHUNK_BLOCKS blocks, each in its own log op (so
// a large write is not atomic, but each chunk is). Returns the number of
// bytes written, or -1 if nothing could be written.
static int
file_write_inode(struct file *f, uint64 addr, int n)
{
  int done = 0;
  while (done < n) {
    // Stop the chunk at a block boundary so it touches at most
    // WRITE_CHUNK_BLOCKS blocks.
    int room = WRITE_CHUNK_BLOCKS * BSIZE - f->off % BSIZE;
    int chunk = MIN(n - done, room);

    log_begin_op();
    inode_lock(f->ip);
    int r = inode_write(f->ip, 1, addr + done, f->off, chunk);
    if (r > 0)
      f->off += r;
    inode_unlock(f->ip);
    log_end_op();

    if (r < 0)
      return done > 0 ? done : -1;
    done += r;
    if (r != chunk)
      break; // the disk is full
  }
  return done > 0 || n == 0 ? done : -1;
}

// Write n bytes from user address addr to f. Returns the number of bytes
// written (n unless the disk filled up), or -1 if f is not writable, the
// device has no driver, the pipe's reader is gone, or addr is bad.
// May sleep.
int
file_write(struct file *f, uint64 addr, int n)
{
  if (!f->writable || n < 0)
    return -1;

  switch (f->type) {
  case FD_PIPE:
    return pipe_write(f->pipe, addr, n);
  case FD_DEVICE:
    if (!device_ok(f->major, 1))
      return -1;
    return devsw[f->major].write(1, addr, n);
  case FD_INODE:
    return file_write_inode(f, addr, n);
  default:
    panic("file_write: file of unknown type %d", f->type);
  }
}
