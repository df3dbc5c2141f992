// Pipes: a bounded byte buffer between a writing and a reading file.
#pragma once
#include "types.h"

struct file;
struct pipe;

void pipe_init(void);

// Create a pipe and its two files. 0, or -1 (nothing allocated).
int pipe_alloc(struct file **readf, struct file **writef);
void pipe_close(struct pipe *pi, int writable);
int pipe_write(struct pipe *pi, uint64 addr, int n);
int pipe_read(struct pipe *pi, uint64 addr, int n);
