// The file system proper: blocks, inodes, directories and path names.
//
// Layers, bottom up (each uses only the ones below it):
//   blocks       block_alloc/block_free over the free bitmap
//   inodes       the in-memory inode table, inode_get/lock/put/update,
//                block_map (file block -> disk block), inode_read/write
//   directories  a directory is a file of struct dirent: dir_lookup/link
//   path names   path_lookup/path_parent walk "/a/b/c" one name at a time
// Below them sit the buffer cache (bio.c) and the log (log.c): every block
// changed here is changed in a cached buffer and handed to log_write, so a
// caller that changes the disk must be inside log_begin_op/log_end_op.
//
// An in-memory inode has two levels of protection:
//   - itable.lock (a spinlock) protects the list of in-memory inodes and
//     each one's dev, inum and ref: which inodes are in memory and how
//     many pointers to each exist. inode_get/inode_put. An in-memory
//     inode comes from the "inode" slab cache and goes back to it when
//     its last reference is dropped (the buffer cache keeps its block).
//   - ip->lock (a sleeplock) protects the copy of the disk inode (type,
//     size, addrs, ...) and the file's contents. inode_lock/inode_unlock.
// A reference (ref > 0) keeps the slot for this inode, so a pointer stays
// meaningful while unlocked; the lock is taken only to look inside. That
// lets path lookup hold a reference to a directory without locking it.
//
// Invariants:
//   (a) the list holds at most one inode for a given (dev, inum), and
//       every inode on it has ref > 0;
//   (b) ip->valid == 0 means the fields below ip->lock are not yet read;
//   (c) an inode with nlink == 0 is freed on disk when its last reference
//       is dropped (so an open file outlives its last name);
//   (d) a directory holds "." and ".." and has no holes: every block below
//       size is allocated (writes never start past the end of a file).
//
// Locks: [t] itable.lock  [i] ip->lock  [I] set by fs_init, then read-only
// Lock order: log op -> directory ip->lock -> child ip->lock
//             -> buffer sleeplock -> itable.lock, bcache.lock
// Path lookup never holds two inode locks: it unlocks a directory before
// locking the next one, so ".." cannot deadlock against a child.
#include "types.h"
#include "param.h"
#include "stat.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "printf.h"
#include "klib.h"
#include "proc.h"
#include "buf.h"
#include "fs.h"
#include "log.h"
#include "inode.h"
#include "slab.h"

#define SUPERBLOCK_BLOCKNO 1 // block 0 is the boot block
#define BITS_PER_BYTE 8

static struct superblock sb; // [I]

static struct {
  struct spinlock lock;
  struct inode *list;       // [t] every in-memory inode, linked by next
  struct slab_cache *cache; // [I] set by inode_table_init
} itable = {.lock = {.name = "itable"}};

void
inode_table_init(void)
{
  if ((itable.cache = slab_cache_create("inode", sizeof(struct inode))) == 0)
    panic("inode_table_init: no memory");
}

// ---- Superblock -----------------------------------------------------------

// Read the file system of disk dev: its superblock, checked for FSMAGIC,
// then the log (recovering it after a crash). Panics on a disk that holds
// no file system. Called once by the first process (it sleeps on the disk).
void
fs_init(uint dev)
{
  struct buf *b = bio_read(dev, SUPERBLOCK_BLOCKNO);
  memmove(&sb, b->data, sizeof(sb));
  bio_release(b);
  if (sb.magic != FSMAGIC)
    panic("fs_init: disk %d has magic 0x%x, not 0x%x: rebuild fs.img with "
          "mkfs",
          dev, sb.magic, FSMAGIC);
  log_init(dev, &sb);
}

// ---- Blocks ---------------------------------------------------------------

// Fill block bno of dev with zeros (inside a log op).
static void
block_zero(uint dev, uint bno)
{
  struct buf *b = bio_read(dev, bno);
  memset(b->data, 0, BSIZE);
  log_write(b);
  bio_release(b);
}

