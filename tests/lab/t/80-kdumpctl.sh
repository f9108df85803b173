# Lab test: kdumpctl and kdump.service on a real systemd boot (6.1 cloud kernel only: one boot
# cycle on 6.12 would double the time for the same systemd path). A Debian bookworm minbase
# rootfs from debootstrap (cached, tests/lab/rootfs) with systemd, the kernel and its modules, and
# kdumpkit from `make install DESTDIR=… PREFIX=/usr`, kdump.service enabled, the default
# kdump.conf (dump to the root filesystem). Booted with crashkernel=96M (the lab's measured
# minimum is 64M, t/55; 96M leaves margin for systemd's larger root disk driver set):
#   1. systemctl is-active kdump → active; kdumpctl status → operational (exit 0); the journal
#      of kdump.service says what was loaded.
#   2. systemctl restart kdump without a change → not rebuilt; after a kdump.conf change →
#      rebuilt; again unchanged → not rebuilt (the journal of each run).
#   3. kdumpctl test --force crashes it; the capture kernel saves to the root disk and reboots
#      (final_action reboot; -no-reboot ends QEMU); the second boot finds
#      /var/crash/127.0.0.1-<date>/ with vmcore and vmcore-dmesg.txt, and kdump active again
#      without a rebuild; Debian's crash opens the vmcore.
#   4. kdumpctl start with a broken kdump.conf line (after kdumpctl stop): fails with
#      kdump.conf:LINE: and nothing is loaded; a third boot without crashkernel=: kdump.service
#      fails, its journal says how to reserve memory, kdumpctl status exits 3.
. "$(dirname "$0")/../lab.sh"

release=$KDK_KERNEL_61
crashkernel=96M
for tool in kdumpctl mkdumprd kexec dumpsave kcrash; do
	[ -x "$KDK_BUILD/$tool" ] || bail "$KDK_BUILD/$tool not built (make)"
done
lab_kernel_fetch "$release" --dbg || bail "fetch $release"
kdir=$(lab_kernel_dir "$release")
guest=$LAB_DIR/guest/systemd

# The rootfs, cached on its recipe: systemd plus the libraries our dynamically linked tools load.
start=$SECONDS
packages=$("$LAB_DIR/rootfs" libs "$KDK_BUILD"/{kdumpctl,mkdumprd,kexec,dumpsave,kcrash}) ||
	bail "the packages of kdumpkit's libraries"
base=$("$LAB_DIR/rootfs" make $packages) || bail "debootstrap a bookworm rootfs"
ok 0 "bookworm rootfs with systemd: $base ($((SECONDS - start)) s; $(du -sm "$base" | cut -f1) MB)"

work=$(lab_run_dir "kdumpctl-$release")
root=$work/root
cp -a "$base" "$root" || bail "copy the rootfs"
mkdir -p "$root/lib/modules" "$root/boot" "$root/usr/local/sbin" "$root/etc/systemd/system/multi-user.target.wants"
cp -a "$kdir/root/lib/modules/$release" "$root/lib/modules/" && cp "$kdir/vmlinuz" "$root/boot/vmlinuz-$release" ||
	bail "kernel into the rootfs"
make -s -C "$KDK_TOP" install DESTDIR="$root" PREFIX=/usr > "$work/install.log" 2>&1 ||
	bail "make install DESTDIR=$root: $(tail -n 3 "$work/install.log")"
ok 0 "make install DESTDIR=…: $(cd "$root" && ls usr/sbin/kdumpctl usr/lib/systemd/system/kdump.service etc/kdump.conf etc/default/kdump | tr '\n' ' ')"
ln -s /usr/lib/systemd/system/kdump.service "$root/etc/systemd/system/multi-user.target.wants/kdump.service"
install -m 0644 "$guest/kdk-lab.service" "$root/etc/systemd/system/kdk-lab.service"
ln -s /etc/systemd/system/kdk-lab.service "$root/etc/systemd/system/multi-user.target.wants/kdk-lab.service"
install -m 0755 "$guest/kdk-lab-steps" "$root/usr/local/sbin/kdk-lab-steps"
echo kdk-guest > "$root/etc/hostname"
mkfs.ext4 -q -F -L kdkroot -d "$root" "$work/root.img" 2G || bail "mkfs.ext4 -d the root disk"
rm -rf "$root"
"$LAB_DIR/initramfs" "$work/boot.img" --kernel "$release" --module virtio_blk --module virtio_pci \
	--run "$guest/switch-root.sh" || bail "the first-stage initramfs"
