# tests/lab/layouts.sh — what t/54 and t/56 share: the 6.1 kernel, the disk of
# `disk layout parts` (GPT: 1 ext4 root, 2 ext4 /var/crash, 3 btrfs with subvolume @root) and one
# crash → capture on a copy of it, mkdumprd shown the guest's mounts (--proc, --dev-disk) when given.
release=$KDK_KERNEL_61
lab_kernel_fetch "$release" --dbg || bail "fetch $release"
kdir=$(lab_kernel_dir "$release")
vmlinux=$kdir/vmlinux
layout=$("$LAB_DIR/disk" layout parts) || bail "disk layout parts failed"
parts=$(dirname "$layout")
P=6b646b70-0000-4000-8000-00000000000 U=6b646b66-0000-4000-8000-00000000000

# capture NAME ROOT_CMDLINE [MOUNTINFO CMDLINE] — one crash → capture on a copy of the disk,
# mkdumprd shown MOUNTINFO/CMDLINE as the guest's when given. Sets $run.
capture() {
	local name=$1 root=$2 mountinfo=${3:-} cmdline=${4:-}
	run=$(lab_run_dir "layout-$name-$release")
	cp --sparse=always "$layout" "$run/disk.img"
	printf '%s\n' "path /var/crash" "core_collector dumpsave -l --message-level 7 -d 31" \
		"extra_modules virtio_blk virtio_pci" > "$run/kdump.conf"
	if [ -n "$mountinfo" ]; then
		mkdir -p "$run/proc/self" "$run/by/by-partuuid"
		printf '%s\n' "$mountinfo" > "$run/proc/self/mountinfo"
		echo "$cmdline" > "$run/proc/cmdline"
		ln -s "$parts/p1.img" "$run/by/by-partuuid/${P}1"
		LAB_MKDUMPRD_ARGS="--proc $run/proc --dev-disk $run/by" \
			lab_capture_images "$run" "$release" "$run/kdump.conf" || return 1
	else
		lab_capture_images "$run" "$release" "$run/kdump.conf" || return 1
	fi
	lab_qemu_start "$run" 300 -kernel "$kdir/vmlinuz" -initrd "$run/first.img" -no-reboot \
		-append "$(lab_cmdline_base) panic=-1 crashkernel=256M kdk_wait=30 $root" \
		-drive "file=$run/disk.img,if=virtio,format=raw"
	lab_qemu_wait_exit "$run" 290
}
said() { grep -ao "kdump: $1.*" "$run/serial.log" | head -n 1 | tr -d '\r' | sed 's/ (at [0-9.]* s)$//'; }
dumps_in() { grep '^127\.0\.0\.1-' | tr '\n' ' '; }