// Allocate a free block of dev: mark it used in the bitmap and zero it.
// Returns its block number, or 0 if the disk is full. Inside a log op.
static uint
block_alloc(uint dev)
{
  for (uint base = 0; base < sb.size; base += BPB) {
    struct buf *b = bio_read(dev, BBLOCK(base, sb));
    for (uint bit = 0; bit < BPB && base + bit < sb.size; bit++) {
      uchar mask = 1 << (bit % BITS_PER_BYTE);
      if ((b->data[bit / BITS_PER_BYTE] & mask) == 0) {
        b->data[bit / BITS_PER_BYTE] |= mask;
        log_write(b);
        bio_release(b);
        block_zero(dev, base + bit);
        return base + bit;
      }
    }
    bio_release(b);
  }
  kprintf("fs: disk %d is full\n", dev);
  return 0;
}

// Mark block bno of dev free in the bitmap. Panics if it is already free.
// Inside a log op.
static void
block_free(uint dev, uint bno)
{
  struct buf *b = bio_read(dev, BBLOCK(bno, sb));
  uint bit = bno % BPB;
  uchar mask = 1 << (bit % BITS_PER_BYTE);
  if ((b->data[bit / BITS_PER_BYTE] & mask) == 0)
    panic("block_free: block %d is already free", bno);
  b->data[bit / BITS_PER_BYTE] &= ~mask;
  log_write(b);
  bio_release(b);
}

// ---- Inodes ---------------------------------------------------------------

// Allocate an on-disk inode of dev with the given type (its other fields
// zero). Returns it referenced and unlocked, or 0 if every disk inode or
// every in-memory slot is in use. Inside a log op.
struct inode *
inode_alloc(uint dev, short type)
{
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct buf *b = bio_read(dev, IBLOCK(inum, sb));
    struct dinode *dip = (struct dinode *)b->data + inum % IPB;
    if (dip->type == 0) {
      memset(dip, 0, sizeof(*dip));
      dip->type = type;
      struct inode *ip = inode_get(dev, inum);
      if (ip == 0)
        dip->type = 0; // no slot for it: give the disk inode back
      log_write(b);
      bio_release(b);
      return ip;
    }
    bio_release(b);
  }
  kprintf("fs: no free inodes on disk %d\n", dev);
  return 0;
}

// Copy the in-memory inode ip to its disk inode. Call after changing any
// field that lives on disk. Caller holds ip->lock, inside a log op.
void
inode_update(struct inode *ip)
{
  struct buf *b = bio_read(ip->dev, IBLOCK(ip->inum, sb));
  struct dinode *dip = (struct dinode *)b->data + ip->inum % IPB;
  dip->type = ip->type;
  dip->major = ip->major;
  dip->minor = ip->minor;
  dip->nlink = ip->nlink;
  dip->size = ip->size;
  memmove(dip->addrs, ip->addrs, sizeof(ip->addrs));
  log_write(b);
  bio_release(b);
}

// Return the in-memory inode for inode inum of dev with one more
// reference, unlocked; its contents are read by the first inode_lock.
// Does not touch the disk. Returns 0 if memory is exhausted.
// Takes and releases itable.lock.
struct inode *
inode_get(uint dev, uint inum)
{
  spin_lock(&itable.lock);
  for (struct inode *ip = itable.list; ip; ip = ip->next) {
    if (ip->dev == dev && ip->inum == inum) {
      ip->ref++;
      spin_unlock(&itable.lock);
      return ip;
    }
  }
  struct inode *ip = slab_alloc(itable.cache); // zero-filled: valid = 0
  if (ip) {
    ip->dev = dev;
    ip->inum = inum;
    ip->ref = 1;
    sleeplock_init(&ip->lock, "inode");
    ip->next = itable.list;
    itable.list = ip;
  }
  spin_unlock(&itable.lock);
  return ip;
}

// Add a reference to ip and return it (for "ip2 = inode_dup(ip)").
// Takes and releases itable.lock.
struct inode *
inode_dup(struct inode *ip)
{
  spin_lock(&itable.lock);
  ip->ref++;
  spin_unlock(&itable.lock);
  return ip;
}