diag "root disk and initramfs ready after $((SECONDS - start)) s"

# boot PHASE LIMIT [CRASHKERNEL] — one boot of the root disk; sets $run and waits for QEMU to end.
boot() {
	local reserve=${3-crashkernel=$crashkernel}
	run=$(lab_run_dir "kdumpctl-$1-$release")
	lab_qemu_start "$run" "$2" -kernel "$kdir/vmlinuz" -initrd "$work/boot.img" -no-reboot \
		-append "console=ttyS0,115200 loglevel=7 ignore_loglevel $reserve root=/dev/vda rw panic=-1 kdk_phase=$1" \
		-drive "file=$work/root.img,if=virtio,format=raw"
	lab_qemu_wait_exit "$run" "$2" || lab_qemu_kill "$run"
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
t0=$SECONDS
boot check 300
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
grep -aq 'KDK-LAB: check done' "$run/serial.log"
ok $? "the check steps finished"

dir=$("$LAB_DIR/disk" ls "$work/root.img" /var/crash 2> /dev/null | grep '^127\.0\.0\.1-' | head -n 1)
"$LAB_DIR/disk" get "$work/root.img" "/var/crash/$dir/vmcore" "$work/vmcore" &&
	"$LAB_DIR/disk" get "$work/root.img" "/var/crash/$dir/vmcore-dmesg.txt" "$work/vmcore-dmesg.txt"
ok $? "copied /var/crash/$dir/vmcore ($(stat -c %s "$work/vmcore" 2> /dev/null) bytes) and vmcore-dmesg.txt out with debugfs"
grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$work/vmcore-dmesg.txt" 2> /dev/null
ok $? "vmcore-dmesg.txt holds the panic"
grep -q 'sysrq: Trigger a crash' "$work/vmcore-dmesg.txt" 2> /dev/null && grep -q 'Comm: kdumpctl' "$work/vmcore-dmesg.txt"
ok $? "and the sysrq trigger, from kdumpctl: $(grep -o 'CPU: [0-9]* PID: [0-9]* Comm: kdumpctl' "$work/vmcore-dmesg.txt" 2> /dev/null | head -n 1)"
got=$(lab_crash_release "$kdir/vmlinux" "$work/vmcore")
[[ "$got" == "RELEASE: $release "* ]]
ok $? "Debian's crash opens the vmcore: $got"
bt=$(lab_crash "$kdir/vmlinux" "$work/vmcore" bt)
grep -q 'sysrq_handle_crash' <<< "$bt"
ok $? "crash's bt of the panic task names sysrq_handle_crash"
# The task that panicked is kdumpctl itself, writing c to /proc/sysrq-trigger.
grep -q 'COMMAND: "kdumpctl"' <<< "$bt"
ok $? "and the panic task is kdumpctl: $(grep -o 'PID: [0-9]* .*COMMAND: "[^"]*"' <<< "$bt" | head -n 1 | tr -s ' ')"
rm -f "$work/vmcore"

# ---- boot 3: no crashkernel= -------------------------------------------------------------------
t0=$SECONDS
boot noreserve 300 ""
diag "boot 3 (no crashkernel=) ended after $((SECONDS - t0)) s"
is "$(marker 'is-active=' | sed 's/.*is-active=//')" "failed" "without crashkernel= kdump.service fails (is-active → failed)"
journal | grep -q 'no memory is reserved for the crash kernel (/sys/kernel/kexec_crash_size is 0): add crashkernel=SIZE to the kernel command line and reboot: `kdumpctl reset-crashkernel`'
ok $? "its journal says how to reserve memory: $(journal | grep -o 'no memory is reserved.*' | head -c 150)…"
got=$(grep -a 'KDK-LAB: err-journal: ' "$run/serial.log" | tr -d '\r' | sed 's/.*err-journal: //')
grep -q '^kdumpctl: no memory is reserved for the crash kernel' <<< "$got" && ! grep -q '^<' <<< "$got"
ok $? "journalctl -p err -u kdump holds that message (kdumpctl's <3> prefix read by journald): $(head -c 80 <<< "$got")…"
got=$(marker 'status rc=')
[[ "$got" == *"status rc=3 Kdump is not operational no memory is reserved"* ]]
ok $? "kdumpctl status exits 3: ${got#*KDK-LAB: }"
rm -f "$work/root.img"
diag "t/80 took $SECONDS s"
done_testing
