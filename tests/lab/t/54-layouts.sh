# Lab test: root-fs dumps on the layouts cloud images and distributions install, 6.1 only, one
# capture each on one GPT disk (tests/lab/disk layout parts, cached by recipe; A here, B and C in
# t/56, which share tests/lab/layouts.sh — one file each keeps each under 3 min):
#   A. root=PARTUUID=<partition 1> (cloud images): no record; the capture /init matches the
#      partition through the GPT (lib/part_table) and saves in its /var/crash.
#   B. the same root with a separate /var/crash file system (partition 2): the dump lands at the
#      top of partition 2, partition 1's /var/crash stays empty.
#   C. btrfs root on subvolume @root (root=UUID=… rootflags=subvol=@root, Fedora): the dump lands
#      in @root/var/crash, the top level's /var/crash stays empty.
# mkdumprd runs on the host for the guest: for B and C it is shown the guest's mounts and command
# line through --proc (a mountinfo whose sources are the partitions' file systems as files) and
# --dev-disk (by-partuuid), as kdumpctl on the guest would see them; A needs no record.
# Oracles: debugfs (ext4) and the host kernel's btrfs, read-only in a private mount namespace,
# find where each dump went; Debian's crash 8.0.2 opens A's vmcore.
. "$(dirname "$0")/../lab.sh"

for tool in kexec kdump-init; do
	[ -x "$KDK_BUILD/static/$tool" ] || bail "$KDK_BUILD/static/$tool not built (make)"
done
[ -x "$KDK_BUILD/mkdumprd" ] || bail "$KDK_BUILD/mkdumprd not built (make)"
command -v mkfs.btrfs > /dev/null || bail "btrfs-progs not installed (scripts/install-deps)"

. "$LAB_DIR/layouts.sh"

# ---- A. root=PARTUUID= -------------------------------------------------------------------------
capture partuuid "kdk_root=PARTUUID=${P}1"
ok $? "A: crash → capture ran, QEMU ended"
"$LAB_DIR/disk" part-get "$run/disk.img" 1 "$run/p1.img"
dir=$("$LAB_DIR/disk" ls "$run/p1.img" /var/crash 2> /dev/null | dumps_in)
files=$("$LAB_DIR/disk" ls "$run/p1.img" "/var/crash/${dir% }" 2> /dev/null | sort | tr '\n' ' ')
is "$files" "vmcore vmcore-dmesg.txt " "A: root=PARTUUID=${P}1: partition 1's /var/crash/$dir holds the dump ($(said mounted))"
"$LAB_DIR/disk" get "$run/p1.img" "/var/crash/${dir% }/vmcore" "$run/vmcore" 2> /dev/null
got=$(lab_crash_release "$vmlinux" "$run/vmcore")
[[ "$got" == "RELEASE: $release "* ]]
ok $? "A: crash 8.0.2 opens that vmcore: $got"
rm -f "$run/disk.img" "$run/p1.img" "$run/vmcore"

done_testing
