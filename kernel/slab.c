// The slab allocator (see slab.h).
//
// A slab is a block of 2^order pages from the buddy allocator, starting
// with a struct slab header and then as many objects as fit. Each cache
// keeps its slabs on two lists, partial (some objects free) and full, and
// a slab that becomes empty is given back to the buddy allocator at once.
// Every frame of a slab has PAGE_SLAB set and points at its header, so
// kfree() can find an object's cache from the object's address alone.
//
// Fast path: each hart has a small stack of free objects per cache
// (struct obj_stack). slab_alloc/slab_free use it with interrupts off and
// no shared lock: only the stack's own `busy` flag, which no other hart
// touches except slab_drain(). When the stack is empty (or full) they move
// a batch of objects between it and the slabs under the cache's lock
// (slow path). A stack's flag and the cache lock are never held together.
//
// Debugging: a free object is filled with SLAB_POISON (but for its first
// word, the free-list link); slab_alloc checks the poison is intact, which
// catches writes to an object after it was freed.
//
// Locks: [c] cache->lock  [g] caches_lock  [s] the obj_stack's busy flag
// Lock order: cache->lock -> pages.lock (kalloc.c); busy flags are leaves.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "proc.h"
#include "klib.h"
#include "printf.h"
#include "kalloc.h"
#include "slab.h"

#define SLAB_MAGIC 0x51ab51ab
#define SLAB_POISON 0x6b                 // fills a free object (after its first word)
#define SLAB_DEBUG 1                     // check the poison on every allocation
#define HART_STACK_SIZE 16               // free objects each hart keeps per cache
#define HART_BATCH (HART_STACK_SIZE / 2) // objects moved per slow-path trip
#define MIN_OBJS_PER_SLAB 4
#define MAX_SLAB_ORDER 5
#define OBJ_ALIGN 8

struct slab {
  uint32 magic;             // SLAB_MAGIC
  uint32 inuse;             // [c] objects not on this slab's free list
  struct slab_cache *cache; // [I]
  struct slab *next;        // [c] on the cache's partial or full list
  struct slab *prev;
  void *freelist; // [c] free objects, linked through word 0
};

// Each hart's stack sits in cache lines of its own, so harts working on
// their own stacks do not slow each other down (no false sharing).
#define CACHE_LINE 64
struct obj_stack {
  uint busy;                   // taken with an atomic swap, interrupts off
  int n;                       // [s]
  void *objs[HART_STACK_SIZE]; // [s]
} __attribute__((aligned(CACHE_LINE)));

struct slab_cache {
  char name[SLAB_NAME_LEN]; // [I]
  uint32 obj_size;          // [I]
  uint32 order;             // [I] slab = 2^order pages
  uint32 objs_per_slab;     // [I]
  uint32 first_obj;         // [I] offset of the first object in a slab
  struct spinlock lock;
  struct slab *partial; // [c] slabs with free objects
  struct slab *full;    // [c] slabs without
  uint64 nslabs;        // [c]
  struct obj_stack hart[NCPU];
  struct slab_cache *next; // [g] list of all caches
};

static struct spinlock caches_lock;
static struct slab_cache *all_caches;     // [g]
static struct slab_cache cache_of_caches; // where slab_cache_create gets them

// kmalloc's size classes, smallest first.
static const uint32 kmalloc_sizes[] = {8,   16,  32,   64,   96,   128, 192,
                                       256, 512, 1024, 2048, 4096, 8192};
#define NSIZES NELEM(kmalloc_sizes)
static struct slab_cache *kmalloc_caches[NSIZES];

static void
list_insert(struct slab **head, struct slab *s)
{
  s->prev = 0;
  s->next = *head;
  if (*head)
    (*head)->prev = s;
  *head = s;
}

static void
list_unlink(struct slab **head, struct slab *s)
{
  if (s->prev)
    s->prev->next = s->next;
  else
    *head = s->next;
  if (s->next)
    s->next->prev = s->prev;
}

