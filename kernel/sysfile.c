// File system calls: argument checking, file descriptors, and the
// operations that change the name space (open/create, link, unlink,
// mkdir, mknod, chdir).
//
// Every system call here treats its arguments as hostile: a bad file
// descriptor, a negative count, a pointer outside the caller's memory, a
// path that is too long, empty or names the wrong kind of file all return
// (uint64)-1; none of them may panic the kernel.
//
// Each call that may change the disk runs as one log op
// (log_begin_op ... log_end_op), begun before any inode is locked.
//
// Locks: file descriptors (p->ofile) and p->cwd belong to the calling
// process only ([o] in proc.h), so they need no lock here.
// Lock order: log op -> parent directory lock -> child inode lock.
#include "types.h"
#include "param.h"
#include "stat.h"
#include "fcntl.h"
#include "spinlock.h"
#include "sleeplock.h"
#include "printf.h"
#include "klib.h"
#include "proc.h"
#include "vm.h"
#include "fs.h"
#include "log.h"
#include "inode.h"
#include "file.h"
#include "vma.h"
#include "pipe.h"
#include "sysarg.h"
#include "sysfunc.h"

#define SYSCALL_FAIL ((uint64)-1)

// ---- Helpers ----------------------------------------------------------------

// Fetch argument n as a file descriptor of the current process. Sets *pfd
// (if not 0) and *pf. Returns 0, or -1 if it is out of range or not open.
static int
arg_fd(int n, int *pfd, struct file **pf)
{
  int fd = arg_int(n);
  if (fd < 0 || fd >= NOFILE)
    return -1;
  struct file *f = myproc()->ofile[fd];
  if (f == 0)
    return -1;
  if (pfd)
    *pfd = fd;
  *pf = f;
  return 0;
}

// Give f the lowest free file descriptor of the current process (taking
// over the caller's reference). Returns it, or -1 if all NOFILE are used.
static int
fd_alloc(struct file *f)
{
  struct proc *p = myproc();
  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd] == 0) {
      p->ofile[fd] = f;
      return fd;
    }
  }
  return -1;
}

// Fetch argument n as a path into buf (MAXPATH bytes). Returns 0, or -1
// if it is not readable user memory, too long, or empty.
static int
arg_path(int n, char *buf)
{
  int len = arg_str(n, buf, MAXPATH);
  if (len <= 0)
    return -1;
  return 0;
}

// Is name "." or ".."?
static int
is_dot_or_dotdot(const char *name)
{
  return name_cmp(name, ".") == 0 || name_cmp(name, "..") == 0;
}

