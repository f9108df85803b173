# Command-line test: mkdumprd resolves dump targets at build time into the image's
# /etc/kdumpkit/targets (docs/formats/targets.md), from a fake /proc (mountinfo, cmdline) and a
# fake /dev/disk over file system images made by mkfs.ext4 (btrfs: a superblock laid out by hand):
# a /dev/disk/by-id path to its file system UUID; a partition without a file system to its
# PARTUUID; a separate /var holding path; a btrfs root on a subvolume; a bind mount, a root= of
# another machine and an unresolvable device refused or warned about with their names; from a
# fake sysfs, targets stacked on what the capture /init cannot open (dm-crypt under LVM, multipath,
# an LVM thin pool, a root file system on dm-crypt) refused with kdump.conf's line, and a linear LV
# on md accepted.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
build=${KDK_BUILD:-$top/build}
mkdumprd=$build/mkdumprd
[ -x "$mkdumprd" ] || bail "build mkdumprd (make)"
PATH=$PATH:/usr/sbin:/sbin
command -v mkfs.ext4 > /dev/null || bail "mkfs.ext4 (e2fsprogs) is needed"
command -v depmod > /dev/null || bail "depmod (kmod) is needed"
work=$(mktemp -d "${TMPDIR:-/tmp}/mkdumprd-targets-XXXX")
trap 'rm -rf "$work"' EXIT
TAP_KEEP_DIRS+=("$work")
cd "$work" || bail "cd $work"

# A module tree where the file systems are built in: nothing to pack, no kernel needed.
moddir=$work/base/lib/modules/0.0-test
mkdir -p "$moddir" proc/self disk/by-id disk/by-partuuid sys/class/block
printf 'kernel/fs/ext4/ext4.ko\nkernel/fs/btrfs/btrfs.ko\nkernel/fs/nfs/nfsv4.ko\n' > "$moddir/modules.builtin"
: > "$moddir/modules.order"
depmod -b "$work/base" 0.0-test 2> /dev/null || bail "depmod -b $work/base"
echo init > init
ROOT_UUID=11111111-2222-4333-8444-555555555555
VAR_UUID=aaaaaaaa-2222-4333-8444-555555555555
{ mkfs.ext4 -q -F -U $ROOT_UUID -L rootfs root.img 4M && mkfs.ext4 -q -F -U $VAR_UUID var.img 4M; } > /dev/null 2>&1 ||
	bail "mkfs.ext4"
truncate -s 1M blank.img nolink.img
ln -s ../../var.img disk/by-id/ata-QEMU_HARDDISK_QM00001-part2
ln -s ../../blank.img disk/by-partuuid/0b6c3f2a-1d2e-4f5a-9b8c-7d6e5f4a3b2c
# btrfs: "_BHRfS_M" at 64 KiB + 0x40, fsid at + 0x20 (lib/fs_probe.c).
python3 - btrfs.img <<'PY'
import sys
img = bytearray(128 * 1024)
sb = 64 * 1024
img[sb + 0x20:sb + 0x30] = bytes.fromhex('b7f5c6d41e2a4c3b9a8e7f6d5c4b3a29')
img[sb + 0x40:sb + 0x48] = b'_BHRfS_M'
open(sys.argv[1], 'wb').write(img)
PY
BTRFS_UUID=b7f5c6d4-1e2a-4c3b-9a8e-7f6d5c4b3a29

# mkdumprd CONF [ARGS…]: builds image.img; its output in out.txt, the records in targets.txt.
build_image() {
	local conf=$1; shift
	rm -f image.img targets.txt
	"$mkdumprd" --moddir "$moddir" -c "$conf" --init init --proc proc --dev-disk disk --sys sys "$@" \
		image.img > out.txt 2>&1
	local rc=$?
	[ -f image.img ] && zcat image.img | (cd "$work" && cpio -i --quiet --to-stdout \
		etc/kdumpkit/targets > targets.txt 2> /dev/null)
	return $rc
}

