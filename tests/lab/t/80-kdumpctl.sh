# Lab test: the kdumpkit .deb and kdump.service on a real systemd boot (6.1 cloud kernel only: one
# boot cycle on 6.12 would double the time for the same systemd path). `make deb` builds the
# package (dpkg-buildpackage in a copy of the tree, rebuilt only when a file changed) and lintian
# checks it (its output is in this log; an error or warning fails). A Debian bookworm minbase
# rootfs from debootstrap (cached, tests/lab/rootfs) with systemd and the package's dependencies
# gets the kernel and its modules and the .deb through `dpkg -i` in a chroot, as an administrator
# installs it: its postinst enables kdump.service (debhelper). The default kdump.conf (dump to the
# root filesystem). Booted with crashkernel=96M (the lab's measured minimum is 64M, t/55; 96M
# leaves margin for systemd's larger root disk driver set):
#   1. systemctl is-active kdump → active; kdumpctl status → operational (exit 0); the journal
#      of kdump.service says what was loaded.
#   2. systemctl restart kdump without a change → not rebuilt; after a kdump.conf change →
#      rebuilt; again unchanged → not rebuilt (the journal of each run).
#   3. kdumpctl test --force crashes it; the capture kernel saves to the root disk and reboots
#      (final_action reboot; -no-reboot ends QEMU); the second boot finds
#      /var/crash/127.0.0.1-<date>/ with vmcore and vmcore-dmesg.txt, and kdump active again
#      without a rebuild; Debian's crash opens the vmcore.
#   4. on that second boot: `apt-get remove kdumpkit` stops kdump.service (nothing loaded, no
#      unit left running), keeps /var/crash and the conffiles; `dpkg -i` of the same .deb under
#      the running systemd starts it again (debhelper's postinst).
#   5. a raw partition target saved at the next boot (issue 15): still on the second boot,
#      kdump.conf gets "raw PARTUUID=…" (a GPT partition on a second disk, /dev/vdb1),
#      kdump is restarted (rebuilt) and crashed again; the capture /init writes the flattened
#      stream over the partition; on the third boot kdump.service's start finds it, reassembles
#      /var/crash/127.0.0.1-<date>/vmcore and clears the signature (its journal says so), a
#      second save-raw finds nothing, the partition's first page is zero, and Debian's crash
#      opens that vmcore (copied out of the root disk). Then memory hotplug on that boot (QEMU
#      -m …,slots=2,maxmem=2G): a 512 MiB pc-dimm added over QMP; 6.1 has no CRASH_HOTPLUG, so
#      status names the udev rule and the rule's kdumpctl hotplug reloads kdump (journal); a
#      crash to the raw target again, reassembled on the host, covers the DIMM (max pfn).
#   6. kdumpctl start with a broken kdump.conf line (after kdumpctl stop): fails with
#      kdump.conf:LINE: and nothing is loaded; a last boot without crashkernel=: kdump.service
#      is skipped, not failed (its ExecCondition, kdumpctl showmem), its journal says how to
#      reserve memory, kdumpctl status exits 3.
. "$(dirname "$0")/../lab.sh"

release=$KDK_KERNEL_61
crashkernel=96M
lab_kernel_fetch "$release" --dbg || bail "fetch $release"
kdir=$(lab_kernel_dir "$release")
guest=$LAB_DIR/guest/systemd

# The package: built by `make deb` (cached on the tree's files), checked by lintian.
start=$SECONDS
tree_before=$(git -C "$KDK_TOP" status --porcelain 2>&1)
nice -n 19 make -s -C "$KDK_TOP" BUILD="$KDK_BUILD" deb > "$KDK_BUILD/make-deb.log" 2>&1 ||
	bail "make deb: $(tail -n 5 "$KDK_BUILD/make-deb.log")"