#define ROUND_UP(x, a) (((x) + (a)-1) & ~((a)-1))

// Fill in a cache's geometry (objects of size bytes, each starting at a
// multiple of align, a power of two) and register it.
static void
cache_setup(struct slab_cache *c, const char *name, uint32 size, uint32 align)
{
  memset(c, 0, sizeof(*c));
  safestrcpy(c->name, name, sizeof(c->name));
  c->obj_size = ROUND_UP(size, align);
  c->first_obj = ROUND_UP(sizeof(struct slab), align);
  c->order = 0;
  while (c->order < MAX_SLAB_ORDER &&
         ((PGSIZE << c->order) - c->first_obj) / c->obj_size < MIN_OBJS_PER_SLAB)
    c->order++;
  c->objs_per_slab = ((PGSIZE << c->order) - c->first_obj) / c->obj_size;
  if (c->objs_per_slab == 0)
    panic("slab_cache_create: %s: objects of %u bytes are too large", name, size);
  spin_init(&c->lock, c->name);
  spin_lock(&caches_lock);
  c->next = all_caches;
  all_caches = c;
  spin_unlock(&caches_lock);
}

static void
poison(struct slab_cache *c, void *obj)
{
  memset((char *)obj + sizeof(void *), SLAB_POISON, c->obj_size - sizeof(void *));
}

// Panic if a free object's poison was overwritten.
static void
check_poison(struct slab_cache *c, void *obj)
{
  const uchar *p = obj;
  for (uint32 i = sizeof(void *); i < c->obj_size; i++)
    if (p[i] != SLAB_POISON)
      panic("slab: %s object %p written after free (byte %u)", c->name, obj, i);
}

// A new slab with every object free, or 0 if out of memory. c->lock held.
static struct slab *
slab_grow(struct slab_cache *c)
{
  char *mem = pages_alloc(c->order);
  if (mem == 0)
    return 0;
  struct slab *s = (struct slab *)mem;
  s->magic = SLAB_MAGIC;
  s->inuse = 0;
  s->cache = c;
  s->freelist = 0;
  char *objs = mem + c->first_obj;
  for (int i = c->objs_per_slab - 1; i >= 0; i--) {
    void *obj = objs + i * c->obj_size;
    poison(c, obj);
    *(void **)obj = s->freelist;
    s->freelist = obj;
  }
  for (uint32 i = 0; i < (1U << c->order); i++) {
    struct page *pg = page_struct(mem + i * PGSIZE);
    pg->flags |= PAGE_SLAB;
    pg->slab = s;
  }
  list_insert(&c->partial, s);
  c->nslabs++;
  return s;
}

// Give an empty slab back to the buddy allocator. c->lock held.
static void
slab_release(struct slab_cache *c, struct slab *s)
{
  list_unlink(&c->partial, s);
  for (uint32 i = 0; i < (1U << c->order); i++) {
    struct page *pg = page_struct((char *)s + i * PGSIZE);
    pg->flags &= ~PAGE_SLAB;
    pg->slab = 0;
  }
  s->magic = 0;
  c->nslabs--;
  pages_free(s, c->order);
}

// The slab holding obj; panics if obj is not an object of cache c.
static struct slab *
slab_of(struct slab_cache *c, void *obj)
{
  struct page *pg = page_struct(obj);
  struct slab *s = pg->slab;
  if (!(pg->flags & PAGE_SLAB) || s == 0 || s->magic != SLAB_MAGIC || s->cache != c)
    panic("slab_free: %p is not an object of cache %s", obj, c->name);
  uint64 off = (char *)obj - (char *)s - c->first_obj;
  if (off % c->obj_size != 0)
    panic("slab_free: %p is not the start of a %s object", obj, c->name);
  return s;
}

