// The buffer cache: NBUF in-memory copies of disk blocks.
//
// Every disk block the file system touches passes through here. The cache
// does two jobs:
//   1. it keeps recently used blocks in memory, so repeated reads of the
//      same block (the root directory, inode blocks, the bitmap) need no disk
//      access;
//   2. it makes sure that at most one copy of each block exists in memory,
//      and that one process at a time uses it (each buffer has a sleeplock).
//
// Usage: b = bio_read(dev, blockno); look at / change b->data;
//        bio_write(b) (or log_write(b) inside a log op); bio_release(b).
//
// The buffers sit on a doubly-linked list in least-recently-used order:
// bcache.lru.next is the most recently released buffer, bcache.lru.prev the
// least recently released. A lookup scans from the front (a hit is likely
// to be recent); recycling scans from the back (evict the oldest).
//
// Invariants:
//   (a) a buffer with refcnt > 0 is never recycled for another block;
//   (b) at most one buffer holds a given (dev, blockno);
//   (c) b->data may be read or written only by the holder of b->lock.
//
// Locks: [c] bcache.lock  [b] the buffer's sleeplock  [I] set at init
// Lock order: buffer sleeplock -> bcache.lock (bcache.lock is never held
// while sleeping, so it can be taken under any other lock).
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "printf.h"
#include "buf.h"
#include "virtio.h"

#define VIRTIO_READ 0  // virtio_blk_rw: read the block from disk
#define VIRTIO_WRITE 1 // virtio_blk_rw: write the block to disk

static struct {
  struct spinlock lock; // protects the list, dev, blockno and refcnt
  struct buf buf[NBUF]; // [I] the buffers themselves
  struct buf lru;       // [c] list head; lru.next = most recently used
} bcache;

// Unlink b from the LRU list. Caller holds bcache.lock.
static void
lru_remove(struct buf *b)
{
  b->prev->next = b->next;
  b->next->prev = b->prev;
}

// Insert b at the front (most recently used end) of the LRU list.
// Caller holds bcache.lock.
static void
lru_push_front(struct buf *b)
{
  b->next = bcache.lru.next;
  b->prev = &bcache.lru;
  bcache.lru.next->prev = b;
  bcache.lru.next = b;
}

// Set up the cache: every buffer empty, on the LRU list. Boot hart, once,
// before any file system activity.
void
bio_init(void)
{
  spin_init(&bcache.lock, "bcache");
  bcache.lru.prev = &bcache.lru;
  bcache.lru.next = &bcache.lru;
  for (struct buf *b = bcache.buf; b < bcache.buf + NBUF; b++) {
    sleeplock_init(&b->lock, "buffer");
    b->valid = 0;
    b->refcnt = 0;
    lru_push_front(b);
  }
}

// Find the buffer for (dev, blockno), or recycle the least recently used
// unreferenced buffer for it. Returns it referenced and locked (the
// contents are valid only if b->valid). Panics if every buffer is in use.
// Takes and releases bcache.lock; may sleep on the buffer's lock.
static struct buf *
bio_get(uint dev, uint blockno)
{
  struct buf *b;

  spin_lock(&bcache.lock);
  for (b = bcache.lru.next; b != &bcache.lru; b = b->next) {
    if (b->dev == dev && b->blockno == blockno) {
      b->refcnt++;
      spin_unlock(&bcache.lock);
      sleeplock_acquire(&b->lock);
      return b;
    }
  }
  for (b = bcache.lru.prev; b != &bcache.lru; b = b->prev) {
    if (b->refcnt == 0) {
      b->dev = dev;
      b->blockno = blockno;
      b->valid = 0; // the old contents belong to another block
      b->refcnt = 1;
      spin_unlock(&bcache.lock);
      sleeplock_acquire(&b->lock);
      return b;
    }
  }
  panic("bio: no free buffers (all %d referenced or pinned)", NBUF);
}

// Return the buffer holding block blockno of dev, locked, reading it from
// disk if it is not cached. Never fails (panics if the cache is full).
// Sleeps: call from a process, holding no spinlock.
struct buf *
bio_read(uint dev, uint blockno)
{
  struct buf *b = bio_get(dev, blockno);
  if (!b->valid) {
    virtio_blk_rw(b, VIRTIO_READ);
    b->valid = 1;
  }
  return b;
}

// Write b's contents to its disk block now, waiting for the disk.
// Caller holds b->lock (panics otherwise).
void
bio_write(struct buf *b)
{
  if (!sleeplock_holding(&b->lock))
    panic("bio: write of block %d without its lock", b->blockno);
  virtio_blk_rw(b, VIRTIO_WRITE);
}

// Unlock b and drop the reference bio_read gave. When the last reference
// goes, b becomes the most recently used buffer (the last to be recycled).
// Caller holds b->lock (panics otherwise).
void
bio_release(struct buf *b)
{
  if (!sleeplock_holding(&b->lock))
    panic("bio: release of block %d without its lock", b->blockno);
  sleeplock_release(&b->lock);

  spin_lock(&bcache.lock);
  if (b->refcnt < 1)
    panic("bio: release of unreferenced block %d", b->blockno);
  b->refcnt--;
  if (b->refcnt == 0) {
    lru_remove(b);
    lru_push_front(b);
  }
  spin_unlock(&bcache.lock);
}

// Add a reference to b so that it stays in the cache (invariant (a)) after
// its user releases it. The log pins each block it must write at commit.
// b must already be referenced. Takes and releases bcache.lock.
void
bio_pin(struct buf *b)
{
  spin_lock(&bcache.lock);
  if (b->refcnt < 1)
    panic("bio: pin of unreferenced block %d", b->blockno);
  b->refcnt++;
  spin_unlock(&bcache.lock);
}

// Drop the reference bio_pin added. Takes and releases bcache.lock.
void
bio_unpin(struct buf *b)
{
  spin_lock(&bcache.lock);
  if (b->refcnt < 1)
    panic("bio: unpin of unreferenced block %d", b->blockno);
  b->refcnt--;
  spin_unlock(&bcache.lock);
}
