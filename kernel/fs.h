// On-disk file system format, shared by the kernel and mkfs.
// The names and layout are xv6's so that lab code which reads them works.
//
// Disk layout, in BSIZE blocks:
//   [ boot block | super block | log | inode blocks | free bit map | data blocks ]
// mkfs computes the super block and builds an initial file system.
#pragma once

#define ROOTINO 1  // root i-number
#define BSIZE 1024 // block size

struct superblock {
  uint magic;      // must be FSMAGIC
  uint size;       // size of file system image (blocks)
  uint nblocks;    // number of data blocks
  uint ninodes;    // number of inodes
  uint nlog;       // number of log blocks
  uint logstart;   // block number of first log block
  uint inodestart; // block number of first inode block
  uint bmapstart;  // block number of first free map block
};

#define FSMAGIC 0x10203040

#define NDIRECT 12
#define NINDIRECT (BSIZE / sizeof(uint))
#define MAXFILE (NDIRECT + NINDIRECT)

// On-disk inode structure.
struct dinode {
  short type;              // file type (T_DIR, T_FILE, T_DEVICE; 0 = free)
  short major;             // major device number (T_DEVICE only)
  short minor;             // minor device number (T_DEVICE only)
  short nlink;             // number of directory entries that refer to it
  uint size;               // size of file (bytes)
  uint addrs[NDIRECT + 1]; // data block addresses; the last is the indirect block
};

// Inodes per block.
#define IPB (BSIZE / sizeof(struct dinode))

// Block containing inode i.
#define IBLOCK(i, sb) ((i) / IPB + sb.inodestart)

// Bitmap bits per block.
#define BPB (BSIZE * 8)

// Block of free map containing bit for block b.
#define BBLOCK(b, sb) ((b) / BPB + sb.bmapstart)

// Directory is a file containing a sequence of dirent structures.
#define DIRSIZ 14

struct dirent {
  ushort inum; // 0 = unused entry
  char name[DIRSIZ];
};
