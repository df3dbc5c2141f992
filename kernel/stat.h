// File status, as returned by fstat() and stat(). Layout is xv6's.
#pragma once

#define T_DIR 1    // directory
#define T_FILE 2   // regular file
#define T_DEVICE 3 // device node

struct stat {
  int dev;     // file system's disk device
  uint ino;    // inode number
  short type;  // type of file (T_DIR, T_FILE, T_DEVICE)
  short nlink; // number of links to file
  uint64 size; // size of file in bytes
};
