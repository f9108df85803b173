# Lab test (issue 15, NFS dump targets), the whole cycle on the 6.1 kernel: the first kernel loads
# the capture kernel (our kexec, our mkdumprd image: the plain kdump-init, nfsv4/nfsv3 and their
# dependencies from modules.dep, the NIC driver), crashes; the capture kernel brings its NIC up
# from ip=, mounts the export with mount(2) and saves into it. The server is a real NFS server
# started and stopped here: Debian's nfs-ganesha (VFS backend, tests/lab/ganesha.sh), reached by
# the guest as 10.0.2.2 through QEMU's user network. The test runs in a private network and mount
# namespace (it re-executes itself under unshare once the kernel is fetched): QEMU's user network
# then reaches that namespace's 127.0.0.1, where ganesha and, for NFSv3, a private rpcbind listen
# (ganesha 4.3 will not serve v3 unregistered, and port 111 is system-wide otherwise).
#   1. NFSv4 (nfs_options port=…): <export>/dumps/10.0.2.15-<date>/ holds vmcore and
#      vmcore-dmesg.txt, nothing partial; Debian's crash 8.0.2 opens the vmcore; the panic is in
#      the kernel log; final_action ran.
#   2. NFSv3 (vers=3, port=, mountport=, a private rpcbind): the same (KDK_LAB_NFS3=0 leaves this
#      third guest boot out, as a SKIP saying so).
#   3. The server down: the capture /init gives up within kdumpkit.wait, says why, and reaches
#      failure_action (poweroff) — QEMU ends by itself, nothing is written.
# The dumps are ~25–45 MB (-l -d 31).
. "$(dirname "$0")/../lab.sh"
. "$LAB_DIR/ganesha.sh"

for tool in kexec kdump-init; do
	[ -x "$KDK_BUILD/static/$tool" ] || bail "$KDK_BUILD/static/$tool not built (make)"
done
[ -x "$KDK_BUILD/mkdumprd" ] || bail "$KDK_BUILD/mkdumprd not built (make)"

release=$KDK_KERNEL_61
if [ -z "${KDK_NFS_NETNS:-}" ]; then
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	[ "$(id -u)" -eq 0 ] || bail "the NFS server and its namespaces need root"
	exec unshare -n -m --propagation private env KDK_NFS_NETNS=1 bash "$0" "$@"
fi
# In the private namespaces: loopback up, and one more interface with an address, without which
# getaddrinfo (AI_ADDRCONFIG) finds no address for ganesha's Bind_addr 127.0.0.1.
ip link set lo up && ip link add kdk0 type veth peer name kdk1 && ip addr add 192.0.2.1/24 dev kdk0 &&
	ip link set kdk1 up && ip link set kdk0 up || bail "network namespace: lo and a veth pair"
mount -t tmpfs tmpfs /run && mkdir -p /run/rpcbind || bail "a private /run"
# The v4 case names its server: nfs-server.kdk.test is 10.0.2.2 in this namespace's /etc/hosts, so
# mkdumprd writes that into the image's /etc/hosts, where the capture /init finds it (no DNS server
# is given on its ip=: the fallback answers, and the console says so).
hosts=$(mktemp /var/tmp/kdk-nfs-hosts.XXXXXX)
printf '%s\n' "127.0.0.1 localhost" "10.0.2.2 nfs-server.kdk.test" > "$hosts"
mount --bind "$hosts" /etc/hosts || bail "a private /etc/hosts"
vmlinux=$(lab_kernel_dir "$release")/vmlinux
work=$(lab_run_dir nfs-work)
srv=$work/server
export_dir=$work/export
rpcbind_pid=
if [ "${KDK_LAB_NFS3:-1}" = 1 ]; then
	[ -x /sbin/rpcbind ] || bail "/sbin/rpcbind missing (rpcbind) for KDK_LAB_NFS3=1"
	/sbin/rpcbind -f -w & rpcbind_pid=$!
	for _ in $(seq 1 50); do [ -S /run/rpcbind.sock ] && break; sleep 0.1; done
	export GANESHA_V3=1
fi
ganesha_setup "$srv" "$export_dir" || bail "set up nfs-ganesha"
ganesha_start "$srv" || bail "start nfs-ganesha"
trap 'rm -f "$hosts"; ganesha_stop; [ -n "$rpcbind_pid" ] && kill "$rpcbind_pid"' EXIT
mkdir -p "$export_dir/dumps"
mac=52:54:00:4b:44:4e
# Not restrict=on: the guest reaches the namespace's 127.0.0.1 as 10.0.2.2 (QEMU's user network),
# no forwarding, and a port nobody listens on answers "connection refused".
net_args=(-netdev "user,id=n0" -device "virtio-net-pci,netdev=n0,mac=$mac")
ip_arg="ip=10.0.2.15::10.0.2.2:255.255.255.0::$mac:none"
diag "nfs-ganesha on 127.0.0.1:$NFS_PORT (MOUNT $MNT_PORT${rpcbind_pid:+, rpcbind}) in a private network namespace, reached by the guest at 10.0.2.2; export $export_dir"

