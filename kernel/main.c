// Kernel start-up, on the boot hart and on every other hart.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "proc.h"
#include "klib.h"
#include "printf.h"
#include "console.h"
#include "fdt.h"
#include "kalloc.h"
#include "vm.h"
#include "trap.h"
#include "plic.h"
#include "buf.h"
#include "file.h"
#include "inode.h"
#include "pipe.h"
#include "virtio.h"
#include "sbi.h"
#include "slab.h"
#include "vma.h"
#include "mlfq.h"
#include "semaphore.h"

#define MIB (1024 * 1024)

extern char bss_start[], bss_end[], kernel_end[]; // kernel.ld
extern char _entry_secondary[];                   // entry.S

static volatile int harts_online;
// Set once the boot hart has set up everything the other harts use. In
// .data, not .bss: a hart may look at it before kmain zeroes .bss.
static volatile int kernel_ready __attribute__((section(".data")));

// Print the boot banner: where we are and what we found.
static void
print_banner(int hartid)
{
  kprintf("\nkestrel: a teaching kernel for RISC-V (Sv39, %s timer)\n",
          machine.has_sstc ? "Sstc" : "SBI");
  kprintf("kestrel: boot hart %d, %d harts, %lu MiB RAM at %p\n", hartid, machine.nharts,
          machine.ram.size / MIB, (void *)machine.ram.base);
}

// Start every other hart through SBI HSM, and wait until all are up.
static void
start_other_harts(int boot_hart)
{
  for (int h = 0; h < NCPU; h++) {
    if (h == boot_hart || !(machine.hart_mask & (1UL << h)))
      continue;
    long err = sbi_hart_start(h, V2P(_entry_secondary), 0);
    if (err != 0 && err != SBI_ERR_ALREADY_AVAILABLE) // already here by itself
      kprintf("kestrel: hart %d did not start (SBI error %ld)\n", h, err);
  }
  for (uint64 t0 = r_time(); harts_online < machine.nharts;)
    if (r_time() - t0 > machine.timebase_hz) // a second is plenty
      break;
  kprintf("kestrel: %d harts online\n", harts_online);
}

// Per-hart set-up common to every hart.
static void
hart_init(void)
{
  kvm_init_hart();
  trap_init_hart();
  plic_init_hart();
  mycpu()->online = 1;
  __atomic_fetch_add(&harts_online, 1, __ATOMIC_SEQ_CST);
}

// The boot hart arrives here from entry.S, with paging on (boot page
// table), sp on its boot stack and tp = hartid.
void
kmain(uint64 hartid, uint64 dtb_pa)
{
  memset(bss_start, 0, bss_end - bss_start);
  fdt_parse(dtb_pa);
  printf_init();
  console_init();
  print_banner(hartid);

  page_allocator_init(V2P(kernel_end), machine.ram.base + machine.ram.size);
  kvm_init();
  slab_init();
  vma_init();
  proc_init();
  mlfq_init();
  waitq_init();
  usem_init();
  trap_init();
  plic_init();
  bio_init();
  file_init();
  inode_table_init();
  pipe_init();
  virtio_blk_init();
  userinit();
  hart_init();
  kprintf("kestrel: %lu of %lu pages free (%lu MiB)\n", page_free_count(), page_total_count(),
          page_free_count() * PGSIZE / MIB);
  __atomic_store_n(&kernel_ready, 1, __ATOMIC_RELEASE);
  start_other_harts(hartid);
  scheduler();
}

// Every other hart arrives here from _entry_secondary.
void
kmain_secondary(uint64 hartid)
{
  while (!__atomic_load_n(&kernel_ready, __ATOMIC_ACQUIRE))
    ; // only a hart that arrived by itself, early, waits here
  hart_init();
  scheduler();
}
