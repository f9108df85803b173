/* cmd_net.c — `net [-n [PID|TASK]]`: the network devices of a network namespace (its
 * dev_base_head list of net_device.dev_list) with each one's IPv4 addresses (ip_ptr → in_device
 * → ifa_list → ifa_next), in crash 8.0.2's shape. The namespace is the context task's
 * (task->nsproxy->net_ns, or -n's task), as crash takes it; init_net where a kernel has no
 * nsproxy.net_ns or the task has no nsproxy (exiting). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "commands.h"
#include "list_guard.h"
#include "task_pick.h"

#define MAX_DEVICES (1u << 20)
#define MAX_ADDRESSES (1u << 16)

struct net_layout {
	uint64_t net_dev_base_head, dev_list, dev_name, dev_ip_ptr, in_dev_ifa_list, ifa_next, ifa_address;
	uint64_t dev_name_size;
	uint64_t task_nsproxy, nsproxy_net_ns;
	bool have_nsproxy, have_net_ns;
};

static int net_layout_load(struct session *s, struct net_layout *l, struct kdk_err *err)
{
	static const struct kdk_layout_key keys[] = {
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "net.dev_base_head", struct net_layout, net_dev_base_head),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "net_device.dev_list", struct net_layout, dev_list),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "net_device.name", struct net_layout, dev_name),
		KDK_LAYOUT_KEY(KDK_KEY_SIZE, "net_device.name", struct net_layout, dev_name_size),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "net_device.ip_ptr", struct net_layout, dev_ip_ptr),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "in_device.ifa_list", struct net_layout, in_dev_ifa_list),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "in_ifaddr.ifa_next", struct net_layout, ifa_next),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "in_ifaddr.ifa_address", struct net_layout, ifa_address),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "task_struct.nsproxy", struct net_layout, task_nsproxy,
				    have_nsproxy),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "nsproxy.net_ns", struct net_layout, nsproxy_net_ns,
				    have_net_ns),
		{ 0 },
	};

	if (!session_kstructs(s, err))
		return -err->code;
	memset(l, 0, sizeof(*l));
	return kdk_facts_fill(&s->facts, keys, l, err);
}

/* One device's row: its address, name, and "a.b.c.d, …". */
static int print_device(struct session *s, const struct net_layout *l, uint64_t dev, struct kdk_err *err)
{
	char name[64] = "";
	uint64_t in_dev, ifa;
	unsigned count = 0;
	int rc;

	if ((rc = session_read(s, dev + l->dev_name, name,
			       l->dev_name_size < sizeof(name) - 1 ? l->dev_name_size : sizeof(name) - 1, err)) ||
	    (rc = session_read_u64(s, dev + l->dev_ip_ptr, &in_dev, err)))
		return kdk_err_prefix(err, "net_device %" PRIx64 ": ", dev);
	fprintf(s->out, "%16" PRIx64 "  %-6s ", dev, name);
	if (in_dev && (rc = session_read_u64(s, in_dev + l->in_dev_ifa_list, &ifa, err)))
		return kdk_err_prefix(err, "in_device %" PRIx64 ": ", in_dev);
	while (in_dev && ifa) {
		struct in_addr address;
		char text[INET_ADDRSTRLEN];

		if (++count > MAX_ADDRESSES)
			return kdk_err_set(err, ELOOP, "net_device %" PRIx64 ": more than %u addresses", dev,
					   MAX_ADDRESSES);
		if ((rc = session_read(s, ifa + l->ifa_address, &address, 4, err)))
			return kdk_err_prefix(err, "in_ifaddr %" PRIx64 ": ", ifa);
		fprintf(s->out, "%s%s", count > 1 ? ", " : "",
			inet_ntop(AF_INET, &address, text, sizeof(text)) ? text : "?");
		if ((rc = session_read_u64(s, ifa + l->ifa_next, &ifa, err)))
			return kdk_err_prefix(err, "in_ifaddr: ");
	}
	fputc('\n', s->out);
	return 0;
}

/* The struct net of task's namespace, else init_net. */
static int namespace_of(struct session *s, const struct net_layout *l, const struct task_info *t,
			uint64_t *net, struct kdk_err *err)
{
	uint64_t nsproxy = 0;
	int rc;

	*net = 0;
	if (t && l->have_nsproxy && l->have_net_ns) {
		if ((rc = session_read_u64(s, t->task + l->task_nsproxy, &nsproxy, err)) ||
		    (nsproxy && (rc = session_read_u64(s, nsproxy + l->nsproxy_net_ns, net, err))))
			return kdk_err_prefix(err, "PID %d: nsproxy: ", t->pid);
	}
	if (!*net && (rc = session_symbol(s, "init_net", net, err)))
		return rc;
	return 0;
}

int cmd_net(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct net_layout l;
	struct list_guard guard;
	struct task_info t;
	uint64_t net, head, node;
	unsigned count = 0;
	int rc;

	if (argc > 3 || (argc > 1 && strcmp(argv[1], "-n")))
		return kdk_err_set(err, EINVAL, "net: %s not supported (usage: net [-n [PID|TASK]])", argv[1]);
	if ((rc = net_layout_load(s, &l, err)))
		return kdk_err_prefix(err, "net: ");
	if ((rc = task_pick(s, argc == 3 ? argv[2] : NULL, &t, err)) ||
	    (rc = namespace_of(s, &l, &t, &net, err)))
		return kdk_err_prefix(err, "net: ");
	head = net + l.net_dev_base_head;
	if ((rc = session_read_u64(s, head, &node, err)))
		return kdk_err_prefix(err, "net: struct net %" PRIx64 " dev_base_head: ", net);
	/* crash's header: NET_DEVICE centred in 16 columns */
	fprintf(s->out, "   NET_DEVICE     NAME   IP ADDRESS(ES)\n");
	list_guard_init(&guard, head);
	while (node && node != head) {
		if (++count > MAX_DEVICES)
			return kdk_err_set(err, E2BIG, "net: more than %u devices: stopped", MAX_DEVICES);
		if ((rc = print_device(s, &l, node - l.dev_list, err)))
			return kdk_err_prefix(err, "net: ");
		if ((rc = session_read_u64(s, node, &node, err)))
			return kdk_err_prefix(err, "net: dev_list: ");
		if (node != head && list_guard_loops(&guard, node))
			return kdk_err_set(err, ELOOP, "net: the device list loops at %" PRIx64, node);
	}
	return 0;
}
