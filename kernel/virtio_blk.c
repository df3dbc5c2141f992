// Driver for a virtio block device on the virtio-mmio transport, modern
// interface (version 2), interrupt-driven. References: the virtio 1.1
// specification, sections 2.6 (split virtqueues), 4.2 (MMIO) and 5.2
// (block device).
//
// A request is a chain of three descriptors: a header saying read or write
// and which sector, the data buffer, and a status byte the device writes.
// The driver puts the chain's head in the available ring and notifies the
// device; when done, the device puts it in the used ring and interrupts.
// The requesting process sleeps on its buffer until the interrupt handler
// marks it finished.
#include "types.h"
#include "param.h"
#include "riscv.h"
#include "memlayout.h"
#include "spinlock.h"
#include "proc.h"
#include "printf.h"
#include "klib.h"
#include "kalloc.h"
#include "buf.h"
#include "fs.h"
#include "virtio.h"

// MMIO registers (byte offsets).
#define VIRTIO_MMIO_MAGIC 0x000     // "virt"
#define VIRTIO_MMIO_VERSION 0x004   // 2 for the modern interface
#define VIRTIO_MMIO_DEVICE_ID 0x008 // 2 = block device
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090 // the available ring
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0 // the used ring
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4

#define VIRTIO_MAGIC 0x74726976
#define VIRTIO_VERSION_MODERN 2
#define VIRTIO_DEVICE_BLOCK 2

// Device status bits.
#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FEATURES_OK 8

#define VIRTIO_F_VERSION_1_HIGH (1 << 0) // feature bit 32, in the high word

#define QUEUE_SIZE 32  // descriptors; a request uses three
#define DESC_F_NEXT 1  // the chain continues in `next`
#define DESC_F_WRITE 2 // the device writes this buffer

#define BLK_T_IN 0  // read from the disk
#define BLK_T_OUT 1 // write to the disk
#define SECTOR_SIZE 512

struct virtq_desc {
  uint64 addr; // physical address
  uint32 len;
  uint16 flags;
  uint16 next;
};

struct virtq_avail {
  uint16 flags;
  uint16 idx; // where the driver puts the next entry (mod QUEUE_SIZE)
  uint16 ring[QUEUE_SIZE];
  uint16 used_event;
};

struct virtq_used_elem {
  uint32 id; // head of the finished chain
  uint32 len;
};

struct virtq_used {
  uint16 flags;
  uint16 idx; // where the device puts the next entry
  struct virtq_used_elem ring[QUEUE_SIZE];
  uint16 avail_event;
};

struct virtio_blk_req {
  uint32 type; // BLK_T_IN or BLK_T_OUT
  uint32 reserved;
  uint64 sector;
};

// Locks: [lock] disk.lock; the rings are shared with the device.
static struct {
  struct spinlock lock;
  uint64 base_pa;            // [I] MMIO registers of slot 0
  struct virtq_desc *desc;   // [lock] one page each
  struct virtq_avail *avail; // [lock]
  struct virtq_used *used;   // [lock]
  char free[QUEUE_SIZE];     // [lock] is descriptor i free?
  uint16 used_seen;          // [lock] used entries handled so far
  struct {
    struct buf *b;                       // the request's buffer
    uchar status;                        // written by the device; 0 = OK
  } info[QUEUE_SIZE];                    // [lock] by chain head
  struct virtio_blk_req req[QUEUE_SIZE]; // [lock] headers, by chain head
} disk;

#define REG(off) (*(volatile uint32 *)P2V(disk.base_pa + (off)))

// Set up virtqueue 0 with freshly allocated rings.
static void
queue_init(void)
{
  REG(VIRTIO_MMIO_QUEUE_SEL) = 0;
  if (REG(VIRTIO_MMIO_QUEUE_READY))
    panic("virtio_blk: queue already in use");
  if (REG(VIRTIO_MMIO_QUEUE_NUM_MAX) < QUEUE_SIZE)
    panic("virtio_blk: queue too short");
  disk.desc = page_alloc();
  disk.avail = page_alloc();
  disk.used = page_alloc();
  if (!disk.desc || !disk.avail || !disk.used)
    panic("virtio_blk: out of memory");
  REG(VIRTIO_MMIO_QUEUE_NUM) = QUEUE_SIZE;
  uint64 desc = V2P(disk.desc), avail = V2P(disk.avail), used = V2P(disk.used);
  REG(VIRTIO_MMIO_QUEUE_DESC_LOW) = desc;
  REG(VIRTIO_MMIO_QUEUE_DESC_HIGH) = desc >> 32;
  REG(VIRTIO_MMIO_QUEUE_DRIVER_LOW) = avail;
  REG(VIRTIO_MMIO_QUEUE_DRIVER_HIGH) = avail >> 32;
  REG(VIRTIO_MMIO_QUEUE_DEVICE_LOW) = used;
  REG(VIRTIO_MMIO_QUEUE_DEVICE_HIGH) = used >> 32;
  REG(VIRTIO_MMIO_QUEUE_READY) = 1;
  for (int i = 0; i < QUEUE_SIZE; i++)
    disk.free[i] = 1;
}

