# Lab test (issue 15, "ssh targets by host name"): the crash → capture → SSH cycle of t/78 with
# `ssh USER@NAME`, where NAME resolves in the capture kernel (its /init has no libc resolver:
# lib/net/resolve). QEMU's user network gives DHCP with DNS at 10.0.2.3, which libslirp forwards
# to the first nameserver of /etc/resolv.conf (src/slirp.c get_dns_addr_resolv_conf; a loopback
# address works, port 53). So the test runs in its own network and mount namespaces: only `lo`,
# /etc/resolv.conf naming 127.0.0.1, where dnsmasq answers for kdk.test, and /etc/hosts carrying
# what mkdumprd's getaddrinfo finds at build time. The namespace is the fence that restrict=on is
# in t/78 (restrict=on would also drop DNS forwarding and the lease's option 6); the sshd of
# tests/lab/sshd.sh runs inside it, reached by guests at 10.0.2.100:22 through a guestfwd.
#   a. `ssh USER@dump-dns`: the lease's domain (DHCP option 15, -netdev user,domainname=kdk.test) makes
#      the /init ask dump-dns.kdk.test, which dnsmasq answers with 10.0.2.100; at build time the
#      name stood for 10.0.2.101 (image /etc/hosts), where nothing listens — so the dump landing
#      shows DNS answered. The console names the server; dnsmasq's log has the query.
#   b. `ssh USER@dump-hosts`: dnsmasq says NXDOMAIN (kdk.test is --local, plain names are not
#      forwarded); the image's /etc/hosts (10.0.2.100 at build time) answers, and the console says so.
#   Both: the host key is checked under the name (known_hosts holds the names only, as `kdumpctl
#   propagate` records them), the dump lands in <path>/10.0.2.15-<date>/, crash 8.0.2 opens it.
# 6.1 only (first of KDK_LAB_KERNELS_SHORT): the resolver does not depend on the kernel.
. "$(dirname "$0")/../lab.sh"

release=${KDK_LAB_KERNELS_SHORT%% *}
if [ -z "${KDK_T79_NAMESPACE:-}" ]; then
	for tool in kexec kdump-init-ssh; do
		[ -x "$KDK_BUILD/static/$tool" ] || bail "$KDK_BUILD/static/$tool not built (make)"
	done
	[ -x "$KDK_BUILD/mkdumprd" ] || bail "$KDK_BUILD/mkdumprd not built (make)"
	for cmd in dnsmasq busybox unshare ip crash; do
		command -v "$cmd" > /dev/null || PATH=$PATH:/usr/sbin command -v "$cmd" > /dev/null ||
			bail "$cmd is needed (scripts/install-deps: dnsmasq-base, busybox-static, util-linux, iproute2, crash)"
	done
	# the kernel first: fetching needs the real network, the namespace has none
	lab_kernel_fetch "$release" --dbg > /dev/null || bail "fetch $release"
	ns=(unshare -n -m --propagation private)
	[ "$(id -u)" -eq 0 ] || ns=(unshare -r -n -m --propagation private)
	KDK_T79_NAMESPACE=1 exec "${ns[@]}" bash "$0" "$@"
fi

# ---- inside the namespaces ------------------------------------------------------------------------
. "$LAB_DIR/sshd.sh"
PATH=$PATH:/usr/sbin
work=$(lab_run_dir ssh-hostname-work)
ip link set lo up || bail "ip link set lo up (in the private network namespace)"
printf 'nameserver 127.0.0.1\n' > "$work/resolv.conf"
printf '%s\n' "127.0.0.1 localhost" "10.0.2.101 dump-dns" "10.0.2.100 dump-hosts" > "$work/hosts"
mount --bind "$work/resolv.conf" /etc/resolv.conf && mount --bind "$work/hosts" /etc/hosts ||
	bail "bind-mount resolv.conf and hosts (private mount namespace)"
dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root --group=root --port=53 \
	--listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts --domain-needed \
	--local=/kdk.test/ --address=/dump-dns.kdk.test/10.0.2.100 --log-queries \
	--log-facility="$work/dnsmasq.log" --pid-file="$work/dnsmasq.pid" 2> "$work/dnsmasq.err" &
dns_pid=$!
srv=$work/server
remote=$work/collector
mkdir -p "$remote"
sshd_setup "$srv" || bail "set up the private sshd"
sshd_start "$srv" || bail "start the private sshd"
trap 'sshd_stop "$srv"; kill "$dns_pid" 2> /dev/null' EXIT
# new_queries — $queries: dnsmasq's A queries logged since the last call (so the host's own
# look-ups, and the other case's, stay out)
seen=0
new_queries() {
	local total
	total=$(wc -l < "$work/dnsmasq.log")
	queries=$(tail -n "+$((seen + 1))" "$work/dnsmasq.log" | head -n "$((total - seen))" | grep 'query\[A\]')
	seen=$total
}
lookup() { python3 -c 'import socket, sys; print(socket.gethostbyname(sys.argv[1]))' "$1" 2> /dev/null; }
for i in $(seq 1 50); do
	[ "$(lookup dump-dns.kdk.test)" = 10.0.2.100 ] && break
	kill -0 "$dns_pid" 2> /dev/null || bail "dnsmasq died: $(cat "$work/dnsmasq.err")"
	sleep 0.1
done
# the host's resolver (glibc: files, then DNS at 127.0.0.1) sees both halves of the set-up
is "$(lookup dump-dns.kdk.test) $(lookup dump-dns) $(lookup dump-hosts)" "10.0.2.100 10.0.2.101 10.0.2.100" \
	"here, dump-dns.kdk.test is 10.0.2.100 by dnsmasq; dump-dns 10.0.2.101 and dump-hosts 10.0.2.100 by /etc/hosts"
