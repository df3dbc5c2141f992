// The virtio-blk disk driver (modern virtio-mmio, interrupt-driven).
#pragma once

struct buf;

void virtio_blk_init(void);
// Read (write = 0) or write the buffer's block; sleeps until done.
void virtio_blk_rw(struct buf *b, int write);
void virtio_blk_intr(void);