deb=$(ls "$KDK_BUILD"/deb/kdumpkit_*_amd64.deb 2> /dev/null | head -n 1)
[ -f "$deb" ] || bail "make deb left no $KDK_BUILD/deb/kdumpkit_*_amd64.deb"
ok 0 "make deb: $(basename "$deb") ($(stat -c %s "$deb") bytes, $((SECONDS - start)) s)"
is "$(git -C "$KDK_TOP" status --porcelain 2>&1)" "$tree_before" "make deb leaves the source tree as it was (git status)"
[ -x "$KDK_BUILD/kdumpctl" ] && [ -x "$KDK_BUILD/kcrash" ]
ok $? "and the tree's own build ($KDK_BUILD) in place"
command -v lintian > /dev/null || bail "lintian is not installed (scripts/install-deps)"
start=$SECONDS
# With --show-overrides (the log shows each override and its reason) lintian 2.116 exits 2 for
# overridden errors too (its default --fail-on error counts them), so the verdict is the tags
# printed: any E: or W: line fails, as does exit 1 (a run-time error).
lintian_out=$(lintian --display-info --show-overrides "$deb" 2>&1)
status=$?
diag "lintian $(basename "$deb") ($((SECONDS - start)) s, exit $status):" "${lintian_out:-(no output)}"
[ $status -ne 1 ] && grep -q '^O: ' <<< "$lintian_out" && ! grep -q '^[EW]: ' <<< "$lintian_out"
ok $? "lintian: no error or warning ($(grep -c '^O: ' <<< "$lintian_out") overrides, each explained in debian/kdumpkit.lintian-overrides)"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
absent=
for path in ./usr/sbin/kexec ./usr/sbin/dumpsave ./usr/sbin/mkdumprd ./usr/sbin/kdumpctl ./usr/bin/kcrash \
	./usr/lib/kdumpkit/kdump-init ./usr/lib/kdumpkit/kdump-init-zstd ./usr/lib/kdumpkit/kdump-init-ssh \
	./lib/systemd/system/kdump.service \
	./usr/share/man/man8/kdumpctl.8.gz ./usr/share/man/man5/kdump.conf.5.gz ./usr/share/man/man1/kcrash.1.gz \
	./usr/share/bash-completion/completions/kdumpctl ./lib/udev/rules.d/98-kdumpkit-hotplug.rules; do
	grep -qx "$path" <<< "$contents" || absent+=" $path"
done
[ -z "$absent" ]
ok $? "the .deb holds the tools (kcrash in /usr/bin), the capture /init, kdump.service, the hotplug udev rule, man pages, completion${absent:+; missing:$absent}"
is "$(dpkg-deb -f "$deb" Conflicts)" "kdump-tools, kexec-tools" "Conflicts: kdump-tools, kexec-tools"
is "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | sort | paste -sd ' ')" "/etc/default/kdump /etc/kdump.conf" \
	"conffiles: /etc/kdump.conf and /etc/default/kdump"

# The rootfs, cached on its recipe: systemd plus the packages the .deb depends on (apt is not
# reachable from the guest: dpkg -i needs them present).
start=$SECONDS
packages=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//' | tr -d ' ' | grep -v '^$') ||
	bail "the .deb's Depends"
base=$("$LAB_DIR/rootfs" make $packages) || bail "debootstrap a bookworm rootfs"
ok 0 "bookworm rootfs with systemd: $base ($((SECONDS - start)) s; $(du -sm "$base" | cut -f1) MB)"

work=$(lab_run_dir "kdumpctl-$release")
root=$work/root
cp -a "$base" "$root" || bail "copy the rootfs"
mkdir -p "$root/lib/modules" "$root/boot" "$root/usr/local/sbin" "$root/etc/systemd/system/multi-user.target.wants"
cp -a "$kdir/root/lib/modules/$release" "$root/lib/modules/" && cp "$kdir/vmlinuz" "$root/boot/vmlinuz-$release" ||
	bail "kernel into the rootfs"
cp "$deb" "$root/root/kdumpkit.deb" || bail "the .deb into the rootfs"
chroot "$root" dpkg -i /root/kdumpkit.deb > "$work/dpkg.log" 2>&1 ||
	bail "dpkg -i kdumpkit.deb in the rootfs: $(tail -n 5 "$work/dpkg.log")"
