// The buffer cache: in-memory copies of disk blocks.
#pragma once
#include "types.h"
#include "fs.h"
#include "sleeplock.h"

struct buf {
  int valid; // [lock] data holds the block's contents
  int disk;  // [disk lock] the disk driver owns the buffer
  uint dev;  // [bcache lock] device number
  uint blockno;
  struct sleeplock lock;
  uint refcnt;      // [bcache lock]
  struct buf *prev; // [bcache lock] LRU list
  struct buf *next;
  uchar data[BSIZE];
};

void bio_init(void);

// Return the block, locked, reading it from disk if it is not cached.
struct buf *bio_read(uint dev, uint blockno);

// Write a locked buffer to disk now.
void bio_write(struct buf *b);

// Unlock and drop a reference to a buffer from bio_read.
void bio_release(struct buf *b);

// Keep a buffer in the cache (the log holds blocks until they commit).
void bio_pin(struct buf *b);
void bio_unpin(struct buf *b);