// Lock ip, reading it from disk if this is the first lock since
// inode_get. Panics on an unreferenced inode or a free disk inode.
// Sleeps: hold no spinlock.
void
inode_lock(struct inode *ip)
{
  if (ip == 0 || ip->ref < 1)
    panic("inode_lock: inode not referenced");
  sleeplock_acquire(&ip->lock);
  if (ip->valid)
    return;

  struct buf *b = bio_read(ip->dev, IBLOCK(ip->inum, sb));
  struct dinode *dip = (struct dinode *)b->data + ip->inum % IPB;
  ip->type = dip->type;
  ip->major = dip->major;
  ip->minor = dip->minor;
  ip->nlink = dip->nlink;
  ip->size = dip->size;
  memmove(ip->addrs, dip->addrs, sizeof(ip->addrs));
  bio_release(b);
  ip->valid = 1;
  if (ip->type == 0)
    panic("inode_lock: inode %d of disk %d is free", ip->inum, ip->dev);
}

// Unlock ip. Panics if the caller does not hold its lock.
void
inode_unlock(struct inode *ip)
{
  if (ip == 0 || ip->ref < 1 || !sleeplock_holding(&ip->lock))
    panic("inode_unlock: inode not locked by this process");
  sleeplock_release(&ip->lock);
}

// Drop a reference to ip. If it was the last reference and the inode has
// no links left (invariant (c)), free its blocks and the disk inode.
// Caller must not hold ip->lock, and must be inside a log op (the free
// writes the disk). Takes itable.lock; may sleep (not holding it).
void
inode_put(struct inode *ip)
{
  spin_lock(&itable.lock);
  if (ip->ref < 1)
    panic("inode_put: inode %d not referenced", ip->inum);
  if (ip->ref == 1 && ip->valid && ip->nlink == 0) {
    // Ours is the only reference, and with no links no directory entry
    // can lead anyone to inode_get it, so ip->lock is free and stays ours.
    spin_unlock(&itable.lock);
    sleeplock_acquire(&ip->lock);
    inode_trunc(ip);
    ip->type = 0;
    inode_update(ip);
    ip->valid = 0;
    sleeplock_release(&ip->lock);
    spin_lock(&itable.lock);
  }
  if (--ip->ref == 0) { // nobody can find it now: off the list, freed
    struct inode **pp = &itable.list;
    while (*pp != ip)
      pp = &(*pp)->next;
    *pp = ip->next;
    slab_free(itable.cache, ip);
  }
  spin_unlock(&itable.lock);
}

// The common "unlock, then drop the reference" (see both).
void
inode_unlockput(struct inode *ip)
{
  inode_unlock(ip);
  inode_put(ip);
}

// Fill *st with ip's status. Caller holds ip->lock.
void
inode_stat(struct inode *ip, struct stat *st)
{
  st->dev = ip->dev;
  st->ino = ip->inum;
  st->type = ip->type;
  st->nlink = ip->nlink;
  st->size = ip->size;
}

// ---- File contents ----------------------------------------------------------
//
// A file's data lives in blocks listed by ip->addrs: NDIRECT direct block
// numbers, then ip->addrs[NDIRECT], an indirect block holding NINDIRECT
// more. 0 means "no block yet". So a file has at most MAXFILE blocks.

// Return the disk block holding block number bn of ip's file, allocating
// it (and the indirect block) if alloc is set and it is missing. Returns 0
// if the block is missing and alloc is 0 or the disk is full.
// Caller holds ip->lock (and, if alloc, is inside a log op).
static uint
block_map(struct inode *ip, uint bn, int alloc)
{
  if (bn < NDIRECT) {
    if (ip->addrs[bn] == 0 && alloc)
      ip->addrs[bn] = block_alloc(ip->dev);
    return ip->addrs[bn];
  }
  bn -= NDIRECT;
  if (bn >= NINDIRECT)
    panic("block_map: block %d beyond MAXFILE", bn + NDIRECT);

  if (ip->addrs[NDIRECT] == 0) {
    if (!alloc)
      return 0;
    ip->addrs[NDIRECT] = block_alloc(ip->dev);
    if (ip->addrs[NDIRECT] == 0)
      return 0;
  }
  struct buf *b = bio_read(ip->dev, ip->addrs[NDIRECT]);
  uint *entries = (uint *)b->data;
  if (entries[bn] == 0 && alloc) {
    entries[bn] = block_alloc(ip->dev);
    if (entries[bn] != 0)
      log_write(b);
  }
  uint bno = entries[bn];
  bio_release(b);
  return bno;
}

