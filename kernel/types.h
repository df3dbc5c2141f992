// Fixed-size integer types shared by the kernel, user programs and mkfs.
// The names are xv6's, so programs written for xv6 compile unchanged.
#pragma once

typedef unsigned int uint;
typedef unsigned short ushort;
typedef unsigned char uchar;

typedef unsigned char uint8;
typedef unsigned short uint16;
typedef unsigned int uint32;
typedef unsigned long uint64;
typedef long int64;

typedef uint64 pde_t;
