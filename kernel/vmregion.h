// What vmregions() reports about each region of a process's address
// space (the pmap program prints it). Shared by kernel and user programs.
#pragma once
#include "types.h"

#define VMREGION_NAME_LEN 16

// Kinds of region (the same numbers as enum vma_kind in kernel/vma.h).
#define VMREGION_TEXT 0
#define VMREGION_DATA 1
#define VMREGION_HEAP 2
#define VMREGION_STACK 3
#define VMREGION_ANON 4
#define VMREGION_FILE 5

struct vmregion {
  uint64 start;    // first address
  uint64 end;      // one past the last address
  uint32 prot;     // PROT_READ | PROT_WRITE | PROT_EXEC
  uint32 flags;    // MAP_SHARED or MAP_PRIVATE
  uint32 kind;     // VMREGION_*
  uint32 resident; // pages present in memory
  uint32 inum;     // VMREGION_FILE: the file's inode number
  uint32 pad;
};
