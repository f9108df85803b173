# Lab test: the dump target's ext4 on an md RAID1 (metadata 1.2) of two partitions on two disks,
# 6.1 only. The disks (tests/lab/disk layout md, made by Debian's mdadm in a builder guest,
# cached by recipe) are not assembled in the first kernel; the capture /init finds the members by
# their superblocks and starts the array with md ioctls (no mdadm in the image), mounts the
# target by its UUID= and saves. Then again with the second disk left out: assembled degraded.
# The array is left needing a resync (as after a crash): the capture kernel must not run it.
# Oracles: mdadm --detail of the array when mdadm made it (UUID, level, slots, member ↔ slot);
# the host's mdadm --examine of each member afterwards (events, array state) and the members' data
# areas read at mdadm's Data Offset (both equal: writes were mirrored); crash 8.0.2 opens the vmcore.
# mkdumprd runs on the host for a guest's disks, which it cannot see: kdump.conf's extra_modules
# carries md_mod and raid1, as for t/52's dm_mod (mkdumprd's own md detection needs md on the
# build machine: not tested here).
. "$(dirname "$0")/../lab.sh"

for tool in kexec kdump-init; do
	[ -x "$KDK_BUILD/static/$tool" ] || bail "$KDK_BUILD/static/$tool not built (make)"
done
[ -x "$KDK_BUILD/mkdumprd" ] || bail "$KDK_BUILD/mkdumprd not built (make)"
command -v mdadm > /dev/null || bail "mdadm not installed (scripts/install-deps): the disks are made and read with it"

release=$KDK_KERNEL_61
lab_kernel_fetch "$release" --dbg || bail "fetch $release"
kdir=$(lab_kernel_dir "$release")
vmlinux=$kdir/vmlinux

layout=$("$LAB_DIR/disk" layout md) || bail "disk layout md failed"
disks=$(dirname "$layout")
detail=$disks/detail.txt
run=$(lab_run_dir "md-$release")
"$LAB_DIR/disk" md-data "$disks/a.img" "$run/fs.ext4" || bail "member a's data area"
fs_uuid=$("$LAB_DIR/disk" uuid "$run/fs.ext4")
[ -n "$fs_uuid" ] || bail "no ext4 on the array"
printf '%s\n' "ext4 UUID=$fs_uuid" "path /var/crash" "core_collector dumpsave -l --message-level 7 -d 31" \
	"extra_modules virtio_blk virtio_pci md_mod raid1" > "$run/kdump.conf"
lab_capture_images "$run" "$release" "$run/kdump.conf" || bail "capture images"
mods=$(zcat -f "$run/capture.img" | cpio -it 2> /dev/null | grep -o 'md-mod\.ko\|raid1\.ko' | sort -u | tr '\n' ' ')
is "$mods" "md-mod.ko raid1.ko " "the capture image carries md_mod and raid1"

# detail_field NAME — a "Name : value" line of mdadm --detail from when the array was made
detail_field() { awk -F' : ' -v k="$1" '{sub(/^ +/, "", $1)} $1 == k {print $2}' "$detail" | sed 's/ *$//'; }
want_uuid=$(detail_field UUID)
want_level=$(detail_field "Raid Level")
want_slots=$(detail_field "Raid Devices")
# "vda1 (slot 0), vdb1 (slot 1)" from the device table's RaidDevice column
want_members=$(awk '$NF ~ /^\/dev\// && $4 ~ /^[0-9]+$/ {sub("/dev/", "", $NF); printf "%s%s (slot %s)", n++ ? ", " : "", $NF, $4}' "$detail")

# capture RUN WAIT DISKS… — one crash → capture cycle with these disks attached, kdk_wait=WAIT
capture() {
	local dir=$1 wait=$2 drives=() d; shift 2
	for d in "$@"; do drives+=(-drive "file=$d,if=virtio,format=raw"); done
	lab_qemu_start "$dir" 300 -kernel "$kdir/vmlinuz" -initrd "$run/first.img" -no-reboot \
		-append "$(lab_cmdline_base) panic=-1 crashkernel=256M kdk_kexec=-a kdk_wait=$wait" "${drives[@]}"
	lab_qemu_wait_exit "$dir" 290
}

# 1. both members present
cp --sparse=always "$disks/a.img" "$run/a.img"
cp --sparse=always "$disks/b.img" "$run/b.img"
capture "$run" 30 "$run/a.img" "$run/b.img"
ok $? "first kernel crashed, the capture kernel ran our /init, QEMU ended"
line=$(grep -ao 'kdump: md: assembled .*' "$run/serial.log" | head -n 1 | tr -d '\r')
diag "console: $line"
got_uuid=$(sed -n 's/.* uuid \([^,]*\),.*/\1/p' <<< "$line")
is "$got_uuid" "$want_uuid" "array UUID as mdadm --detail gave it"
got_level=$(sed -n 's/.* uuid [^,]*, \([^,]*\),.*/\1/p' <<< "$line")
is "$got_level" "$want_level" "level as mdadm --detail gave it"
got_slots=$(sed -n 's/.*, \([0-9]*\) of \([0-9]*\) slots: .*/\1 \2/p' <<< "$line")
is "$got_slots" "$want_slots $want_slots" "all $want_slots slots filled (mdadm --detail: Raid Devices $want_slots)"
got_members=$(sed -n 's/.* slots: \(.*\); state .*/\1/p' <<< "$line")
is "$got_members" "$want_members" "members in mdadm --detail's slots"
# read-auto, then sync_action frozen (which ends read-auto: md.c action_store): clean or active
state=$(sed -n 's/.*; state \([a-z-]*\).*/\1/p' <<< "$line")
[ "$state" = clean ] || [ "$state" = active ]
ok $? "started, sync_action frozen: array state $state (clean or active expected)"
grep -aq 'md/raid1:md0: not clean' "$run/serial.log"
ok $? "the capture kernel found the array needing a resync (md/raid1: not clean)"
sync_lines=$(grep -ac 'md: [a-z-]* of RAID array' "$run/serial.log")
is "$sync_lines" 0 "no resync, recovery or reshape ran in the capture kernel (kernel log)"
grep -aq 'kdump: dump saved in /' "$run/serial.log"
ok $? "the capture /init saved: $(grep -ao 'kdump: mounted .*' "$run/serial.log" | head -n 1 | tr -d '\r')"

