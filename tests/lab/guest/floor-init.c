/* floor-init.c — the smallest /init a capture kernel can run (t/55): no C library, a few system
 * calls. It says a marker and the first line of /proc/meminfo on the console, then powers off.
 * Booted in place of the capture /init, it tells whether the kernel itself reaches user space in a
 * crashkernel= region of a given size, so that the size our capture image needs can be told apart
 * from the kernel's own floor. Built by t/55 with gcc -Os -static -nostdlib -ffreestanding
 * (x86-64 Linux system call numbers and calling convention). */

static long syscall5(long nr, long a, long b, long c, long d, long e)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

enum { SYS_READ = 0, SYS_WRITE = 1, SYS_OPEN = 2, SYS_DUP2 = 33, SYS_SYNC = 162,
       SYS_MOUNT = 165, SYS_REBOOT = 169 };

static unsigned long length(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	syscall5(SYS_WRITE, 1, (long)s, (long)length(s), 0, 0);
}

static char meminfo[64];

void _start(void)
{
	long console, fd, got, i;

	syscall5(SYS_MOUNT, (long)"proc", (long)"/proc", (long)"proc", 0, 0);
	console = syscall5(SYS_OPEN, (long)"/dev/console", 1 /* O_WRONLY */, 0, 0, 0);
	if (console >= 0)
		syscall5(SYS_DUP2, console, 1, 0, 0, 0);
	say("KDK-FLOOR: /init reached; ");
	fd = syscall5(SYS_OPEN, (long)"/proc/meminfo", 0 /* O_RDONLY */, 0, 0, 0);
	got = fd >= 0 ? syscall5(SYS_READ, fd, (long)meminfo, sizeof(meminfo) - 1, 0, 0) : 0;
	for (i = 0; i < got && meminfo[i] != '\n'; i++)
		;
	meminfo[i > 0 ? i : 0] = '\0';
	say(meminfo);
	say("\n");
	syscall5(SYS_SYNC, 0, 0, 0, 0, 0);
	/* LINUX_REBOOT_MAGIC1, MAGIC2, LINUX_REBOOT_CMD_POWER_OFF */
	syscall5(SYS_REBOOT, 0xfee1dead, 672274793, 0x4321fedc, 0, 0);
	for (;;)
		;
}