diag "$(cat "$work/dpkg.log")"
got=$(chroot "$root" dpkg-query -W -f='${Status} ${Version}' kdumpkit)
[[ "$got" == "install ok installed "* ]]
ok $? "dpkg -i in the rootfs: $got"
[ -L "$root/etc/systemd/system/multi-user.target.wants/kdump.service" ]
ok $? "its postinst enabled kdump.service: $(cd "$root" && ls etc/systemd/system/multi-user.target.wants/kdump.service 2>&1)"
install -m 0644 "$guest/kdk-lab.service" "$root/etc/systemd/system/kdk-lab.service"
ln -s /etc/systemd/system/kdk-lab.service "$root/etc/systemd/system/multi-user.target.wants/kdk-lab.service"
install -m 0755 "$guest/kdk-lab-steps" "$root/usr/local/sbin/kdk-lab-steps"
echo kdk-guest > "$root/etc/hostname"
mkfs.ext4 -q -F -L kdkroot -d "$root" "$work/root.img" 2G || bail "mkfs.ext4 -d the root disk"
rm -rf "$root"
# The raw target's disk: GPT, one 256 MiB partition of a known PARTUUID (sparse file).
raw_partuuid=6b646b72-0000-4000-8000-000000000001
truncate -s 300M "$work/raw.img" &&
	printf 'label: gpt\nstart=2048, size=524288, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=%s\n' \
		"$raw_partuuid" | sfdisk -q "$work/raw.img" > /dev/null || bail "sfdisk the raw target's disk"
"$LAB_DIR/initramfs" "$work/boot.img" --kernel "$release" --module virtio_blk --module virtio_pci \
	--run "$guest/switch-root.sh" || bail "the first-stage initramfs"
diag "root disk and initramfs ready after $((SECONDS - start)) s"

# boot PHASE LIMIT [CRASHKERNEL] — one boot of the root disk; sets $run and waits for QEMU to end.
# With HOTPLUG=1: room for a DIMM (-m …,slots=2,maxmem=2G), hot-added memory onlined by the
# kernel (memhp_default_state=online: 6.1's default leaves it offline), and a 512 MiB pc-dimm
# added over QMP when the guest says it waits for it ($qmp_status: QMP's exit status).
boot() {
	local reserve=${3-crashkernel=$crashkernel} mem=$KDK_GUEST_MEM extra=
	run=$(lab_run_dir "kdumpctl-$1-$release")
	[ "${HOTPLUG:-0}" = 1 ] && mem=$KDK_GUEST_MEM,slots=2,maxmem=2G extra=" kdk_hotplug=1 memhp_default_state=online"
	KDK_GUEST_MEM=$mem lab_qemu_start "$run" "$2" -kernel "$kdir/vmlinuz" -initrd "$work/boot.img" -no-reboot \
		-append "console=ttyS0,115200 loglevel=7 ignore_loglevel $reserve root=/dev/vda rw panic=-1 kdk_phase=$1 kdk_raw_partuuid=$raw_partuuid$extra" \
		-drive "file=$work/root.img,if=virtio,format=raw" -drive "file=$work/raw.img,if=virtio,format=raw"
	qmp_status=
	if [ "${HOTPLUG:-0}" = 1 ] && lab_wait_text "$run" "KDK-LAB: hotplug: waiting for memory" "$2"; then
		lab_qmp "$run" '{"execute": "object-add", "arguments": {"qom-type": "memory-backend-ram", "id": "hp0", "size": 536870912}}' \
			'{"execute": "device_add", "arguments": {"driver": "pc-dimm", "id": "dimm0", "memdev": "hp0"}}'
		qmp_status=$?
	fi
	lab_qemu_wait_exit "$run" "$2" || lab_qemu_kill "$run"
}
# max_pfn DUMP — one past the last pfn a kdump-compressed dump holds (max_mapnr_64 of the
# sub-header, docs/formats/kdump-compressed.md; dumpsave ends it at the last frame kept): past the
# DIMM's start only if /proc/vmcore, so the elfcorehdr, covered the DIMM.
max_pfn() {
	python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read(1 << 20)
assert d[:8] == b'KDUMP   ', 'not kdump-compressed'
block_size, = struct.unpack_from('<i', d, 428)
print(hex(struct.unpack_from('<Q', d, block_size + 96)[0]))
PY
}
marker() { grep -a "KDK-LAB: $1" "$run/serial.log" | tr -d '\r' | head -n 1; }
journal() { grep -a "KDK-LAB: journal: " "$run/serial.log" | tr -d '\r' | sed 's/.*KDK-LAB: journal: //'; }
# restart_journal N — the journal lines of the Nth restart (between its markers).
restart_journal() {
	tr -d '\r' < "$run/serial.log" | sed -n "/KDK-LAB: restart $1 rc=/,/KDK-LAB: restart $(($1 + 1))\|KDK-LAB: status before/p" |
		grep 'KDK-LAB: journal: ' | sed 's/.*KDK-LAB: journal: //'
}

