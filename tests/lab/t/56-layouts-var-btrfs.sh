# Lab test: root-fs dumps on a separate /var/crash and on a btrfs root subvolume, 6.1 only — B and
# C of t/54 (see there: the disk, mkdumprd shown the guest's mounts, the oracles).
. "$(dirname "$0")/../lab.sh"

for tool in kexec kdump-init; do
	[ -x "$KDK_BUILD/static/$tool" ] || bail "$KDK_BUILD/static/$tool not built (make)"
done
[ -x "$KDK_BUILD/mkdumprd" ] || bail "$KDK_BUILD/mkdumprd not built (make)"
command -v mkfs.btrfs > /dev/null || bail "btrfs-progs not installed (scripts/install-deps)"

. "$LAB_DIR/layouts.sh"

# ---- B. separate /var/crash --------------------------------------------------------------------
capture varcrash "kdk_root=PARTUUID=${P}1" \
	"22 1 254:1 / / rw,relatime shared:1 - ext4 $parts/p1.img rw
31 22 254:2 / /var/crash rw,relatime shared:4 - ext4 $parts/p2.img rw" \
	"BOOT_IMAGE=/vmlinuz root=PARTUUID=${P}1 ro"
ok $? "B: crash → capture ran, QEMU ended"
grep -q "^mount_at /var/crash" <(zcat -f "$run/capture.img" | cpio -i --to-stdout etc/kdumpkit/targets 2> /dev/null)
ok $? "B: mkdumprd recorded partition 2 as /var/crash ($(said 'dump target PARTUUID'))"
"$LAB_DIR/disk" part-get "$run/disk.img" 1 "$run/p1.img"
"$LAB_DIR/disk" part-get "$run/disk.img" 2 "$run/p2.img"
dir=$("$LAB_DIR/disk" ls "$run/p2.img" / 2> /dev/null | dumps_in)
files=$("$LAB_DIR/disk" ls "$run/p2.img" "/${dir% }" 2> /dev/null | sort | tr '\n' ' ')
is "$files" "vmcore vmcore-dmesg.txt " "B: the dump is at the top of the /var/crash file system (partition 2: /$dir)"
is "$("$LAB_DIR/disk" ls "$run/p1.img" /var/crash 2> /dev/null | dumps_in)" "" "B: the root file system's own /var/crash stays empty"
rm -f "$run/disk.img" "$run/p1.img" "$run/p2.img"

# ---- C. btrfs root on a subvolume --------------------------------------------------------------
capture btrfs "kdk_root=UUID=${U}3" \
	"22 1 0:31 /@root / rw,relatime shared:1 - btrfs $parts/p3.img rw,space_cache=v2,subvolid=256,subvol=/@root" \
	"BOOT_IMAGE=/vmlinuz root=UUID=${U}3 rootflags=subvol=@root ro"
ok $? "C: crash → capture ran, QEMU ended"
grep -q "^options subvol=/@root" <(zcat -f "$run/capture.img" | cpio -i --to-stdout etc/kdumpkit/targets 2> /dev/null)
ok $? "C: mkdumprd recorded subvol=/@root ($(said 'dump target UUID'))"
"$LAB_DIR/disk" part-get "$run/disk.img" 3 "$run/p3.img"
dir=$("$LAB_DIR/disk" btrfs-ls "$run/p3.img" @root /var/crash 2> /dev/null | dumps_in)
files=$("$LAB_DIR/disk" btrfs-ls "$run/p3.img" @root "/var/crash/${dir% }" 2> /dev/null | sort | tr '\n' ' ')
is "$files" "vmcore vmcore-dmesg.txt " "C: the dump is in subvolume @root's /var/crash/$dir"
is "$("$LAB_DIR/disk" btrfs-ls "$run/p3.img" "" /var/crash 2> /dev/null | dumps_in)" "" "C: the top level's /var/crash stays empty"
rm -f "$run/disk.img" "$run/p3.img"
done_testing