# 1. A udev name for the target: its file system's UUID goes into the image.
printf 'ext4 %s/disk/by-id/ata-QEMU_HARDDISK_QM00001-part2\npath /crash\n' "$work" > by-id.conf
: > proc/self/mountinfo
echo "BOOT_IMAGE=/vmlinuz ro" > proc/cmdline
build_image by-id.conf
ok $? "by-id target: mkdumprd builds the image"
is "$(cat targets.txt)" "# dump targets resolved by mkdumprd (docs/formats/targets.md)
target $work/disk/by-id/ata-QEMU_HARDDISK_QM00001-part2
id UUID=$VAR_UUID
fstype ext4
mount_at /" "by-id target: recorded as its file system's UUID"

# 2. No file system id: the partition's PARTUUID from by-partuuid.
printf 'ext4 %s/blank.img\n' "$work" > part.conf
build_image part.conf
ok $? "partition without a file system id: mkdumprd builds the image"
is "$(sed -n 3p targets.txt)" "id PARTUUID=0b6c3f2a-1d2e-4f5a-9b8c-7d6e5f4a3b2c" \
	"partition without a file system id: recorded by PARTUUID"

# 3. Neither: refused at build time, naming the device.
printf 'ext4 %s/nolink.img\n' "$work" > none.conf
build_image none.conf
rc=$?
[ $rc -ne 0 ] && grep -qF "mkdumprd: none.conf:1: dump target: $work/nolink.img ($work/nolink.img): no file system UUID or LABEL" out.txt
ok $? "no identifier at all: refused with kdump.conf:line and the device (rc $rc: $(head -c 200 out.txt))"

# 4. Root-fs dump, path /var/crash on a separate /var: recorded under root='s spelling, mounted
#    at /var (mountinfo's octal escapes undone on the way).
cat > proc/self/mountinfo <<EOF2
22 1 8:1 / / rw,relatime shared:1 - ext4 $work/root.img rw
23 22 0:5 / /proc rw shared:2 - proc proc rw
30 22 8:2 / /var rw,relatime shared:3 - ext4 $work/var.img rw
31 22 8:3 / /var/crash\\134old rw,relatime shared:4 - ext4 $work/root.img rw
EOF2
echo "BOOT_IMAGE=/vmlinuz root=UUID=$ROOT_UUID ro" > proc/cmdline
printf 'path /var/crash\n' > rootfs.conf
build_image rootfs.conf
ok $? "separate /var: mkdumprd builds the image"
is "$(tail -n +2 targets.txt)" "target UUID=$ROOT_UUID
id UUID=$VAR_UUID
fstype ext4
mount_at /var" "separate /var: root=UUID=… recorded as /var's file system, mounted at /var"
grep -qF "warning: dump target UUID=$VAR_UUID is not on this machine: its disk driver is not known" out.txt
ok $? "separate /var: its disk's drivers are looked for too (here: no such disk, so a warning)"
printf 'path /var/crash\\old/x\n' > escaped.conf
build_image escaped.conf
is "$(sed -n 3p targets.txt; sed -n 5p targets.txt)" "id UUID=$ROOT_UUID
mount_at /var/crash\\old" "a mount point with a backslash (\\134 in mountinfo) is found and recorded unescaped"

# 5. btrfs root on a subvolume: the same subvol= for the capture mount.
cat > proc/self/mountinfo <<EOF2
22 1 0:31 /@ / rw,relatime shared:1 - btrfs $work/btrfs.img rw,space_cache=v2,subvolid=256,subvol=/@
EOF2
echo "root=UUID=$BTRFS_UUID rootflags=subvol=@" > proc/cmdline
build_image rootfs.conf
ok $? "btrfs subvolume root: mkdumprd builds the image"
is "$(tail -n +2 targets.txt)" "target UUID=$BTRFS_UUID
id UUID=$BTRFS_UUID
fstype btrfs
mount_at /
options subvol=/@" "btrfs subvolume root: subvol=/@ recorded for the capture mount"

# 5b. A btrfs target given by UUID= and mounted here on a subvolume: the same subvolume (the
#     device found through by-uuid).
mkdir -p disk/by-uuid && ln -sf ../../btrfs.img disk/by-uuid/$BTRFS_UUID
cat > proc/self/mountinfo <<EOF2
22 1 8:1 / / rw shared:1 - ext4 $work/root.img rw
41 22 0:32 /@dumps /srv/dumps rw shared:6 - btrfs $work/btrfs.img rw,subvolid=257,subvol=/@dumps
EOF2
printf 'btrfs UUID=%s\npath /\n' $BTRFS_UUID > btrfs-target.conf
build_image btrfs-target.conf
is "$(tail -n +2 targets.txt)" "target UUID=$BTRFS_UUID
id UUID=$BTRFS_UUID
fstype btrfs
mount_at /
options subvol=/@dumps" "btrfs target by UUID= mounted on a subvolume here: subvol=/@dumps recorded"

