// Sv39 page tables: the kernel's mappings and user address spaces.
//
// Sv39 translates a 39-bit virtual address through three levels of
// 512-entry tables, each one page:
//
//    38      30 29      21 20      12 11          0
//   | L2 index | L1 index | L0 index | page offset |
//
// satp points at the level-2 (root) table. An entry with R, W or X set is
// a leaf: at level 0 it maps a 4 KiB page, at level 1 a 2 MiB megapage, at
// level 2 a 1 GiB gigapage. Otherwise a valid entry points at the next
// table. Page tables hold physical addresses; the kernel reaches every
// table and page through the direct map (P2V).
//
// The kernel half (root entries 256..511) is built once by kvm_init and
// copied into every user root table, so the level-1 and level-0 tables of
// the kernel are shared by all address spaces.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "klib.h"
#include "printf.h"
#include "kalloc.h"
#include "vm.h"
#include "fdt.h"
#include "spinlock.h"
#include "proc.h"
#include "vma.h"

#define USER_ROOT_ENTRIES (PTES_PER_PAGE / 2) // root entries of the lower half
#define MEGAPAGE (1UL << PXSHIFT(1))          // 2 MiB

static pagetable_t kernel_pagetable; // [I] after kvm_init

extern char kernel_start[], text_end[], rodata_end[]; // kernel.ld

// Return the entry for va in the table at level `level` (0 = the leaf
// level of 4 KiB pages, 1 = megapages), creating missing tables on the way
// when alloc is set. Returns 0 if a table is missing (or can't be
// allocated), or if a larger leaf is in the way.
static pte_t *
walk_to_level(pagetable_t pagetable, uint64 va, int level, int alloc)
{
  for (int l = 2; l > level; l--) {
    pte_t *pte = &pagetable[PX(l, va)];
    if (*pte & PTE_V) {
      if (PTE_LEAF(*pte))
        return 0;
      pagetable = P2V(PTE2PA(*pte));
    } else {
      if (!alloc || (pagetable = page_alloc()) == 0)
        return 0;
      *pte = PA2PTE(V2P(pagetable)) | PTE_V;
    }
  }
  return &pagetable[PX(level, va)];
}

pte_t *
vm_walk(pagetable_t pagetable, uint64 va, int alloc)
{
  if (va >= MAXVA)
    return 0;
  return walk_to_level(pagetable, va, 0, alloc);
}

int
vm_map(pagetable_t pagetable, uint64 va, uint64 pa, uint64 size, int perm)
{
  if (va % PGSIZE || pa % PGSIZE || size % PGSIZE)
    panic("vm_map: unaligned va %p pa %p size %p", (void *)va, (void *)pa, (void *)size);
  for (uint64 off = 0; off < size; off += PGSIZE) {
    pte_t *pte = walk_to_level(pagetable, va + off, 0, 1);
    if (pte == 0)
      return -1;
    if (*pte & PTE_V)
      panic("vm_map: %p is already mapped", (void *)(va + off));
    *pte = PA2PTE(pa + off) | perm | PTE_V | PTE_A | PTE_D;
  }
  return 0;
}

// Map a physical range into the kernel half at its direct-map address,
// with 2 MiB megapages where alignment allows and 4 KiB pages elsewhere.
static void
kvm_map_direct(uint64 pa, uint64 size, int perm)
{
  uint64 end = pa + size;
  perm |= PTE_G | PTE_V | PTE_A | PTE_D;
  while (pa < end) {
    int mega = pa % MEGAPAGE == 0 && end - pa >= MEGAPAGE;
    pte_t *pte = walk_to_level(kernel_pagetable, (uint64)P2V(pa), mega ? 1 : 0, 1);
    if (pte == 0)
      panic("kvm_map_direct: out of memory");
    *pte = PA2PTE(pa) | perm;
    pa += mega ? MEGAPAGE : PGSIZE;
  }
}

void
kvm_init(void)
{
  kernel_pagetable = page_alloc();
  if (kernel_pagetable == 0)
    panic("kvm_init: out of memory");

  // Devices.
  kvm_map_direct(SIFIVE_TEST_PA, PGSIZE, PTE_R | PTE_W);
  kvm_map_direct(PLIC_PA, PLIC_SIZE, PTE_R | PTE_W);
  kvm_map_direct(UART0_PA, PGSIZE, PTE_R | PTE_W);
  kvm_map_direct(VIRTIO_MMIO_PA(0), VIRTIO_MMIO_SLOTS * PGSIZE, PTE_R | PTE_W);

  // RAM: OpenSBI's part is left out; the kernel's text is read-only and
  // executable, its read-only data read-only, and everything else
  // (data, bss, free pages) read-write.
  uint64 text_pa = V2P(kernel_start), rodata_pa = V2P(text_end);
  uint64 data_pa = V2P(rodata_end);
  uint64 ram_end = machine.ram.base + machine.ram.size;
  kvm_map_direct(text_pa, rodata_pa - text_pa, PTE_R | PTE_X);
  kvm_map_direct(rodata_pa, data_pa - rodata_pa, PTE_R);
  kvm_map_direct(data_pa, ram_end - data_pa, PTE_R | PTE_W);
}

