#!/usr/bin/env python3
"""Host tests for mkfs/mkfs.c, the tool that builds the disk image.

What they check: mkfs is compiled (with AddressSanitizer and UBSan when the
host compiler has them), run on temporary input files, and the image it
writes is parsed here, independently of the C code, from the format in
kernel/fs.h: the superblock fields, the inode table, the root directory's
entries, every file's bytes read back through its direct and indirect
blocks, and a bitmap that marks exactly the blocks in use. Bad input (no
arguments, missing or unreadable files, bad or duplicate names, a file
larger than MAXFILE, too many files, a full disk, an unwritable output)
must give exit status 1, a message on stderr, and no image.

Run from the repository root:  python3 tests/host/test_mkfs.py
Set MKFS=path/to/mkfs to test an already built binary instead.
Python 3 standard library only.
"""

import collections
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MKFS_SOURCE = os.path.join(REPO, "mkfs", "mkfs.c")
RUN_TIMEOUT = 60  # seconds for one mkfs run (sanitizers make it slower)


# ---------------------------------------------------------------------------
# Constants, read from the headers so the tests follow param.h and fs.h.

def read_defines(path):
    """Return {name: text} for each '#define NAME value' line in path."""
    defines = {}
    pattern = re.compile(r"^\s*#define\s+(\w+)\s+(.+?)\s*(//.*)?$")
    with open(path) as f:
        for line in f:
            m = pattern.match(line)
            if m:
                defines[m.group(1)] = m.group(2)
    return defines


# sizeof() of the types the format constants use, as on the RISC-V target.
SIZEOF = {"uint": 4, "struct dinode": 64, "struct dirent": 16}


def evaluate(defines, name):
    """Evaluate the integer constant expression behind #define name."""
    text = defines[name]
    text = re.sub(r"sizeof\s*\(\s*([\w ]+?)\s*\)",
                  lambda m: str(SIZEOF[m.group(1)]), text)
    text = re.sub(r"\b[A-Za-z_]\w*",
                  lambda m: str(evaluate(defines, m.group(0))), text)
    if not re.fullmatch(r"[0-9a-fA-FxX()+\-*/ ]+", text):
        raise ValueError("cannot evaluate %s = %s" % (name, defines[name]))
    return eval(text.replace("/", "//"))


def load_constants():
    defines = {}
    for header in ("kernel/param.h", "kernel/fs.h", "kernel/stat.h", "mkfs/mkfs.c"):
        defines.update(read_defines(os.path.join(REPO, header)))
    names = ["FSSIZE", "LOGSIZE", "BSIZE", "ROOTINO", "FSMAGIC", "NDIRECT",
             "NINDIRECT", "MAXFILE", "DIRSIZ", "T_DIR", "T_FILE", "NINODES"]
    return {n: evaluate(defines, n) for n in names}


C = load_constants()
BSIZE = C["BSIZE"]
NDIRECT = C["NDIRECT"]
NINDIRECT = C["NINDIRECT"]
MAXFILE = C["MAXFILE"]
DIRSIZ = C["DIRSIZ"]
NINODES = C["NINODES"]
DINODE_SIZE = SIZEOF["struct dinode"]
DIRENT_SIZE = SIZEOF["struct dirent"]
IPB = BSIZE // DINODE_SIZE
BPB = BSIZE * 8


def ceil_div(n, d):
    return (n + d - 1) // d


class Layout:
    """The layout the image must have, worked out from the constants."""
    size = C["FSSIZE"]
    logstart = 2  # after the boot block and the superblock
    nlog = C["LOGSIZE"] + 1  # log header block + LOGSIZE blocks
    inodestart = logstart + nlog
    ninodeblocks = ceil_div(NINODES, IPB)
    bmapstart = inodestart + ninodeblocks
    nbitmap = ceil_div(size, BPB)
    datastart = bmapstart + nbitmap
    nblocks = size - datastart


# ---------------------------------------------------------------------------
# Reading an image.