# 6. path on a bind mount (not btrfs): not silently recorded; the image still builds (the
#    root-fs dump is implicit) and the warning names the mount.
cat > proc/self/mountinfo <<EOF2
22 1 8:1 / / rw shared:1 - ext4 $work/root.img rw
40 22 8:2 /srv/dumps /var/crash rw shared:5 - ext4 $work/var.img rw
EOF2
echo "root=UUID=$ROOT_UUID" > proc/cmdline
build_image rootfs.conf
ok $? "bind mount: the image builds"
grep -qF "warning: root file system dump: rootfs.conf: path /var/crash lies on /var/crash, a bind mount of /srv/dumps of $work/var.img" out.txt
ok $? "bind mount: warned with the mount and its source ($(grep -o 'warning: root.*' out.txt | head -c 160))"
is "$(grep -c '^target' targets.txt)" 0 "bind mount: no record"

# 7. root= of another machine (the lab builds guests' images on the host): no record.
echo "root=UUID=99999999-0000-4000-8000-000000000000" > proc/cmdline
: > proc/self/mountinfo
echo "22 1 8:1 / / rw shared:1 - ext4 $work/root.img rw" > proc/self/mountinfo
build_image rootfs.conf
ok $? "root= of another machine: the image builds"
grep -qF "warning: root=UUID=99999999-0000-4000-8000-000000000000 (proc/cmdline) is not the file system on / here" out.txt
ok $? "root= of another machine: warned, nothing recorded ($(grep -c '^target' targets.txt) records)"

# 8. raw targets: a path is recorded by the partition's PARTUUID (the stream erases any file
#    system id); a udev name without one is refused with its line; PARTUUID= needs no record.
ln -sf ../../blank.img disk/by-id/raw-part
printf 'raw %s/disk/by-id/raw-part\npath /var/crash\n' "$work" > raw.conf
build_image raw.conf
is "$(tail -n +2 targets.txt)" "target $work/disk/by-id/raw-part
id PARTUUID=0b6c3f2a-1d2e-4f5a-9b8c-7d6e5f4a3b2c
mount_at /" "raw by a udev name: recorded by its PARTUUID"
ln -sf ../../nolink.img disk/by-id/raw-nolink
printf 'path /var/crash\nraw %s/disk/by-id/raw-nolink\n' "$work" > raw-nolink.conf
build_image raw-nolink.conf
rc=$?
[ $rc -ne 0 ] && grep -qF "raw-nolink.conf:2: raw $work/disk/by-id/raw-nolink ($work/nolink.img): no PARTUUID in disk/by-partuuid" out.txt
ok $? "raw by a udev name without a PARTUUID: refused with its line (rc $rc: $(head -c 200 out.txt))"
printf 'raw PARTUUID=0b6c3f2a-1d2e-4f5a-9b8c-7d6e5f4a3b2c\n' > raw-id.conf
build_image raw-id.conf
ok $? "raw by PARTUUID=: the image builds"
is "$(grep -c '^target' targets.txt 2> /dev/null || true)" 0 "raw by PARTUUID=: no record (the capture /init matches the partition table)"

