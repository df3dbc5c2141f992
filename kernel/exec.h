// exec: replace the current process's program.
#pragma once

// Load the ELF program at path with arguments argv and environment envp
// (0-terminated arrays of kernel strings; envp may be 0). The program
// starts with a0 = argc, a1 = argv, a2 = envp. Returns argc, or -1 with
// the old program untouched.
int kexec(const char *path, char **argv, char **envp);
