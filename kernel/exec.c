// exec: load an ELF program into a fresh address space and switch to it.
//
// The new address space is built completely before the old one is freed,
// so a failing exec returns -1 to a process that is still intact. Layout:
// the program's segments from USER_TEXT_BASE, the heap after them (p->sz),
// and USERSTACK pages of stack ending at USER_STACK_TOP with an unmapped
// guard page below. The stack starts with argc's strings and argv[].
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "proc.h"
#include "klib.h"
#include "kalloc.h"
#include "vm.h"
#include "inode.h"
#include "log.h"
#include "elf.h"
#include "exec.h"
#include "sysarg.h"
#include "sysfunc.h"
#include "vma.h"
#include "fcntl.h"

// The mmap protection of a segment's ELF flags.
static int
segment_prot(uint32 flags)
{
  int prot = 0;
  if (flags & ELF_PROG_FLAG_READ)
    prot |= PROT_READ;
  if (flags & ELF_PROG_FLAG_WRITE)
    prot |= PROT_WRITE;
  if (flags & ELF_PROG_FLAG_EXEC)
    prot |= PROT_EXEC;
  return prot;
}

// Map the pages of segment ph (zeroed) and read its file bytes into them.
// Pages shared with an earlier segment keep their frame and gain perms.
// ip is locked. Returns 0 or -1.
static int
load_segment(pagetable_t pt, struct inode *ip, struct prog_header *ph)
{
  int perm = vma_prot_to_pte(segment_prot(ph->flags));
  for (uint64 va = PGROUNDDOWN(ph->vaddr); va < ph->vaddr + ph->memsz; va += PGSIZE) {
    pte_t *pte = vm_walk(pt, va, 0);
    if (pte && (*pte & PTE_V)) {
      *pte |= perm;
      continue;
    }
    void *page = page_alloc();
    if (page == 0)
      return -1;
    if (vm_map(pt, va, V2P(page), PGSIZE, perm) < 0) {
      page_free(page);
      return -1;
    }
  }
  // Copy the file part, one page at a time, through the direct map.
  for (uint64 done = 0; done < ph->filesz;) {
    uint64 va = ph->vaddr + done;
    uint64 n = MIN(PGSIZE - va % PGSIZE, ph->filesz - done);
    uint64 pa = uvm_walkaddr(pt, PGROUNDDOWN(va));
    if (inode_read(ip, 0, (uint64)P2V(pa) + va % PGSIZE, ph->off + done, n) != n)
      return -1;
    done += n;
  }
  return 0;
}

// Check and load every loadable segment of the ELF file ip (locked), and
// describe each in *vmas. Sets *brk to the page-aligned end of the
// highest segment, and *entry.
static int
load_program(pagetable_t pt, struct vma **vmas, struct inode *ip, uint64 *brk, uint64 *entry)
{
  struct elf_header eh;
  if (inode_read(ip, 0, (uint64)&eh, 0, sizeof(eh)) != sizeof(eh) || eh.magic != ELF_MAGIC ||
      eh.phentsize != sizeof(struct prog_header))
    return -1;
  *brk = USER_TEXT_BASE;
  for (int i = 0; i < eh.phnum; i++) {
    struct prog_header ph;
    uint64 off = eh.phoff + i * sizeof(ph);
    if (inode_read(ip, 0, (uint64)&ph, off, sizeof(ph)) != sizeof(ph))
      return -1;
    if (ph.type != ELF_PROG_LOAD || ph.memsz == 0)
      continue;
    if (ph.memsz < ph.filesz || ph.vaddr < USER_TEXT_BASE || ph.vaddr + ph.memsz < ph.vaddr ||
        ph.vaddr + ph.memsz > USER_STACK_TOP - (USERSTACK + 1) * PGSIZE)
      return -1;
    if (load_segment(pt, ip, &ph) < 0)
      return -1;
    enum vma_kind kind = (ph.flags & ELF_PROG_FLAG_EXEC) ? VMA_TEXT : VMA_DATA;
    if (vma_list_add(vmas, PGROUNDDOWN(ph.vaddr), PGROUNDUP(ph.vaddr + ph.memsz),
                     segment_prot(ph.flags), kind) < 0)
      return -1;
    *brk = MAX(*brk, PGROUNDUP(ph.vaddr + ph.memsz));
  }
  *entry = eh.entry;
  return 0;
}

// Copy the strings of a 0-terminated kernel array (at most max of them)
// onto the user stack below *sp, and then the array of their user
// addresses. Returns the user address of that array, or 0 if it does not
// fit above bottom or has more than max strings.
static uint64
push_strings(pagetable_t pt, uint64 *sp, uint64 bottom, char **strs, int max, int *countp)
{
  uint64 uptrs[MAX(MAXARG, MAXENV) + 1];
  int n;
  for (n = 0; strs && strs[n]; n++) {
    if (n >= max)
      return 0;
    uint64 len = strlen(strs[n]) + 1;
    *sp = (*sp - len) & ~15UL; // the RISC-V ABI wants sp 16-byte aligned
    if (*sp < bottom || copyout(pt, *sp, strs[n], len) < 0)
      return 0;
    uptrs[n] = *sp;
  }
  uptrs[n] = 0;
  *sp = (*sp - (n + 1) * sizeof(uint64)) & ~15UL;
  if (*sp < bottom || copyout(pt, *sp, uptrs, (n + 1) * sizeof(uint64)) < 0)
    return 0;
  *countp = n;
  return *sp;
}

