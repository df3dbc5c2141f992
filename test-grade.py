#!/usr/bin/env python3
"""test-grade.py: the Kestrel grader (Python 3 standard library only).

Usage (normally through `make grade`, which builds first):

    python3 test-grade.py                 run every test, print a score
    python3 test-grade.py -j 4            run 4 tests at a time (default: cores)
    python3 test-grade.py -k pipe         run only tests whose name matches
    python3 test-grade.py pipe redirect   the same, several patterns
    python3 test-grade.py --list          list the tests
    python3 test-grade.py --keep          keep .grade/<test>/ of passing tests
    python3 test-grade.py --bench         boot once, run `bench`, print a table
    make grade GRADEFLAGS="-k syscalltest"

How a QEMU test runs
--------------------
1. fs.img is copied to .grade/<test>/fs.img, so every test starts from the
   same fresh disk and no test depends on another one or on their order.
2. QEMU is started with the command line `make -s qemu-cmd` prints (fetched
   once), and its console output is collected from a pipe.
3. The grader waits for the shell prompt "$ ", types the test's first command
   line, waits for the next prompt, types the next line, and so on. After the
   last line it types `halt` and waits for QEMU to exit (the kernel powers
   the machine off through SBI).
4. The whole console output is checked against the test's regexes: every
   `expect` pattern must be found, no `forbid` pattern may be found ("panic"
   is forbidden in every test). Nothing is timed except a generous timeout.
5. A passing test's directory is removed; a failing one keeps
   .grade/<test>/qemu.log (console output followed by the grader's notes).

How to add a test
-----------------
Add an entry to the tables near the end of this file (`shell_tests`,
`program_tests`, `tool_tests`, called by `build_tests`):

    qemu_test("hello", 2, "the hello program greets its argument",
              steps=["hello world"],
              expect=[r"^hello: world$"])

- steps: lines typed at the shell prompt, one per prompt. A step may also be
  Wait(r"regex"): wait until that regex appears in the output (for output
  from a background command) before typing the next line. End the regex
  with \n, not $, to wait for a whole line: $ also matches at the end of
  the output received so far, which may stop in the middle of a line.
- expect: Python regexes searched in the whole output with re.MULTILINE, so
  ^ and $ match at line boundaries. Anchor patterns with ^: the console
  echoes each typed line after the prompt ("$ hello world"), and an
  unanchored r"world" would match that echo even if the program printed
  nothing. A pattern may also be a function of the run's Environment (for
  example to use the hart count); it must return the regex.
- forbid: regexes that must not be found (r"panic" is always added).
- timeout: seconds for the whole run, boot to power-off (default 60).
Host-side tests (programs run on the build machine that pass when they exit
with status 0) are declared with host_test(name, points, about, argv).
See docs/testing.md for adding a user program together with its test.
"""

import argparse
import codecs
import concurrent.futures
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.abspath(__file__))
GRADE_DIR = ".grade"                  # per-test scratch directories
KERNEL = "kernel/kernel"
DISK_IMAGE = "fs.img"
README = "README.md"                  # also installed on the disk as /README.md
PROMPT = "$ "
HALT_COMMAND = "halt"
ALWAYS_FORBIDDEN = [r"panic"]
FSIMG_PLACEHOLDER = "@GRADE_FSIMG@"   # stands for the disk in the QEMU command

DEFAULT_TIMEOUT = 60.0      # seconds for one QEMU test, boot to power-off
HALT_TIMEOUT = 20.0         # seconds QEMU may take to exit after `halt`
HOST_TEST_TIMEOUT = 120.0   # seconds for one host test
GDB_TIMEOUT = 120.0         # seconds for the gdb walkthrough
GDB_LISTEN_TIMEOUT = 10.0   # seconds QEMU may take to open its gdb port
BENCH_TIMEOUT = 300.0       # seconds for `--bench`
POLL_INTERVAL = 0.05        # seconds between checks while waiting
EXIT_USAGE = 2              # exit status for bad arguments / missing build
GDB_TEMPLATE = ".gdbinit.tmpl"
GDB_TEMPLATE_PORT = ":1234"           # what `make qemu-gdb` replaces, too
GDB_WALKTHROUGH = "tests/gdb_walkthrough.gdb"
GDB = "gdb-multiarch"


# ---------------------------------------------------------------------------
# Declaring tests

class Wait:
    """A step that waits for `pattern` to appear in the output."""

    def __init__(self, pattern):
        self.pattern = pattern

    def __repr__(self):
        return "Wait(%r)" % self.pattern


class Test:
    """One graded test. kind is "qemu", "host" or "gdb"."""

    def __init__(self, name, points, about, kind, steps=(), expect=(),
                 forbid=(), timeout=DEFAULT_TIMEOUT, argv=(),
                 exit_status=None):
        self.name = name
        self.points = points
        self.about = about
        self.kind = kind
        self.steps = list(steps)
        self.expect = list(expect)
        self.forbid = list(forbid)
        self.timeout = timeout
        self.argv = list(argv)
        self.exit_status = exit_status   # required QEMU exit status, or None


TESTS = []


def declare(test):
    """Add test to TESTS; a name may be used only once."""
    if any(t.name == test.name for t in TESTS):
        raise ValueError("test %r is declared twice" % test.name)
    TESTS.append(test)


def qemu_test(name, points, about, steps=(), expect=(), forbid=(),
              timeout=DEFAULT_TIMEOUT, exit_status=None):
    """Declare a test that boots Kestrel and types `steps` at the shell."""
    declare(Test(name, points, about, "qemu", steps, expect,
                 list(forbid) + ALWAYS_FORBIDDEN, timeout,
                 exit_status=exit_status))


def host_test(name, points, about, argv, timeout=HOST_TEST_TIMEOUT):
    """Declare a test that runs argv on the host and passes on status 0."""
    declare(Test(name, points, about, "host", timeout=timeout, argv=argv))


def gdb_test(name, points, about, expect, timeout=GDB_TIMEOUT):
    """Declare the test that drives the gdb walkthrough against QEMU."""
    declare(Test(name, points, about, "gdb", expect=expect,
                 forbid=ALWAYS_FORBIDDEN, timeout=timeout))


class Environment:
    """What every test run shares: the QEMU command and its hart count."""

    def __init__(self, qemu_argv):
        self.qemu_argv = qemu_argv
        self.harts = smp_count(qemu_argv)

    def qemu_command(self, fsimg):
        """The QEMU argv with `fsimg` as the disk."""
        return [arg.replace(FSIMG_PLACEHOLDER, fsimg) for arg in self.qemu_argv]