Superblock = collections.namedtuple(
    "Superblock",
    "magic size nblocks ninodes nlog logstart inodestart bmapstart")
Dinode = collections.namedtuple("Dinode", "type major minor nlink size addrs")
SUPERBLOCK_FORMAT = "<8I"
DINODE_FORMAT = "<4hI%dI" % (NDIRECT + 1)
DIRENT_FORMAT = "<H%ds" % DIRSIZ
INDIRECT_FORMAT = "<%dI" % NINDIRECT
assert struct.calcsize(DINODE_FORMAT) == DINODE_SIZE
assert struct.calcsize(DIRENT_FORMAT) == DIRENT_SIZE


class Image:
    """A file system image, parsed with nothing but fs.h's format."""

    def __init__(self, data):
        self.data = data
        self.sb = Superblock(*struct.unpack_from(SUPERBLOCK_FORMAT, data, BSIZE))

    def block(self, b):
        return self.data[b * BSIZE:(b + 1) * BSIZE]

    def raw_inode(self, inum):
        offset = (self.sb.inodestart + inum // IPB) * BSIZE + (inum % IPB) * DINODE_SIZE
        return self.data[offset:offset + DINODE_SIZE]

    def inode(self, inum):
        fields = struct.unpack(DINODE_FORMAT, self.raw_inode(inum))
        return Dinode(*fields[:5], addrs=list(fields[5:]))

    def indirect_entries(self, ip):
        """All NINDIRECT entries of ip's indirect block ([] if it has none)."""
        if ip.addrs[NDIRECT] == 0:
            return []
        return list(struct.unpack(INDIRECT_FORMAT, self.block(ip.addrs[NDIRECT])))

    def file_blocks(self, ip):
        """Disk block numbers of ip's contents, in file order."""
        n = ceil_div(ip.size, BSIZE)
        blocks = ip.addrs[:min(n, NDIRECT)]
        if n > NDIRECT:
            blocks += self.indirect_entries(ip)[:n - NDIRECT]
        return blocks

    def read(self, ip):
        return b"".join(self.block(b) for b in self.file_blocks(ip))[:ip.size]

    def dirents(self, ip):
        """[(inum, name bytes without NUL padding)] of directory ip."""
        data = self.read(ip)
        entries = []
        for off in range(0, len(data), DIRENT_SIZE):
            inum, name = struct.unpack_from(DIRENT_FORMAT, data, off)
            entries.append((inum, name.split(b"\0")[0]))
        return entries

    def lookup(self, name):
        """The inode number that "/" gives name (bytes), or None."""
        for inum, entry_name in self.dirents(self.inode(C["ROOTINO"])):
            if entry_name == name and inum != 0:
                return inum
        return None

    def bitmap_bit(self, b):
        byte = self.data[(self.sb.bmapstart + b // BPB) * BSIZE + (b % BPB) // 8]
        return (byte >> (b % 8)) & 1


# ---------------------------------------------------------------------------
# Building and running mkfs.

MKFS = None  # path of the binary under test; set by setUpModule
BUILD_DIR = None
SANITIZED = False


def compile_mkfs(output, extra_flags):
    """Compile mkfs.c with the Makefile's flags plus extra_flags.
    Returns the CompletedProcess."""
    command = ["gcc", "-Wall", "-Werror", "-O2", "-I.", *extra_flags,
               "-o", output, "mkfs/mkfs.c"]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True)


def setUpModule():
    global MKFS, BUILD_DIR, SANITIZED
    if os.environ.get("MKFS"):
        MKFS = os.path.abspath(os.environ["MKFS"])
        return
    BUILD_DIR = tempfile.mkdtemp(prefix="test_mkfs_build_")
    MKFS = os.path.join(BUILD_DIR, "mkfs")
    sanitizers = ["-g", "-fsanitize=address,undefined",
                  "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
    result = compile_mkfs(MKFS, sanitizers)
    SANITIZED = result.returncode == 0
    if not SANITIZED:
        print("note: no sanitizers on this host; testing a plain build",
              file=sys.stderr)
        result = compile_mkfs(MKFS, [])
    if result.returncode != 0:
        raise RuntimeError("mkfs does not compile:\n" + result.stderr)


def tearDownModule():
    if BUILD_DIR:
        shutil.rmtree(BUILD_DIR, ignore_errors=True)


def run_mkfs(args):
    """Run mkfs with args; return the CompletedProcess (text output)."""
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    return subprocess.run([MKFS, *args], capture_output=True, text=True,
                          timeout=RUN_TIMEOUT, env=env)


def random_bytes(seed, n):
    return random.Random(seed).randbytes(n)


class TempDirTest(unittest.TestCase):
    """A test case with fresh input and output directories."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="test_mkfs_")
        self.addCleanup(self.remove_tmp)  # runs even if setUp fails later
        self.indir = os.path.join(self.tmp, "in")
        self.outdir = os.path.join(self.tmp, "out")
        os.makedirs(self.indir)
        os.makedirs(self.outdir)
        self.out = os.path.join(self.outdir, "fs.img")

    def remove_tmp(self):
        for root, dirs, _ in os.walk(self.tmp):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def make_input(self, relpath, content):
        path = os.path.join(self.indir, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)
        return path

    def build_ok(self, paths):
        """Run mkfs on paths; it must succeed. Returns the parsed image."""
        result = run_mkfs([self.out, *paths])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        self.assertEqual(os.listdir(self.outdir), ["fs.img"],
                         "a temporary file was left behind")
        with open(self.out, "rb") as f:
            return Image(f.read()), result

    def assert_rejected(self, args, *fragments):
        """mkfs args must exit 1 with a message on stderr that contains each
        fragment, and leave nothing in the output directory."""
        result = run_mkfs(args)
        self.assertEqual(result.returncode, 1,
                         "exit status %d, stderr: %s" % (result.returncode, result.stderr))
        self.assertNotEqual(result.stderr.strip(), "", "no message on stderr")
        self.assertNotIn("Sanitizer", result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, result.stderr)
        self.assertEqual(os.listdir(self.outdir), [], "mkfs left a file behind")
        return result


# ---------------------------------------------------------------------------
# A good image: a mix of files, checked from every angle.

class TestGoodImage(TempDirTest):
    """One image with files of sizes around each block boundary."""

    # (input path relative to the input directory, name in "/", size)
    FILES = [
        ("user/_init", b"init", 3000),
        ("user/_cat", b"cat", 1),
        ("README.md", b"README.md", 0),
        ("exactly_one", b"exactly_one", BSIZE),
        ("one_more", b"one_more", BSIZE + 1),
        ("direct_full", b"direct_full", NDIRECT * BSIZE),
        ("needs_indir", b"needs_indir", NDIRECT * BSIZE + 1),
        ("_abcdefghijklmn", b"abcdefghijklmn", 5000),  # DIRSIZ chars
        ("largest", b"largest", MAXFILE * BSIZE),
    ]

    def setUp(self):
        super().setUp()
        self.contents = {}
        paths = []
        for i, (relpath, name, size) in enumerate(self.FILES):
            self.contents[name] = random_bytes(i, size)
            paths.append(self.make_input(relpath, self.contents[name]))
        self.image, self.result = self.build_ok(paths)

    def file_inodes(self):
        """[(name, inode)] for every file in "/" except "." and ".."."""
        root = self.image.inode(C["ROOTINO"])
        return [(name, self.image.inode(inum))
                for inum, name in self.image.dirents(root)[2:]]

    def test_size_and_boot_block(self):
        self.assertEqual(len(self.image.data), Layout.size * BSIZE)
        self.assertEqual(self.image.block(0), bytes(BSIZE))

    def test_superblock(self):
        expected = Superblock(C["FSMAGIC"], Layout.size, Layout.nblocks, NINODES,
                              Layout.nlog, Layout.logstart, Layout.inodestart,
                              Layout.bmapstart)
        self.assertEqual(self.image.sb, expected)
        rest = self.image.block(1)[struct.calcsize(SUPERBLOCK_FORMAT):]
        self.assertEqual(rest, bytes(len(rest)))

    def test_superblock_is_little_endian(self):
        magic = C["FSMAGIC"].to_bytes(4, "little")
        self.assertEqual(self.image.data[BSIZE:BSIZE + 4], magic)

    def test_summary_line(self):
        used = sum(1 for b in range(Layout.datastart, Layout.size)
                   if self.image.bitmap_bit(b))
        expected = ("mkfs: %s: %d blocks (log %d, inodes %d in %d blocks, "
                    "bitmap %d, data %d), %d files, %d data blocks used\n" %
                    (self.out, Layout.size, Layout.nlog, NINODES,
                     Layout.ninodeblocks, Layout.nbitmap, Layout.nblocks,
                     len(self.FILES), used))
        self.assertEqual(self.result.stdout, expected)

    def test_log_is_empty(self):
        for b in range(Layout.logstart, Layout.inodestart):
            self.assertEqual(self.image.block(b), bytes(BSIZE), "log block %d" % b)

    def test_root_inode(self):
        root = self.image.inode(C["ROOTINO"])
        self.assertEqual((root.type, root.major, root.minor, root.nlink),
                         (C["T_DIR"], 0, 0, 1))
        self.assertEqual(root.size, (2 + len(self.FILES)) * DIRENT_SIZE)

    def test_root_entries(self):
        entries = self.image.dirents(self.image.inode(C["ROOTINO"]))
        rootino = C["ROOTINO"]
        expected = [(rootino, b"."), (rootino, b"..")]
        expected += [(rootino + 1 + i, name) for i, (_, name, _) in enumerate(self.FILES)]
        self.assertEqual(entries, expected)

    def test_dirsiz_name_has_no_terminator(self):
        root = self.image.inode(C["ROOTINO"])
        raw = self.image.read(root)
        self.assertIn(b"abcdefghijklmn", raw)
        index = raw.index(b"abcdefghijklmn")
        self.assertEqual(index % DIRENT_SIZE, 2, "name not at a dirent's name field")

    def test_file_inodes_and_contents(self):
        for name, ip in self.file_inodes():
            with self.subTest(name=name):
                self.assertEqual((ip.type, ip.major, ip.minor, ip.nlink),
                                 (C["T_FILE"], 0, 0, 1))
                self.assertEqual(ip.size, len(self.contents[name]))
                self.assertEqual(self.image.read(ip), self.contents[name])

    def test_last_block_padded_with_zeros(self):
        for name, ip in self.file_inodes():
            blocks = self.image.file_blocks(ip)
            if ip.size % BSIZE:
                tail = self.image.block(blocks[-1])[ip.size % BSIZE:]
                self.assertEqual(tail, bytes(len(tail)), name)

    def test_indirect_block_only_when_needed(self):
        for name, ip in self.file_inodes():
            with self.subTest(name=name):
                nblocks = ceil_div(ip.size, BSIZE)
                used_direct = min(nblocks, NDIRECT)
                self.assertNotIn(0, ip.addrs[:used_direct])
                self.assertEqual(ip.addrs[used_direct:NDIRECT],
                                 [0] * (NDIRECT - used_direct))
                if nblocks <= NDIRECT:
                    self.assertEqual(ip.addrs[NDIRECT], 0)
                    continue
                entries = self.image.indirect_entries(ip)
                used = nblocks - NDIRECT
                self.assertNotIn(0, entries[:used])
                self.assertEqual(entries[used:], [0] * (NINDIRECT - used))

    def test_unused_inodes_are_zero(self):
        last_used = C["ROOTINO"] + len(self.FILES)
        for inum in [0] + list(range(last_used + 1, NINODES)):
            self.assertEqual(self.image.raw_inode(inum), bytes(DINODE_SIZE),
                             "inode %d" % inum)

    def used_blocks(self):
        """Every block the image uses: metadata, file and directory
        blocks and indirect blocks. Fails on a block used twice."""
        used = list(range(Layout.datastart))
        inodes = [self.image.inode(C["ROOTINO"])] + [ip for _, ip in self.file_inodes()]
        for ip in inodes:
            used += self.image.file_blocks(ip)
            if ip.addrs[NDIRECT]:
                used.append(ip.addrs[NDIRECT])
        self.assertEqual(len(used), len(set(used)), "a block is used twice")
        return set(used)

    def test_blocks_inside_data_area(self):
        for b in self.used_blocks() - set(range(Layout.datastart)):
            self.assertTrue(Layout.datastart <= b < Layout.size, "block %d" % b)

    def test_bitmap_marks_exactly_used_blocks(self):
        used = self.used_blocks()
        for b in range(Layout.nbitmap * BPB):
            self.assertEqual(self.image.bitmap_bit(b), 1 if b in used else 0,
                             "bitmap bit for block %d" % b)

    def test_free_data_blocks_are_zero(self):
        used = self.used_blocks()
        for b in range(Layout.datastart, Layout.size):
            if b not in used:
                self.assertEqual(self.image.block(b), bytes(BSIZE), "block %d" % b)


# ---------------------------------------------------------------------------
# Limits that must be accepted.

class TestLimitsAccepted(TempDirTest):

    def test_no_files(self):
        image, result = self.build_ok([])
        root = image.inode(C["ROOTINO"])
        self.assertEqual(image.dirents(root), [(C["ROOTINO"], b"."), (C["ROOTINO"], b"..")])
        self.assertIn(" 0 files", result.stdout)

    def test_as_many_files_as_inodes(self):
        count = NINODES - C["ROOTINO"] - 1
        paths = [self.make_input("f%d" % i, bytes([i % 256])) for i in range(count)]
        image, _ = self.build_ok(paths)
        self.assertEqual(image.lookup(b"f%d" % (count - 1)), NINODES - 1)
        last = image.inode(NINODES - 1)
        self.assertEqual(image.read(last), bytes([(count - 1) % 256]))

    def test_disk_filled_exactly(self):
        paths, _ = self.files_filling_disk(self, 0)
        image, result = self.build_ok(paths)
        for b in range(Layout.size):
            self.assertEqual(image.bitmap_bit(b), 1, "block %d free" % b)
        self.assertIn("%d data blocks used" % Layout.nblocks, result.stdout)

    @staticmethod
    def files_filling_disk(test, extra_bytes):
        """Input files that use every data block (with the root directory's
        one block), the last one extra_bytes longer. Returns (paths, sizes)."""
        full = MAXFILE + 1  # blocks of a MAXFILE file, indirect block included
        count = (Layout.nblocks - 1) // full
        rest = Layout.nblocks - 1 - count * full
        if rest == NDIRECT + 1 or (count + 3) * DIRENT_SIZE > BSIZE:
            test.skipTest("this layout cannot be filled exactly by this test")
        last_blocks = rest if rest <= NDIRECT else rest - 1
        sizes = [MAXFILE * BSIZE] * count + [last_blocks * BSIZE + extra_bytes]
        paths = [test.make_input("fill%d" % i, random_bytes(100 + i, size))
                 for i, size in enumerate(sizes)]
        return paths, sizes


# ---------------------------------------------------------------------------
# Bad input: exit status 1, a message, no image.

class TestBadInput(TempDirTest):

    def test_no_arguments(self):
        self.assert_rejected([], "usage")

    def test_missing_input(self):
        missing = os.path.join(self.indir, "nosuchfile")
        self.assert_rejected([self.out, missing], missing)

    def test_missing_input_after_good_ones(self):
        good = self.make_input("_cat", b"cat")
        missing = os.path.join(self.indir, "nosuchfile")
        self.assert_rejected([self.out, good, missing], missing)

    def test_directory_as_input(self):
        directory = os.path.join(self.indir, "adir")
        os.makedirs(directory)
        self.assert_rejected([self.out, directory], directory)

    @unittest.skipIf(hasattr(os, "geteuid") and os.geteuid() == 0,
                     "root can read a file without read permission")
    def test_unreadable_input(self):
        path = self.make_input("secret", b"x")
        os.chmod(path, 0)
        self.assert_rejected([self.out, path], path)

    def test_name_too_long(self):
        path = self.make_input("user/_" + "n" * (DIRSIZ + 1), b"x")
        self.assert_rejected([self.out, path], path)

    def test_empty_name(self):
        path = self.make_input("_", b"x")
        self.assert_rejected([self.out, path], path)

    def test_reserved_name(self):
        path = self.make_input("_..", b"x")
        self.assert_rejected([self.out, path], path)

    def test_same_name_twice(self):
        first = self.make_input("user/_cat", b"one")
        second = self.make_input("other/cat", b"two")
        self.assert_rejected([self.out, first, second], second, "cat")

    def test_file_too_large(self):
        path = self.make_input("huge", bytes(MAXFILE * BSIZE + 1))
        self.assert_rejected([self.out, path], path)

    def test_more_files_than_inodes(self):
        count = NINODES - C["ROOTINO"]  # one more than fits
        paths = [self.make_input("f%d" % i, b"") for i in range(count)]
        self.assert_rejected([self.out, *paths], paths[-1])

    def test_out_of_data_blocks(self):
        paths, _ = TestLimitsAccepted.files_filling_disk(self, 1)
        self.assert_rejected([self.out, *paths], paths[-1])

    def test_output_directory_missing(self):
        good = self.make_input("_cat", b"cat")
        out = os.path.join(self.outdir, "nosuchdir", "fs.img")
        self.assert_rejected([out, good], out)

    def test_output_is_a_directory(self):
        good = self.make_input("_cat", b"cat")
        out = os.path.join(self.outdir, "fs.img")
        os.makedirs(out)
        result = run_mkfs([out, good])
        self.assertEqual(result.returncode, 1)
        self.assertIn(out, result.stderr)
        self.assertEqual(os.listdir(self.outdir), ["fs.img"], "temporary file left")
        self.assertEqual(os.listdir(out), [])

    @unittest.skipIf(hasattr(os, "geteuid") and os.geteuid() == 0,
                     "root can write into a read-only directory")
    def test_output_directory_read_only(self):
        good = self.make_input("_cat", b"cat")
        os.chmod(self.outdir, 0o555)
        self.assert_rejected([self.out, good], self.out)

    def test_old_image_kept_on_failure(self):
        old = b"an older image"
        with open(self.out, "wb") as f:
            f.write(old)
        missing = os.path.join(self.indir, "nosuchfile")
        result = run_mkfs([self.out, missing])
        self.assertEqual(result.returncode, 1)
        self.assertEqual(os.listdir(self.outdir), ["fs.img"], "temporary file left")
        with open(self.out, "rb") as f:
            self.assertEqual(f.read(), old)

    def test_old_image_replaced_on_success(self):
        with open(self.out, "wb") as f:
            f.write(b"an older image")
        image, _ = self.build_ok([self.make_input("_cat", b"meow")])
        self.assertEqual(image.read(image.inode(image.lookup(b"cat"))), b"meow")


# ---------------------------------------------------------------------------
# The build itself.

class TestBuild(unittest.TestCase):

    def test_makefile_flags_build_cleanly(self):
        """gcc -Wall -Werror -O2 -I. (the Makefile's rule) gives no warning."""
        with tempfile.TemporaryDirectory() as tmp:
            result = compile_mkfs(os.path.join(tmp, "mkfs"), [])
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stderr, "")

    def test_strict_c11_build(self):
        """The source is standard C11 plus POSIX getpid (no GNU extensions)."""
        with tempfile.TemporaryDirectory() as tmp:
            flags = ["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-Wextra", "-pedantic"]
            result = compile_mkfs(os.path.join(tmp, "mkfs"), flags)
            self.assertEqual(result.returncode, 0, result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
