// exec: replace the current process's program.
#pragma once

// Load the ELF program at path with arguments argv (a 0-terminated array
// of kernel strings). Returns argc (the new program's a0), or -1 with the
// old program untouched.
int kexec(const char *path, char **argv);
