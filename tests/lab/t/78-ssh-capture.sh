# Lab test (issue "6 · Dumping over SSH"), the whole cycle: the first kernel loads the capture
# kernel (our kexec, our mkdumprd image with kdump-init-ssh, the dump key and known_hosts), crashes;
# the capture kernel brings its NIC up from ip= and sends the dump over SFTP to a private sshd on
# the host (tests/lab/sshd.sh). QEMU's user network is restricted (restrict=on): the only place the
# guest can reach is 10.0.2.100:22, a guestfwd to that sshd on 127.0.0.1.
#   1. both kernels: <path>/10.0.2.15-<date>/ on the host holds vmcore and vmcore-dmesg.txt,
#      nothing partial; the reference opens the vmcore (Debian's crash on 6.1; drgn on 6.12,
#      where crash aborts at random: lab_release); the kernel log has the panic.
#   2. 6.1: ip=dhcp: the capture /init leases its address from QEMU's DHCP server (10.0.2.15/24
#      from 10.0.2.2) and the dump arrives the same way.
#   3. 6.1: known_hosts baked into the image holds another key for 10.0.2.100: the capture /init
#      refuses (both fingerprints on the console), writes nothing, runs failure_action poweroff.
#   4. 6.1: the collector dies while it sends vmcore (a kdump_pre hook's process sends it SIGSEGV:
#      tests/lab/guest/kill-collector.sh): PID 1 connects again, removes the dead one's partial on
#      the server, sends vmcore at dump level 0 with vmcore-level.txt saying why; the reference
#      opens it.
. "$(dirname "$0")/../lab.sh"
. "$LAB_DIR/sshd.sh"

for tool in kexec kdump-init-ssh; do
	[ -x "$KDK_BUILD/static/$tool" ] || bail "$KDK_BUILD/static/$tool not built (make)"
done
[ -x "$KDK_BUILD/mkdumprd" ] || bail "$KDK_BUILD/mkdumprd not built (make)"
command -v busybox > /dev/null || bail "busybox (busybox-static) is needed for QEMU's guestfwd command"

work=$(lab_run_dir ssh-capture-work)
srv=$work/server
remote=$work/collector
mkdir -p "$remote"
sshd_setup "$srv" || bail "set up the private sshd"
sshd_start "$srv" || bail "start the private sshd"
trap 'sshd_stop "$srv"' EXIT
user=$(sshd_user)
mac=52:54:00:4b:44:4b
net_args=(-netdev "user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:22-cmd:busybox nc 127.0.0.1 $SSHD_PORT"
	-device "virtio-net-pci,netdev=n0,mac=$mac")
ip_arg="ip=10.0.2.15::10.0.2.2:255.255.255.0::$mac:none"
diag "private sshd on 127.0.0.1:$SSHD_PORT, reached by guests at 10.0.2.100:22; collector path $remote"

# ssh_capture NAME RELEASE CONF — both images, then boot to the end; sets $run. The reservation
# is SSH_CRASHKERNEL (default 256M).
ssh_capture() {
	local name=$1 release=$2 conf=$3 kdir
	kdir=$(lab_kernel_dir "$release")
	run=$(lab_run_dir "sshcap-$name-$release")
	cp "$conf" "$run/kdump.conf"
	lab_capture_images "$run" "$release" "$run/kdump.conf" || return 1
	lab_qemu_start "$run" 400 -kernel "$kdir/vmlinuz" -initrd "$run/first.img" -no-reboot \
		-append "$(lab_cmdline_base) panic=-1 crashkernel=${SSH_CRASHKERNEL:-256M} kdk_capture_append=$ip_arg" \
		"${net_args[@]}"
	lab_qemu_wait_exit "$run" 390
}

conf_for() { # RELEASE KNOWN_HOSTS_DIR_KEY — a kdump.conf sending to the host's sshd
	local release=$1 key=$2 nic="virtio_net"
	case $release in 6.1.*) nic="virtio_net virtio_pci" ;; esac
	printf '%s\n' "ssh $user@10.0.2.100" "sshkey $key" "path $remote" \
		"core_collector dumpsave -l --message-level 7 -d 31" "extra_modules $nic" \
		"failure_action poweroff" "final_action poweroff"
}

