// The write-ahead (redo) log: makes each file system operation atomic with
// respect to crashes.
//
// A system call that changes the file system may write several blocks (an
// inode, the bitmap, a directory, data). A crash half way through would
// leave the disk inconsistent. So no operation writes its blocks in place:
//   1. log_begin_op() reserves room in the log for MAXOPBLOCKS blocks;
//   2. the operation changes cached buffers and calls log_write(b), which
//      only records the block number and pins the buffer in the cache;
//   3. log_end_op() of the last running operation commits all of them at
//      once ("group commit"):
//        a. copy every recorded block into the log area on disk;
//        b. write the log header with the block count: the COMMIT POINT;
//        c. install: write every block to its home location;
//        d. write the header again with count 0: the log is empty.
// A crash before (b) loses the operations (the header still says 0); a
// crash after (b) is repaired at the next boot by log_init, which redoes
// step (c) from the log area ("recovery") and then clears the header.
//
// On-disk layout, starting at sb->logstart:
//   [ header block | log block 0 | log block 1 | ... ]
// The header holds the count and the home block number of each log block.
//
// Invariants:
//   (a) outstanding ops may together write at most outstanding*MAXOPBLOCKS
//       new blocks, so count + (outstanding * MAXOPBLOCKS) <= capacity;
//   (b) while committing, no op runs and the committer owns log.header;
//   (c) a block recorded in the header is pinned in the buffer cache.
//
// Locks: [l] log.lock  [I] set by log_init  [C] the committer, see (b)
// Lock order: log.lock -> bcache.lock (log_write pins a buffer).
// A caller of log_begin_op must hold no inode or buffer lock (it may wait
// for a commit, which needs buffer locks).
#include "types.h"
#include "param.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "printf.h"
#include "klib.h"
#include "proc.h"
#include "buf.h"
#include "fs.h"
#include "log.h"

// The header block: how many blocks are committed and where each belongs.
struct log_header {
  uint count;          // number of valid entries in block[]
  uint block[LOGSIZE]; // home block number of log block i
};
_Static_assert(sizeof(struct log_header) <= BSIZE, "log: header does not fit in one block");

static struct {
  struct spinlock lock;
  uint dev;                 // [I] disk holding the log
  uint start;               // [I] block number of the header block
  uint nslots;              // [I] log slots on disk (after the header)
  uint capacity;            // [I] most blocks one commit may hold
  int outstanding;          // [l] operations between begin and end
  int committing;           // [l] a commit is in progress
  struct log_header header; // [l] (and [C] while committing)
} log;

// Block number, on disk, of log slot i (slot 0 follows the header).
static uint
log_slot_block(uint i)
{
  return log.start + 1 + i;
}

// Read the on-disk header into log.header. Panics on a header that cannot
// be ours (a count larger than the log).
static void
log_read_header(void)
{
  struct buf *b = bio_read(log.dev, log.start);
  memmove(&log.header, b->data, sizeof(log.header));
  bio_release(b);
  if (log.header.count > log.nslots)
    panic("log: corrupt header (count %d, %d slots)", log.header.count, log.nslots);
}

// Write log.header to the header block on disk. With a non-zero count this
// is the commit point.
static void
log_write_header(void)
{
  struct buf *b = bio_read(log.dev, log.start);
  memmove(b->data, &log.header, sizeof(log.header));
  bio_write(b);
  bio_release(b);
}

// Step (a): copy every recorded block from the cache to its log slot.
static void
log_copy_to_slots(void)
{
  for (uint i = 0; i < log.header.count; i++) {
    struct buf *from = bio_read(log.dev, log.header.block[i]); // cached
    struct buf *slot = bio_read(log.dev, log_slot_block(i));
    memmove(slot->data, from->data, BSIZE);
    bio_write(slot);
    bio_release(slot);
    bio_release(from);
  }
}

