#!/bin/sh
# Install what building and running Kestrel needs, if any of it is missing:
# the RISC-V cross compiler, QEMU (with its OpenSBI firmware), gdb, and a
# host C compiler (for mkfs and the host unit tests).
# Uses apt-get (Debian 12); runs it through sudo when not root.
set -e
need=""
command -v riscv64-unknown-elf-gcc >/dev/null 2>&1 || need="$need gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf"
command -v qemu-system-riscv64 >/dev/null 2>&1 || need="$need qemu-system-misc opensbi"
command -v gdb-multiarch >/dev/null 2>&1 || need="$need gdb-multiarch"
command -v gcc >/dev/null 2>&1 || need="$need gcc libc6-dev"
[ -z "$need" ] && exit 0

echo "deps: installing:$need" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq qemu-system-misc gcc-riscv64-unknown-elf \
    binutils-riscv64-unknown-elf gdb-multiarch opensbi gcc libc6-dev >&2