# ---- boot 1: kdump.service, restarts, the crash ----------------------------------------------
t0=$SECONDS
boot crash 420
diag "boot 1 (systemd, restarts, crash, capture) ended after $((SECONDS - t0)) s"
is "$(marker 'is-active=' | sed 's/.*is-active=//')" "active" "systemctl is-active kdump → active"
got=$(marker 'status rc=')
[[ "$got" == *"status rc=0 Kdump is operational"* ]]
ok $? "kdumpctl status → operational, exit 0: ${got#*KDK-LAB: }"
first=$(tr -d '\r' < "$run/serial.log" | sed -n '1,/KDK-LAB: restart 1 (/p' | grep 'KDK-LAB: journal: ' | sed 's/.*KDK-LAB: journal: //')
grep -q "rebuilding /var/lib/kdumpkit/initrd-$release.img: it does not exist" <<< "$first" &&
	grep -q "loaded the capture kernel /boot/vmlinuz-$release with /var/lib/kdumpkit/initrd-$release.img" <<< "$first"
ok $? "kdump.service's journal at boot: built the initramfs, loaded it: $(grep -o 'loaded the capture kernel.*reservation' <<< "$first")"
grep -q "the root filesystem's modules for the capture kernel: ext4 virtio_blk virtio_pci" <<< "$first"
ok $? "kdumpctl gave mkdumprd the root disk's modules: $(grep -o "the root filesystem's modules.*" <<< "$first")"
grep -q 'its command line: .*root=/dev/vda.*irqpoll nr_cpus=1 reset_devices' <<< "$first" && ! grep -q 'its command line: .*crashkernel=' <<< "$first"
ok $? "the capture command line keeps root=, drops crashkernel=, appends the 64M savers"
diag "$(grep -a 'KDK-LAB: showmem: \|KDK-LAB: estimate: ' "$run/serial.log" | tr -d '\r' | sed 's/.*KDK-LAB: //')"
grep -aq "KDK-LAB: showmem: Reserved 96 MiB" "$run/serial.log"
ok $? "kdumpctl showmem: $(marker 'showmem: Reserved' | sed 's/.*showmem: //') $(marker 'showmem: at' | sed 's/.*showmem: //')"
grep -aq "KDK-LAB: estimate: Recommended crashkernel: [0-9]*M" "$run/serial.log" && grep -aq "KDK-LAB: estimate: runtime allowance: .*calibration: tests/lab/t/55" "$run/serial.log"
ok $? "kdumpctl estimate in the guest: $(marker 'estimate: Recommended' | sed 's/.*estimate: //'), calibration stated"

j1=$(restart_journal 1) j2=$(restart_journal 2) j3=$(restart_journal 3)
grep -q 'is up to date: not rebuilt' <<< "$j1" && ! grep -q 'rebuilding' <<< "$j1"
ok $? "restart without a change: not rebuilt ($(grep -o 'initrd.*not rebuilt' <<< "$j1"))"
grep -q "rebuilding /var/lib/kdumpkit/initrd-$release.img: /etc/kdump.conf changed since the last build" <<< "$j2" &&
	grep -q 'mkdumprd: wrote' <<< "$j2"
ok $? "restart after a kdump.conf change: rebuilt ($(grep -o 'rebuilding.*' <<< "$j2" | head -c 120); $(grep -o 'mkdumprd: wrote.*' <<< "$j2" | head -c 80))"
grep -q 'is up to date: not rebuilt' <<< "$j3" && ! grep -q 'rebuilding' <<< "$j3"
ok $? "restart again without a change: not rebuilt"
for n in 1 2 3; do
	got=$(marker "restart $n rc=")
	[[ "$got" == *"restart $n rc=0 is-active=active" ]]
	ok $? "systemctl restart kdump ($n): ${got#*KDK-LAB: }"
