// halt: power the machine off (QEMU exits).

#include "kernel/types.h"
#include "user/user.h"

int
main(void)
{
  poweroff();
  // poweroff() only returns if it failed.
  fprintf(2, "halt: poweroff failed\n");
  return 1;
}