"$LAB_DIR/disk" md-data "$run/a.img" "$run/a.data" && "$LAB_DIR/disk" md-data "$run/b.img" "$run/b.data"
ok $? "the host reads both members' data areas at mdadm --examine's Data Offset"
cmp -s "$run/a.data" "$run/b.data"
ok $? "both members hold the same data (RAID1 mirrored the dump's writes)"
"$LAB_DIR/disk" part-get "$run/a.img" 1 "$run/pa" && "$LAB_DIR/disk" part-get "$run/b.img" 1 "$run/pb"
ex_a=$(mdadm --examine "$run/pa" 2> /dev/null | awk -F' : ' '/Events|Array State/ {gsub(/ /, "", $1); printf "%s=%s ", $1, $2}')
ex_b=$(mdadm --examine "$run/pb" 2> /dev/null | awk -F' : ' '/Events|Array State/ {gsub(/ /, "", $1); printf "%s=%s ", $1, $2}')
diag "mdadm --examine after the capture: a: $ex_a; b: $ex_b"
[ -n "$ex_a" ] && [ "$ex_a" = "$ex_b" ] && grep -q 'ArrayState=AA ' <<< "$ex_a"
ok $? "mdadm --examine: both members at the same events, array state AA"
# the disk was left needing a resync from sector 0: the capture kernel must not have run it
# (mdadm's "State : active" = resync_offset not at its end; a finished resync would say clean)
want_state=$(awk -F' : ' '$1 ~ /^ *State$/ {print $2}' "$disks/examine-a.txt")
got_state=$(mdadm --examine "$run/pa" 2> /dev/null | awk -F' : ' '$1 ~ /^ *State$/ {print $2}')
[ "$want_state" = active ] && [ "$got_state" = active ]
ok $? "mdadm --examine: member state still '$got_state' (made '$want_state', needing a resync): none ran"
dir=$("$LAB_DIR/disk" ls "$run/a.data" /var/crash 2> /dev/null | grep '^127\.0\.0\.1-' | head -n 1)
files=$("$LAB_DIR/disk" ls "$run/a.data" "/var/crash/$dir" 2> /dev/null | sort | tr '\n' ' ')
is "$files" "vmcore vmcore-dmesg.txt " "the array's /var/crash/$dir holds vmcore and vmcore-dmesg.txt"
"$LAB_DIR/disk" get "$run/a.data" "/var/crash/$dir/vmcore" "$run/vmcore" 2> /dev/null
ok $? "vmcore copied out of the array's file system ($(stat -c %s "$run/vmcore" 2> /dev/null) bytes)"
got=$(lab_crash_release "$vmlinux" "$run/vmcore")
[[ "$got" == "RELEASE: $release "* ]]
ok $? "crash 8.0.2 opens the vmcore: $got"
rm -f "$run/a.img" "$run/b.img" "$run/a.data" "$run/b.data" "$run/pa" "$run/pb" "$run/vmcore"

# 2. the second disk left out: started degraded after a third of kdk_wait (15 s here)
deg=$(lab_run_dir "md-degraded-$release")
cp --sparse=always "$disks/a.img" "$deg/a.img"
capture "$deg" 15 "$deg/a.img"
ok $? "degraded: first kernel crashed, the capture kernel ran our /init, QEMU ended"
line=$(grep -ao 'kdump: md: assembled .*' "$deg/serial.log" | head -n 1 | tr -d '\r')
diag "console: $line"
grep -q "uuid $want_uuid, $want_level, 1 of $want_slots slots: vda1 (slot 0); state [a-z-]*, DEGRADED" <<< "$line"
ok $? "degraded: started with 1 of $want_slots slots and said DEGRADED"
grep -aq 'kdump: dump saved in /' "$deg/serial.log"
ok $? "degraded: the capture /init saved"
sync_lines=$(grep -ac 'md: [a-z-]* of RAID array' "$deg/serial.log")
is "$sync_lines" 0 "degraded: no recovery ran in the capture kernel (kernel log)"
"$LAB_DIR/disk" part-get "$deg/a.img" 1 "$deg/pa"
ex_a=$(mdadm --examine "$deg/pa" 2> /dev/null | awk -F' : ' '/Array State/ {print $2}' | cut -d' ' -f1)
is "$ex_a" "A." "degraded: mdadm --examine of the member: array state A. (the missing one marked)"
"$LAB_DIR/disk" md-data "$deg/a.img" "$deg/a.data"
dir=$("$LAB_DIR/disk" ls "$deg/a.data" /var/crash 2> /dev/null | grep '^127\.0\.0\.1-' | head -n 1)
"$LAB_DIR/disk" get "$deg/a.data" "/var/crash/$dir/vmcore" "$deg/vmcore" 2> /dev/null
sig=$(head -c 8 "$deg/vmcore" 2> /dev/null)
is "$sig" "KDUMP   " "degraded: the saved vmcore is kdump-compressed ($(stat -c %s "$deg/vmcore" 2> /dev/null) bytes)"
rm -f "$deg/a.img" "$deg/a.data" "$deg/pa" "$deg/vmcore"
done_testing