// Does directory dp hold nothing but "." and ".."? Caller holds dp->lock.
static int
dir_is_empty(struct inode *dp)
{
  struct dirent de;
  for (uint off = 2 * sizeof(de); off < dp->size; off += sizeof(de)) {
    if (inode_read(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
      panic("dir_is_empty: cannot read directory %d", dp->inum);
    if (de.inum != 0)
      return 0;
  }
  return 1;
}

// ---- Descriptors --------------------------------------------------------------

// int read(int fd, void *buf, int n): bytes read, 0 at end of file, or -1.
uint64
sys_read(void)
{
  struct file *f;
  uint64 buf = arg_addr(1);
  int n = arg_int(2);
  // Make the whole buffer present first: pipes and the console copy into
  // it holding a spinlock, and a file read holds the inode's lock, so the
  // copy must not need to sleep on a page fault (or read that same inode).
  if (arg_fd(0, 0, &f) < 0 || n < 0 || uvm_prefault(buf, n, 1) < 0)
    return SYSCALL_FAIL;
  return file_read(f, buf, n);
}

// int write(int fd, const void *buf, int n): bytes written, or -1.
uint64
sys_write(void)
{
  struct file *f;
  uint64 buf = arg_addr(1);
  int n = arg_int(2);
  if (arg_fd(0, 0, &f) < 0 || n < 0 || uvm_prefault(buf, n, 0) < 0)
    return SYSCALL_FAIL; // see sys_read
  return file_write(f, buf, n);
}

// int close(int fd): 0, or -1 if fd is not open.
uint64
sys_close(void)
{
  int fd;
  struct file *f;
  if (arg_fd(0, &fd, &f) < 0)
    return SYSCALL_FAIL;
  myproc()->ofile[fd] = 0;
  file_close(f);
  return 0;
}

// int dup(int fd): a new descriptor for the same open file, or -1.
uint64
sys_dup(void)
{
  struct file *f;
  if (arg_fd(0, 0, &f) < 0)
    return SYSCALL_FAIL;
  int fd = fd_alloc(f);
  if (fd < 0)
    return SYSCALL_FAIL;
  file_dup(f);
  return fd;
}

// int fstat(int fd, struct stat *st): 0, or -1.
uint64
sys_fstat(void)
{
  struct file *f;
  uint64 st = arg_addr(1);
  if (arg_fd(0, 0, &f) < 0)
    return SYSCALL_FAIL;
  return file_stat(f, st);
}

// int pipe(int fds[2]): fds[0] reads, fds[1] writes. 0, or -1 (then no
// descriptor or file is left behind).
uint64
sys_pipe(void)
{
  struct proc *p = myproc();
  uint64 fds_addr = arg_addr(0);
  struct file *rf, *wf;

  if (pipe_alloc(&rf, &wf) < 0)
    return SYSCALL_FAIL;
  int fds[2] = {fd_alloc(rf), -1};
  if (fds[0] >= 0)
    fds[1] = fd_alloc(wf);
  if (fds[1] < 0 || copyout(p->pagetable, fds_addr, fds, sizeof(fds)) < 0) {
    if (fds[0] >= 0)
      p->ofile[fds[0]] = 0;
    if (fds[1] >= 0)
      p->ofile[fds[1]] = 0;
    file_close(rf);
    file_close(wf);
    return SYSCALL_FAIL;
  }
  return 0;
}

// ---- Names ------------------------------------------------------------------

// Give the new directory dp its "." and ".." entries (parent is the
// directory it is being linked into). 0, or -1 if the disk is full.
// Caller holds both locks, inside a log op.
static int
dir_init(struct inode *dp, struct inode *parent)
{
  if (dir_link(dp, ".", dp->inum) < 0 || dir_link(dp, "..", parent->inum) < 0)
    return -1;
  return 0;
}

// Make a new inode of the given type at path. If path already exists and
// a regular file is wanted, return the existing file or device instead
// (open with O_CREATE). Returns the inode referenced and LOCKED, or 0 if
// the parent is missing, the name exists with another type, or an inode or
// disk block cannot be had. Inside a log op.
static struct inode *
create(const char *path, short type, short major, short minor)
{
  char name[DIRSIZ];
  struct inode *dp = path_parent(path, name);
  if (dp == 0)
    return 0;
  inode_lock(dp);

  struct inode *ip = dir_lookup(dp, name, 0);
  if (ip) {
    inode_unlockput(dp);
    inode_lock(ip);
    if (type == T_FILE && (ip->type == T_FILE || ip->type == T_DEVICE))
      return ip;
    inode_unlockput(ip);
    return 0;
  }

  ip = inode_alloc(dp->dev, type);
  if (ip == 0) {
    inode_unlockput(dp);
    return 0;
  }
  inode_lock(ip);
  ip->major = major;
  ip->minor = minor;
  ip->nlink = 1;
  inode_update(ip);

  if ((type == T_DIR && dir_init(ip, dp) < 0) || dir_link(dp, name, ip->inum) < 0)
    goto undo;
  if (type == T_DIR) {
    dp->nlink++; // the new ".." refers to dp
    inode_update(dp);
  }
  inode_unlockput(dp);
  return ip;

undo:
  // Not linked anywhere: with nlink 0 the last put frees it on disk.
  ip->nlink = 0;
  inode_update(ip);
  inode_unlockput(ip);
  inode_unlockput(dp);
  return 0;
}

// Find (or, with O_CREATE, create) the inode for open(path, omode) and
// check that it may be opened so. Returns it referenced and LOCKED, or 0.
// Inside a log op.
static struct inode *
open_inode(const char *path, int omode)
{
  struct inode *ip;
  if (omode & O_CREATE) {
    ip = create(path, T_FILE, 0, 0);
    if (ip == 0)
      return 0;
  } else {
    ip = path_lookup(path);
    if (ip == 0)
      return 0;
    inode_lock(ip);
  }
  int wants_write = (omode & (O_WRONLY | O_RDWR)) != 0;
  if ((ip->type == T_DIR && wants_write) ||
      (ip->type == T_DEVICE && (ip->major < 0 || ip->major >= NDEV))) {
    inode_unlockput(ip);
    return 0;
  }
  return ip;
}

// int open(const char *path, int omode): a new file descriptor, or -1.
uint64
sys_open(void)
{
  char path[MAXPATH];
  int omode = arg_int(1);
  if (arg_path(0, path) < 0)
    return SYSCALL_FAIL;

  log_begin_op();
  struct inode *ip = open_inode(path, omode);
  if (ip == 0) {
    log_end_op();
    return SYSCALL_FAIL;
  }
  struct file *f = file_alloc();
  int fd = f ? fd_alloc(f) : -1;
  if (fd < 0) {
    if (f)
      file_close(f); // still FD_NONE: only frees the slot
    inode_unlockput(ip);
    log_end_op();
    return SYSCALL_FAIL;
  }

  if (ip->type == T_DEVICE) {
    f->type = FD_DEVICE;
    f->major = ip->major;
  } else {
    f->type = FD_INODE;
    f->off = 0;
  }
  f->ip = ip;
  f->readable = !(omode & O_WRONLY);
  f->writable = (omode & (O_WRONLY | O_RDWR)) != 0;
  if ((omode & O_TRUNC) && ip->type == T_FILE)
    inode_trunc(ip);

  inode_unlock(ip);
  log_end_op();
  return fd;
}

// Create a directory or device node at path, in its own log op.
// Returns 0, or SYSCALL_FAIL if create() fails.
static uint64
make_node(const char *path, short type, short major, short minor)
{
  log_begin_op();
  struct inode *ip = create(path, type, major, minor);
  if (ip == 0) {
    log_end_op();
    return SYSCALL_FAIL;
  }
  inode_unlockput(ip);
  log_end_op();
  return 0;
}

// int mkdir(const char *path): 0, or -1.
uint64
sys_mkdir(void)
{
  char path[MAXPATH];
  if (arg_path(0, path) < 0)
    return SYSCALL_FAIL;
  return make_node(path, T_DIR, 0, 0);
}

// int mknod(const char *path, short major, short minor): 0, or -1.
// major must be a device number below NDEV.
uint64
sys_mknod(void)
{
  char path[MAXPATH];
  int major = arg_int(1);
  int minor = arg_int(2);
  if (arg_path(0, path) < 0 || major < 0 || major >= NDEV)
    return SYSCALL_FAIL;
  return make_node(path, T_DEVICE, major, minor);
}

// int chdir(const char *path): 0, or -1 if path is not a directory.
uint64
sys_chdir(void)
{
  char path[MAXPATH];
  struct proc *p = myproc();
  if (arg_path(0, path) < 0)
    return SYSCALL_FAIL;

  log_begin_op();
  struct inode *ip = path_lookup(path);
  if (ip == 0) {
    log_end_op();
    return SYSCALL_FAIL;
  }
  inode_lock(ip);
  if (ip->type != T_DIR) {
    inode_unlockput(ip);
    log_end_op();
    return SYSCALL_FAIL;
  }
  inode_unlock(ip);
  if (p->cwd)
    inode_put(p->cwd);
  log_end_op();
  p->cwd = ip;
  return 0;
}

// Add the name newpath for the existing non-directory inode ip (new link
// counted already). 0, or -1 if the parent is missing, on another device,
// or the name exists. Inside a log op; ip unlocked.
static int
link_name(struct inode *ip, const char *newpath)
{
  char name[DIRSIZ];
  struct inode *dp = path_parent(newpath, name);
  if (dp == 0)
    return -1;
  inode_lock(dp);
  if (dp->dev != ip->dev || dir_link(dp, name, ip->inum) < 0) {
    inode_unlockput(dp);
    return -1;
  }
  inode_unlockput(dp);
  return 0;
}

// int link(const char *old, const char *new): 0, or -1 (old missing or a
// directory, new exists or its directory is missing).
uint64
sys_link(void)
{
  char old[MAXPATH], new[MAXPATH];
  if (arg_path(0, old) < 0 || arg_path(1, new) < 0)
    return SYSCALL_FAIL;

  log_begin_op();
  struct inode *ip = path_lookup(old);
  if (ip == 0) {
    log_end_op();
    return SYSCALL_FAIL;
  }
  inode_lock(ip);
  if (ip->type == T_DIR) {
    inode_unlockput(ip);
    log_end_op();
    return SYSCALL_FAIL;
  }
  // Count the link first: a crash then leaves a count that is too high
  // (harmless), never one that is too low.
  ip->nlink++;
  inode_update(ip);
  inode_unlock(ip);

  int ok = link_name(ip, new) == 0;
  inode_lock(ip);
  if (!ok) {
    ip->nlink--;
    inode_update(ip);
  }
  inode_unlockput(ip);
  log_end_op();
  return ok ? 0 : SYSCALL_FAIL;
}

// Remove the entry at offset off of directory dp for inode ip, and drop
// the link counts it stood for. Caller holds both locks, inside a log op.
static void
unlink_entry(struct inode *dp, struct inode *ip, uint off)
{
  struct dirent de;
  memset(&de, 0, sizeof(de));
  if (inode_write(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
    panic("unlink: cannot clear entry of directory %d", dp->inum);
  if (ip->type == T_DIR) {
    dp->nlink--; // ip's ".." no longer refers to dp
    inode_update(dp);
  }
  ip->nlink--;
  inode_update(ip);
}

// int unlink(const char *path): 0, or -1 (missing, ".", "..", or a
// directory that is not empty).
uint64
sys_unlink(void)
{
  char path[MAXPATH], name[DIRSIZ];
  uint off;
  if (arg_path(0, path) < 0)
    return SYSCALL_FAIL;

  log_begin_op();
  struct inode *dp = path_parent(path, name);
  if (dp == 0) {
    log_end_op();
    return SYSCALL_FAIL;
  }
  inode_lock(dp);
  struct inode *ip = 0;
  if (is_dot_or_dotdot(name) || (ip = dir_lookup(dp, name, &off)) == 0)
    goto fail;
  inode_lock(ip);
  if (ip->nlink < 1)
    panic("unlink: inode %d has no links", ip->inum);
  if (ip->type == T_DIR && !dir_is_empty(ip)) {
    inode_unlockput(ip);
    goto fail;
  }
  unlink_entry(dp, ip, off);
  inode_unlockput(ip); // frees it if that was the last link and reference
  inode_unlockput(dp);
  log_end_op();
  return 0;

fail:
  inode_unlockput(dp);
  log_end_op();
  return SYSCALL_FAIL;
}