def smp_count(argv):
    """The hart count given to QEMU with -smp (1 if absent)."""
    for i, arg in enumerate(argv[:-1]):
        if arg == "-smp":
            match = re.match(r"(?:cpus=)?(\d+)", argv[i + 1])
            if match:
                return int(match.group(1))
    return 1


def readme_wc_counts(pattern):
    """Lines, words and bytes that `grep pattern README.md | wc` reports.

    Computed from the README on the host: the disk image holds a copy.
    """
    try:
        with open(os.path.join(ROOT, README), "rb") as f:
            lines = f.read().split(b"\n")
    except OSError:
        return (0, 0, 0)
    selected = [line for line in lines if pattern.encode() in line]
    words = sum(len(line.split()) for line in selected)
    return (len(selected), words, sum(len(line) + 1 for line in selected))


def wc_line(lines, words, chars):
    """A regex for wc's output line with these counts."""
    return r"^\s*%d\s+%d\s+%d\b" % (lines, words, chars)


# ---------------------------------------------------------------------------
# Running QEMU

class StepFailed(Exception):
    """A step could not complete (timeout, QEMU exited, forbidden output)."""


class Machine:
    """A running QEMU whose console output is collected by a thread.

    Carriage returns are dropped from the output so that regexes see
    plain "\\n" line ends.
    """

    def __init__(self, argv, forbid=()):
        self.started = time.monotonic()
        self.notes = []
        self.forbid = [re.compile(p, re.MULTILINE) for p in forbid]
        self.text = ""
        self.eof = False
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        LIVE_PROCESSES.add(self.proc)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        """Collect output until QEMU closes its end of the pipe."""
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        fd = self.proc.stdout.fileno()
        while True:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            piece = decoder.decode(data, final=not data).replace("\r", "")
            with self.cond:
                self.text += piece
                self.eof = not data
                self.cond.notify_all()
            if not data:
                return

    def elapsed(self):
        """Seconds since QEMU was started."""
        return time.monotonic() - self.started

    def note(self, message):
        """Record a line for the notes at the end of the log."""
        self.notes.append("[%6.2fs] %s" % (self.elapsed(), message))

    def wait_for(self, find, deadline, what):
        """Wait until find(text) returns something other than None.

        Returns that value. Raises StepFailed when the deadline passes, QEMU
        exits, or a forbidden pattern appears (no point waiting then).
        """
        with self.cond:
            while True:
                found = find(self.text)
                if found is not None:
                    return found
                for pattern in self.forbid:
                    if pattern.search(self.text):
                        raise StepFailed("forbidden output /%s/ while waiting "
                                         "for %s" % (pattern.pattern, what))
                if self.eof:
                    raise StepFailed("QEMU exited while waiting for %s" % what)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StepFailed("timed out waiting for %s" % what)
                self.cond.wait(min(left, POLL_INTERVAL * 10))

    def wait_prompt(self, start, deadline, what):
        """Wait for a prompt that begins at or after offset `start`."""
        return self.wait_for(lambda text: find_prompt(text, start), deadline,
                             what)

    def type_line(self, line):
        """Type one line on the console. Returns the output offset before it."""
        with self.cond:
            offset = len(self.text)
        self.note("typed: %s" % line)
        try:
            self.proc.stdin.write(line.encode() + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise StepFailed("QEMU stopped reading input before %r" % line)
        return offset

    def wait_exit(self, timeout):
        """Wait for QEMU to exit. Returns its status, or None on timeout."""
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self.reader.join(timeout=5)
        return status

    def stop(self):
        """Kill QEMU if it still runs and collect the rest of its output."""
        if self.proc.poll() is None:
            self.note("killed QEMU")
            self.proc.kill()
        self.proc.wait()
        self.reader.join(timeout=5)
        if self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        self.proc.stdout.close()
        LIVE_PROCESSES.discard(self.proc)

    def output(self):
        """All console output so far."""
        with self.cond:
            return self.text


LIVE_PROCESSES = set()    # killed if the grader is interrupted


def kill_live_processes():
    """Kill every QEMU still running (after Ctrl-C)."""
    for proc in list(LIVE_PROCESSES):
        if proc.poll() is None:
            proc.kill()


def find_prompt(text, start):
    """Offset just past the first shell prompt at or after `start`, or None.

    A prompt is "$ " at the start of a line, or "$ " ending the output so
    far (a program's output may not end with a newline).
    """
    i = text.find(PROMPT, start)
    while i != -1:
        end = i + len(PROMPT)
        if i == 0 or text[i - 1] == "\n" or end == len(text):
            return end
        i = text.find(PROMPT, i + 1)
    return None


def run_steps(machine, steps, deadline):
    """Boot to the prompt, run the steps, then type `halt`.

    Raises StepFailed if a step cannot complete.
    """
    sent = 0   # output offset when the last line was typed
    machine.wait_prompt(0, deadline, "the first shell prompt")
    machine.note("first prompt")
    for step in steps:
        if isinstance(step, Wait):
            regex = re.compile(step.pattern, re.MULTILINE)
            machine.wait_for(lambda text: regex.search(text) or None,
                             deadline, "output /%s/" % step.pattern)
            continue
        machine.wait_prompt(sent, deadline, "a prompt to type %r" % step)
        sent = machine.type_line(step)
    machine.wait_prompt(sent, deadline, "a prompt to type %r" % HALT_COMMAND)
    machine.type_line(HALT_COMMAND)


# ---------------------------------------------------------------------------
# Checking output and reporting

class Result:
    """The outcome of one test: passed or not, why, and how long it took."""

    def __init__(self, test):
        self.test = test
        self.problems = []     # one line per reason for failing
        self.seconds = 0.0
        self.log_path = None

    def passed(self):
        return not self.problems


def check_expected(text, patterns, env, result):
    """Add a problem to result for each pattern not found in text."""
    for pattern in patterns:
        if callable(pattern):
            pattern = pattern(env)
        if not re.search(pattern, text, re.MULTILINE):
            result.problems.append("missing: /%s/" % pattern)


def check_forbidden(text, patterns, result):
    """Add a problem to result for each pattern found in text."""
    for pattern in patterns:
        match = re.search(pattern, text, re.MULTILINE)
        if match:
            line_start = text.rfind("\n", 0, match.start()) + 1
            line = text[line_start:].split("\n", 1)[0]
            result.problems.append("forbidden: /%s/ in line %r" %
                                   (pattern, line))


def test_dir(name):
    """A fresh, empty .grade/<name> directory (relative to ROOT)."""
    path = os.path.join(GRADE_DIR, name)
    shutil.rmtree(os.path.join(ROOT, path), ignore_errors=True)
    os.makedirs(os.path.join(ROOT, path))
    return path


def write_log(path, output, notes):
    """Write the console output and the grader's notes to path."""
    with open(os.path.join(ROOT, path), "w", errors="replace") as f:
        f.write(output)
        if not output.endswith("\n"):
            f.write("\n")
        f.write("--- test-grade.py notes ---\n")
        for line in notes:
            f.write(line + "\n")


# ---------------------------------------------------------------------------
# The three kinds of test

def run_qemu_test(test, env):
    """Boot a fresh disk copy, type the steps, halt, check the output."""
    result = Result(test)
    directory = test_dir(test.name)
    fsimg = os.path.join(directory, "fs.img")
    shutil.copyfile(os.path.join(ROOT, DISK_IMAGE), os.path.join(ROOT, fsimg))
    deadline = time.monotonic() + test.timeout
    machine = Machine(env.qemu_command(fsimg), test.forbid)
    try:
        run_steps(machine, test.steps, deadline)
        left = max(0.0, min(HALT_TIMEOUT, deadline - time.monotonic()))
        status = machine.wait_exit(left)
        if status is None:
            message = "QEMU did not exit within %.0fs of `halt`" % left
            machine.note(message)
            if test.exit_status is not None:
                result.problems.append(message)
        else:
            machine.note("QEMU exited with status %d" % status)
            if test.exit_status is not None and status != test.exit_status:
                result.problems.append("QEMU exit status %d, expected %d" %
                                       (status, test.exit_status))
    except StepFailed as failure:
        machine.note(str(failure))
        result.problems.append(str(failure))
    finally:
        machine.stop()
    check_expected(machine.output(), test.expect, env, result)
    check_forbidden(machine.output(), test.forbid, result)
    result.log_path = os.path.join(directory, "qemu.log")
    write_log(result.log_path, machine.output(), machine.notes)
    return result


def run_host_test(test, env):
    """Run test.argv on the host; it passes iff it exits with status 0."""
    result = Result(test)
    directory = test_dir(test.name)
    result.log_path = os.path.join(directory, "output.log")
    started = time.monotonic()
    notes = ["command: %s" % " ".join(shlex.quote(a) for a in test.argv)]
    output = ""
    # A missing test file is reported as such, not as a cryptic exit status.
    script = test.argv[1] if len(test.argv) > 1 else test.argv[0]
    if not os.path.exists(os.path.join(ROOT, script)):
        result.problems.append("%s does not exist" % script)
    else:
        try:
            proc = subprocess.run(test.argv, cwd=ROOT, timeout=test.timeout,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
            output = proc.stdout.decode(errors="replace")
            if proc.returncode != 0:
                result.problems.append("exit status %d" % proc.returncode)
        except subprocess.TimeoutExpired as expired:
            output = (expired.output or b"").decode(errors="replace")
            result.problems.append("timed out after %.0fs" % test.timeout)
    notes.append("took %.2fs" % (time.monotonic() - started))
    write_log(result.log_path, output, notes)
    return result


def free_tcp_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_listening(port):
    """True if /proc/net/tcp shows a socket listening on `port`.

    Checking this way (instead of connecting) leaves QEMU's single gdb
    connection for gdb itself.
    """
    listen_state = "0A"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == listen_state:
                return True
    return False


def gdb_script(directory, port):
    """Write the walkthrough script for `port` into directory; return it.

    It is .gdbinit.tmpl (with the port filled in, as `make qemu-gdb` does)
    followed by tests/gdb_walkthrough.gdb.
    """
    with open(os.path.join(ROOT, GDB_TEMPLATE)) as f:
        text = f.read().replace(GDB_TEMPLATE_PORT, ":%d" % port)
    with open(os.path.join(ROOT, GDB_WALKTHROUGH)) as f:
        text += "\n" + f.read()
    path = os.path.join(directory, "walkthrough.gdb")
    with open(os.path.join(ROOT, path), "w") as f:
        f.write(text)
    return path


def run_gdb_test(test, env):
    """Start QEMU halted with a gdb stub, run the walkthrough in gdb.

    gdb's output must match test.expect; QEMU's must not match test.forbid.
    """
    result = Result(test)
    directory = test_dir(test.name)
    fsimg = os.path.join(directory, "fs.img")
    shutil.copyfile(os.path.join(ROOT, DISK_IMAGE), os.path.join(ROOT, fsimg))
    port = free_tcp_port()
    script = gdb_script(directory, port)
    argv = env.qemu_command(fsimg) + ["-S", "-gdb", "tcp:127.0.0.1:%d" % port]
    machine = Machine(argv, test.forbid)
    try:
        gdb_output = drive_gdb(machine, port, script, test.timeout, result)
    finally:
        machine.stop()
    check_expected(gdb_output, test.expect, env, result)
    check_forbidden(machine.output(), test.forbid, result)
    result.log_path = os.path.join(directory, "gdb.log")
    write_log(os.path.join(directory, "qemu.log"), machine.output(),
              machine.notes)
    write_log(result.log_path, gdb_output, ["script: " + script])
    return result


def drive_gdb(machine, port, script, timeout, result):
    """Wait for QEMU's gdb port, run gdb on script, return gdb's output.

    Adds a problem to result if gdb cannot run or times out.
    """
    deadline = time.monotonic() + GDB_LISTEN_TIMEOUT
    while not port_is_listening(port) and time.monotonic() < deadline:
        if machine.proc.poll() is not None:
            result.problems.append("QEMU exited before gdb could attach")
            return ""
        time.sleep(POLL_INTERVAL)
    argv = [GDB, "-batch", "-nx", "-x", script]
    machine.note("running: %s" % " ".join(argv))
    try:
        proc = subprocess.run(argv, cwd=ROOT, timeout=timeout,
                              stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    except FileNotFoundError:
        result.problems.append("%s is not installed" % GDB)
        return ""
    except subprocess.TimeoutExpired as expired:
        result.problems.append("gdb timed out after %.0fs" % timeout)
        return (expired.output or b"").decode(errors="replace")
    machine.note("gdb exited with status %d" % proc.returncode)
    return proc.stdout.decode(errors="replace")


RUNNERS = {"qemu": run_qemu_test, "host": run_host_test, "gdb": run_gdb_test}


def run_test(test, env):
    """Run one test of any kind; never raises (errors become problems)."""
    started = time.monotonic()
    try:
        result = RUNNERS[test.kind](test, env)
    except Exception as error:     # a grader bug must not hide other tests
        result = Result(test)
        result.problems.append("grader error: %s: %s" %
                               (type(error).__name__, error))
    result.seconds = time.monotonic() - started
    return result


# ---------------------------------------------------------------------------
# Tests

def build_tests():
    """Declare every test, in the order --list shows them."""
    shell_tests()
    program_tests()
    userland_tests()
    memory_tests()
    sched_tests_from_file()
    tool_tests()


# ---- Userland tests: the C library, the shell and the demonstrations ----

def userland_tests():
    """The C library, the shell and the demonstration programs."""
    hello = r"forkprintf: hello from pid \d+ in pass \d\n"
    qemu_test("stdio-console", 3,
              "fork+printf: 6 lines on the console (line-buffered)",
              steps=["forkprintf"],
              expect=[r"^\$ forkprintf\n(?:%s){6}\$ " % hello])
    qemu_test("stdio-pipe", 3,
              "fork+printf: 8 lines through a pipe (fully buffered)",
              steps=["forkprintf | cat"],
              expect=[r"^\$ forkprintf \| cat\n(?:%s){8}\$ " % hello])
    qemu_test("exitdemo", 2, "exit/return flush and run atexit; _exit not",
              steps=["exitdemo"],
              expect=[r"^--- exitdemo exit ---\n"
                      r"exitdemo: atexit handler 2 .*\n"
                      r"exitdemo: atexit handler 1 .*\n"
                      r"exitdemo: exit: this text waited in the buffer",
                      r"^--- exitdemo return ---\n"
                      r"exitdemo: atexit handler 2 .*\n"
                      r"exitdemo: atexit handler 1 .*\n"
                      r"exitdemo: return: this text waited in the buffer",
                      r"^--- exitdemo _exit ---\n\n\$ "],
              forbid=[r"_exit: this text"])
    qemu_test("libctest", 5, "stdio, exit/atexit, snprintf, environment",
              steps=["libctest"], expect=[r"^libctest: ALL OK$"],
              forbid=[r"FAILED"])
    qemu_test("malloctest", 5, "malloc stress, leak check, double free",
              steps=["malloctest"], expect=[r"^malloctest: ALL OK$"],
              forbid=[r"FAILED"])
    qemu_test("sh-quoting", 3, "quotes, backslashes and $VAR expansion",
              steps=["echo 'single $HOME \"dq\"' \"double $PATH 'sq'\"",
                     r'echo a\ b \$X \\ "\"q\""',
                     "X='hello   world'; echo [$X] [\"$X\"] '$X' ${X}!",
                     'echo a $UNSET b "$UNSET" c'],
              expect=[r"^single \$HOME \"dq\" double /:/bin 'sq'$",
                      r'^a b \$X \\ "q"$',
                      r"^\[hello   world\] \[hello   world\] \$X "
                      r"hello   world!$",
                      r"^a b  c$"])
    qemu_test("sh-status", 3, "$? after programs, builtins, errors",
              steps=["nosuch; echo st1=$?", "(exit 3); echo st2=$?",
                     "/README.md; echo st3=$?", "echo 'unclosed",
                     "echo st4=$?", "cd /nonexistent; echo st5=$?",
                     "echo ok; echo st6=$?"],
              expect=[r"^sh: nosuch: not found$", r"^st1=127$", r"^st2=3$",
                      r"^sh: /README.md: cannot execute$", r"^st3=126$",
                      r"^sh: syntax error: missing closing '$", r"^st4=2$",
                      r"^st5=1$", r"^st6=0$"])
    qemu_test("sh-env", 3, "export, unset, VAR=x cmd, env, PATH lookup",
              steps=["export GREETING=kestrel", "env | grep GREETING",
                     "sh -c 'echo inner $GREETING'",
                     "unset GREETING; echo \"unset:[$GREETING]\"",
                     "FOO=only-here env | grep FOO", "echo \"after:[$FOO]\"",
                     "echo path=$PATH",
                     "PATH=/nonexistent echo hidden",
                     "PATH=/nonexistent:/ echo found-via-path"],
              expect=[r"^GREETING=kestrel$", r"^inner kestrel$",
                      r"^unset:\[\]$", r"^FOO=only-here$", r"^after:\[\]$",
                      r"^path=/:/bin$", r"^sh: echo: not found$",
                      r"^found-via-path$"],
              forbid=[r"^hidden$"])
    qemu_test("sh-malformed", 3, "bad lines are reported; the shell survives",
              steps=['echo "abc', "echo 'abc", "(echo a", "echo a)", "|",
                     "echo a |", "echo ${", "(" * 40 + "echo deep" + ")" * 40,
                     "echo " + "x" * 600, "echo still-alive"],
              expect=[r"^sh: syntax error: missing closing \"$",
                      r"^sh: syntax error: missing closing '$",
                      r"^sh: syntax error: missing \)$",
                      r"^sh: syntax error: unexpected \)$",
                      r"^sh: syntax error: unexpected \|$",
                      r"^sh: syntax error: unexpected end of line$",
                      r"^sh: syntax error: missing } after \$\{$",
                      r"^sh: syntax error: \( \) nested too deeply$",
                      r"^sh: line too long",
                      r"^still-alive$"],
              forbid=[r"^init: starting sh\n(?:.*\n)*init: starting sh",
                      r"^fault: "])
    qemu_test("envdemo", 1, "the environment across fork, exec, execve",
              steps=["envdemo"],
              expect=[r"^envdemo: child, after fork \(pid \d+\): GREETING=hello$",
                      r"^envdemo: parent, after the child exited \(pid \d+\): "
                      r"GREETING=hello$",
                      r"^envdemo: new program \(pid \d+\): GREETING=hello$",
                      r"^envdemo: new program \(pid \d+\): "
                      r"GREETING=given to execve$"])
    qemu_test("pipedemo", 1, "a pipeline built by hand",
              steps=["pipedemo"],
              expect=[r"^1 3 14\b",
                      r"^pipedemo: writer \(pid \d+\) exited with status 0$",
                      r"^pipedemo: reader \(pid \d+\) exited with status 0$"])
    qemu_test("zombie", 2, "a zombie is visible until reaped; init adopts orphans",
              steps=["zombie 10"],
              expect=[r"^zombie: kill\(\d+\) = 0: the exited child",
                      r"^zombie: wait\(\) = \d+ with status 7",
                      r"^zombie: kill\(\d+\) = -1: now it is gone$",
                      r"^zombie: wait\(\) = (\d+) \(the middle process, pid \1\); "
                      r"wait\(\) again = -1",
                      r"^zombie: orphan \(pid \d+\): my parent has exited",
                      r"^zombie: pid \d+ exited and is gone: init reaped it$"])
    qemu_test("addrspace", 1, "code < data < heap < mmap < stack",
              steps=["addrspace"],
              expect=[r"^addrspace: \d+ places",
                      r"text:   main\(\)\n(?:.*\n)*.*data:   an initialised"
                      r"(?:.*\n)*.*heap:   malloc\(16\)(?:.*\n)*"
                      r".*mmap:   an anonymous page\n(?:.*\n)*"
                      r".*stack:  a local variable"])


def sched_tests_from_file():
    """The scheduler, semaphore and spinlock tests (tests/grade_sched.py)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "grade_sched", os.path.join(ROOT, "tests", "grade_sched.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.sched_tests(qemu_test, Wait)


def shell_tests():
    """Boot, the basic programs, and the shell's syntax."""
    qemu_test("boot", 5, "boots on every hart to the shell",
              expect=[r"^kestrel: ",
                      lambda env: r"^kestrel: (?:all )?%d harts online$"
                                  % env.harts,
                      r"^init: starting sh$"])
    qemu_test("echo", 2, "echo prints its arguments",
              steps=["echo hello from kestrel"],
              expect=[r"^hello from kestrel$"])
    qemu_test("cat", 2, "cat prints the README from the disk",
              steps=["cat README.md"],
              expect=[r"^# Kestrel$", r"^## The tree$", r"^MIT License\b"])
    qemu_test("ls", 2, "ls lists the installed programs",
              steps=["ls"],
              expect=[r"^\. ", r"^README\.md ", r"^cat ", r"^sh ", r"^init ",
                      r"^syscalltest ", r"^console "])
    qemu_test("files", 3, "create, link, remove files; mkdir and cd",
              steps=["echo kestrel-data > tfile", "cat tfile",
                     "ln tfile tlink", "rm tfile", "cat tfile", "cat tlink",
                     "mkdir tdir", "echo inner > tdir/f", "cd tdir", "cat f",
                     "cd /", "ls tdir"],
              expect=[r"^\$ cat tfile\nkestrel-data$",
                      r"^\$ cat tfile\ncat: cannot open tfile$",
                      r"^\$ cat tlink\nkestrel-data$",
                      r"^\$ cat f\ninner$",
                      r"^f +2 \d+ 6$"])
    qemu_test("redirect", 3, "<, > and >> redirect input and output",
              steps=["echo redirected words > rfile", "cat < rfile",
                     "wc < rfile", "echo more >> rfile", "wc < rfile",
                     "grep words < rfile > gfile", "cat gfile"],
              expect=[r"^\$ cat < rfile\nredirected words$",
                      wc_line(1, 2, 17), wc_line(2, 3, 22),
                      r"^\$ cat gfile\nredirected words$"])
    lines, words, chars = readme_wc_counts("Kestrel")
    qemu_test("pipe", 4, "a pipeline of several programs",
              steps=["cat README.md | grep Kestrel | wc",
                     "echo piped | cat | cat | cat"],
              expect=[wc_line(lines, words, chars), r"^piped$"])
    qemu_test("list", 2, "; runs commands one after another",
              steps=["echo one; echo two; echo three"],
              expect=[r"^one\ntwo\nthree$"])
    qemu_test("parens", 2, "( ) groups commands",
              steps=["(echo p1; echo p2) | wc", "(echo q1; echo q2) > pfile",
                     "cat pfile"],
              expect=[wc_line(2, 2, 6), r"^q1\nq2$"])
    qemu_test("background", 3, "& does not wait; the job finishes later",
              steps=["(sleeptest; echo bg-done) &", "echo fg-first",
                     Wait(r"^bg-done\n")],  # the whole line: $ also matches
                                              # the end of output so far
              expect=[r"^fg-first$(?:\n.*)*\nbg-done$",
                      r"^sleeptest: OK$"])


def program_tests():
    """The test programs in user/ (syscalltest, faulttest, ...)."""
    qemu_test("fuzz", 6, "random system calls with hostile arguments: no panic, no leak",
              steps=["fuzz 60 300", "echo still-alive"],
              expect=[r"^fuzz: 60 rounds of 300 random system calls$",
                      r"^fuzz: free pages afterwards: OK$",
                      r"^fuzz: ALL OK$",
                      r"^still-alive$"],
              forbid=[r"FAILED"], timeout=120)
    for group in SYSCALL_GROUPS:
        qemu_test("syscalltest-" + group, 3,
                  "system calls: %s group" % group,
                  steps=["syscalltest " + group],
                  expect=[r"^syscalltest %s: ALL OK$" % group],
                  forbid=[r"FAILED"])
    for case, fault_line in FAULT_CASES:
        qemu_test("faulttest-" + case, 2,
                  "a user fault (%s) is reported; the shell survives" % case,
                  steps=["faulttest " + case, "echo still-alive"],
                  expect=[FAULT_PREFIX + fault_line + "$",
                          r"^faulttest %s: %s: OK$" % (case, case),
                          r"^faulttest %s: ALL OK$" % case,
                          r"^still-alive$"],
                  forbid=[r"FAILED", r"^fault: (?:.*\n)+fault: "])
    qemu_test("forktest", 4, "fork until the table is full, reap them all",
              steps=["forktest"], expect=[r"^forktest: OK$"],
              forbid=[r"FAILED"])
    qemu_test("forkbomb", 5, "a fork bomb is contained; the shell survives",
              steps=["forkbomb", "echo survived"],
              expect=[r"^forkbomb: OK$", r"^survived$"],
              forbid=[r"FAILED"], timeout=120)
    qemu_test("sleeptest", 3, "pause() and the clock agree",
              steps=["sleeptest"], expect=[r"^sleeptest: OK$"],
              forbid=[r"FAILED"])
    qemu_test("halt", 2, "halt powers the machine off (QEMU exit status 0)",
              expect=[r"^init: starting sh$"], exit_status=0)


def tool_tests():
    """The gdb walkthrough and the host-side tests."""
    gdb_test("gdb", 5, "the README's gdb walkthrough works",
             expect=[r"^walkthrough: scause = 8$",
                     r"^walkthrough: sepc = 0x[0-9a-f]{1,10}$",
                     r"^walkthrough: priv at uservec = 1$",
                     r"^walkthrough: a7 = (\d+)$(?:\n.*)*"
                     r"\nwalkthrough: a7 in the trapframe = \1$",
                     r"^walkthrough: stopped in syscall(?: \+ \d+)? in ",
                     r"^walkthrough: returned to user_trap(?:_return)?(?: \+ \d+)? in ",
                     r"^walkthrough: priv = 0$",
                     r"^walkthrough: user pc = 0x[0-9a-f]{1,10}$",
                     r"^walkthrough: done$"])
    host_test("mkfs-host", 5, "mkfs host unit tests",
              [sys.executable, "tests/host/test_mkfs.py"])
    host_test("alloc-host", 8, "buddy and slab allocators on the host (ASan, UBSan)",
              ["sh", "tests/host/run_alloc_tests.sh"])


SYSCALL_GROUPS = ["proc", "exec", "files", "pipe", "badptr", "badfd",
                  "badlen", "badpath"]

# The kernel's report for each faulttest case (user/faulttest.c), after
# FAULT_PREFIX. The addresses are faulttest's UNMAPPED_ADDR and KERNEL_ADDR.
FAULT_PREFIX = r"^fault: pid \d+ \(faulttest\): "
HEX = r"0x[0-9a-f]+"
FAULT_CASES = [
    ("null-load", r"load page fault at va 0x0, sepc %s: NULL pointer" % HEX),
    ("null-store", r"store page fault at va 0x0, sepc %s: NULL pointer" % HEX),
    ("write-text", r"store page fault at va %s, sepc %s: "
                   r"write to read-only page" % (HEX, HEX)),
    ("unmapped", r"load page fault at va 0x3000000000, sepc %s: not mapped"
                 % HEX),
    ("exec-unmapped", r"instruction page fault at va 0x3000000000, "
                      r"sepc 0x3000000000: not mapped"),
    ("kernel-addr", r"load page fault at va 0xffffffc080200000, sepc %s: "
                    r"kernel address" % HEX),
    ("stack-overflow", r"(?:store|load) page fault at va %s, sepc %s: "
                       r"stack guard page" % (HEX, HEX)),
    ("illegal", r"illegal instruction at va (0x[0-9a-f]+), sepc \1: "
                r"not a valid instruction"),
]


# ---------------------------------------------------------------------------
# Memory tests: the buddy and slab allocators and virtual memory (issues
# "Physical memory" and "Virtual memory"). Programs: pmap, vmprint,
# mapdemo, segv, cowtest, mmaptest, alloctest, and bench's memory
# benchmarks. This section is self-contained; build_tests() calls
# memory_tests().

# segv's demonstrations (user/segv.c) and the kernel's report for each,
# after SEGV_PREFIX. 0x100000000 is segv's UNMAPPED_ADDR.
# SEGV_SAME_VA: for these cases segv first prints the address it is about
# to use (%p, zero-padded); the fault must be reported at that address.
SEGV_PREFIX = r"^fault: pid \d+ \(segv\): "
SEGV_CASES = [
    ("null", r"load page fault at va 0x0, sepc %s: NULL pointer" % HEX),
    ("code", r"store page fault at va %s, sepc %s: write to read-only page"
             % (HEX, HEX)),
    ("stack", r"(?:store|load) page fault at va %s, sepc %s: "
              r"stack guard page" % (HEX, HEX)),
    ("unmapped", r"load page fault at va 0x100000000, sepc %s: not mapped"
                 % HEX),
    ("munmap", r"load page fault at va %s, sepc %s: not mapped" % (HEX, HEX)),
]
SEGV_SAME_VA = {
    "code": r"^segv: writing over .* at 0x0*([0-9a-f]+)\n(?:.*\n)*?"
            r"fault: pid \d+ \(segv\): store page fault at va 0x\1, ",
    "munmap": r"^segv: mapped a page at 0x0*([0-9a-f]+) .*\n(?:.*\n)*?"
              r"fault: pid \d+ \(segv\): load page fault at va 0x\1, ",
}

# cowtest's cases (user/cowtest.c), their points and what they check.
# Every run also checks that no page leaked ("cowtest leak: OK").
COW_CASES = [
    ("bigfork", 4, "fork works with over half of memory in use"),
    ("threeway", 3, "three processes write the same pages, each sees its own"),
    ("copyout", 3, "read(), pipe(), fstat() into copy-on-write pages"),
    ("race", 4, "many forks and exits at once on all harts"),
]

# mmaptest's cases (user/mmaptest.c), their points, what they check, and
# the fault lines their killed children must make the kernel print (after
# MMAP_PREFIX). A case with no fault lines listed must not make any.
MMAP_PREFIX = r"^fault: pid \d+ \(mmaptest\): "
MMAP_READ_ONLY = r"store page fault at va %s, sepc %s: write to read-only page" \
    % (HEX, HEX)
MMAP_LOAD_UNMAPPED = r"load page fault at va %s, sepc %s: not mapped" % (HEX, HEX)
MMAP_CASES = [
    ("ro-private", 2, "read-only private file map; a write kills",
     [MMAP_READ_ONLY]),
    ("private-write", 2, "private map writes never reach the file", []),
    ("ro-shared", 2, "shared writable map of a read-only fd is refused", []),
    ("writeback", 3, "munmap writes dirty shared pages back, not past EOF",
     []),
    ("writeback-exit", 3, "exit (also when killed) writes shared pages back",
     [r"load page fault at va 0x0, sepc %s: NULL pointer" % HEX]),
    ("after-munmap", 2, "touching memory after munmap kills",
     [MMAP_LOAD_UNMAPPED,
      r"store page fault at va %s, sepc %s: not mapped" % (HEX, HEX)]),
    ("lazy", 3, "file and anonymous pages load on first touch only", []),
    ("two-files", 2, "two files mapped at once", []),
    ("fork-shared", 2, "a child's writes to a shared map reach the parent",
     []),
    ("fork-private", 2, "a child's writes to a private map do not", []),
    ("fork-cold", 2, "fork shares an untouched, uncached shared file map",
     []),
    ("anon-shared", 2, "anonymous shared memory between parent and child",
     []),
    ("partial", 3, "munmap of part of a map splits it; the hole kills",
     [MMAP_LOAD_UNMAPPED]),
    ("badargs", 3, "bad arguments to mmap/munmap/mprotect return -1", []),
    ("mprotect", 2, "read-only or PROT_NONE pages kill; back to rw works",
     [MMAP_READ_ONLY, r"load page fault at va %s, sepc %s: not readable"
                      % (HEX, HEX)]),
    ("lazy-heap", 2, "sbrk'd pages are zero and appear on first touch", []),
]

# alloctest's cases (user/alloctest.c): points, what they check, timeout
# (seconds).
ALLOC_CASES = [
    ("stress", 4, "slab stress test on all harts at once, then buddy check",
     120),
    ("leak", 4, "no page or kernel object lost by forks, execs, pipes, files",
     60),
    ("exhaust", 5, "memory runs out: sbrk and fork fail cleanly, all comes "
                   "back", 120),
    ("caches", 3, "memstat's caches are all there and add up", 60),
]

PMAP_RANGE = r"^[0-9a-f]{10}-[0-9a-f]{10} +"  # pmap's address range column
PTE_LEAF = r"^ \.\. \.\. \.\.\d+: pte 0x[0-9a-f]+ pa 0x[0-9a-f]+ "
MEMORY_BENCHMARKS = [("fork16m", "ms"), ("fork16m-copy", "ms"),
                     ("cow-speedup", "x"), ("kmalloc", "Mpairs/s"),
                     ("kmalloc-all", "Mpairs/s"), ("pages", "Mpairs/s")]


def memory_tests():
    """The allocator and virtual-memory tests (see the section comment)."""
    address_space_tests()
    for case, fault_line in SEGV_CASES:
        qemu_test("segv-" + case, 2,
                  "segv %s is killed with the right report; the shell "
                  "survives" % case,
                  steps=["segv " + case, "echo still-alive"],
                  expect=[SEGV_PREFIX + fault_line + "$", r"^still-alive$"] +
                         ([SEGV_SAME_VA[case]] if case in SEGV_SAME_VA else []),
                  forbid=[r"should not happen", r"did not stop us",
                          r"^fault: (?:.*\n)+fault: "])
    for case, points, about in COW_CASES:
        qemu_test("cowtest-" + case, points, "COW fork: " + about,
                  steps=["cowtest " + case],
                  expect=[r"^cowtest %s: OK$" % case, r"^cowtest leak: OK$",
                          r"^cowtest: ALL OK$"],
                  forbid=[r"FAILED", r"^fault: "], timeout=120)
    for case, points, about, faults in MMAP_CASES:
        qemu_test("mmaptest-" + case, points, "mmap: " + about,
                  steps=["mmaptest " + case],
                  expect=[r"^mmaptest %s: OK$" % case, r"^mmaptest leak: OK$",
                          r"^mmaptest: ALL OK$"] +
                         [MMAP_PREFIX + f + "$" for f in faults],
                  forbid=[r"FAILED"] + ([] if faults else [r"^fault: "]))
    for case, points, about, timeout in ALLOC_CASES:
        qemu_test("alloctest-" + case, points, "allocators: " + about,
                  steps=["alloctest " + case],
                  expect=[r"^alloctest %s: OK$" % case,
                          r"^alloctest: ALL OK$"],
                  forbid=[r"FAILED", r"^fault: "], timeout=timeout)
    qemu_test("bench-memory", 2, "bench's memory benchmarks run and report",
              steps=["bench " + name for name, _ in MEMORY_BENCHMARKS
                     if name != "cow-speedup"],
              expect=[r"^bench: %s \d+\.\d+ %s$" % (re.escape(name),
                                                     re.escape(unit))
                      for name, unit in MEMORY_BENCHMARKS],
              forbid=[r"FAILED"], timeout=180)


def address_space_tests():
    """pmap, vmprint and mapdemo show address spaces and page tables."""
    qemu_test("pmap", 2, "pmap prints a process's regions and totals",
              steps=["pmap", "pmap 1", "pmap 999"],
              expect=[r"^\$ pmap\npmap: pid \d+$",
                      r"^0000010000-[0-9a-f]{10} +\d+K r-xp +\d+  text$",
                      r"^[0-9a-f]{10}-4000000000 +16K rw-p +4  stack$",
                      r"^total: \d+ regions, \d+K mapped, "
                      r"\d+ pages resident \(\d+K\)$",
                      r"^\$ pmap 1\npmap: pid 1$",
                      r"^pmap: no process 999$"])
    qemu_test("vmprint", 2, "vmprint prints a process's page table",
              steps=["vmprint", "vmprint 1", "vmprint 999"],
              expect=[r"^pid \d+ \(vmprint\): page table 0x[0-9a-f]+ ",
                      PTE_LEAF + r"va 0x10000 r-xu",
                      PTE_LEAF + r"va 0x3ffffff000 rw-u$",
                      r"^pid 1 \(init\): page table 0x[0-9a-f]+ ",
                      r"^vmprint: no process 999$"])
    qemu_test("mapdemo", 2, "pmap shows lazy file, anonymous and heap "
              "regions; vmprint shows copy-on-write pages",
              steps=["mapdemo"],
              expect=[r'^mapdemo: README\.md starts with "# K\.\.\."$',
                      PMAP_RANGE + r"16K rw-p +1  heap$",
                      PMAP_RANGE + r"32K rw-p +3  anon$",
                      PMAP_RANGE + r"16K r--p +1  file inode \d+$",
                      PTE_LEAF + r"va 0x[0-9a-f]+ r--u cow$"],
              forbid=[r"^fault: "])


# ---------------------------------------------------------------------------
# Command line

def positive_int(text):
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a number" % text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1, not %d" % value)
    return value


def parse_args(argv):
    """Parse the command line; exits with status 2 on bad arguments."""
    parser = argparse.ArgumentParser(
        prog="test-grade.py",
        description="Run Kestrel's tests under QEMU and print a score.")
    parser.add_argument("patterns", nargs="*", metavar="PATTERN",
                        help="run only tests whose name matches (regex)")
    parser.add_argument("-k", dest="k_patterns", action="append", default=[],
                        metavar="PATTERN", help="same as a positional PATTERN")
    parser.add_argument("-j", "--jobs", type=positive_int,
                        default=os.cpu_count() or 1, metavar="N",
                        help="tests run at the same time (default: cores)")
    parser.add_argument("--list", action="store_true",
                        help="list the tests and exit")
    parser.add_argument("--keep", action="store_true",
                        help="keep .grade/<test>/ of passing tests too")
    parser.add_argument("--bench", action="store_true",
                        help="boot once, run `bench`, print its results")
    args = parser.parse_args(argv)
    args.patterns += args.k_patterns
    args.selected = select_tests(parser, args.patterns)
    return args


def select_tests(parser, patterns):
    """The tests matching any pattern (all if none). Errors exit with 2."""
    if not patterns:
        return list(TESTS)
    selected = []
    for pattern in patterns:
        try:
            regex = re.compile(pattern)
        except re.error as error:
            parser.error("bad pattern %r: %s" % (pattern, error))
        matches = [t for t in TESTS if regex.search(t.name)]
        if not matches:
            parser.error("pattern %r matches no test (see --list)" % pattern)
        selected += [t for t in matches if t not in selected]
    return [t for t in TESTS if t in selected]


def fail_usage(message):
    """Print message and exit with the usage status."""
    print("test-grade.py: " + message, file=sys.stderr)
    sys.exit(EXIT_USAGE)


def qemu_environment():
    """Fetch the QEMU command line from the Makefile; check the build."""
    for needed in (KERNEL, DISK_IMAGE):
        if not os.path.exists(os.path.join(ROOT, needed)):
            fail_usage("%s is missing; build with `make` (or run `make grade`)"
                       % needed)
    try:
        proc = subprocess.run(["make", "-s", "--no-print-directory",
                               "qemu-cmd", "FSIMG=" + FSIMG_PLACEHOLDER],
                              cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        fail_usage("cannot run `make qemu-cmd`: %s" % error)
    lines = proc.stdout.decode().strip().splitlines()
    if proc.returncode != 0 or not lines:
        fail_usage("`make -s qemu-cmd` failed:\n" + proc.stderr.decode())
    argv = shlex.split(lines[-1])
    if shutil.which(argv[0]) is None:
        fail_usage("%s is not installed (scripts/deps.sh installs it)"
                   % argv[0])
    return Environment(argv)


def print_result(result):
    """Print one test's outcome line (and details if it failed)."""
    test = result.test
    if result.passed():
        print("%s: OK (%.1fs)" % (test.name, result.seconds))
        return
    print("%s: FAILED (%s; %.1fs)" % (test.name, result.problems[0],
                                      result.seconds))
    for problem in result.problems[1:]:
        print("    " + problem)
    if result.log_path:
        print("    log: " + result.log_path)


def remove_passed_dirs(results, keep):
    """Delete passing tests' directories, and .grade if it is then empty."""
    if not keep:
        for result in results:
            if result.passed():
                shutil.rmtree(os.path.join(ROOT, GRADE_DIR, result.test.name),
                              ignore_errors=True)
    try:
        os.rmdir(os.path.join(ROOT, GRADE_DIR))
    except OSError:
        pass   # not empty (failures kept) or not there


def run_all(tests, env, jobs, keep):
    """Run tests in parallel, print results as they finish and a summary.

    Returns the process exit status: 0 if all passed, 1 otherwise.
    """
    results = []
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
    try:
        futures = [pool.submit(run_test, t, env) for t in tests]
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            results.append(result)
            print_result(result)
            sys.stdout.flush()
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        kill_live_processes()
        raise
    pool.shutdown()
    remove_passed_dirs(results, keep)
    passed = [r for r in results if r.passed()]
    score = sum(r.test.points for r in passed)
    total = sum(t.points for t in tests)
    print("Score: %d/%d" % (score, total))
    print("%d passed, %d failed" % (len(passed), len(results) - len(passed)))
    return 0 if len(passed) == len(results) else 1


def list_tests(tests):
    """Print name, points and description of each test."""
    width = max(len(t.name) for t in tests)
    for t in tests:
        print("%-*s  %2d  %s" % (width, t.name, t.points, t.about))
    print("%d tests, %d points" % (len(tests), sum(t.points for t in tests)))


# ---------------------------------------------------------------------------
# Benchmarks

def run_bench(env):
    """Boot once, run `bench`, print its results as a table. Returns 0/1."""
    directory = test_dir("bench")
    fsimg = os.path.join(directory, "fs.img")
    shutil.copyfile(os.path.join(ROOT, DISK_IMAGE), os.path.join(ROOT, fsimg))
    machine = Machine(env.qemu_command(fsimg), ALWAYS_FORBIDDEN)
    deadline = time.monotonic() + BENCH_TIMEOUT
    try:
        machine.wait_prompt(0, deadline, "the first shell prompt")
        boot_seconds = machine.elapsed()
        sent = machine.type_line("bench")
        machine.wait_prompt(sent, deadline, "bench to finish")
        machine.type_line(HALT_COMMAND)
        machine.wait_exit(HALT_TIMEOUT)
    except StepFailed as failure:
        machine.stop()
        log = os.path.join(directory, "qemu.log")
        write_log(log, machine.output(), machine.notes)
        print("bench: FAILED (%s); log: %s" % (failure, log))
        return 1
    machine.stop()
    rows = [("boot to first prompt (host)", "%.3f s" % boot_seconds)]
    for line in re.findall(r"^bench: (.*)$", machine.output(), re.MULTILINE):
        rows.append(split_bench_line(line))
    print_table(rows)
    shutil.rmtree(os.path.join(ROOT, directory), ignore_errors=True)
    remove_passed_dirs([], keep=True)
    return 0


def split_bench_line(line):
    """Split bench's "NAME VALUE UNIT" (after "bench: ") into (name, rest)."""
    name, _, value = line.strip().partition(" ")
    return (name, value.strip())


def print_table(rows):
    """Print (name, value) rows in two aligned columns."""
    width = max(len(name) for name, _ in rows)
    print("%-*s  %s" % (width, "benchmark", "result"))
    print("%s  %s" % ("-" * width, "-" * 20))
    for name, value in rows:
        print("%-*s  %s" % (width, name, value))


def main(argv):
    build_tests()
    args = parse_args(argv)
    if args.list:
        list_tests(args.selected)
        return 0
    needs_qemu = args.bench or any(t.kind != "host" for t in args.selected)
    env = qemu_environment() if needs_qemu else None
    try:
        if args.bench:
            return run_bench(env)
        return run_all(args.selected, env, args.jobs, args.keep)
    except KeyboardInterrupt:
        kill_live_processes()
        print("\ninterrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
