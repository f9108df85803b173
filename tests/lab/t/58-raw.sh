# Lab test: a raw partition target, 6.1 only. kdump.conf says "raw PARTUUID=…0002" (partition 2
# of tests/lab/disk's parts layout, an ext4 the dump overwrites); the capture /init finds it
# through the GPT and writes the flattened stream over its start. The next boot's side runs on
# the host here (t/80 does that boot for real, kdump.service in its systemd guest):
# `kdumpctl save-raw` (what kdumpctl start runs) on the partition copied out of the disk finds
# the stream, reassembles path/127.0.0.1-<date>/vmcore and clears it. Oracles: Debian's crash
# 8.0.2 opens the vmcore (its bt is t/52's: one crash start here, for the 3-minute budget), and
# makedumpfile -R (the reference reassembler) makes the same file from the stream.
# A second capture runs a kdump_pre hook (tests/lab/guest/kill-collector.sh) whose process kills
# the collector with SIGSEGV while it writes the stream: the /init writes it again from the
# partition's start at dump level 0, the stream is whole (makedumpfile -R), save-raw's vmcore
# says level 0, and crash opens it.
. "$(dirname "$0")/../lab.sh"

for tool in kexec kdump-init; do
	[ -x "$KDK_BUILD/static/$tool" ] || bail "$KDK_BUILD/static/$tool not built (make)"
done
[ -x "$KDK_BUILD/mkdumprd" ] && [ -x "$KDK_BUILD/kdumpctl" ] || bail "mkdumprd, kdumpctl not built (make)"
command -v mkfs.btrfs > /dev/null || bail "btrfs-progs not installed (scripts/install-deps): the parts disk needs it"

# next_boot_save — the next boot's side on the host, for $run's disk: partition 2 copied out,
# makedumpfile -R (the reference reassembler) reads the whole stream, `kdumpctl save-raw` (what
# kdumpctl start runs) saves it under $run/crash; sets $vmcore.
next_boot_save() {
	"$LAB_DIR/disk" part-get "$run/disk.img" 2 "$run/p2.img" || bail "partition 2 out of the disk"
	makedumpfile -R "$run/reference.vmcore" < "$run/p2.img" > /dev/null 2>&1
	ok $? "makedumpfile -R reads a whole stream from the partition"
	printf '%s\n' "raw $run/p2.img" "path $run/crash" "core_collector dumpsave -l -d 31" > "$run/host.conf"
	KDUMP_CONF=$run/host.conf "$KDK_BUILD/kdumpctl" save-raw > "$run/save-raw.out" 2>&1
	ok $? "kdumpctl save-raw (the next boot's start): $(tail -n 1 "$run/save-raw.out")"
	vmcore=$(ls "$run"/crash/127.0.0.1-*/vmcore 2> /dev/null | head -n 1)
}

release=$KDK_KERNEL_61
lab_kernel_fetch "$release" --dbg || bail "fetch $release"
kdir=$(lab_kernel_dir "$release")
vmlinux=$kdir/vmlinux
layout=$("$LAB_DIR/disk" layout parts) || bail "disk layout parts failed"

run=$(lab_run_dir "raw-$release")
cp --sparse=always "$layout" "$run/disk.img"
printf '%s\n' "raw PARTUUID=6b646b70-0000-4000-8000-000000000002" "path /var/crash" "core_collector dumpsave -l --message-level 7 -d 31" \
	"extra_modules virtio_blk virtio_pci" > "$run/kdump.conf"
lab_capture_images "$run" "$release" "$run/kdump.conf" || bail "capture images"
lab_qemu_start "$run" 300 -kernel "$kdir/vmlinuz" -initrd "$run/first.img" -no-reboot \
	-append "$(lab_cmdline_base) panic=-1 crashkernel=256M kdk_wait=30" \
	-drive "file=$run/disk.img,if=virtio,format=raw"
lab_qemu_wait_exit "$run" 290
ok $? "first kernel crashed, the capture kernel ran our /init, QEMU ended"
said=$(grep -ao 'kdump: wrote the dump to .*' "$run/serial.log" | head -n 1 | tr -d '\r')
grep -q '^kdump: wrote the dump to /dev/vda2 ' <<< "$said"
ok $? "the capture /init found PARTUUID=…0002 (vda2) and wrote the stream there: $said"

next_boot_save
cmp -s "$vmcore" "$run/reference.vmcore"
ok $? "its vmcore ($(stat -c %s "$vmcore" 2> /dev/null) bytes) is what makedumpfile -R makes of the stream"
is "$(head -c 4096 "$run/p2.img" | tr -d '\0' | wc -c)" 0 "the stream's signature is cleared on the partition"
KDUMP_CONF=$run/host.conf "$KDK_BUILD/kdumpctl" save-raw 2>&1 | grep -q 'no dump stream on it'
ok $? "a second save-raw (the boot after) finds nothing"
got=$(lab_crash_release "$vmlinux" "$vmcore")
[[ "$got" == "RELEASE: $release "* ]]
ok $? "crash 8.0.2 opens the vmcore: $got"
rm -f "$run/disk.img" "$run/p2.img" "$run/reference.vmcore" "$vmcore"

# ---- the collector dies while it writes the stream ------------------------------------------
run=$(lab_run_dir "raw-killed-$release")
cp --sparse=always "$layout" "$run/disk.img"
printf '%s\n' "raw PARTUUID=6b646b70-0000-4000-8000-000000000002" "core_collector dumpsave -l -d 31" \
	"kdump_pre $LAB_DIR/guest/kill-collector.sh" "extra_modules virtio_blk virtio_pci" > "$run/kdump.conf"
lab_capture_images "$run" "$release" "$run/kdump.conf" || bail "capture images"
lab_qemu_start "$run" 300 -kernel "$kdir/vmlinuz" -initrd "$run/first.img" -no-reboot \
	-append "$(lab_cmdline_base) panic=-1 crashkernel=256M kdk_wait=30" \
	-drive "file=$run/disk.img,if=virtio,format=raw"
lab_qemu_wait_exit "$run" 290
grep -aq 'kill-collector: sent SIGSEGV to kdump-save' "$run/serial.log" &&
	grep -aq 'kdump: kdump-save (pid [0-9]*) died of SIGSEGV' "$run/serial.log" &&
	grep -aq 'kdump: writing the stream again at dump level 0' "$run/serial.log"
ok $? "the collector was killed mid-stream and PID 1 wrote it again: $(grep -ao 'kdump: kdump-save (pid.*died of [A-Z]*' "$run/serial.log" | head -n 1 | tr -d '\r')"
grep -aq '^kdump: wrote the dump to /dev/vda2 ' "$run/serial.log" && ! grep -aq 'kdump: failure_action' "$run/serial.log"
ok $? "the second stream was written, no failure_action: $(grep -ao 'kdump: wrote the dump to .*' "$run/serial.log" | head -n 1 | tr -d '\r')"
next_boot_save
is "$(lab_dump_level "$vmcore")" 0 "its vmcore is at dump level 0 (kdump_sub_header)"
got=$(lab_crash_release "$vmlinux" "$vmcore")
[[ "$got" == "RELEASE: $release "* ]]
ok $? "crash 8.0.2 opens it: $got"
rm -f "$run/disk.img" "$run/p2.img" "$run/reference.vmcore" "$vmcore"
done_testing
