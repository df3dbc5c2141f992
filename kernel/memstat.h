// What the memstat() system call reports: the buddy allocator's free
// memory and every slab cache. Shared by the kernel and user programs.
#pragma once
#include "types.h"

#define MEMSTAT_ORDERS 11 // buddy orders 0..10 (4 KiB .. 4 MiB)
#define MEMSTAT_CACHES 40 // slab caches reported at most
#define MEMSTAT_NAME_LEN 16

// Flags for memstat().
#define MEMSTAT_DRAIN 1 // first return objects cached per hart to their slabs

struct memstat_cache {
  char name[MEMSTAT_NAME_LEN];
  uint32 obj_size;   // bytes per object
  uint32 slab_pages; // pages per slab
  uint64 in_use;     // objects allocated
  uint64 total;      // objects in all slabs
  uint64 slabs;      // slabs held
};

struct memstat {
  uint64 page_size;
  uint64 total_pages;                 // pages the allocator manages
  uint64 free_pages;                  // of which free
  uint64 free_blocks[MEMSTAT_ORDERS]; // free blocks of each order
  uint32 ncaches;                     // entries used in caches[]
  uint32 nprocs;                      // processes that exist
  struct memstat_cache caches[MEMSTAT_CACHES];
};