void
kvm_init_hart(void)
{
  CSR_WRITE(satp, MAKE_SATP(V2P(kernel_pagetable)));
  sfence_vma();
}

void
kvm_use_kernel_table(void)
{
  CSR_WRITE(satp, MAKE_SATP(V2P(kernel_pagetable)));
}

pagetable_t
uvm_create(void)
{
  pagetable_t pagetable = page_alloc();
  if (pagetable == 0)
    return 0;
  for (int i = USER_ROOT_ENTRIES; i < PTES_PER_PAGE; i++)
    pagetable[i] = kernel_pagetable[i];
  return pagetable;
}

void
uvm_unmap(pagetable_t pagetable, uint64 va, uint64 npages, int do_free)
{
  uint64 end = va + npages * PGSIZE;
  pte_t *pte;
  for (; (pte = uvm_next_present(pagetable, &va, end)) != 0; va += PGSIZE) {
    if (do_free)
      page_free(P2V(PTE2PA(*pte)));
    *pte = 0;
  }
  sfence_vma();
}

// Free a user table at `level` and everything below it.
static void
free_table(pagetable_t table, int level)
{
  for (int i = 0; i < PTES_PER_PAGE; i++) {
    pte_t pte = table[i];
    if ((pte & PTE_V) == 0)
      continue;
    if (level == 0)
      page_free(P2V(PTE2PA(pte)));
    else
      free_table(P2V(PTE2PA(pte)), level - 1);
  }
  page_free(table);
}

void
uvm_free(pagetable_t pagetable)
{
  for (int i = 0; i < USER_ROOT_ENTRIES; i++)
    if (pagetable[i] & PTE_V)
      free_table(P2V(PTE2PA(pagetable[i])), 1);
  page_free(pagetable);
}

uint64
uvm_alloc(pagetable_t pagetable, uint64 oldsz, uint64 newsz, int perm)
{
  if (newsz <= oldsz)
    return oldsz;
  if (newsz > MAXVA)
    return 0;
  for (uint64 va = PGROUNDUP(oldsz); va < newsz; va += PGSIZE) {
    void *page = page_alloc();
    if (page == 0 || vm_map(pagetable, va, V2P(page), PGSIZE, PTE_R | PTE_U | perm) < 0) {
      if (page)
        page_free(page);
      uvm_dealloc(pagetable, va, oldsz);
      return 0;
    }
  }
  return newsz;
}

uint64
uvm_dealloc(pagetable_t pagetable, uint64 oldsz, uint64 newsz)
{
  if (newsz >= oldsz)
    return oldsz;
  uint64 first = PGROUNDUP(newsz), last = PGROUNDUP(oldsz);
  if (first < last)
    uvm_unmap(pagetable, first, (last - first) / PGSIZE, 1);
  return newsz;
}

// Is the PTE a present user page (writable, if need_write)?
static int
pte_usable(pte_t *pte, int need_write)
{
  if (pte == 0 || (*pte & (PTE_V | PTE_U)) != (PTE_V | PTE_U))
    return 0;
  return !need_write || (*pte & PTE_W);
}

// Kernel address of the user page holding va, if it is mapped for user
// access (and writable, if need_write). If it is not but could be -- a
// lazy page, a copy-on-write page, a page of a mapped file -- and this is
// the current process's address space, resolve the fault first (a file
// page only if no spinlock is held, since reading it sleeps).
// 0 if the page is not accessible.
static uchar *
user_page(pagetable_t pagetable, uint64 va, int need_write)
{
  pte_t *pte = vm_walk(pagetable, va, 0);
  if (!pte_usable(pte, need_write)) {
    struct proc *p = myproc();
    const char *why;
    if (p == 0 || p->pagetable != pagetable || va >= MAXVA ||
        uvm_fault(p, va, need_write ? FAULT_WRITE : FAULT_READ, mycpu()->noff == 0, &why) < 0)
      return 0;
    pte = vm_walk(pagetable, va, 0);
    if (!pte_usable(pte, need_write))
      return 0;
  }
  return P2V(PTE2PA(*pte));
}