# The network targets do not depend on the kernel beyond its NIC driver: KDK_LAB_KERNELS_SHORT
# (time budget of make check, docs/lab.md).
for release in $KDK_LAB_KERNELS_SHORT; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	conf_for "$release" "$srv/client/id" > "$work/ssh.conf"
	before=$(ls "$remote")
	ssh_capture good "$release" "$work/ssh.conf"
	ok $? "$release: crashed, the capture kernel ran, QEMU ended"
	init_size=$(zcat "$run/capture.img" | cpio -itv 2> /dev/null | awk '$NF == "init" { print $5 }')
	is "$init_size" "$(stat -c %s "$KDK_BUILD/static/kdump-init-ssh")" "$release: mkdumprd put kdump-init-ssh in the image as /init (an ssh target)"
	grep -q 'KDK-LAB: kexec -p rc=0 kexec_crash_loaded=1' "$run/serial.log"
	ok $? "$release: our kexec loaded the capture kernel with the ssh image ($(grep -o 'wrote.*KiB' "$run/mkdumprd.out" | head -c 60))"
	grep -a 'kdump: ' "$run/serial.log" | grep -ai 'network\|eth\|10\.0\.2\.15' | head -n 3 | while read -r line; do diag "$line"; done
	grep -aq "kdump: connected to ssh://$user@10.0.2.100:22" "$run/serial.log"
	ok $? "$release: the capture /init reached the collector over SSH: $(grep -ao 'kdump: connected to.*' "$run/serial.log" | head -n 1)"
	dir=$(comm -13 <(echo "$before" | sort) <(ls "$remote" | sort) | head -n 1)
	[[ "$dir" == 10.0.2.15-* ]]
	ok $? "$release: a new dump directory named after the capture kernel's address: $dir"
	is "$(ls -A "$remote/$dir" 2> /dev/null | sort | tr '\n' ' ')" "vmcore vmcore-dmesg.txt " \
		"$release: it holds vmcore and vmcore-dmesg.txt, nothing partial"
	grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$remote/$dir/vmcore-dmesg.txt" 2> /dev/null
	ok $? "$release: vmcore-dmesg.txt has the panic"
	got=$(lab_release "$release" "$vmlinux" "$remote/$dir/vmcore")
	[[ "$got" == "RELEASE: $release "* ]]
	ok $? "$release: the reference (crash on 6.1, drgn elsewhere) opens the vmcore that came over SSH: $got"
	grep -aq 'kdump: final_action poweroff' "$run/serial.log"
	ok $? "$release: then final_action ran"
	rm -f "$remote/$dir/vmcore"
done

# ---- ip=dhcp: the address from QEMU's DHCP server -----------------------------------------------
release=${KDK_LAB_KERNELS%% *}
vmlinux=$(lab_kernel_dir "$release")/vmlinux
conf_for "$release" "$srv/client/id" > "$work/ssh.conf"
before=$(ls "$remote")
ip_static=$ip_arg
ip_arg="ip=dhcp"
ssh_capture dhcp "$release" "$work/ssh.conf"
ok $? "$release: ip=dhcp: crashed, the capture kernel ran, QEMU ended"
# QEMU's DHCP server leaves the router (and DNS) out of its replies under restrict=on; the
# collector at 10.0.2.100 is on the leased /24, so none is needed.
grep -aq 'kdump: network: DHCP lease from 10.0.2.2' "$run/serial.log" &&
	grep -aq "kdump: network: eth0 ($mac) 10.0.2.15/24" "$run/serial.log"
ok $? "$release: the capture /init leased 10.0.2.15/24 from QEMU's DHCP server: $(grep -ao 'kdump: network: .*' "$run/serial.log" | tr '\n' ' ' | head -c 200)"
dir=$(comm -13 <(echo "$before" | sort) <(ls "$remote" | sort) | head -n 1)
is "$(ls -A "$remote/$dir" 2> /dev/null | sort | tr '\n' ' ')" "vmcore vmcore-dmesg.txt " \
	"$release: with DHCP the dump arrived too ($dir)"
