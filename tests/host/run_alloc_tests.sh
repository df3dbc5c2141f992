#!/bin/sh
# Build the allocator host tests (kernel/buddy.c and kernel/slab.c compiled
# for the host with AddressSanitizer and UBSan) and run them.
set -e
cd "$(dirname "$0")/../.."
out=tests/build
mkdir -p "$out"
${HOSTCC:-gcc} -g -O1 -Wall -Werror -Wno-unused-function -fsanitize=address,undefined \
  -fno-sanitize-recover=undefined -fno-builtin -I. -Itests/host \
  -o "$out/test_alloc" tests/host/test_alloc.c tests/host/alloc_harness.c \
  kernel/buddy.c kernel/slab.c
"$out/test_alloc"