// Free the indirect block of ip and every block it lists.
// Caller holds ip->lock, inside a log op.
static void
trunc_indirect(struct inode *ip)
{
  struct buf *b = bio_read(ip->dev, ip->addrs[NDIRECT]);
  uint *entries = (uint *)b->data;
  for (uint i = 0; i < NINDIRECT; i++)
    if (entries[i] != 0)
      block_free(ip->dev, entries[i]);
  bio_release(b);
  block_free(ip->dev, ip->addrs[NDIRECT]);
  ip->addrs[NDIRECT] = 0;
}

// Free every data block of ip and set its size to 0 (on disk too).
// Caller holds ip->lock, inside a log op.
void
inode_trunc(struct inode *ip)
{
  for (int i = 0; i < NDIRECT; i++) {
    if (ip->addrs[i] != 0) {
      block_free(ip->dev, ip->addrs[i]);
      ip->addrs[i] = 0;
    }
  }
  if (ip->addrs[NDIRECT] != 0)
    trunc_indirect(ip);
  ip->size = 0;
  inode_update(ip);
}

// Copy up to n bytes of ip's contents from offset off to dst, a user
// address of the current process if user_dst, else a kernel address.
// Stops at the end of the file. Returns the number of bytes copied (0 at
// or past the end), or -1 if dst is bad. Caller holds ip->lock.
int
inode_read(struct inode *ip, int user_dst, uint64 dst, uint off, uint n)
{
  if (off > ip->size || off + n < off)
    return 0;
  if (off + n > ip->size)
    n = ip->size - off;

  uint done = 0;
  while (done < n) {
    uint bno = block_map(ip, off / BSIZE, 0);
    if (bno == 0)
      break; // a hole: cannot happen on a sound disk, see (d)
    uint start = off % BSIZE;
    uint len = MIN(n - done, BSIZE - start);
    struct buf *b = bio_read(ip->dev, bno);
    int bad = either_copyout(user_dst, dst, b->data + start, len) < 0;
    bio_release(b);
    if (bad)
      return -1;
    done += len;
    off += len;
    dst += len;
  }
  return done;
}

// Copy n bytes from src (a user address if user_src, else kernel) into ip
// at offset off, growing the file if needed. Returns n; fewer if the disk
// filled up; -1 if off is past the end of the file, the file would exceed
// MAXFILE blocks, or src is bad. Caller holds ip->lock, inside a log op
// that has room for every block this writes (see file_write).
int
inode_write(struct inode *ip, int user_src, uint64 src, uint off, uint n)
{
  if (off > ip->size || off + n < off)
    return -1;
  if ((uint64)off + n > (uint64)MAXFILE * BSIZE)
    return -1;

  uint done = 0;
  int bad = 0;
  while (done < n && !bad) {
    uint bno = block_map(ip, off / BSIZE, 1);
    if (bno == 0)
      break; // disk full
    uint start = off % BSIZE;
    uint len = MIN(n - done, BSIZE - start);
    struct buf *b = bio_read(ip->dev, bno);
    bad = either_copyin(b->data + start, user_src, src, len) < 0;
    log_write(b); // even if bad: the copy may have changed part of it
    bio_release(b);
    if (!bad) {
      done += len;
      off += len;
      src += len;
    }
  }
  if (off > ip->size)
    ip->size = off;
  // Always write the inode back: block_map may have added blocks.
  inode_update(ip);
  if (bad)
    return -1;
  return done;
}

// ---- Directories ------------------------------------------------------------

// Compare two directory entry names (at most DIRSIZ bytes; a name of
// exactly DIRSIZ bytes has no NUL). 0 if equal, like strncmp.
int
name_cmp(const char *a, const char *b)
{
  return strncmp(a, b, DIRSIZ);
}

