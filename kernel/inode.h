// The file system proper: inodes, directories and path names, on top of
// the buffer cache and the log.
#pragma once
#include "types.h"
#include "fs.h"
#include "sleeplock.h"

struct stat;

// In-memory copy of an inode.
struct inode {
  uint dev;              // [itable lock] device number
  uint inum;             // [itable lock] inode number
  int ref;               // [itable lock] reference count
  struct sleeplock lock; // protects everything below
  int valid;             // has the inode been read from disk?

  short type; // copy of the disk inode
  short major;
  short minor;
  short nlink;
  uint size;
  uint addrs[NDIRECT + 1];
  struct inode *next; // [itable lock] the list of in-memory inodes
};

// Read the super block, start the log (and recover it). Needs a process
// context, since it sleeps on the disk: called by the first process.
void fs_init(uint dev);

// Set up the in-memory inode table (its slab cache). Boot hart, once.
void inode_table_init(void);

// Allocate a fresh inode of the given type; returned referenced, unlocked.
// Returns 0 if there are no free inodes.
struct inode *inode_alloc(uint dev, short type);
// Get a referenced, unlocked inode (contents not yet read); 0 if memory
// is exhausted.
struct inode *inode_get(uint dev, uint inum);
struct inode *inode_dup(struct inode *ip);
// Lock, reading the inode from disk if needed.
void inode_lock(struct inode *ip);
void inode_unlock(struct inode *ip);
// Drop a reference; the last reference to an unlinked inode frees it on
// disk, so the caller must be inside log_begin_op/log_end_op.
void inode_put(struct inode *ip);
void inode_unlockput(struct inode *ip);
// Write a modified in-memory inode to disk (inside a log op, locked).
void inode_update(struct inode *ip);
// Discard the contents (locked, inside a log op).
void inode_trunc(struct inode *ip);
void inode_stat(struct inode *ip, struct stat *st);
// Read/write n bytes at offset off to/from a user or kernel address.
// Return the number of bytes moved, or -1. ip locked (writes in a log op).
int inode_read(struct inode *ip, int user_dst, uint64 dst, uint off, uint n);
int inode_write(struct inode *ip, int user_src, uint64 src, uint off, uint n);

int name_cmp(const char *a, const char *b);
// Look name up in directory dp (locked); set *poff to the entry offset.
// Returns a referenced, unlocked inode, or 0.
struct inode *dir_lookup(struct inode *dp, const char *name, uint *poff);
// Add (name, inum) to directory dp (locked). 0, or -1 if name exists.
int dir_link(struct inode *dp, const char *name, uint inum);

// The inode for a path (relative paths start at the current directory).
// Referenced and unlocked, or 0. Call inside a log op (may inode_put).
struct inode *path_lookup(const char *path);
// The parent directory of path; copies the final element into name,
// which must have room for DIRSIZ bytes.
struct inode *path_parent(const char *path, char *name);
