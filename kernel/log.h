// The write-ahead log that makes file system operations crash-safe.
// Every system call that modifies the file system brackets its writes:
//   log_begin_op(); ... bio_read / modify / log_write ... log_end_op();
#pragma once
#include "types.h"
#include "fs.h"

struct buf;

void log_init(int dev, struct superblock *sb);
void log_begin_op(void);
void log_end_op(void);
// Record that a modified buffer must be written (use instead of bio_write).
void log_write(struct buf *b);