// Look name up in directory dp. If found, set *poff (if poff is not 0) to
// the byte offset of its entry and return the inode, referenced and
// unlocked; else return 0. Caller holds dp->lock. Panics if dp is not a
// directory.
struct inode *
dir_lookup(struct inode *dp, const char *name, uint *poff)
{
  struct dirent de;

  if (dp->type != T_DIR)
    panic("dir_lookup: inode %d is not a directory", dp->inum);
  for (uint off = 0; off < dp->size; off += sizeof(de)) {
    if (inode_read(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
      panic("dir_lookup: cannot read directory %d", dp->inum);
    if (de.inum != 0 && name_cmp(name, de.name) == 0) {
      if (poff)
        *poff = off;
      return inode_get(dp->dev, de.inum);
    }
  }
  return 0;
}

// Add the entry (name, inum) to directory dp, reusing a free entry if
// there is one. Returns 0, or -1 if name is already present or the disk is
// full. Caller holds dp->lock, inside a log op.
int
dir_link(struct inode *dp, const char *name, uint inum)
{
  struct dirent de;
  uint off;

  struct inode *existing = dir_lookup(dp, name, 0);
  if (existing) {
    inode_put(existing);
    return -1;
  }
  for (off = 0; off < dp->size; off += sizeof(de)) {
    if (inode_read(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
      panic("dir_link: cannot read directory %d", dp->inum);
    if (de.inum == 0)
      break;
  }
  memset(&de, 0, sizeof(de));
  strncpy(de.name, name, DIRSIZ);
  de.inum = inum;
  if (inode_write(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
    return -1;
  return 0;
}

// ---- Path names ---------------------------------------------------------------

// Copy the first element of path into name and return the rest of the
// path with its leading slashes skipped; return 0 if path has no element.
// An element longer than DIRSIZ is cut to DIRSIZ bytes (no NUL then).
//   path_next("a/bb//c", name) = "c", name = "a" ... then "bb"
//   path_next("///", name) = 0
static const char *
path_next(const char *path, char *name)
{
  while (*path == '/')
    path++;
  if (*path == 0)
    return 0;
  const char *start = path;
  while (*path != '/' && *path != 0)
    path++;
  uint len = path - start;
  if (len >= DIRSIZ) {
    memmove(name, start, DIRSIZ);
  } else {
    memmove(name, start, len);
    name[len] = 0;
  }
  while (*path == '/')
    path++;
  return path;
}

// Walk path from the root ("/...") or the current directory. If parent is
// set, stop one element early: return the directory that would hold the
// last element and copy that element into name. Returns a referenced,
// unlocked inode, or 0. Inside a log op (inode_put may free an inode).
static struct inode *
path_walk(const char *path, int parent, char *name)
{
  struct proc *p = myproc();
  struct inode *ip;

  if (*path == '/' || p == 0 || p->cwd == 0)
    ip = inode_get(ROOTDEV, ROOTINO);
  else
    ip = inode_dup(p->cwd);
  if (ip == 0)
    return 0;

  while ((path = path_next(path, name)) != 0) {
    inode_lock(ip);
    if (ip->type != T_DIR) {
      inode_unlockput(ip);
      return 0;
    }
    if (parent && *path == 0) {
      inode_unlock(ip); // name is the last element: ip is its directory
      return ip;
    }
    struct inode *next = dir_lookup(ip, name, 0);
    inode_unlockput(ip); // before locking next: see "Lock order"
    if (next == 0)
      return 0;
    ip = next;
  }
  if (parent) { // the path had no element at all ("/" or "")
    inode_put(ip);
    return 0;
  }
  return ip;
}

// The inode that path names, referenced and unlocked, or 0 if there is
// none. Inside a log op.
struct inode *
path_lookup(const char *path)
{
  char name[DIRSIZ];
  return path_walk(path, 0, name);
}

// The directory holding the last element of path, referenced and
// unlocked, with that element copied to name (DIRSIZ bytes of room).
// Returns 0 if a directory on the way is missing or path has no element.
// Inside a log op.
struct inode *
path_parent(const char *path, char *name)
{
  return path_walk(path, 1, name);
}