done
got=$(marker 'start with a broken kdump.conf rc=')
[[ "$got" == *"rc=1 kdumpctl: /etc/kdump.conf:"*": unknown option \"corecollector\" (did you mean \"core_collector\"?)"* ]]
ok $? "kdumpctl start with a broken kdump.conf line: ${got#*KDK-LAB: }"
is "$(marker 'loaded after the broken start:' | sed 's/.*: //')" 0 "and nothing was loaded (kexec_crash_loaded 0)"
is "$(marker 'start with the good kdump.conf again' | sed 's/.*again //')" "rc=0" "kdumpctl start with the config repaired loads again"
got=$(marker 'status before the crash')
[[ "$got" == *"rc=0 Kdump is operational"* ]]
ok $? "still operational after the restarts: ${got#*KDK-LAB: }"
grep -aq 'KDK-LAB: crashing with kdumpctl test --force' "$run/serial.log" &&
	grep -aq 'Kernel panic - not syncing: sysrq triggered crash' "$run/serial.log"
ok $? "kdumpctl test --force crashed the kernel (sysrq)"
grep -aq '^kdump: kdumpkit capture /init' <(tr -d '\r' < "$run/serial.log")
ok $? "the capture kernel ran our /init"
got=$(grep -ao 'kdump: dump saved in [^ ]*' "$run/serial.log" | tr -d '\r' | head -n 1)
[[ "$got" == "kdump: dump saved in /sysroot/var/crash/127.0.0.1-"* ]]
ok $? "the capture /init saved to the root disk: $got"
grep -aq 'kdump: final_action reboot' "$run/serial.log"
ok $? "then final_action reboot (QEMU -no-reboot ended the run)"
! grep -aq 'KDK-LAB: still running after kdumpctl test' "$run/serial.log"
ok $? "nothing ran after the crash"

# ---- boot 2: the dump is there, kdump is back ------------------------------------------------
# (420 s: the remove and the reinstall took boot 2 to 283 s on a loaded machine; with the raw
# target's restart, crash and capture it took 430 s at load average ~14)
t0=$SECONDS
boot check 660
diag "boot 2 ended after $((SECONDS - t0)) s"
dumps=$(grep -a 'KDK-LAB: dump dir /var/crash/127.0.0.1-' "$run/serial.log" | tr -d '\r' | sed 's/.*KDK-LAB: //')
[[ "$dumps" == *": vmcore vmcore-dmesg.txt "* ]] && [ "$(wc -l <<< "$dumps")" -eq 1 ]
ok $? "after the reboot /var/crash holds one dump with vmcore and vmcore-dmesg.txt: $dumps"
is "$(marker 'is-active=' | sed 's/.*is-active=//')" "active" "kdump is active again on the second boot"
journal | grep -q 'is up to date: not rebuilt'
ok $? "and its start did not rebuild the initramfs (nothing changed)"
got=$(marker 'status rc=')
[[ "$got" == *"status rc=0 Kdump is operational"* ]]
ok $? "kdumpctl status on the second boot: ${got#*KDK-LAB: }"
got=$(marker 'remove rc=')
[[ "$got" == *"remove rc=0 "* ]]
ok $? "apt-get remove kdumpkit in the guest: ${got#*KDK-LAB: }"
got=$(marker 'after remove: is-active=')
[[ "$got" == *"is-active=inactive loaded=0 running=." ]]
ok $? "after it no kdump unit runs and nothing is loaded: ${got#*KDK-LAB: }"
got=$(marker 'after remove: dpkg=')
[[ "$got" == *"dpkg=deinstall ok config-files kdumpctl=gone conf=/etc/default/kdump /etc/kdump.conf "* ]]
ok $? "the package is gone, its conffiles stay: ${got#*KDK-LAB: }"
got=$(marker 'after remove: dump dir')
[[ "$got" == *"/var/crash/127.0.0.1-"*": vmcore vmcore-dmesg.txt "* ]]
ok $? "and /var/crash keeps the dump: ${got#*KDK-LAB: }"
got=$(marker 'reinstall rc=')
[[ "$got" == *"reinstall rc=0 is-active=active loaded=1 dpkg=install ok installed" ]]
ok $? "dpkg -i of the .deb under the running systemd starts kdump (debhelper's postinst): ${got#*KDK-LAB: }"
grep -aq 'KDK-LAB: check done' "$run/serial.log"
ok $? "the check steps finished"
got=$(marker 'raw: restart rc=')
[[ "$got" == *"raw: restart rc=0 is-active=active" ]]
ok $? "kdump.conf's target raw PARTUUID=$raw_partuuid: systemctl restart kdump: ${got#*KDK-LAB: }"
rawj=$(grep -a "KDK-LAB: raw-journal: " "$run/serial.log" | tr -d '\r' | sed 's/.*KDK-LAB: raw-journal: //')
grep -q 'mkdumprd: wrote' <<< "$rawj" && grep -q "kdump is operational: a crash saves to PARTUUID=$raw_partuuid, path /var/crash" <<< "$rawj"
ok $? "its journal: rebuilt, loaded, $(grep -o 'kdump is operational.*' <<< "$rawj")"
grep -aq 'KDK-LAB: raw: crashing with kdumpctl test --force' "$run/serial.log" && ! grep -aq 'KDK-LAB: still running after the raw' "$run/serial.log"
ok $? "kdumpctl test --force crashed it again"
said=$(grep -ao 'kdump: wrote the dump to .*' "$run/serial.log" | head -n 1 | tr -d '\r')
grep -q '^kdump: wrote the dump to /dev/vdb1 ' <<< "$said"
ok $? "the capture /init found PARTUUID=…0001 (vdb1) and wrote the stream there: $said"
grep -aq 'kdump: final_action reboot' "$run/serial.log"
ok $? "then final_action reboot"

