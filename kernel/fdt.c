// A small reader for the flattened device tree (DTB) format.
//
// The blob starts with a header (all fields big-endian 32-bit). Its
// structure block is a sequence of 32-bit tokens:
//   BEGIN_NODE name\0 (padded to 4)   ... properties and child nodes ...
//   PROP len nameoff value (padded)   END_NODE   NOP   END
// Property names are offsets into the strings block. We walk the tokens
// once, tracking the path depth, and pick out the few properties we need.
#include "types.h"
#include "memlayout.h"
#include "klib.h"
#include "printf.h"
#include "fdt.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define FDT_MAX_DEPTH 8
#define DEFAULT_TIMEBASE_HZ 10000000 // QEMU virt, if the tree omits it
#define ROUND_UP_4(n) (((n) + 3) & ~3UL)

struct fdt_header {
  uint32 magic;
  uint32 totalsize;
  uint32 off_dt_struct;
  uint32 off_dt_strings;
  uint32 off_mem_rsvmap;
  uint32 version;
  uint32 last_comp_version;
  uint32 boot_cpuid_phys;
  uint32 size_dt_strings;
  uint32 size_dt_struct;
};

struct machine_info machine;

static uint32
be32(const void *p)
{
  const uchar *b = p;
  return ((uint32)b[0] << 24) | ((uint32)b[1] << 16) | ((uint32)b[2] << 8) | b[3];
}

static uint64
be64(const void *p)
{
  return ((uint64)be32(p) << 32) | be32((const uchar *)p + 4);
}

// Read a number of ncells 32-bit cells (1 or 2) at *p and advance *p.
static uint64
read_cells(const uchar **p, int ncells)
{
  uint64 v = ncells == 2 ? be64(*p) : be32(*p);
  *p += 4 * ncells;
  return v;
}

static int
starts_with(const char *s, const char *prefix)
{
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void
add_reserved(uint64 base, uint64 size)
{
  if (size == 0 || machine.nreserved == MAX_RESERVED)
    return;
  machine.reserved[machine.nreserved++] = (struct mem_region){base, size};
}

// Does the ISA string ("rv64imafdch_zicsr_..._sstc") name extension ext?
static int
isa_has_extension(const char *isa, const char *ext)
{
  uint64 n = strlen(ext);
  for (const char *s = isa; *s; s++)
    if (*s == '_' && strncmp(s + 1, ext, n) == 0 && (s[n + 1] == 0 || s[n + 1] == '_'))
      return 1;
  return 0;
}

// One property of the node whose path components are path[0..depth-1].
static void
fdt_property(const char *path[], int depth, const char *name, const uchar *val, uint32 len)
{
  const char *node = depth > 0 ? path[depth - 1] : "";
  // The virt machine's tree uses 2 address cells and 2 size cells for
  // /memory and /reserved-memory, and 1 address cell for /cpus/cpu@N.
  if (depth == 1 && starts_with(node, "memory") && strncmp(name, "reg", 4) == 0 &&
      machine.ram.size == 0 && len >= 16) {
    machine.ram.base = read_cells(&val, 2);
    machine.ram.size = read_cells(&val, 2);
  } else if (depth == 1 && strncmp(node, "cpus", 5) == 0 &&
             strncmp(name, "timebase-frequency", 19) == 0) {
    machine.timebase_hz = be32(val);
  } else if (depth == 2 && strncmp(path[0], "cpus", 5) == 0 && starts_with(node, "cpu@")) {
    if (strncmp(name, "reg", 4) == 0) {
      uint64 hartid = be32(val);
      if (hartid < NCPU && !(machine.hart_mask & (1UL << hartid))) {
        machine.hart_mask |= 1UL << hartid;
        machine.nharts++;
      }
    } else if (strncmp(name, "riscv,isa", 10) == 0) {
      machine.has_sstc = isa_has_extension((const char *)val, "sstc");
    }
  } else if (depth == 2 && strncmp(path[0], "reserved-memory", 16) == 0 &&
             strncmp(name, "reg", 4) == 0 && len >= 16) {
    uint64 base = read_cells(&val, 2);
    add_reserved(base, read_cells(&val, 2));
  }
}

// Entries of the memory reservation block: (address, size) pairs, 0-ended.
static void
fdt_memreserve(const uchar *p)
{
  for (;;) {
    uint64 base = be64(p), size = be64(p + 8);
    if (base == 0 && size == 0)
      return;
    add_reserved(base, size);
    p += 16;
  }
}

void
fdt_parse(uint64 dtb_pa)
{
  const uchar *blob = P2V(dtb_pa);
  const struct fdt_header *h = (const struct fdt_header *)blob;
  if (be32(&h->magic) != FDT_MAGIC)
    panic("fdt_parse: no device tree at %p", (void *)dtb_pa);
  machine.dtb = (struct mem_region){dtb_pa, be32(&h->totalsize)};
  fdt_memreserve(blob + be32(&h->off_mem_rsvmap));

  const char *strings = (const char *)blob + be32(&h->off_dt_strings);
  const uchar *p = blob + be32(&h->off_dt_struct);
  const char *path[FDT_MAX_DEPTH];
  int depth = -1; // the root node's BEGIN_NODE brings it to 0
  for (;;) {
    uint32 token = be32(p);
    p += 4;
    if (token == FDT_BEGIN_NODE) {
      const char *name = (const char *)p;
      if (depth >= 0 && depth < FDT_MAX_DEPTH)
        path[depth] = name;
      depth++;
      p += ROUND_UP_4(strlen(name) + 1);
    } else if (token == FDT_END_NODE) {
      depth--;
    } else if (token == FDT_PROP) {
      uint32 len = be32(p), nameoff = be32(p + 4);
      if (depth <= FDT_MAX_DEPTH)
        fdt_property(path, depth, strings + nameoff, p + 8, len);
      p += 8 + ROUND_UP_4(len);
    } else if (token == FDT_END) {
      break;
    } else if (token != FDT_NOP) {
      panic("fdt_parse: bad token %u", token);
    }
  }
  if (machine.ram.size == 0 || machine.nharts == 0)
    panic("fdt_parse: device tree names no memory or no harts");
  if (machine.timebase_hz == 0)
    machine.timebase_hz = DEFAULT_TIMEBASE_HZ;
}
