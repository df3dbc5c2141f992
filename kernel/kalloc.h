// Physical page allocator. Addresses handed out and taken back are kernel
// virtual addresses in the direct map (use V2P for a PTE).
#pragma once
#include "types.h"

// Hand every free RAM page in [start_pa, end_pa) to the allocator.
void page_allocator_init(uint64 start_pa, uint64 end_pa);

// Allocate one zero-filled 4 KiB page. Returns 0 if memory is exhausted.
void *page_alloc(void);

// Drop one reference to a page from page_alloc; the page is freed when
// the last reference goes. Panics on a page that is not allocated.
void page_free(void *page);

// Add a reference to an allocated page (for pages shared copy-on-write).
void page_ref_inc(void *page);

// Current reference count of an allocated page.
int page_ref_count(void *page);

// Number of free pages and total managed pages.
uint64 page_free_count(void);
uint64 page_total_count(void);
