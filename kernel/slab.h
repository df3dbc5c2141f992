// The slab allocator: named caches of fixed-size kernel objects, and
// kmalloc/kfree on top of a set of size-class caches.
#pragma once
#include "types.h"

struct slab_cache;

#define SLAB_NAME_LEN 16

// Per-cache statistics (also what the memstat system call reports).
struct slab_stats {
  char name[SLAB_NAME_LEN];
  uint32 obj_size;   // bytes per object
  uint32 slab_pages; // pages per slab
  uint64 in_use;     // objects handed out and not yet freed
  uint64 total;      // objects in all slabs (in use + free)
  uint64 slabs;      // slabs held
};

void slab_init(void);

// Create a cache of objects of the given size (rounded up to 8 bytes).
// Returns 0 if there is no memory for it.
struct slab_cache *slab_cache_create(const char *name, uint32 size);

// Allocate a zero-filled object. Returns 0 if memory is exhausted.
void *slab_alloc(struct slab_cache *cache);

// Free an object that came from slab_alloc on the same cache.
void slab_free(struct slab_cache *cache, void *obj);

// Allocate size bytes (zero-filled) from the smallest size class that
// fits, or whole pages from the buddy allocator above the largest class.
// Returns 0 if memory is exhausted or size is 0.
void *kmalloc(uint64 size);
// Free memory from kmalloc; kfree(0) does nothing.
void kfree(void *p);

// Give every object cached per hart back to its slab and every empty slab
// back to the buddy allocator (so free-page counts are exact).
void slab_drain(void);

// Fill stats[] with up to max caches; returns how many there are.
int slab_stats(struct slab_stats *stats, int max);
