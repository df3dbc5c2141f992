// What the kernel learns about the machine from the device tree (DTB)
// that OpenSBI passes in a1 at boot.
#pragma once
#include "types.h"
#include "param.h"

#define MAX_RESERVED 8 // reserved-memory regions remembered

struct mem_region {
  uint64 base; // physical address
  uint64 size; // bytes
};

struct machine_info {
  struct mem_region ram; // the RAM bank (first /memory node)
  int nharts;            // harts with an id below NCPU
  uint64 hart_mask;      // bit i set: hart i exists
  int has_sstc;          // the ISA string lists the Sstc extension
  uint64 timebase_hz;    // rdtime ticks per second
  int nreserved;         // reserved regions (OpenSBI's, ...)
  struct mem_region reserved[MAX_RESERVED];
  struct mem_region dtb; // the device tree blob itself
};

// Filled in by fdt_parse on the boot hart, read-only afterwards.
extern struct machine_info machine;

// Parse the flattened device tree at physical address dtb_pa.
// Panics if it is not a device tree or lacks memory or harts.
void fdt_parse(uint64 dtb_pa);
