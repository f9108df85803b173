# Lab test: the capture kernel's network for an ssh target, on every lab kernel. The first kernel
# loads our capture kernel + mkdumprd image (kdump-init-ssh, the throwaway key and known_hosts,
# virtio_net by extra_modules) and crashes; the capture command line carries
# ip=10.0.2.15::10.0.2.2:255.255.255.0::<the NIC's MAC>:none. QEMU's user network lets the guest
# reach one thing, 10.0.2.100:22, forwarded to a host listener (tests/lab/tcp-listener.py) that
# records each connection and its first bytes; it is no sshd, so the save must fail after it.
#   1. the network line (interface, MAC, 10.0.2.15/24 via 10.0.2.2), the TCP probe answered, the
#      listener saw the probe and then the SSH client's banner; the SSH handshake failure is the
#      reason given and failure_action poweroff runs.
#   2. ip= naming a MAC no interface has: an error naming that MAC (and the interface there is),
#      no connection reaches the listener, failure_action poweroff runs.
. "$(dirname "$0")/../lab.sh"

for tool in kexec kdump-init-ssh; do
	[ -x "$KDK_BUILD/static/$tool" ] || bail "$KDK_BUILD/static/$tool not built (make)"
done
[ -x "$KDK_BUILD/mkdumprd" ] || bail "$KDK_BUILD/mkdumprd not built (make)"
command -v busybox > /dev/null || bail "busybox (for QEMU's guestfwd nc) not installed"
export LAB_CAPTURE_INIT=kdump-init-ssh
mac=52:54:00:4b:44:4b

work=$(lab_run_dir net-work)
listener_pid=
cleanup() { [ -n "$listener_pid" ] && kill "$listener_pid" 2> /dev/null; }
trap cleanup EXIT
python3 "$LAB_DIR/tcp-listener.py" "$work/port" "$work/listener.log" &
listener_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port" 2> /dev/null)
[ -n "$port" ] || bail "the host listener did not start"
diag "host listener on 127.0.0.1:$port (pid $listener_pid)"

# The dump key and the known_hosts mkdumprd takes from beside it (the default --known-hosts).
mkdir -p "$work/ssh" && chmod 700 "$work/ssh"
ssh-keygen -q -t ed25519 -N '' -C kdk-t74 -f "$work/ssh/kdump_id_ed25519" || bail "ssh-keygen"
ssh-keygen -q -t ed25519 -N '' -C kdk-t74-host -f "$work/ssh/host" || bail "ssh-keygen"
echo "10.0.2.100 $(cut -d' ' -f1,2 "$work/ssh/host.pub")" > "$work/ssh/known_hosts"

NET_ARGS=(-netdev "user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:22-cmd:busybox nc 127.0.0.1 $port"
	-device "virtio-net-pci,netdev=n0,mac=$mac")

# net_run NAME RELEASE CONF IP — both images, then boot with the capture command line's ip=IP.
net_run() {
	local name=$1 release=$2 conf=$3 ip=$4 kdir
	kdir=$(lab_kernel_dir "$release")
	run=$(lab_run_dir "net-$name-$release")
	cp "$conf" "$run/kdump.conf"
	lab_capture_images "$run" "$release" "$run/kdump.conf" || return 1
	lab_qemu_start "$run" 400 -kernel "$kdir/vmlinuz" -initrd "$run/first.img" -no-reboot \
		-append "$(lab_cmdline_base) panic=-1 crashkernel=256M kdk_wait=5 kdk_capture_append=ip=$ip" \
		"${NET_ARGS[@]}"
	lab_qemu_wait_exit "$run" 390
}
connections() { grep -c '^connection ' "$work/listener.log" 2> /dev/null; }