# 9. What a target is stacked on, from a fake sysfs (class/block/NAME/dm/{uuid,name}, slaves/):
#    the capture /init creates LVM's linear and striped LVs and assembles md, nothing else.
# dm NAME DM_NAME DM_UUID [SLAVE…] — a device-mapper device in the fake sysfs, and its /dev file
# (an ext4 image, so its file system has an id).
dm() {
	local name=$1 dm_name=$2 uuid=$3 slave
	shift 3
	mkdir -p "sys/class/block/$name/dm" "sys/class/block/$name/slaves" dev
	echo "$dm_name" > "sys/class/block/$name/dm/name"
	echo "$uuid" > "sys/class/block/$name/dm/uuid"
	for slave in "$@"; do mkdir -p "sys/class/block/$name/slaves/$slave" "sys/class/block/$slave"; done
	cp var.img "dev/$name"
}
lvid=LVM-$(printf '%064d' 7)
dm dm-0 sda3_crypt CRYPT-LUKS2-0123456789abcdef0123456789abcdef-sda3_crypt sda3
dm dm-1 vg0-root "$lvid" dm-0
ln -sf ../../dev/dm-1 disk/by-uuid/cafe0000-0000-4000-8000-000000000001
printf 'path /var/crash\next4 UUID=cafe0000-0000-4000-8000-000000000001\n' > crypt.conf
build_image crypt.conf
rc=$?
[ $rc -ne 0 ] && grep -qF "mkdumprd: crypt.conf:2: dump target UUID=cafe0000-0000-4000-8000-000000000001 is on /dev/mapper/sda3_crypt (dm-0), a dm-crypt device (dm uuid CRYPT-LUKS2-…): the capture kernel has no key to open it; dump to another target" out.txt
ok $? "LVM on dm-crypt: refused with its line, naming the encrypted device (rc $rc: $(head -c 260 out.txt))"
dm dm-5 mpatha mpath-36001405abcdef sdb sdc
printf 'ext4 %s/dev/dm-5\n' "$work" > mpath.conf
build_image mpath.conf
rc=$?
[ $rc -ne 0 ] && grep -qF "mkdumprd: mpath.conf:1: dump target $work/dev/dm-5 is on /dev/mapper/mpatha (dm-5), a multipath device: the capture /init does not assemble multipath" out.txt
ok $? "multipath: refused with its line (rc $rc: $(head -c 200 out.txt))"
dm dm-6 vg0-pool-tpool "$lvid-tpool" vdb
dm dm-7 vg0-thin "LVM-$(printf '%064d' 8)" dm-6
printf 'ext4 %s/dev/dm-7\n' "$work" > thin.conf
build_image thin.conf
rc=$?
[ $rc -ne 0 ] && grep -qF "thin.conf:1: dump target $work/dev/dm-7 is on /dev/mapper/vg0-pool-tpool (dm-6), an LVM tpool layer: the capture /init activates linear and striped LVs only" out.txt
ok $? "a thin LV: refused with its line, naming the pool (rc $rc: $(head -c 200 out.txt))"
mkdir -p sys/class/block/md0/md sys/class/block/md0/slaves/vdb1 sys/class/block/md0/slaves/vdc1
echo raid1 > sys/class/block/md0/md/level
dm dm-9 vg1-data "LVM-$(printf '%064d' 9)" md0
printf 'ext4 %s/dev/dm-9\npath /crash\n' "$work" > lv-md.conf
build_image lv-md.conf
ok $? "a linear LV on md: accepted ($(grep -o 'mkdumprd: [^w].*' out.txt | head -n 1))"
is "$(sed -n 3p targets.txt)" "id UUID=$VAR_UUID" "a linear LV on md: recorded by its file system's UUID"
echo "22 1 253:0 / / rw shared:1 - ext4 $work/dev/dm-1 rw" > proc/self/mountinfo
echo "root=$work/dev/dm-1 ro" > proc/cmdline
build_image rootfs.conf
rc=$?
[ $rc -ne 0 ] && grep -qF "mkdumprd: no dump target in rootfs.conf, so the dump goes to the root file system: rootfs.conf: path /var/crash lies on $work/dev/dm-1, which is on /dev/mapper/sda3_crypt (dm-0), a dm-crypt device" out.txt
ok $? "no target and the root file system on dm-crypt: refused (rc $rc: $(head -c 260 out.txt))"
printf 'path /var/crash\next4 %s/dev/dm-9\nfailure_action dump_to_rootfs\n' "$work" > crypt-fallback.conf
build_image crypt-fallback.conf
ok $? "a plain target with failure_action dump_to_rootfs onto dm-crypt: the image builds"
grep -qF "warning: root file system dump: crypt-fallback.conf: path /var/crash lies on $work/dev/dm-1, which is on /dev/mapper/sda3_crypt (dm-0), a dm-crypt device" out.txt
ok $? "… and the fallback that cannot work is warned about ($(grep -o 'warning: root file system dump.*' out.txt | head -c 160))"
rm -rf sys/class/block/* dev

# ssh by name: the address the name has here goes into the image's /etc/hosts (the capture /init's
# fallback after DNS, lib/net/resolve); a name that does not resolve here is refused with its line.
mkdir -p sshdir && echo key > sshdir/id && : > sshdir/known_hosts
printf 'ssh kdump@localhost\nsshkey %s/sshdir/id\npath /crash\n' "$work" > ssh-name.conf
build_image ssh-name.conf --init-ssh init
ok $? "ssh by name: the image builds ($(grep -o 'mkdumprd: /etc/hosts.*' out.txt))"
is "$(zcat image.img | cpio -i --quiet --to-stdout etc/hosts 2> /dev/null | grep -v '^#')" "127.0.0.1 localhost" \
	"ssh by name: /etc/hosts in the image holds the address localhost has here"
printf 'path /crash\nssh kdump@no-such-host.invalid\nsshkey %s/sshdir/id\n' "$work" > ssh-bad.conf
build_image ssh-bad.conf --init-ssh init
rc=$?
[ $rc -ne 0 ] && grep -qF "ssh-bad.conf:2: ssh kdump@no-such-host.invalid: no-such-host.invalid does not resolve to an IPv4 address here" out.txt
ok $? "ssh by a name that does not resolve here: refused with its line (rc $rc: $(head -c 200 out.txt))"
printf 'ssh kdump@10.0.2.100\nsshkey %s/sshdir/id\npath /crash\n' "$work" > ssh-addr.conf
build_image ssh-addr.conf --init-ssh init
ok $? "ssh by address: the image builds"
is "$(zcat image.img | cpio -it --quiet 2> /dev/null | grep -c '^etc/hosts$')" 0 "ssh by address: no /etc/hosts in the image"

# nfs by name: the same /etc/hosts fallback for the server (nfsv4 built in here).
printf 'nfs localhost:/export\npath /crash\n' > nfs-name.conf
build_image nfs-name.conf
ok $? "nfs by name: the image builds ($(grep -o 'mkdumprd: /etc/hosts.*' out.txt)$(grep -o 'mkdumprd: .*error.*' out.txt))"
is "$(zcat image.img | cpio -i --quiet --to-stdout etc/hosts 2> /dev/null | grep -v '^#')" "127.0.0.1 localhost" \
	"nfs by name: /etc/hosts in the image holds the address localhost has here"
printf 'path /crash\nnfs no-such-host.invalid:/export\n' > nfs-bad.conf
build_image nfs-bad.conf
rc=$?
[ $rc -ne 0 ] && grep -qF "nfs-bad.conf:2: nfs no-such-host.invalid:/export: NFS server no-such-host.invalid: no-such-host.invalid does not resolve to an IPv4 address here" out.txt
ok $? "nfs by a name that does not resolve here: refused with its line (rc $rc: $(head -c 200 out.txt))"

# The smallest capture /init kdump.conf needs (Makefile, "Static builds"): kdump-init, or beside it
# kdump-init-zstd where core_collector compresses with -z (kdump-init leaves libzstd out), or
# kdump-init-ssh (which has zstd too) for ssh targets; --init-zstd/--init-ssh name others.
echo zstd > kdump-init-zstd && echo ssh > kdump-init-ssh
image_init() { zcat image.img | cpio -i --quiet --to-stdout init 2> /dev/null; }
for collector in "dumpsave -l -d 31" "dumpsave -c -d 31" "dumpsave -z -d 31" "dumpsave --zstd -d 31" \
	"makedumpfile -z -d 31 -F"; do
	want=init name=kdump-init
	case $collector in *-z*) want=zstd name=kdump-init-zstd ;; esac
	printf 'ext4 %s/blank.img\ncore_collector %s\n' "$work" "$collector" > codec.conf
	build_image codec.conf
	is "$(image_init)" "$want" "core_collector $collector: /init is $name ($(grep -o '/init from [^,]*' out.txt))"
done
printf 'ext4 %s/blank.img\ncore_collector dumpsave -z -d 31\n' "$work" > codec.conf
echo other > other-zstd
build_image codec.conf --init-zstd other-zstd
is "$(image_init)" other "--init-zstd names the /init for -z"
printf 'ssh kdump@10.0.2.100\nsshkey %s/sshdir/id\npath /crash\ncore_collector dumpsave -z -d 31\n' "$work" > ssh-z.conf
build_image ssh-z.conf
is "$(image_init)" ssh "ssh target with -z: kdump-init-ssh, which has zstd too"

done_testing
