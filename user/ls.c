// ls [path ...]: list files. For each path (default "."): a file is shown
// by itself; a directory is shown as one line per entry. Each line is
//     name type inode size
// with the name padded to DIRSIZ columns, and type 1 = directory,
// 2 = file, 3 = device (T_DIR, T_FILE, T_DEVICE in kernel/stat.h).

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "user/user.h"

// Print one line of the listing for a file called name.
static void
print_entry(const char *name, const struct stat *st)
{
  printf("%-*s %d %d %lu\n", DIRSIZ, name, st->type, st->ino, st->size);
}

// Returns the last component of path: "a/b/c" -> "c".
static const char *
last_component(const char *path)
{
  const char *name = path;

  for (const char *p = path; *p != 0; p++) {
    if (*p == '/' && p[1] != 0)
      name = p + 1;
  }
  return name;
}

// List the entries of the directory open as fd, whose path is dir.
// Returns 0, or 1 if some entry could not be examined (reported).
static int
list_dir(int fd, const char *dir)
{
  char path[MAXPATH + DIRSIZ + 2];
  char name[DIRSIZ + 1];
  struct dirent de;
  struct stat st;
  uint dir_len = strlen(dir);
  int status = 0;

  if (dir_len + 1 + DIRSIZ + 1 > sizeof(path)) {
    fprintf(2, "ls: path too long: %s\n", dir);
    return 1;
  }
  strcpy(path, dir);
  path[dir_len] = '/';
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0) // an unused directory slot
      continue;
    memmove(name, de.name, DIRSIZ); // a name of DIRSIZ bytes has no NUL
    name[DIRSIZ] = 0;
    strcpy(path + dir_len + 1, name);
    if (stat(path, &st) < 0) {
      fprintf(2, "ls: cannot stat %s\n", path);
      status = 1;
      continue;
    }
    print_entry(name, &st);
  }
  return status;
}

// List path: the entries of a directory, or the file itself.
// Returns 0, or 1 after reporting an error.
static int
ls(const char *path)
{
  struct stat st;
  int fd, status = 0;

  fd = open(path, O_RDONLY);
  if (fd < 0) {
    fprintf(2, "ls: cannot open %s\n", path);
    return 1;
  }
  if (fstat(fd, &st) < 0) {
    fprintf(2, "ls: cannot stat %s\n", path);
    status = 1;
  } else if (st.type == T_DIR) {
    status = list_dir(fd, path);
  } else {
    print_entry(last_component(path), &st);
  }
  close(fd);
  return status;
}

int
main(int argc, char *argv[])
{
  int status = 0;

  if (argc < 2)
    return ls(".");
  for (int i = 1; i < argc; i++)
    status |= ls(argv[i]);
  return status;
}