new_queries
user=$(sshd_user)
mac=52:54:00:4b:44:4b
net_args=(-netdev "user,id=n0,domainname=kdk.test,guestfwd=tcp:10.0.2.100:22-cmd:busybox nc 127.0.0.1 $SSHD_PORT"
	-device "virtio-net-pci,netdev=n0,mac=$mac")
# known_hosts under the names only (no 10.0.2.100 line): the host key check goes by name
keys=$work/keys
mkdir -p "$keys" && cp "$srv/client/id" "$srv/client/id.pub" "$keys/"
echo "dump-dns,dump-hosts $(cut -d' ' -f1,2 "$srv/host_ed25519.pub")" > "$keys/known_hosts"
vmlinux=$(lab_kernel_dir "$release")/vmlinux
diag "private sshd on 127.0.0.1:$SSHD_PORT (guests: 10.0.2.100:22), dnsmasq on 127.0.0.1:53, collector $remote"

# capture NAME HOST — kdump.conf with ssh USER@HOST, both images, the boot to the end; sets $run.
capture() {
	local name=$1 host=$2 kdir
	kdir=$(lab_kernel_dir "$release")
	run=$(lab_run_dir "sshname-$name-$release")
	printf '%s\n' "ssh $user@$host" "sshkey $keys/id" "path $remote" \
		"core_collector dumpsave -l --message-level 7 -d 31" "extra_modules virtio_net virtio_pci" \
		"failure_action poweroff" "final_action poweroff" > "$run/kdump.conf"
	lab_capture_images "$run" "$release" "$run/kdump.conf" || return 1
	lab_qemu_start "$run" 400 -kernel "$kdir/vmlinuz" -initrd "$run/first.img" -no-reboot \
		-append "$(lab_cmdline_base) panic=-1 crashkernel=256M kdk_capture_append=ip=dhcp" "${net_args[@]}"
	lab_qemu_wait_exit "$run" 390 && grep -aq 'kdump: final_action poweroff' "$run/serial.log"
}


# landed CASE — the new dump directory's checks, and crash 8.0.2 on the vmcore.
landed() {
	local case=$1 dir got
	dir=$(comm -13 <(echo "$before" | sort) <(ls "$remote" | sort) | head -n 1)
	[[ "$dir" == 10.0.2.15-* ]] && is "$(ls -A "$remote/$dir" 2> /dev/null | sort | tr '\n' ' ')" "vmcore vmcore-dmesg.txt " \
		"$case: the dump landed on the sshd: $dir holds vmcore and vmcore-dmesg.txt, nothing partial"
	[[ "$dir" == 10.0.2.15-* ]] || ok 1 "$case: a new dump directory on the collector (got \"$dir\")"
	got=$(lab_release "$release" "$vmlinux" "$remote/$dir/vmcore")
	[[ "$got" == "RELEASE: $release "* ]]
	ok $? "$case: crash 8.0.2 opens the vmcore that came over SSH: $got"
	rm -f "$remote/$dir/vmcore"
}

# ---- a. DNS answers (the lease's server and domain) -----------------------------------------------
before=$(ls "$remote")
capture dns dump-dns
ok $? "a: crashed, the capture kernel ran and ended with final_action poweroff"
new_queries
is "$(zcat "$run/capture.img" | cpio -i --quiet --to-stdout etc/hosts 2> /dev/null | grep -v '^#')" "10.0.2.101 dump-dns" \
	"a: mkdumprd wrote the build-time address into the image's /etc/hosts (nothing listens there)"
line=$(grep -ao 'kdump: resolved dump-dns: .*' "$run/serial.log" | head -n 1)
[[ "$line" == "kdump: resolved dump-dns: 10.0.2.100, answered by DNS server 10.0.2.3 for dump-dns.kdk.test "* ]]
ok $? "a: the console says DNS answered, from the lease's server, with the lease's domain: $line"
grep -aq 'kdump: network: DNS servers 10.0.2.3, search kdk.test (DHCP lease)' "$run/serial.log"
ok $? "a: the lease gave the name server and domain: $(grep -ao 'kdump: network: DNS.*' "$run/serial.log" | head -n 1)"
grep -q 'query\[A\] dump-dns.kdk.test from 127.0.0.1' <<< "$queries"
ok $? "a: dnsmasq's log has the capture kernel's query (through slirp): $(grep -o 'query\[A\].*' <<< "$queries" | tr '\n' ' ')"
grep -aq "kdump: connected to ssh://$user@dump-dns:22" "$run/serial.log"
ok $? "a: SSH connected under the name, host key checked against the name's known_hosts line: $(grep -ao 'kdump: connected to.*' "$run/serial.log" | head -n 1)"
landed a

# ---- b. DNS says NXDOMAIN: the image's /etc/hosts answers -----------------------------------------
before=$(ls "$remote")
capture hosts dump-hosts
ok $? "b: crashed, the capture kernel ran and ended with final_action poweroff"
new_queries
line=$(grep -ao 'kdump: resolved dump-hosts: .*' "$run/serial.log" | head -n 1)
[[ "$line" == "kdump: resolved dump-hosts: 10.0.2.100, from /etc/hosts in the image "*"NXDOMAIN"* ]]
ok $? "b: the console says /etc/hosts answered after DNS's NXDOMAIN: $line"
grep -q 'query\[A\] dump-hosts.kdk.test from 127.0.0.1' <<< "$queries"
ok $? "b: DNS was asked first (dnsmasq's log): $(grep -o 'query\[A\].*' <<< "$queries" | tr '\n' ' ')"
landed b
done_testing
