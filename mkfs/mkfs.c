// mkfs: build a Kestrel file system image on the host.
//
//   usage: mkfs fs.img file...
//
// Each file named on the command line is copied into the root directory
// under its base name, with one leading '_' removed: user/_cat becomes /cat.
// (The Makefile names user programs _cat so that they cannot be mistaken
// for host programs.) Programs live in "/", as in xv6.
//
// The image has FSSIZE blocks of BSIZE bytes, in the layout of kernel/fs.h:
//
//   block 0                boot block (unused, all zero)
//   block 1                super block: says where everything else starts
//   blocks 2 .. 2+NLOG-1   log: one header block, then LOGSIZE blocks
//   next NINODE_BLOCKS     inodes, IPB per block; inode 0 is never used
//                          (a directory entry with inum 0 is empty), the
//                          root directory is inode ROOTINO
//   next NBITMAP_BLOCKS    free-block bitmap: bit b set = block b in use
//   the rest               data blocks: contents of files and directories
//
// A file's inode holds NDIRECT direct block numbers and one indirect block,
// which holds NINDIRECT more, so a file has at most MAXFILE blocks.
//
// How mkfs works: it builds the whole image in memory (FSSIZE * BSIZE
// bytes), writes it to a temporary file beside the output, and renames that
// over the output at the very end. Any error stops mkfs with a message on
// stderr and exit status 1 before the rename, so the output is either the
// complete new image or left exactly as it was.
//
// Byte order: RISC-V is little-endian, so every integer on the disk is too.
// mkfs keeps its working copies (superblock, inodes, directory) in host
// byte order and converts each integer as it stores it into the image
// (put_le16, put_le32), so it builds the same image on any host.
//
// Only host headers that do not define "struct stat" are included:
// kernel/stat.h defines the Kestrel one.

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/stat.h"
#include "kernel/param.h"

#define NINODES 200                 // inodes in the image (0 is unused)
#define SUPERBLOCK_BLOCK 1          // block number of the super block
#define LOGSTART 2                  // the log follows the super block
#define NLOG (LOGSIZE + 1)          // log header block + LOGSIZE log blocks
#define FIRST_FILE_INUM (ROOTINO + 1) // inodes for files start here
#define MAXFILE_BYTES ((uint)(MAXFILE * BSIZE)) // largest file's size
#define ROOT_NLINK 1                // links to "/" (no parent entry names it)
#define FILE_NLINK 1                // each file has one directory entry
#define BITS_PER_BYTE 8
#define TMP_PATH_MAX 4096           // longest temporary file name

#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define NINODE_BLOCKS ((uint)DIV_ROUND_UP(NINODES, IPB))
#define NBITMAP_BLOCKS ((uint)DIV_ROUND_UP(FSSIZE, BPB))
#define NMETA_BLOCKS                                                          \
  (LOGSTART + NLOG + NINODE_BLOCKS + NBITMAP_BLOCKS) // blocks before data

// Root directory: ".", "..", and one entry per file inode.
#define NDOT_ENTRIES 2 // "." and ".."
#define ROOT_MAX_ENTRIES (NDOT_ENTRIES + NINODES - FIRST_FILE_INUM)

// The on-disk structures must have no padding, so that their host layout
// (offsetof) is their disk layout, and must tile a block exactly.
_Static_assert(sizeof(struct superblock) == 8 * sizeof(uint),
               "superblock has padding");
_Static_assert(sizeof(struct dinode) == 64, "dinode is not 64 bytes");
_Static_assert(BSIZE % sizeof(struct dinode) == 0, "inodes straddle blocks");
_Static_assert(sizeof(struct dirent) == 16, "dirent is not 16 bytes");
_Static_assert(BSIZE % sizeof(struct dirent) == 0, "dirents straddle blocks");
_Static_assert(NINODES <= 65536, "inode numbers must fit a dirent's ushort");
_Static_assert(NMETA_BLOCKS < FSSIZE, "no room left for data blocks");
_Static_assert(ROOT_MAX_ENTRIES * sizeof(struct dirent) <= MAXFILE_BYTES,
               "root directory could outgrow MAXFILE");

// A root directory entry while the image is being built (host order).
struct root_entry {
  uint inum;
  char name[DIRSIZ + 1]; // NUL-terminated here; on disk only if it fits
};