# nfs_capture NAME CONF [WAIT] — both images, then boot to the end; sets $run and $seconds.
nfs_capture() {
	local name=$1 conf=$2 wait=${3:-} kdir start
	kdir=$(lab_kernel_dir "$release")
	run=$(lab_run_dir "nfs-$name")
	cp "$conf" "$run/kdump.conf"
	lab_capture_images "$run" "$release" "$run/kdump.conf" || return 1
	start=$SECONDS
	lab_qemu_start "$run" 300 -kernel "$kdir/vmlinuz" -initrd "$run/first.img" -no-reboot \
		-append "$(lab_cmdline_base) panic=-1 crashkernel=256M kdk_capture_append=$ip_arg${wait:+ kdk_wait=$wait}" \
		"${net_args[@]}"
	lab_qemu_wait_exit "$run" 290
	local rc=$?
	seconds=$((SECONDS - start))
	return $rc
}

conf_for() { # NFS_OPTIONS [SERVER]
	printf '%s\n' "nfs ${2:-10.0.2.2}:/export" "nfs_options $1" "path /dumps" \
		"core_collector dumpsave -l --message-level 7 -d 31" "extra_modules virtio_net virtio_pci" \
		"failure_action poweroff" "final_action poweroff"
}

# ---- 1, 2: NFSv4 and NFSv3 ----------------------------------------------------------------------
cases=("v4 port=$NFS_PORT nfsv4 nfs4 nfs-server.kdk.test")
if [ -n "$rpcbind_pid" ]; then
	cases+=("v3 vers=3,port=$NFS_PORT,mountport=$MNT_PORT nfsv3 nfs")
else
	lab_skip "v3: KDK_LAB_NFS3=0 leaves the NFSv3 cycle out (a third guest boot, ~65 s)"
fi
for case in "${cases[@]}"; do
	read -r name options module fstype server <<< "$case"
	conf_for "$options" "${server:-}" > "$work/$name.conf"
	before=$(ls "$export_dir/dumps")
	nfs_capture "$name" "$work/$name.conf"
	ok $? "$name: crashed, the capture kernel ran, QEMU ended by itself (${seconds} s)"
	init_size=$(zcat "$run/capture.img" | cpio -itv 2> /dev/null | awk '$NF == "init" { print $5 }')
	is "$init_size" "$(stat -c %s "$KDK_BUILD/static/kdump-init")" "$name: the image's /init is the plain kdump-init (no libssh2)"
	mods=$(zcat "$run/capture.img" | cpio -it 2> /dev/null | sed -n 's|^lib/modules/||p' | sed 's/\.ko.*//' | sort | tr '\n' ' ')
	missing=
	for m in $module nfs sunrpc lockd grace virtio_net; do
		[[ " $mods " == *" $m "* ]] || missing+=" $m"
	done
	is "$missing" "" "$name: mkdumprd packed $module and what modules.dep says it needs (image: $mods)"
	if [ -n "${server:-}" ]; then
		grep -aq "kdump: resolved $server: 10.0.2.2, from /etc/hosts in the image" "$run/serial.log"
		ok $? "$name: the server by name ($server), from the image's /etc/hosts: $(grep -ao 'kdump: resolved .*' "$run/serial.log" | head -n 1 | tr -d '\r')"
	fi
	grep -aq "kdump: mounted 10.0.2.2:/export on /kdumproot ($fstype, " "$run/serial.log"
	ok $? "$name: the capture /init mounted the export: $(grep -ao 'kdump: mounted .*' "$run/serial.log" | head -n 1)"
	dir=$(comm -13 <(echo "$before" | sort) <(ls "$export_dir/dumps" | sort) | head -n 1)
	[[ "$dir" == 10.0.2.15-* ]]
	ok $? "$name: a new dump directory on the server named after the capture kernel's address: $dir"
	is "$(ls -A "$export_dir/dumps/$dir" 2> /dev/null | sort | tr '\n' ' ')" "vmcore vmcore-dmesg.txt " \
		"$name: it holds vmcore and vmcore-dmesg.txt, nothing partial"
	grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$export_dir/dumps/$dir/vmcore-dmesg.txt" 2> /dev/null
	ok $? "$name: vmcore-dmesg.txt has the panic"
	got=$(lab_crash_release "$vmlinux" "$export_dir/dumps/$dir/vmcore")
	[[ "$got" == "RELEASE: $release "* ]]
	ok $? "$name: Debian's crash 8.0.2 opens the vmcore saved over NFS: $got"
	grep -aq 'kdump: final_action poweroff' "$run/serial.log"
	ok $? "$name: then final_action ran ($(grep -ao 'kdump: saved .*vmcore in.*' "$run/serial.log" | head -n 1))"
	rm -f "$export_dir/dumps/$dir/vmcore"
done

# ---- 2: the server down: failure_action, no hang ------------------------------------------------
ganesha_stop
conf_for "port=$NFS_PORT" > "$work/down.conf"
before=$(ls "$export_dir/dumps")
nfs_capture down "$work/down.conf" 8
ok $? "server down: the capture kernel still ended by itself (${seconds} s, kdumpkit.wait=8)"
grep -aq "kdump: saving the dump failed: cannot reach 10.0.2.2:$NFS_PORT" "$run/serial.log"
ok $? "server down: the console says why: $(grep -ao 'kdump: saving the dump failed.*' "$run/serial.log" | head -n 1)"
grep -aq 'kdump: failure_action poweroff' "$run/serial.log"
ok $? "server down: failure_action poweroff ran"
is "$(comm -13 <(echo "$before" | sort) <(ls "$export_dir/dumps" | sort) | tr '\n' ' ')" "" \
	"server down: nothing was written in the export"
done_testing