// Step (c): write every recorded block to its home location.
// After a commit the blocks are still pinned in the cache, so they are
// written from there and unpinned. During recovery the cache knows nothing,
// so each block is copied from its log slot first.
static void
log_install(int recovering)
{
  for (uint i = 0; i < log.header.count; i++) {
    struct buf *home = bio_read(log.dev, log.header.block[i]);
    if (recovering) {
      struct buf *slot = bio_read(log.dev, log_slot_block(i));
      memmove(home->data, slot->data, BSIZE);
      bio_release(slot);
    }
    bio_write(home);
    if (!recovering)
      bio_unpin(home);
    bio_release(home);
  }
}

// Redo a transaction that committed before a crash, if any, and empty the
// log. Called once by log_init.
static void
log_recover(void)
{
  log_read_header();
  log_install(1);
  log.header.count = 0;
  log_write_header();
}

// Start the log of disk dev as described by its superblock, replaying a
// committed transaction left by a crash. Called once, by fs_init, from a
// process (it sleeps on the disk).
void
log_init(int dev, struct superblock *sb)
{
  spin_init(&log.lock, "log");
  log.dev = dev;
  log.start = sb->logstart;
  // The log area has sb->nlog blocks: the header, then the slots.
  if (sb->nlog < 1)
    panic("log_init: the superblock has no log");
  log.nslots = MIN(LOGSIZE, sb->nlog - 1);
  // Pinned buffers cannot be recycled, so leave MAXOPBLOCKS cache buffers
  // that the log never pins (for reads and for the commit itself).
  log.capacity = MIN(log.nslots, NBUF - MAXOPBLOCKS);
  if (log.capacity < MAXOPBLOCKS)
    panic("log_init: log too small (%d slots on disk, %d usable)", log.nslots, log.capacity);
  log_recover();
}

// Begin a file system operation. Waits while a commit is in progress or
// while the log might not have room for this op's MAXOPBLOCKS blocks.
// Takes and releases log.lock; sleeps. Hold no inode or buffer lock.
void
log_begin_op(void)
{
  spin_lock(&log.lock);
  while (log.committing || log.header.count + (log.outstanding + 1) * MAXOPBLOCKS > log.capacity)
    sleep_on(&log, &log.lock);
  log.outstanding++;
  spin_unlock(&log.lock);
}

// Commit the recorded blocks, steps (a) to (d). Called by the op that
// ended last, with log.committing set and log.lock not held.
static void
log_commit(void)
{
  if (log.header.count == 0)
    return;
  log_copy_to_slots();
  log_write_header(); // the commit point
  log_install(0);
  log.header.count = 0;
  log_write_header(); // the transaction is installed: empty the log
}

// End a file system operation. The last op to end commits everything the
// running ops wrote (and sleeps on the disk meanwhile). Takes and releases
// log.lock.
void
log_end_op(void)
{
  int do_commit = 0;

  spin_lock(&log.lock);
  if (log.outstanding < 1)
    panic("log_end_op: no operation in progress");
  if (log.committing)
    panic("log_end_op: operation ended during a commit");
  log.outstanding--;
  if (log.outstanding == 0) {
    log.committing = 1;
    do_commit = 1;
  } else {
    // This op's unused reservation may let a waiting op begin.
    wakeup(&log);
  }
  spin_unlock(&log.lock);

  if (do_commit) {
    log_commit();
    spin_lock(&log.lock);
    log.committing = 0;
    wakeup(&log);
    spin_unlock(&log.lock);
  }
}

// Record that buffer b (locked by the caller, changed in memory) must reach
// the disk at the next commit, and pin it in the cache until then. Writing
// the same block twice in a transaction records it once ("absorption").
// Panics outside an operation or if the transaction outgrows the log.
// Takes and releases log.lock.
void
log_write(struct buf *b)
{
  spin_lock(&log.lock);
  if (log.outstanding < 1)
    panic("log_write: block %d written outside an operation", b->blockno);

  uint i;
  for (i = 0; i < log.header.count; i++)
    if (log.header.block[i] == b->blockno)
      break; // already recorded (and pinned)
  if (i == log.header.count) {
    if (log.header.count >= log.capacity)
      panic("log_write: transaction too big (%d blocks)", log.capacity);
    log.header.block[log.header.count++] = b->blockno;
    bio_pin(b);
  }
  spin_unlock(&log.lock);
}