dir=$("$LAB_DIR/disk" ls "$work/root.img" /var/crash 2> /dev/null | grep '^127\.0\.0\.1-' | head -n 1)
"$LAB_DIR/disk" get "$work/root.img" "/var/crash/$dir/vmcore" "$work/vmcore" &&
	"$LAB_DIR/disk" get "$work/root.img" "/var/crash/$dir/vmcore-dmesg.txt" "$work/vmcore-dmesg.txt"
ok $? "copied /var/crash/$dir/vmcore ($(stat -c %s "$work/vmcore" 2> /dev/null) bytes) and vmcore-dmesg.txt out with debugfs"
grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$work/vmcore-dmesg.txt" 2> /dev/null
ok $? "vmcore-dmesg.txt holds the panic"
grep -q 'sysrq: Trigger a crash' "$work/vmcore-dmesg.txt" 2> /dev/null && grep -q 'Comm: kdumpctl' "$work/vmcore-dmesg.txt"
ok $? "and the sysrq trigger, from kdumpctl: $(grep -o 'CPU: [0-9]* PID: [0-9]* Comm: kdumpctl' "$work/vmcore-dmesg.txt" 2> /dev/null | head -n 1)"
# crash's sys and bt from one session (~7 s per start)
LAB_CRASH_CACHE=$work/crash
lab_crash_prefetch "$LAB_CRASH_CACHE" "$kdir/vmlinux" "$work/vmcore" sys bt || true
got=$(lab_crash_release "$kdir/vmlinux" "$work/vmcore")
[[ "$got" == "RELEASE: $release "* ]]
ok $? "Debian's crash opens the vmcore: $got"
bt=$(lab_crash "$kdir/vmlinux" "$work/vmcore" bt)
LAB_CRASH_CACHE=
grep -q 'sysrq_handle_crash' <<< "$bt"
ok $? "crash's bt of the panic task names sysrq_handle_crash"
# The task that panicked is kdumpctl itself, writing c to /proc/sysrq-trigger.
grep -q 'COMMAND: "kdumpctl"' <<< "$bt"
ok $? "and the panic task is kdumpctl: $(grep -o 'PID: [0-9]* .*COMMAND: "[^"]*"' <<< "$bt" | head -n 1 | tr -s ' ')"
rm -f "$work/vmcore"

# ---- boot 3: kdump.service's start saves the raw target's stream ------------------------------
t0=$SECONDS
HOTPLUG=1 boot rawcheck 420
diag "boot 3 (the raw target's stream saved by kdump.service) ended after $((SECONDS - t0)) s"
j=$(journal)
diag "kdump.service's journal on boot 3:" "$j"
got=$(grep -o "raw PARTUUID=$raw_partuuid (/dev/disk/by-partuuid/$raw_partuuid) holds a dump stream: saving it in /var/crash/127.0.0.1-[^ ]*" <<< "$j")
[ -n "$got" ]
ok $? "kdump.service's start found the stream: ${got:-(no such journal line)}"
got=$(grep -o 'saved /var/crash/127\.0\.0\.1-[^ ]*/vmcore ([0-9]* bytes in [0-9]* records); the stream on .* is cleared' <<< "$j")
[ -n "$got" ]
ok $? "reassembled the vmcore and cleared the stream: ${got:-(no such journal line)}"
journal | grep -q "loaded the capture kernel" && [ "$(marker 'is-active=' | sed 's/.*is-active=//')" = active ]
ok $? "and loaded the capture kernel after it (kdump active)"
dumps=$(grep -a 'KDK-LAB: dump dir /var/crash/127.0.0.1-' "$run/serial.log" | tr -d '\r' | sed 's/.*KDK-LAB: //')
rawdir=$(grep -o 'saved /var/crash/127\.0\.0\.1-[^ ]*/vmcore' <<< "$j" | head -n 1 | sed 's|saved /var/crash/||; s|/vmcore$||')
[ -n "$rawdir" ] && grep -q "^dump dir /var/crash/$rawdir/: vmcore $" <<< "$dumps" && [ "$(wc -l <<< "$dumps")" -eq 2 ]
ok $? "/var/crash holds the first dump and the raw target's ($rawdir: vmcore): $(tr '\n' ';' <<< "$dumps")"
got=$(marker 'save-raw again rc=')
[[ "$got" == *"rc=0 kdumpctl: raw PARTUUID=$raw_partuuid (/dev/disk/by-partuuid/$raw_partuuid): no dump stream on it"* ]]
ok $? "a second save-raw finds nothing: ${got#*KDK-LAB: }"
is "$(marker 'raw: first page ' | sed 's/.*first page //')" "0 non-zero bytes" \
	"the partition's first page is zero after the save (read in the guest)"
"$LAB_DIR/disk" get "$work/root.img" "/var/crash/$rawdir/vmcore" "$work/raw-vmcore"
ok $? "copied /var/crash/$rawdir/vmcore ($(stat -c %s "$work/raw-vmcore" 2> /dev/null) bytes) out with debugfs"
got=$(lab_crash_release "$kdir/vmlinux" "$work/raw-vmcore")
[[ "$got" == "RELEASE: $release "* ]]
ok $? "Debian's crash opens the vmcore saved from the raw target: $got"
pfn_before=$(max_pfn "$work/raw-vmcore" 2>&1)
rm -f "$work/raw-vmcore"

# Memory hotplug (6.1: no CONFIG_CRASH_HOTPLUG, so the udev rule's reload is what follows it):
# still on boot 3, a 512 MiB DIMM is hot-added over QMP once kdump is loaded; udev's rule runs
# kdumpctl hotplug, which reloads the capture kernel; then a crash (to the raw target again),
# and the dump must cover the DIMM (its header's max pfn past the DIMM's end).
got=$(marker 'hotplug: status ')
[[ "$got" == *"Memory/CPU hotplug: the udev rule reloads the capture kernel (kdumpctl hotplug); the kernel does not update its elfcorehdr (/sys/devices/system/memory/crash_hotplug absent, cpu/crash_hotplug absent)" ]]
ok $? "kdumpctl status names the udev rule's reload on 6.1: ${got#*KDK-LAB: hotplug: status }"
is "$qmp_status" 0 "a 512 MiB pc-dimm hot-added over QMP ($(tail -n 1 "$run/qmp.log" 2> /dev/null))"
got=$(marker 'hotplug: memory online')
[[ "$got" == *"System RAM"* ]]
ok $? "the guest onlined it: ${got#*KDK-LAB: }"
hj=$(grep -a "KDK-LAB: hotplug-journal: " "$run/serial.log" | tr -d '\r' | sed 's/.*KDK-LAB: hotplug-journal: //')
diag "kdumpctl hotplug in the journal:" "$hj"
grep -q 'hotplug: memory or CPUs changed and the kernel does not update the elfcorehdr .*: reloading the capture kernel' <<< "$hj" &&
	grep -q 'kdumpctl: loaded the capture kernel' <<< "$hj"
ok $? "udev ran kdumpctl hotplug, which reloaded the capture kernel: $(grep -o 'reloading the capture kernel' <<< "$hj" | head -n 1)"
grep -aq 'KDK-LAB: hotplug: crashing' "$run/serial.log" && grep -ao 'kdump: wrote the dump to /dev/vdb1 ' "$run/serial.log" > /dev/null
ok $? "then crashed; the capture /init wrote the stream to the raw target again"
"$LAB_DIR/disk" part-get "$work/raw.img" 1 "$work/raw-p1.img" &&
	printf '%s\n' "raw $work/raw-p1.img" "path $work/host-crash" "core_collector dumpsave -l -d 31" > "$work/host.conf" &&
	KDUMP_CONF=$work/host.conf "$KDK_BUILD/kdumpctl" save-raw > "$work/save-raw.out" 2>&1
ok $? "kdumpctl save-raw of that stream on the host: $(tail -n 1 "$work/save-raw.out")"
vmcore=$(ls "$work"/host-crash/127.0.0.1-*/vmcore 2> /dev/null | head -n 1)
pfn_after=$(max_pfn "$vmcore" 2>&1)
# The DIMM sits at QEMU's device memory, from 4 GiB up: pfns 0x100000-0x11ffff. At -d 31 its free
# pages are left out, but what the kernel put there (0x102c40 in the first run) is kept.
[[ "$pfn_after" == 0x* ]] && [ $((pfn_after)) -gt $((0x100000)) ] && [ $((pfn_after)) -le $((0x120000)) ] &&
	[[ "$pfn_before" == 0x* ]] && [ $((pfn_before)) -lt $((0x100000)) ]
ok $? "the dump holds pages of the hot-added DIMM: last pfn $pfn_after (expected in 0x100001-0x120000), before the hotplug $pfn_before"
got=$(lab_crash_release "$kdir/vmlinux" "$vmcore")
[[ "$got" == "RELEASE: $release "* ]]
ok $? "Debian's crash opens it: $got"
rm -rf "$work/raw-p1.img" "$work/host-crash"

# ---- boot 4: no crashkernel= -------------------------------------------------------------------
t0=$SECONDS
boot noreserve 300 ""
diag "boot 4 (no crashkernel=) ended after $((SECONDS - t0)) s"
# The unit's ExecCondition (kdumpctl showmem) fails: systemd skips the unit; it is not failed.
is "$(marker 'is-active=' | sed 's/.*is-active=//')" "inactive" "without crashkernel= kdump.service is skipped (is-active → inactive)"
got=$(marker 'unit .*ActiveState=')
[[ "$got" == *"ActiveState=inactive"* ]] && [[ "$got" == *"Result=exec-condition"* ]]
ok $? "its state: ${got#*KDK-LAB: unit }"
got=$(marker 'failed units:')
[[ "$got" != *kdump* ]]
ok $? "and it is not among the failed units (the boot goes on): ${got#*KDK-LAB: }"
journal | grep -q 'no memory is reserved for the crash kernel (/sys/kernel/kexec_crash_size is 0): add crashkernel=SIZE to the kernel command line and reboot: `kdumpctl reset-crashkernel`'
ok $? "its journal says how to reserve memory: $(journal | grep -o 'no memory is reserved.*' | head -c 150)…"
got=$(grep -a 'KDK-LAB: err-journal: ' "$run/serial.log" | tr -d '\r' | sed 's/.*err-journal: //')
grep -q '^kdumpctl: no memory is reserved for the crash kernel' <<< "$got" && ! grep -q '^<' <<< "$got"
ok $? "journalctl -p err -u kdump holds that message (kdumpctl's <3> prefix read by journald): $(head -c 80 <<< "$got")…"
got=$(marker 'status rc=')
[[ "$got" == *"status rc=3 Kdump is not operational no memory is reserved"* ]]
ok $? "kdumpctl status exits 3: ${got#*KDK-LAB: }"
rm -f "$work/root.img" "$work/raw.img"
diag "t/80 took $SECONDS s"
done_testing