uint64
uvm_walkaddr(pagetable_t pagetable, uint64 va)
{
  uchar *page = user_page(pagetable, va, 0);
  return page ? V2P(page) : 0;
}

pte_t *
uvm_next_present(pagetable_t pagetable, uint64 *va, uint64 end)
{
  uint64 a = PGROUNDDOWN(*va);
  while (a < end && a < MAXVA) {
    // Find the deepest table that exists for a; skip what it lacks.
    pagetable_t table = pagetable;
    int level = 2;
    for (; level > 0; level--) {
      pte_t pte = table[PX(level, a)];
      if (!(pte & PTE_V) || PTE_LEAF(pte))
        break;
      table = P2V(PTE2PA(pte));
    }
    pte_t *pte = &table[PX(level, a)];
    if (level == 0 && (*pte & PTE_V)) {
      *va = a;
      return pte;
    }
    uint64 step = 1UL << PXSHIFT(level);
    a = (a & ~(step - 1)) + step;
  }
  return 0;
}

uint64
uvm_count_present(pagetable_t pagetable, uint64 start, uint64 end)
{
  uint64 n = 0;
  for (uint64 va = start; uvm_next_present(pagetable, &va, end); va += PGSIZE)
    n++;
  return n;
}

// Print the entries of one table at `level` whose first address is va.
static void
print_table(pagetable_t table, int level, uint64 va_base)
{
  static const char *indent[] = {" .. .. ..", " .. ..", " .."};
  int entries = level == 2 ? PTES_PER_PAGE / 2 : PTES_PER_PAGE; // user half
  for (int i = 0; i < entries; i++) {
    pte_t pte = table[i];
    if (!(pte & PTE_V))
      continue;
    uint64 va = va_base + ((uint64)i << PXSHIFT(level));
    kprintf("%s%d: pte %p pa %p", indent[level], i, (void *)pte, (void *)PTE2PA(pte));
    if (PTE_LEAF(pte)) {
      kprintf(" va %p %c%c%c%c%s\n", (void *)va, pte & PTE_R ? 'r' : '-', pte & PTE_W ? 'w' : '-',
              pte & PTE_X ? 'x' : '-', pte & PTE_U ? 'u' : '-', pte & PTE_COW ? " cow" : "");
    } else {
      kprintf("\n");
      print_table(P2V(PTE2PA(pte)), level - 1, va);
    }
  }
}

void
uvm_print(pagetable_t pagetable)
{
  kprintf("page table %p (user half; entries %d..%d are the shared kernel half)\n",
          (void *)V2P(pagetable), PTES_PER_PAGE / 2, PTES_PER_PAGE - 1);
  print_table(pagetable, 2, 0);
}

// Copy len bytes between the kernel buffer kbuf and user address uva in
// pagetable, in the direction to_user says, one page at a time.
// Returns 0, or -1 if some page of the user range is not accessible.
static int
copy_user(pagetable_t pagetable, uint64 uva, uchar *kbuf, uint64 len, int to_user)
{
  while (len > 0) {
    uint64 va0 = PGROUNDDOWN(uva);
    uchar *page = user_page(pagetable, va0, to_user);
    if (page == 0)
      return -1;
    uint64 n = MIN(PGSIZE - (uva - va0), len);
    if (to_user)
      memmove(page + (uva - va0), kbuf, n);
    else
      memmove(kbuf, page + (uva - va0), n);
    len -= n;
    kbuf += n;
    uva = va0 + PGSIZE;
  }
  return 0;
}

int
copyout(pagetable_t pagetable, uint64 dstva, const void *src, uint64 len)
{
  return copy_user(pagetable, dstva, (uchar *)src, len, 1);
}

int
copyin(pagetable_t pagetable, void *dst, uint64 srcva, uint64 len)
{
  return copy_user(pagetable, srcva, dst, len, 0);
}

int
copyinstr(pagetable_t pagetable, char *dst, uint64 srcva, uint64 max)
{
  while (max > 0) {
    uint64 va0 = PGROUNDDOWN(srcva);
    uchar *page = user_page(pagetable, va0, 0);
    if (page == 0)
      return -1;
    uint64 n = MIN(PGSIZE - (srcva - va0), max);
    const char *p = (const char *)page + (srcva - va0);
    for (uint64 i = 0; i < n; i++) {
      dst[i] = p[i];
      if (p[i] == 0)
        return 0;
    }
    max -= n;
    dst += n;
    srcva = va0 + PGSIZE;
  }
  return -1; // no NUL within max bytes
}
