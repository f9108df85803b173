/* ps_args.c — `ps -a` (see ps_args.h): include/linux/mm_types.h's arg_start, arg_end, env_start
 * and env_end, the strings execve copied to the top of the new stack, NUL after each. */
#include "ps_args.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "task_pick.h"
#include "user_space.h"

/* fs/exec.c limits the strings to a quarter of the stack limit; a range past this is not
 * read (a damaged mm_struct), and the line says so. */
#define ARGS_MAX (4u << 20)

struct mm_args_layout {
	uint64_t arg_start, arg_end, env_start, env_end;
};

static int layout_load(struct session *s, struct mm_args_layout *l, struct kdk_err *err)
{
	static const struct kdk_layout_key keys[] = {
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "mm_struct.arg_start", struct mm_args_layout, arg_start),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "mm_struct.arg_end", struct mm_args_layout, arg_end),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "mm_struct.env_start", struct mm_args_layout, env_start),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "mm_struct.env_end", struct mm_args_layout, env_end),
		{ 0 },
	};

	if (!session_kstructs(s, err))
		return -err->code;
	memset(l, 0, sizeof(*l));
	return kdk_facts_fill(&s->facts, keys, l, err);
}

/* The bytes of [start, end) of the task's user memory, or NULL with the reason in err. */
static char *read_range(struct session *s, uint64_t top, uint64_t start, uint64_t end,
			struct kdk_err *err)
{
	char *buf;

	if (end < start || end - start > ARGS_MAX) {
		kdk_err_set(err, EINVAL, "user range %" PRIx64 "-%" PRIx64 " is not a command line",
			    start, end);
		return NULL;
	}
	if (!(buf = malloc(end - start + 1))) {
		kdk_err_set(err, ENOMEM, "ps -a");
		return NULL;
	}
	if (user_space_read(s, top, start, buf, end - start, err)) {
		free(buf);
		return NULL;
	}
	buf[end - start] = '\0';
	return buf;
}

static void print_block(struct session *s, const struct task_info *t, const struct mm_args_layout *l)
{
	struct kdk_err err = { 0 };
	uint64_t v[4], pgd, top;
	char *args = NULL, *env = NULL;
	size_t i, n;
	bool first;

	if (!t->mm) {
		fprintf(s->out, "ps: no user stack\n");
		return;
	}
	if (session_read_u64(s, t->mm + l->arg_start, &v[0], &err) ||
	    session_read_u64(s, t->mm + l->arg_end, &v[1], &err) ||
	    session_read_u64(s, t->mm + l->env_start, &v[2], &err) ||
	    session_read_u64(s, t->mm + l->env_end, &v[3], &err) ||
	    user_space_top_of_mm(s, t->mm, &pgd, &top, &err)) {
		fprintf(s->out, "ps: mm_struct %" PRIx64 ": %s\n", t->mm, err.msg);
		return;
	}
	if (!(args = read_range(s, top, v[0], v[1], &err))) {
		fprintf(s->out, "ps: cannot read the arguments at %" PRIx64 ": %s\n", v[0], err.msg);
		return;
	}
	n = (size_t)(v[1] - v[0]);
	for (i = 0; i < n; i++)
		if (!args[i])
			args[i] = ' ';
	fprintf(s->out, "ARG: %s\n", args);
	free(args);
	if (!(env = read_range(s, top, v[2], v[3], &err))) {
		fprintf(s->out, "ps: cannot read the environment at %" PRIx64 ": %s\n", v[2], err.msg);
		return;
	}
	n = (size_t)(v[3] - v[2]);
	for (i = 0, first = true; i < n; i += strlen(env + i) + 1) {
		if (!env[i])
			continue;
		fprintf(s->out, "%s%s\n", first ? "ENV: " : "     ", env + i);
		first = false;
	}
	free(env);
}

void ps_show_args(struct session *s, const struct task_info *t)
{
	struct mm_args_layout l;
	struct kdk_err err = { 0 };

	task_pick_header(s, t);
	if (t->mm && layout_load(s, &l, &err))
		fprintf(s->out, "ps: %s\n", err.msg);
	else
		print_block(s, t, &l);
	fputc('\n', s->out);
}