// Take one free object from the cache's slabs. c->lock held. 0 if none.
static void *
take_object(struct slab_cache *c)
{
  struct slab *s = c->partial;
  if (s == 0 && (s = slab_grow(c)) == 0)
    return 0;
  void *obj = s->freelist;
  s->freelist = *(void **)obj;
  *(void **)obj = (void *)(uint64)(SLAB_POISON * 0x0101010101010101UL);
  s->inuse++;
  if (s->freelist == 0) {
    list_unlink(&c->partial, s);
    list_insert(&c->full, s);
  }
  return obj;
}

// Put a (poisoned) object back on its slab. c->lock held.
static void
return_object(struct slab_cache *c, void *obj)
{
  struct slab *s = slab_of(c, obj);
  if (s->freelist == 0) {
    list_unlink(&c->full, s);
    list_insert(&c->partial, s);
  }
  *(void **)obj = s->freelist;
  s->freelist = obj;
  if (--s->inuse == 0)
    slab_release(c, s);
}

// Take this hart's stack of cache c (interrupts off: caller push_off()s).
static struct obj_stack *
stack_lock(struct slab_cache *c, int hart)
{
  struct obj_stack *st = &c->hart[hart];
  while (__atomic_exchange_n(&st->busy, 1, __ATOMIC_ACQUIRE) != 0)
    ; // only slab_drain() on another hart can be holding it
  return st;
}

static void
stack_unlock(struct obj_stack *st)
{
  __atomic_store_n(&st->busy, 0, __ATOMIC_RELEASE);
}

// Slow path of slab_alloc: take a batch from the slabs, keep one to
// return and push the rest on this hart's stack. 0 if out of memory.
static void *
alloc_slow(struct slab_cache *c)
{
  void *batch[HART_BATCH];
  int n = 0;
  spin_lock(&c->lock);
  while (n < HART_BATCH && (batch[n] = take_object(c)) != 0)
    n++;
  spin_unlock(&c->lock);
  if (n == 0)
    return 0;
  push_off();
  struct obj_stack *st = stack_lock(c, cpuid());
  while (n > 1 && st->n < HART_STACK_SIZE)
    st->objs[st->n++] = batch[--n];
  stack_unlock(st);
  pop_off();
  if (n > 1) { // the stack filled meanwhile (we moved harts): give back
    spin_lock(&c->lock);
    while (n > 1)
      return_object(c, batch[--n]);
    spin_unlock(&c->lock);
  }
  return batch[0];
}

void *
slab_alloc(struct slab_cache *c)
{
  push_off();
  struct obj_stack *st = stack_lock(c, cpuid());
  void *obj = st->n > 0 ? st->objs[--st->n] : 0;
  stack_unlock(st);
  pop_off();
  if (obj == 0 && (obj = alloc_slow(c)) == 0)
    return 0;
  if (SLAB_DEBUG)
    check_poison(c, obj);
  memset(obj, 0, c->obj_size);
  return obj;
}

void
slab_free(struct slab_cache *c, void *obj)
{
  void *batch[HART_BATCH + 1];
  int n = 0;
  slab_of(c, obj); // panics unless obj belongs to c
  poison(c, obj);
  push_off();
  struct obj_stack *st = stack_lock(c, cpuid());
  if (st->n < HART_STACK_SIZE) {
    st->objs[st->n++] = obj;
  } else { // full: send obj and half of the stack back to the slabs
    batch[n++] = obj;
    while (n <= HART_BATCH)
      batch[n++] = st->objs[--st->n];
  }
  stack_unlock(st);
  pop_off();
  if (n == 0)
    return;
  spin_lock(&c->lock);
  while (n > 0)
    return_object(c, batch[--n]);
  spin_unlock(&c->lock);
}

struct slab_cache *
slab_cache_create(const char *name, uint32 size)
{
  struct slab_cache *c = slab_alloc(&cache_of_caches);
  if (c)
    cache_setup(c, name, size, OBJ_ALIGN);
  return c;
}

