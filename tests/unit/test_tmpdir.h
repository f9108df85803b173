/* test_tmpdir.h — a scratch directory per test (cmocka setup/teardown) and paths inside it,
 * for the unit tests that write files. Header-only: each test binary is one .c file. */
#ifndef TEST_TMPDIR_H
#define TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char test_dir[64];

static int tmpdir_setup(void **state)
{
	(void)state;
	strcpy(test_dir, "/tmp/kdk-unit.XXXXXX");
	return mkdtemp(test_dir) ? 0 : -1;
}

static int tmpdir_teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", test_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A path in the scratch directory; the last four stay valid. */
static const char *tmp_path(const char *name)
{
	static char path[4][128];
	static int next;
	char *p = path[next++ % 4];
	snprintf(p, 128, "%s/%s", test_dir, name);
	return p;
}

#endif
