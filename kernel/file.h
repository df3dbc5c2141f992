// Open files and devices.
#pragma once
#include "types.h"

struct pipe;
struct inode;
struct stat;

struct file {
  enum { FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE } type;
  int ref; // [ftable lock] reference count
  char readable;
  char writable;
  struct pipe *pipe; // FD_PIPE
  struct inode *ip;  // FD_INODE and FD_DEVICE
  uint off;          // FD_INODE: read/write offset
  short major;       // FD_DEVICE
};

// Device switch: read/write functions of each major device number.
// user_* = 1: addr is a user address of the current process.
struct devsw {
  int (*read)(int user_dst, uint64 dst, int n);
  int (*write)(int user_src, uint64 src, int n);
};

extern struct devsw devsw[];

#define CONSOLE 1 // major device number of the console

void file_init(void);
// A new file with ref 1, or 0 if the table is full.
struct file *file_alloc(void);
struct file *file_dup(struct file *f);
void file_close(struct file *f);
// Copy struct stat to user address addr. 0 or -1.
int file_stat(struct file *f, uint64 addr);
// Read/write n bytes at user address addr. Bytes moved, or -1.
int file_read(struct file *f, uint64 addr, int n);
int file_write(struct file *f, uint64 addr, int n);