// Everything mkfs builds. One instance, zero-initialised (static).
struct image {
  uchar block[FSSIZE][BSIZE];   // the image itself, written out at the end
  struct superblock sb;         // host byte order; see store_superblock
  struct dinode inode[NINODES]; // host byte order; see store_inodes
  uint next_inum;               // next inode number to hand out
  uint next_block;              // next data block to hand out
  struct root_entry root[ROOT_MAX_ENTRIES];
  uint nroot;                   // entries used in root[]
  uint nfiles;                  // files copied in
};

static struct image img;

// Bytes of the file being copied in; one spare byte detects a file that is
// larger than MAXFILE_BYTES.
static uchar file_buf[MAXFILE_BYTES + 1];

// Print "mkfs: <message>" on stderr and exit with status 1. Never returns.
// The output file is only ever replaced by the final rename, so there is
// nothing to clean up (write_image removes its temporary file first).
// The attribute lets gcc check the arguments against the format.
static void fatal(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

static void
fatal(const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "mkfs: ");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  exit(1);
}

// Store the low 16 bits of v at p, least significant byte first.
static void
put_le16(uchar *p, uint v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
}

// Store the 32-bit value v at p, least significant byte first.
static void
put_le32(uchar *p, uint v)
{
  put_le16(p, v & 0xffff);
  put_le16(p + 2, v >> 16);
}

// Return the 32-bit little-endian value stored at p.
static uint
get_le32(const uchar *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint)p[3] << 24);
}

// Fill in img.sb from the layout constants and reserve the metadata
// blocks: data blocks are handed out from the first block after them.
static void
layout_image(void)
{
  struct superblock *sb = &img.sb;

  sb->magic = FSMAGIC;
  sb->size = FSSIZE;
  sb->nlog = NLOG;
  sb->logstart = LOGSTART;
  sb->ninodes = NINODES;
  sb->inodestart = LOGSTART + NLOG;
  sb->bmapstart = sb->inodestart + NINODE_BLOCKS;
  sb->nblocks = FSSIZE - NMETA_BLOCKS;
  img.next_block = NMETA_BLOCKS;
  img.next_inum = ROOTINO;
}

// Hand out the next free inode and set its type.
// Returns the inode number, or 0 if every inode is taken.
static uint
inode_alloc(short type)
{
  uint inum = img.next_inum;

  if (inum >= NINODES)
    return 0;
  img.next_inum++;
  img.inode[inum].type = type;
  img.inode[inum].nlink = (type == T_DIR) ? ROOT_NLINK : FILE_NLINK;
  return inum;
}

// Hand out the next free data block (it is already zero).
// Returns the block number, or 0 if the data blocks are used up.
static uint
block_alloc(void)
{
  if (img.next_block >= FSSIZE)
    return 0;
  return img.next_block++;
}

// Return the disk block holding block number fbn (counted from 0) of
// inode ip, allocating it (and the indirect block when fbn needs it) if
// it has none yet. Returns 0 if the data blocks are used up.
// fbn must be < MAXFILE.
static uint
inode_block(struct dinode *ip, uint fbn)
{
  uint addr;
  uchar *entry;

  if (fbn < NDIRECT) {
    if (ip->addrs[fbn] == 0)
      ip->addrs[fbn] = block_alloc();
    return ip->addrs[fbn];
  }
  if (ip->addrs[NDIRECT] == 0 && (ip->addrs[NDIRECT] = block_alloc()) == 0)
    return 0;
  // The indirect block is an array of NINDIRECT little-endian block numbers.
  entry = img.block[ip->addrs[NDIRECT]] + (fbn - NDIRECT) * sizeof(uint);
  addr = get_le32(entry);
  if (addr == 0 && (addr = block_alloc()) != 0)
    put_le32(entry, addr);
  return addr;
}

// Make len bytes of data the contents of inode inum, filling direct
// blocks first, then blocks reached through the indirect block. Blocks the
// inode already has are reused, others are allocated.
// Returns 0, or -1 if the data blocks ran out. len <= MAXFILE_BYTES.
static int
inode_fill(uint inum, const uchar *data, uint len)
{
  struct dinode *ip = &img.inode[inum];
  uint off, n, addr;

  for (off = 0; off < len; off += n) {
    addr = inode_block(ip, off / BSIZE);
    if (addr == 0)
      return -1;
    n = (len - off < BSIZE) ? len - off : BSIZE;
    memcpy(img.block[addr], data + off, n);
  }
  ip->size = len;
  return 0;
}