void
slab_init(void)
{
  static char names[NSIZES][SLAB_NAME_LEN];
  spin_init(&caches_lock, "caches");
  cache_setup(&cache_of_caches, "slab_cache", sizeof(struct slab_cache),
              _Alignof(struct slab_cache));
  for (int i = 0; i < NSIZES; i++) {
    char *n = names[i];
    safestrcpy(n, "kmalloc-", SLAB_NAME_LEN);
    uint32 size = kmalloc_sizes[i], len = strlen(n), digits = 0;
    for (uint32 v = size; v; v /= 10)
      digits++;
    for (uint32 v = size, d = digits; d > 0; v /= 10)
      n[len + --d] = '0' + v % 10;
    n[len + digits] = 0;
    if ((kmalloc_caches[i] = slab_cache_create(n, size)) == 0)
      panic("slab_init: no memory");
  }
}

void *
kmalloc(uint64 size)
{
  if (size == 0)
    return 0;
  for (int i = 0; i < NSIZES; i++)
    if (size <= kmalloc_sizes[i])
      return slab_alloc(kmalloc_caches[i]);
  int order = 0;
  while ((PGSIZE << order) < size)
    if (++order > BUDDY_MAX_ORDER)
      return 0;
  void *p = pages_alloc(order);
  if (p)
    memset(p, 0, PGSIZE << order);
  return p;
}

void
kfree(void *p)
{
  if (p == 0)
    return;
  struct page *pg = page_struct(p);
  if (pg->flags & PAGE_SLAB)
    slab_free(((struct slab *)pg->slab)->cache, p);
  else
    pages_free(p, pg->order); // a large kmalloc: whole pages
}

// Empty every hart's stack of cache c back into its slabs.
static void
cache_drain(struct slab_cache *c)
{
  for (int h = 0; h < NCPU; h++) {
    void *batch[HART_STACK_SIZE];
    int n = 0;
    push_off();
    struct obj_stack *st = stack_lock(c, h);
    while (st->n > 0)
      batch[n++] = st->objs[--st->n];
    stack_unlock(st);
    pop_off();
    spin_lock(&c->lock);
    while (n > 0)
      return_object(c, batch[--n]);
    spin_unlock(&c->lock);
  }
}

void
slab_drain(void)
{
  // Caches are never destroyed, so the list can be walked without
  // holding caches_lock across the drains.
  spin_lock(&caches_lock);
  struct slab_cache *first = all_caches;
  spin_unlock(&caches_lock);
  for (struct slab_cache *c = first; c; c = c->next)
    cache_drain(c);
}

// Objects of cache c held in hart stacks (racy: for statistics only).
static uint64
stacked_objects(struct slab_cache *c)
{
  uint64 n = 0;
  for (int h = 0; h < NCPU; h++)
    n += __atomic_load_n(&c->hart[h].n, __ATOMIC_RELAXED);
  return n;
}

// Statistics of cache c into *st.
static void
cache_stats(struct slab_cache *c, struct slab_stats *st)
{
  uint64 inuse = 0, slabs = 0;
  spin_lock(&c->lock);
  for (struct slab *s = c->partial; s; s = s->next, slabs++)
    inuse += s->inuse;
  for (struct slab *s = c->full; s; s = s->next, slabs++)
    inuse += s->inuse;
  spin_unlock(&c->lock);
  safestrcpy(st->name, c->name, sizeof(st->name));
  st->obj_size = c->obj_size;
  st->slab_pages = 1U << c->order;
  st->slabs = slabs;
  st->total = slabs * c->objs_per_slab;
  uint64 stacked = stacked_objects(c);
  st->in_use = inuse > stacked ? inuse - stacked : 0;
}

int
slab_stats(struct slab_stats *stats, int max)
{
  spin_lock(&caches_lock);
  struct slab_cache *first = all_caches;
  spin_unlock(&caches_lock);
  int n = 0;
  for (struct slab_cache *c = first; c; c = c->next, n++)
    if (n < max)
      cache_stats(c, &stats[n]);
  return n;
}
