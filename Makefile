# Kestrel: a teaching kernel for 64-bit RISC-V.
#   make qemu       build everything and boot to a shell (Ctrl-A X quits QEMU)
#   make grade      run every test and print a score
#   make qemu-gdb   boot, waiting for gdb; then `make gdb` in another terminal
#   make bench      run the benchmarks
# Tools missing on a fresh Debian machine are installed by scripts/deps.sh.

K := kernel
U := user

CPUS ?= 3
MEM ?= 128M

TOOLPREFIX := riscv64-unknown-elf-
CC := $(TOOLPREFIX)gcc
LD := $(TOOLPREFIX)ld
OBJCOPY := $(TOOLPREFIX)objcopy
OBJDUMP := $(TOOLPREFIX)objdump
QEMU := qemu-system-riscv64
HOSTCC ?= gcc
PYTHON ?= python3

# Soft-float (lp64) everywhere: no floating-point registers are ever live,
# so context switches and traps have no FP state to save.
ARCHFLAGS := -march=rv64imac -mabi=lp64 -misa-spec=2.2 -mcmodel=medany
CFLAGS := $(ARCHFLAGS) -Wall -Werror -O2 -g -ffreestanding -fno-common \
	-nostdlib -fno-builtin -fno-pie -no-pie -fno-stack-protector \
	-fno-omit-frame-pointer -MD -I.
ASFLAGS := $(ARCHFLAGS) -g -I. -MD
LDFLAGS := -z max-page-size=4096 --no-warn-rwx-segments
# Evaluated when used (after `deps` may have installed the compiler).
LIBGCC = $(shell $(CC) $(ARCHFLAGS) -print-libgcc-file-name 2>/dev/null)

KOBJS := \
	$K/entry.o $K/main.o $K/klib.o $K/printf.o $K/uart.o $K/console.o \
	$K/sbi.o $K/power.o $K/fdt.o $K/spinlock.o $K/sleeplock.o $K/buddy.o $K/kalloc.o $K/slab.o $K/vm.o \
	$K/proc.o $K/mlfq.o $K/sleep.o $K/semaphore.o $K/sysinfo.o $K/swtch.o $K/trapentry.o $K/trap.o $K/syscall.o \
	$K/sysproc.o $K/sysmem.o $K/ktest.o $K/vma.o $K/sysmmap.o $K/sysvm.o $K/exec.o $K/plic.o $K/virtio_blk.o $K/bio.o $K/log.o \
	$K/fs.o $K/file.o $K/pipe.o $K/sysfile.o

# The user C library, linked into every program.
ULIB := $U/ulib.o $U/usys.o $U/printf.o $U/umalloc.o $U/testlib.o

# Programs installed on the disk image (user/foo.c -> /foo).
UPROGS := \
	$U/_init $U/_sh $U/_cat $U/_echo $U/_grep $U/_ls $U/_mkdir $U/_rm \
	$U/_ln $U/_kill $U/_wc $U/_halt $U/_bench $U/_forktest \
	$U/_syscalltest $U/_faulttest $U/_forkbomb $U/_sleeptest \
	$U/_memstat $U/_env $U/_forkprintf $U/_exitdemo $U/_envdemo $U/_pipedemo \
	$U/_zombie $U/_addrspace $U/_libctest $U/_malloctest \
	$U/_pmap $U/_vmprint $U/_segv $U/_cowtest $U/_mmaptest $U/_alloctest \
	$U/_ps $U/_schedtest $U/_semtest $U/_spintest \
	$U/_mapdemo $U/_fuzz

.PHONY: all qemu qemu-gdb gdb grade bench deps clean qemu-cmd hosttest
all: deps $K/kernel fs.img

# Install the cross compiler, QEMU and gdb if any is missing.
deps:
	@sh scripts/deps.sh

$K/kernel: $(KOBJS) $K/kernel.ld
	$(LD) $(LDFLAGS) -T $K/kernel.ld -o $@ $(KOBJS) $(LIBGCC)
	$(OBJDUMP) -S $@ > $K/kernel.asm
	$(OBJDUMP) -t $@ | sed '1,/SYMBOL TABLE/d; s/ .* / /; /^$$/d' > $K/kernel.sym

$K/%.o: $K/%.c
	$(CC) $(CFLAGS) -c -o $@ $<

$K/%.o: $K/%.S
	$(CC) $(ASFLAGS) -c -o $@ $<

$U/%.o: $U/%.c
	$(CC) $(CFLAGS) -c -o $@ $<

$U/%.o: $U/%.S
	$(CC) $(ASFLAGS) -c -o $@ $<

$U/usys.S: $U/usys.py $K/syscall.h
	$(PYTHON) $U/usys.py > $@

$U/_%: $U/%.o $(ULIB) $U/user.ld
	$(LD) $(LDFLAGS) -T $U/user.ld -o $@ $< $(ULIB) $(LIBGCC)
	$(OBJDUMP) -S $@ > $U/$*.asm

mkfs/mkfs: mkfs/mkfs.c $K/fs.h $K/param.h $K/stat.h $K/types.h
	$(HOSTCC) -Wall -Werror -O2 -I. -o $@ mkfs/mkfs.c

fs.img: mkfs/mkfs README.md $(UPROGS)
	mkfs/mkfs fs.img README.md $(UPROGS)

QEMUOPTS = -machine virt -bios default -kernel $K/kernel -m $(MEM) \
	-smp $(CPUS) -nographic -no-reboot \
	-global virtio-mmio.force-legacy=false \
	-drive file=$(FSIMG),if=none,format=raw,id=x0 \
	-device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0
FSIMG ?= fs.img

qemu: all
	$(QEMU) $(QEMUOPTS)

# Print the QEMU command line (test-grade.py uses it; FSIMG= picks the disk).
qemu-cmd:
	@echo $(QEMU) $(QEMUOPTS)

GDBPORT := $(shell expr `id -u` % 5000 + 25000)

.gdbinit: .gdbinit.tmpl
	sed "s/:1234/:$(GDBPORT)/" < $< > $@

qemu-gdb: all .gdbinit
	@echo "*** Now run 'make gdb' in another window (port $(GDBPORT))." 1>&2
	$(QEMU) $(QEMUOPTS) -S -gdb tcp::$(GDBPORT)

gdb: .gdbinit
	gdb-multiarch -q -iex 'set auto-load local-gdbinit off' -x .gdbinit

grade: all
	$(PYTHON) test-grade.py $(GRADEFLAGS)

bench: all
	$(PYTHON) test-grade.py --bench

# Host unit tests: mkfs, and the buddy and slab allocators compiled for the
# host with AddressSanitizer and UBSan. (make grade runs them too.)
hosttest:
	$(PYTHON) tests/host/test_mkfs.py
	sh tests/host/run_alloc_tests.sh

clean:
	rm -f $K/*.o $K/*.d $K/kernel $K/kernel.asm $K/kernel.sym \
	$U/*.o $U/*.d $U/*.asm $U/_* $U/usys.S mkfs/mkfs fs.img .gdbinit
	rm -rf .grade

# Keep intermediate files (user/*.o): no "rm" after the grader's last line.
.SECONDARY:

-include $K/*.d $U/*.d