// Append (name, inum) to the root directory being built.
// Returns 0, or -1 if the name is already there. The caller has checked
// that name fits DIRSIZ and that there is room (one entry per inode).
static int
root_add(const char *name, uint inum)
{
  struct root_entry *e;
  uint i;

  for (i = 0; i < img.nroot; i++)
    if (strcmp(img.root[i].name, name) == 0)
      return -1;
  e = &img.root[img.nroot++];
  e->inum = inum;
  strcpy(e->name, name);
  return 0;
}

// Work out the name that input file path gets in "/": its base name
// without one leading '_'. Stores it in name (DIRSIZ + 1 bytes).
// Exits with a message if the name is empty, reserved or too long.
static void
disk_name(const char *path, char name[DIRSIZ + 1])
{
  const char *base = strrchr(path, '/');

  base = base ? base + 1 : path;
  if (base[0] == '_')
    base++;
  if (base[0] == '\0')
    fatal("%s: gives an empty file name", path);
  if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
    fatal("%s: \"%s\" is a reserved name", path, base);
  if (strlen(base) > DIRSIZ)
    fatal("%s: name \"%s\" is longer than DIRSIZ (%d) characters", path,
          base, DIRSIZ);
  strcpy(name, base);
}

// Read all of file path into file_buf. Returns its length.
// Exits with a message if it cannot be read or is larger than MAXFILE.
static uint
read_input(const char *path)
{
  FILE *f = fopen(path, "rb");
  size_t len;

  if (f == NULL)
    fatal("%s: %s", path, strerror(errno));
  len = fread(file_buf, 1, sizeof(file_buf), f);
  if (ferror(f))
    fatal("%s: cannot read: %s", path, strerror(errno));
  fclose(f);
  if (len > MAXFILE_BYTES)
    fatal("%s: too large: more than %u bytes (MAXFILE = %u blocks)", path,
          MAXFILE_BYTES, (uint)MAXFILE);
  return len;
}

// Copy the host file path into the root directory of the image.
// Exits with a message on any error.
static void
add_file(const char *path)
{
  char name[DIRSIZ + 1];
  uint len, inum;

  disk_name(path, name);
  len = read_input(path);
  inum = inode_alloc(T_FILE);
  if (inum == 0)
    fatal("%s: out of inodes: the image has %d, room for %d files", path,
          NINODES, NINODES - FIRST_FILE_INUM);
  if (root_add(name, inum) < 0)
    fatal("%s: a file named \"%s\" is already in the image", path, name);
  if (inode_fill(inum, file_buf, len) < 0)
    fatal("%s: out of data blocks: the image has %u", path, img.sb.nblocks);
  img.nfiles++;
}

// Create the root directory inode, with "." and ".." both naming itself,
// and give it, before any file, the blocks it will need for nfiles more
// entries (zero for now; write_root fills them in). Reserving them first
// means that a full disk is reported for the file that does not fit.
static void
make_root(uint nfiles)
{
  static const uchar zeros[ROOT_MAX_ENTRIES * sizeof(struct dirent)];
  uint inum = inode_alloc(T_DIR);
  uint nentries;

  if (inum != ROOTINO)
    fatal("internal error: root directory got inode %u, not %d", inum,
          ROOTINO);
  root_add(".", ROOTINO);
  root_add("..", ROOTINO);
  // More files than inodes is reported when the inodes run out.
  nentries = NDOT_ENTRIES + nfiles;
  if (nentries > ROOT_MAX_ENTRIES)
    nentries = ROOT_MAX_ENTRIES;
  if (inode_fill(ROOTINO, zeros, nentries * sizeof(struct dirent)) < 0)
    fatal("out of data blocks for the root directory");
}

// Store the root directory's entries as its contents: an array of struct
// dirent, each a little-endian inum and DIRSIZ name bytes, zero-padded.
// It goes into the blocks make_root reserved, so needs no new ones.
static void
write_root(void)
{
  static uchar dir[ROOT_MAX_ENTRIES * sizeof(struct dirent)];
  uchar *d;
  uint i;

  for (i = 0; i < img.nroot; i++) {
    d = dir + i * sizeof(struct dirent);
    put_le16(d + offsetof(struct dirent, inum), img.root[i].inum);
    strncpy((char *)d + offsetof(struct dirent, name), img.root[i].name,
            DIRSIZ);
  }
  if (inode_fill(ROOTINO, dir, img.nroot * sizeof(struct dirent)) < 0)
    fatal("internal error: root directory outgrew the blocks make_root "
          "reserved");
}