got=$(lab_release "$release" "$vmlinux" "$remote/$dir/vmcore")
[[ "$got" == "RELEASE: $release "* ]]
ok $? "$release: the reference opens it: $got"
rm -f "$remote/$dir/vmcore"
ip_arg=$ip_static

# ---- a changed host key: refused in the capture kernel ------------------------------------------
mkdir -p "$work/wrongkey"
cp "$srv/client/id" "$srv/client/id.pub" "$work/wrongkey/"
ssh-keygen -q -t ed25519 -N '' -C impostor -f "$work/impostor" < /dev/null
echo "10.0.2.100 $(cut -d' ' -f1,2 "$work/impostor.pub")" > "$work/wrongkey/known_hosts"
conf_for "$release" "$work/wrongkey/id" > "$work/wrong.conf"
before=$(ls "$remote")
ssh_capture wronghost "$release" "$work/wrong.conf"
ok $? "$release: with a wrong host key baked in, the capture kernel still ended by itself"
real_fp=$(ssh-keygen -lf "$srv/host_ed25519.pub" | cut -d' ' -f2)
known_fp=$(ssh-keygen -lf "$work/impostor.pub" | cut -d' ' -f2)
grep -a 'HOST KEY MISMATCH' "$run/serial.log" | grep -qF "$real_fp" &&
	grep -a 'HOST KEY MISMATCH' "$run/serial.log" | grep -qF "$known_fp"
ok $? "$release: the console says HOST KEY MISMATCH with both fingerprints"
grep -aq 'kdump: failure_action poweroff' "$run/serial.log"
ok $? "$release: failure_action poweroff ran"
is "$(comm -13 <(echo "$before" | sort) <(ls "$remote" | sort) | tr '\n' ' ')" "" \
	"$release: nothing was written on the collector"

# ---- the collector dies while it sends vmcore --------------------------------------------------
{ conf_for "$release" "$srv/client/id"; echo "kdump_pre $LAB_DIR/guest/kill-collector.sh"; } > "$work/killed.conf"
before=$(ls "$remote")
# a 512 MiB guest: the level-0 dump goes over SSH under TCG (~3 min for 1 GiB on a loaded host);
# crashkernel=128M, since 256M of 512M often finds no free aligned range beside the randomly
# placed kernel and the initrd ("crashkernel reservation failed - No suitable area found")
KDK_GUEST_MEM=512 SSH_CRASHKERNEL=128M ssh_capture killed "$release" "$work/killed.conf"
grep -aq 'kill-collector: sent SIGSEGV to kdump-save' "$run/serial.log" &&
	grep -aq 'kdump: kdump-save (pid [0-9]*) died of SIGSEGV' "$run/serial.log" &&
	grep -aq 'kdump: saving again at dump level 0' "$run/serial.log"
ok $? "$release: the collector was killed while it sent vmcore and PID 1 saved again: $(grep -ao 'kdump: kdump-save (pid.*died of [A-Z]*' "$run/serial.log" | head -n 1 | tr -d '\r')"
grep -aq "kdump: removed the dead collector's ssh://" "$run/serial.log" && grep -aq 'kdump: final_action poweroff' "$run/serial.log"
ok $? "$release: it removed the dead collector's partial on the server, then final_action ran"
dir=$(comm -13 <(echo "$before" | sort) <(ls "$remote" | sort) | head -n 1)
is "$(ls -A "$remote/$dir" 2> /dev/null | sort | tr '\n' ' ')" "vmcore vmcore-dmesg.txt vmcore-level.txt " \
	"$release: the collector holds vmcore, the log and the note, nothing partial ($dir)"
is "$(lab_dump_level "$remote/$dir/vmcore")" 0 "$release: the vmcore is at dump level 0 (kdump_sub_header)"
grep -q 'the collector died while saving vmcore at dump level 31' "$remote/$dir/vmcore-level.txt" 2> /dev/null
ok $? "$release: vmcore-level.txt says why: $(head -c 160 "$remote/$dir/vmcore-level.txt" 2> /dev/null)"
got=$(lab_release "$release" "$vmlinux" "$remote/$dir/vmcore")
[[ "$got" == "RELEASE: $release "* ]]
ok $? "$release: the reference opens it: $got"
rm -f "$remote/$dir/vmcore"
done_testing