// Map the stack and push the environment and the arguments onto it.
// Returns the initial sp, or 0 if they do not fit.
static uint64
setup_stack(pagetable_t pt, struct vma **vmas, char **argv, char **envp, int *argcp, uint64 *argvp,
            uint64 *envpp)
{
  uint64 bottom = USER_STACK_TOP - USERSTACK * PGSIZE;
  if (uvm_alloc(pt, bottom, USER_STACK_TOP, PTE_W) == 0 ||
      vma_list_add(vmas, bottom, USER_STACK_TOP, PROT_READ | PROT_WRITE, VMA_STACK) < 0)
    return 0;
  // Leave the program at least one page of stack of its own.
  uint64 limit = bottom + PGSIZE;
  uint64 sp = USER_STACK_TOP;
  int envc;
  if ((*envpp = push_strings(pt, &sp, limit, envp, MAXENV, &envc)) == 0 ||
      (*argvp = push_strings(pt, &sp, limit, argv, MAXARG, argcp)) == 0)
    return 0;
  return sp;
}

int
kexec(const char *path, char **argv, char **envp)
{
  struct proc *p = myproc();
  pagetable_t pt = 0;
  struct vma *vmas = 0; // the new image's regions
  uint64 brk, entry, sp, uargv, uenvp;
  int argc;

  log_begin_op();
  struct inode *ip = path_lookup(path);
  if (ip == 0) {
    log_end_op();
    return -1;
  }
  inode_lock(ip);
  if ((pt = uvm_create()) == 0 || load_program(pt, &vmas, ip, &brk, &entry) < 0)
    goto bad;
  inode_unlockput(ip);
  log_end_op();
  ip = 0;

  if ((sp = setup_stack(pt, &vmas, argv, envp, &argc, &uargv, &uenvp)) == 0 ||
      vma_list_add(&vmas, brk, brk, PROT_READ | PROT_WRITE, VMA_HEAP) < 0)
    goto bad;

  // Commit: from here on exec cannot fail.
  const char *last = path;
  for (const char *s = path; *s; s++)
    if (*s == '/')
      last = s + 1;
  safestrcpy(p->name, last, sizeof(p->name));
  pagetable_t old = p->pagetable;
  spin_lock(&p->vm_lock);
  struct vma *old_vmas = p->vmas;
  p->vmas = vmas;
  p->pagetable = pt;
  p->sz = brk;
  spin_unlock(&p->vm_lock);
  p->trapframe->epc = entry;
  p->trapframe->sp = sp;
  p->trapframe->a0 = argc;
  p->trapframe->a1 = uargv;
  p->trapframe->a2 = uenvp;
  CSR_WRITE(satp, MAKE_SATP(V2P(pt)));
  sfence_vma();
  vma_free_list(old_vmas, old); // writes the old image's shared file maps back
  uvm_free(old);
  return argc; // lands in a0: main(argc, argv)

bad:
  vma_free_list(vmas, 0);
  if (pt)
    uvm_free(pt);
  if (ip) {
    inode_unlockput(ip);
    log_end_op();
  }
  return -1;
}

// Free the kernel copies of exec's strings.
static void
free_strings(char **strs)
{
  for (int i = 0; strs[i]; i++)
    page_free(strs[i]);
}

// Copy a user array of string pointers at uarray (0-terminated, at most
// max entries, each string shorter than a page) into kernel pages listed
// in strs[], which has room for max+1 entries and starts zeroed.
// Returns 0, or -1 on a bad pointer, too many strings or no memory.
static int
fetch_strings(uint64 uarray, char **strs, int max)
{
  for (int i = 0;; i++) {
    uint64 uptr;
    if (fetch_addr(uarray + i * sizeof(uint64), &uptr) < 0)
      return -1;
    if (uptr == 0)
      return 0;
    if (i == max)
      return -1; // too many
    if ((strs[i] = page_alloc()) == 0 || fetch_str(uptr, strs[i], PGSIZE) < 0)
      return -1;
  }
}

// execve(path, argv, envp): envp may be 0 (an empty environment).
uint64
sys_exec(void)
{
  char path[MAXPATH];
  char *argv[MAXARG + 1] = {0};
  char *envp[MAXENV + 1] = {0};
  uint64 uenvp = arg_addr(2);
  int result = -1;

  if (arg_str(0, path, MAXPATH) >= 0 && fetch_strings(arg_addr(1), argv, MAXARG) == 0 &&
      (uenvp == 0 || fetch_strings(uenvp, envp, MAXENV) == 0))
    result = kexec(path, argv, envp);
  free_strings(argv);
  free_strings(envp);
  return result;
}