void
virtio_blk_init(void)
{
  spin_init(&disk.lock, "virtio_blk");
  // The disk must be in slot 0, whose interrupt (VIRTIO0_IRQ) the PLIC
  // and trap.c route here: QEMU's bus=virtio-mmio-bus.0 puts it there.
  disk.base_pa = VIRTIO_MMIO_PA(0);
  if (REG(VIRTIO_MMIO_MAGIC) != VIRTIO_MAGIC || REG(VIRTIO_MMIO_DEVICE_ID) != VIRTIO_DEVICE_BLOCK)
    panic("virtio_blk: no disk in virtio-mmio slot 0 "
          "(-device virtio-blk-device,...,bus=virtio-mmio-bus.0)");
  if (REG(VIRTIO_MMIO_VERSION) != VIRTIO_VERSION_MODERN)
    panic("virtio_blk: legacy device (use -global virtio-mmio.force-legacy=false)");

  // Initialisation sequence of virtio 1.1 section 3.1.1.
  uint32 status = 0;
  REG(VIRTIO_MMIO_STATUS) = status; // reset
  status |= STATUS_ACKNOWLEDGE;
  REG(VIRTIO_MMIO_STATUS) = status;
  status |= STATUS_DRIVER;
  REG(VIRTIO_MMIO_STATUS) = status;

  // Accept VIRTIO_F_VERSION_1 and nothing else.
  REG(VIRTIO_MMIO_DEVICE_FEATURES_SEL) = 1;
  if ((REG(VIRTIO_MMIO_DEVICE_FEATURES) & VIRTIO_F_VERSION_1_HIGH) == 0)
    panic("virtio_blk: device lacks VIRTIO_F_VERSION_1");
  REG(VIRTIO_MMIO_DRIVER_FEATURES_SEL) = 0;
  REG(VIRTIO_MMIO_DRIVER_FEATURES) = 0;
  REG(VIRTIO_MMIO_DRIVER_FEATURES_SEL) = 1;
  REG(VIRTIO_MMIO_DRIVER_FEATURES) = VIRTIO_F_VERSION_1_HIGH;
  status |= STATUS_FEATURES_OK;
  REG(VIRTIO_MMIO_STATUS) = status;
  if ((REG(VIRTIO_MMIO_STATUS) & STATUS_FEATURES_OK) == 0)
    panic("virtio_blk: features not accepted");

  queue_init();
  status |= STATUS_DRIVER_OK;
  REG(VIRTIO_MMIO_STATUS) = status;
}

// Take a free descriptor; -1 if none. disk.lock held.
static int
desc_alloc(void)
{
  for (int i = 0; i < QUEUE_SIZE; i++) {
    if (disk.free[i]) {
      disk.free[i] = 0;
      return i;
    }
  }
  return -1;
}

// Free the chain starting at head, and wake anyone waiting for one.
static void
desc_free_chain(int head)
{
  for (int i = head;;) {
    int flags = disk.desc[i].flags, next = disk.desc[i].next;
    memset(&disk.desc[i], 0, sizeof(disk.desc[i]));
    disk.free[i] = 1;
    if ((flags & DESC_F_NEXT) == 0)
      break;
    i = next;
  }
  wakeup(&disk.free);
}

// Take three descriptors into idx[]; 0, or -1 (none taken) if short.
static int
desc_alloc3(int idx[3])
{
  for (int i = 0; i < 3; i++) {
    if ((idx[i] = desc_alloc()) < 0) {
      for (int j = 0; j < i; j++)
        disk.free[idx[j]] = 1;
      return -1;
    }
  }
  return 0;
}

static void
desc_set(int i, uint64 pa, uint32 len, uint16 flags, uint16 next)
{
  disk.desc[i] = (struct virtq_desc){pa, len, flags, next};
}

void
virtio_blk_rw(struct buf *b, int write)
{
  int idx[3];
  spin_lock(&disk.lock);
  while (desc_alloc3(idx) < 0)
    sleep_on(&disk.free, &disk.lock);

  int head = idx[0];
  struct virtio_blk_req *req = &disk.req[head];
  req->type = write ? BLK_T_OUT : BLK_T_IN;
  req->reserved = 0;
  req->sector = (uint64)b->blockno * (BSIZE / SECTOR_SIZE);
  disk.info[head].b = b;
  disk.info[head].status = 0xff; // the device sets 0 on success

  desc_set(idx[0], V2P(req), sizeof(*req), DESC_F_NEXT, idx[1]);
  desc_set(idx[1], V2P(b->data), BSIZE, (write ? 0 : DESC_F_WRITE) | DESC_F_NEXT, idx[2]);
  desc_set(idx[2], V2P(&disk.info[head].status), 1, DESC_F_WRITE, 0);

  // Publish the chain: ring entry first, then the index (fences keep the
  // device from seeing the index before the entry).
  disk.avail->ring[disk.avail->idx % QUEUE_SIZE] = head;
  __sync_synchronize();
  disk.avail->idx++;
  __sync_synchronize();
  b->disk = 1;
  REG(VIRTIO_MMIO_QUEUE_NOTIFY) = 0; // queue number

  while (b->disk)
    sleep_on(b, &disk.lock);
  if (disk.info[head].status != 0)
    panic("virtio_blk: request for block %u failed", b->blockno);
  disk.info[head].b = 0;
  desc_free_chain(head);
  spin_unlock(&disk.lock);
}

void
virtio_blk_intr(void)
{
  spin_lock(&disk.lock);
  // Acknowledge first: a completion that arrives while we work below
  // raises a new interrupt instead of being lost.
  REG(VIRTIO_MMIO_INTERRUPT_ACK) = REG(VIRTIO_MMIO_INTERRUPT_STATUS) & 0x3;
  __sync_synchronize();
  while (disk.used_seen != disk.used->idx) {
    __sync_synchronize();
    int head = disk.used->ring[disk.used_seen % QUEUE_SIZE].id;
    struct buf *b = disk.info[head].b;
    if (b == 0)
      panic("virtio_blk_intr: completion for idle descriptor %d", head);
    b->disk = 0;
    wakeup(b);
    disk.used_seen++;
  }
  spin_unlock(&disk.lock);
}