// Store the superblock into block SUPERBLOCK_BLOCK.
static void
store_superblock(void)
{
  uchar *p = img.block[SUPERBLOCK_BLOCK];
  struct superblock *sb = &img.sb;

  put_le32(p + offsetof(struct superblock, magic), sb->magic);
  put_le32(p + offsetof(struct superblock, size), sb->size);
  put_le32(p + offsetof(struct superblock, nblocks), sb->nblocks);
  put_le32(p + offsetof(struct superblock, ninodes), sb->ninodes);
  put_le32(p + offsetof(struct superblock, nlog), sb->nlog);
  put_le32(p + offsetof(struct superblock, logstart), sb->logstart);
  put_le32(p + offsetof(struct superblock, inodestart), sb->inodestart);
  put_le32(p + offsetof(struct superblock, bmapstart), sb->bmapstart);
}

// Store every inode (free ones stay all zero) into the inode blocks.
static void
store_inodes(void)
{
  struct dinode *ip;
  uchar *p;
  uint inum, i;

  for (inum = 0; inum < NINODES; inum++) {
    ip = &img.inode[inum];
    p = img.block[IBLOCK(inum, img.sb)] + (inum % IPB) * sizeof(*ip);
    put_le16(p + offsetof(struct dinode, type), ip->type);
    put_le16(p + offsetof(struct dinode, major), ip->major);
    put_le16(p + offsetof(struct dinode, minor), ip->minor);
    put_le16(p + offsetof(struct dinode, nlink), ip->nlink);
    put_le32(p + offsetof(struct dinode, size), ip->size);
    for (i = 0; i < NDIRECT + 1; i++)
      put_le32(p + offsetof(struct dinode, addrs) + i * sizeof(uint),
               ip->addrs[i]);
  }
}

// Mark the used blocks in the bitmap: the metadata blocks and every data
// block handed out. Blocks are handed out in order, so these are exactly
// blocks 0 .. img.next_block-1. Bit b is bit (b % 8) of byte b / 8 of the
// bitmap, which continues from one bitmap block to the next.
static void
store_bitmap(void)
{
  uchar *bitmap;
  uint b;

  for (b = 0; b < img.next_block; b++) {
    bitmap = img.block[BBLOCK(b, img.sb)];
    bitmap[(b % BPB) / BITS_PER_BYTE] |= 1 << (b % BITS_PER_BYTE);
  }
}

// Write the finished image to path: first to a temporary file next to it,
// then rename it over path. On failure removes the temporary file, prints
// a message and exits with status 1; path is left as it was.
static void
write_image(const char *path)
{
  static char tmp[TMP_PATH_MAX];
  FILE *f;
  int err;

  if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >=
      (int)sizeof(tmp))
    fatal("%s: path too long", path);
  f = fopen(tmp, "wbx"); // "x": fail rather than reuse an existing file
  if (f == NULL)
    fatal("%s: cannot create %s: %s", path, tmp, strerror(errno));
  if (fwrite(img.block, BSIZE, FSSIZE, f) != FSSIZE) {
    err = errno;
    fclose(f);
    remove(tmp);
    fatal("%s: write failed: %s", tmp, strerror(err));
  }
  if (fclose(f) != 0) {
    err = errno;
    remove(tmp);
    fatal("%s: write failed: %s", tmp, strerror(err));
  }
  if (rename(tmp, path) != 0) {
    err = errno;
    remove(tmp);
    fatal("%s: cannot replace it: %s", path, strerror(err));
  }
}

// Print the one-line summary of the layout on stdout.
static void
print_summary(const char *path)
{
  printf("mkfs: %s: %d blocks (log %d, inodes %d in %u blocks, bitmap %u, "
         "data %u), %u files, %u data blocks used\n",
         path, FSSIZE, NLOG, NINODES, NINODE_BLOCKS, NBITMAP_BLOCKS,
         img.sb.nblocks, img.nfiles, img.next_block - NMETA_BLOCKS);
}

int
main(int argc, char *argv[])
{
  int i;

  if (argc < 2) {
    fprintf(stderr, "usage: %s fs.img file...\n", argv[0]);
    return 1;
  }
  layout_image();
  make_root(argc - 2);
  for (i = 2; i < argc; i++)
    add_file(argv[i]);
  write_root();
  store_superblock();
  store_inodes();
  store_bitmap();
  write_image(argv[1]);
  print_summary(argv[1]);
  return 0;
}