# The network targets do not depend on the kernel beyond its NIC driver: KDK_LAB_KERNELS_SHORT
# (time budget of make check, docs/lab.md).
for release in $KDK_LAB_KERNELS_SHORT; do
	lab_kernel_fetch "$release" || bail "fetch $release"
	case $release in
	6.1.*) modules="virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio virtio_pci failover net_failover virtio_net" ;;
	*) modules="failover net_failover virtio_net" ;;   # VIRTIO_PCI is built in
	esac
	printf '%s\n' "ssh kdump@10.0.2.100" "sshkey $work/ssh/kdump_id_ed25519" "path /var/crash" \
		"core_collector dumpsave -l -d 31 --ssh-retries 0 --ssh-timeout 10" \
		"extra_modules $modules" "failure_action poweroff" > "$work/ssh.conf"

	# ---- 1. static ip= by MAC: network up, probe, the SSH client reaches the host ------------
	before=$(connections); before=${before:-0}
	net_run static "$release" "$work/ssh.conf" "10.0.2.15::10.0.2.2:255.255.255.0::$mac:none"
	ok $? "$release: first kernel crashed, the capture kernel ran kdump-init-ssh, QEMU ended"
	grep -q 'kdump: network: [a-z0-9]* ('"$mac"') 10.0.2.15/24 via 10.0.2.2, up in' "$run/serial.log"
	ok $? "$release: the network line names interface, MAC, address and gateway: $(grep -ao 'kdump: network: .*' "$run/serial.log" | head -n 1)"
	grep -q 'kdump: 10.0.2.100:22 answers (TCP connect in' "$run/serial.log"
	ok $? "$release: the probe of 10.0.2.100:22 connected: $(grep -ao 'kdump: 10.0.2.100:22.*' "$run/serial.log" | head -n 1)"
	seen=$(sed -n "$((before + 1)),\$p" "$work/listener.log" 2> /dev/null)
	diag "listener: $(tr '\n' ' ' <<< "$seen")"
	grep -q "^connection [0-9]*: b''$" <<< "$seen"
	ok $? "$release: the host listener saw the probe (a connection with no data)"
	grep -q "^connection [0-9]*: b'SSH-2.0-" <<< "$seen"
	ok $? "$release: then the SSH client's banner reached the host through the guest's network"
	grep -aq 'kdump: saving the dump failed: .*SSH handshake failed' "$run/serial.log"
	ok $? "$release: the failure is the SSH handshake with the stand-in (no sshd): $(grep -ao 'kdump: saving the dump failed.*' "$run/serial.log" | head -c 200)"
	grep -aq 'kdump: failure_action poweroff' "$run/serial.log" && grep -aq 'kdump: powering off' "$run/serial.log"
	ok $? "$release: failure_action poweroff ran"
	grep -q 'dump target 10.0.2.100' "$run/mkdumprd.out"
	ok $? "$release: mkdumprd said what it made of the route to 10.0.2.100 here: $(grep -o 'warning: dump target.*' "$run/mkdumprd.out" | head -c 160)"

	# ---- 2. ip= naming a MAC no interface has ------------------------------------------------
	before=$(connections); before=${before:-0}
	net_run nomac "$release" "$work/ssh.conf" "10.0.2.15::10.0.2.2:255.255.255.0::52:54:00:00:00:99:none"
	ok $? "$release: with a MAC nobody has, the capture kernel ended by itself"
	grep -aq "kdump: saving the dump failed: no network interface with MAC 52:54:00:00:00:99 appeared within 5 s (interfaces here: [a-z0-9]* $mac)" "$run/serial.log"
	ok $? "$release: the console names the MAC it waited for and the interface there is: $(grep -ao 'kdump: saving the dump failed.*' "$run/serial.log" | head -c 220)"
	after=$(connections); after=${after:-0}
	is "$after" "$before" "$release: nothing reached the host listener"
	grep -aq 'kdump: failure_action poweroff' "$run/serial.log" && grep -aq 'kdump: powering off' "$run/serial.log"
	ok $? "$release: failure_action poweroff ran"
done
done_testing
