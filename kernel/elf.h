// The parts of the ELF-64 executable format that exec needs.
#pragma once
#include "types.h"

#define ELF_MAGIC 0x464C457FU // "\x7FELF", read as a little-endian word

struct elf_header {
  uint magic; // ELF_MAGIC
  uchar elf[12];
  ushort type;
  ushort machine;
  uint version;
  uint64 entry; // virtual address of the first instruction
  uint64 phoff; // file offset of the program header table
  uint64 shoff;
  uint flags;
  ushort ehsize;
  ushort phentsize;
  ushort phnum; // number of program headers
  ushort shentsize;
  ushort shnum;
  ushort shstrndx;
};

// A program header: one segment to load.
struct prog_header {
  uint32 type; // ELF_PROG_LOAD for segments to load
  uint32 flags;
  uint64 off;   // offset in the file
  uint64 vaddr; // where it goes in memory
  uint64 paddr;
  uint64 filesz; // bytes from the file
  uint64 memsz;  // bytes in memory (the rest is zeroed: .bss)
  uint64 align;
};

#define ELF_PROG_LOAD 1
#define ELF_PROG_FLAG_EXEC 1
#define ELF_PROG_FLAG_WRITE 2
#define ELF_PROG_FLAG_READ 4
