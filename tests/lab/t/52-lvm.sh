# Lab test: a root file system on LVM on GPT partitions (root=/dev/mapper/kdkvg-root), 6.1 only.
# The disk (tests/lab/disk layout lvm, made by lvm2 on the host and cached by recipe) has VG kdkvg
# on two GPT partitions: LV root in two linear segments (the end of pv1, then pv2) holding ext4,
# and LV stripes striped over both. The first kernel crashes with no target in kdump.conf
# (a root-fs dump); the capture /init finds the PVs by their labels, reads the VG's metadata,
# creates both LVs with device-mapper ioctls (no lvm2 in the image), mounts root and saves.
# Oracles: lvm2's own report of the LVs' extents (the tables the /init printed must equal it);
# the host reads the LV back through lvm2's map and debugfs; Debian's crash 8.0.2 opens the vmcore.
# mkdumprd runs on the host for the guest's root=, which it cannot see (root= of another machine:
# no record), so kdump.conf's extra_modules carries dm_mod, as the admin of such an image would.
. "$(dirname "$0")/../lab.sh"

for tool in kexec kdump-init; do
	[ -x "$KDK_BUILD/static/$tool" ] || bail "$KDK_BUILD/static/$tool not built (make)"
done
[ -x "$KDK_BUILD/mkdumprd" ] || bail "$KDK_BUILD/mkdumprd not built (make)"
command -v lvs > /dev/null || bail "lvm2 not installed (scripts/install-deps): the disk is made and read with it"

release=$KDK_KERNEL_61
lab_kernel_fetch "$release" --dbg || bail "fetch $release"
kdir=$(lab_kernel_dir "$release")
vmlinux=$kdir/vmlinux

layout=$("$LAB_DIR/disk" layout lvm) || bail "disk layout lvm failed"
run=$(lab_run_dir "lvm-$release")
cp --sparse=always "$layout" "$run/disk.img"
printf '%s\n' "path /var/crash" "core_collector dumpsave -l --message-level 7 -d 31" \
	"extra_modules virtio_blk virtio_pci dm_mod" > "$run/kdump.conf"
lab_capture_images "$run" "$release" "$run/kdump.conf" || bail "capture images"
grep -q 'dm-mod\|dm_mod' < <(cpio -it < "$run/capture.img" 2> /dev/null || zcat "$run/capture.img" | cpio -it 2> /dev/null)
ok $? "the capture image carries dm_mod ($(grep -o 'wrote.*modules' "$run/mkdumprd.out"))"

lab_qemu_start "$run" 300 -kernel "$kdir/vmlinuz" -initrd "$run/first.img" -no-reboot \
	-append "$(lab_cmdline_base) panic=-1 crashkernel=${LAB_LVM_CRASHKERNEL:-256M} kdk_kexec=${LAB_LVM_KEXEC:--a} kdk_root=/dev/mapper/kdkvg-root kdk_wait=30" \
	-drive "file=$run/disk.img,if=virtio,format=raw"
lab_qemu_wait_exit "$run" 290
ok $? "first kernel crashed, the capture kernel ran our /init, QEMU ended"

# The tables the /init loaded, with each PV's major:minor written pN (virtio_blk numbers the
# first disk's partitions by minor), against lvm2's report of the same LVs.
while read -r lv want; do
	got=$(grep -ao "LVM: activated $lv as .*table: .*" "$run/serial.log" | head -n 1 | tr -d '\r' |
		sed 's/.*table: //; s/ (at [0-9.]* s)$//; s/\b[0-9]\+:\([0-9]\+\)\b/p\1/g')
	is "$got" "$want" "$lv activated with lvm2's map (dm table, sectors)"
done < "$(dirname "$layout")/tables.txt"
grep -aq 'kdump: dump saved in /sysroot/var/crash/127.0.0.1-' "$run/serial.log"
ok $? "the capture /init saved on root=/dev/mapper/kdkvg-root: $(grep -ao 'kdump: mounted .*' "$run/serial.log" | head -n 1 | tr -d '\r')"

"$LAB_DIR/disk" lv-get "$run/disk.img" kdkvg root "$run/root.ext4" 2> /dev/null
ok $? "the host reads LV root back through lvm2's map"
dir=$("$LAB_DIR/disk" ls "$run/root.ext4" /var/crash 2> /dev/null | grep '^127\.0\.0\.1-' | head -n 1)
files=$("$LAB_DIR/disk" ls "$run/root.ext4" "/var/crash/$dir" 2> /dev/null | sort | tr '\n' ' ')
is "$files" "vmcore vmcore-dmesg.txt " "the LV's /var/crash/$dir holds vmcore and vmcore-dmesg.txt"
"$LAB_DIR/disk" get "$run/root.ext4" "/var/crash/$dir/vmcore" "$run/vmcore" 2> /dev/null
ok $? "vmcore copied out of the LV's file system ($(stat -c %s "$run/vmcore" 2> /dev/null) bytes)"
got=$(lab_crash_release "$vmlinux" "$run/vmcore")
[[ "$got" == "RELEASE: $release "* ]]
ok $? "crash 8.0.2 opens the vmcore: $got"
bt=$(lab_crash "$vmlinux" "$run/vmcore" bt)
grep -q sysrq_handle_crash <<< "$bt"
ok $? "crash's bt of the panic task names sysrq_handle_crash"
rm -f "$run/disk.img" "$run/root.ext4" "$run/vmcore"
done_testing
