# Lab test: the smallest crashkernel= that still captures, with kdumpkit's capture path (our kexec,
# mkdumprd initramfs, static capture /init, dumpsave -l -d 31 to an ext4 disk), found by trying
# sizes on the 6.1 cloud kernel with a 1 GiB guest (KDK_CRASHKERNEL_KERNEL to try another).
# Target: 64M or less (the reference busybox + kexec-tools + makedumpfile initramfs needed more
# than 64M: ../shared/lab-facts.md). From 64M down until a size fails; if 64M fails, up until
# one works, so the record always says where the limit is. The result goes to
# $KDK_RUNS/crashkernel-<release>.txt and into the TAP output.
. "$(dirname "$0")/../lab.sh"

release=${KDK_CRASHKERNEL_KERNEL:-$KDK_KERNEL_61}
lab_kernel_fetch "$release" || bail "fetch $release"
kdir=$(lab_kernel_dir "$release")
work=$(lab_run_dir "ck-$release")
printf '%s\n' "ext4 LABEL=kdktarget" "path /var/crash" "core_collector dumpsave -l --message-level 7 -d 31" \
	"extra_modules virtio_blk virtio_pci" "failure_action poweroff" > "$work/kdump.conf"
lab_capture_images "$work" "$release" "$work/kdump.conf" || bail "$release: build the capture images"
diag "$(grep -o 'wrote.*' "$work/mkdumprd.out")"

# try SIZE — one crash with crashkernel=SIZE; 0 when the dump was saved complete. Prints what
# happened in a few words.
try() {
	local size=$1 run dir
	run=$(lab_run_dir "ck$size-$release")
	"$LAB_DIR/disk" make "$run/target.img" 256M kdktarget 5e1f0c1e-0000-4000-8000-0000000000d5 > /dev/null
	lab_qemu_start "$run" 300 -kernel "$kdir/vmlinuz" -initrd "$work/first.img" -no-reboot \
		-append "$(lab_cmdline_base) panic=-1 crashkernel=$size" \
		-drive "file=$run/target.img,if=virtio,format=raw"
	lab_qemu_wait_exit "$run" 290 || lab_qemu_kill "$run"
	dir=$("$LAB_DIR/disk" ls "$run/target.img" /var/crash 2> /dev/null | grep '^127\.0\.0\.1-' | head -n 1)
	if [ -n "$dir" ] && "$LAB_DIR/disk" ls "$run/target.img" "/var/crash/$dir" | grep -qx vmcore; then
		echo "saved ($(grep -o 'saved /kdumproot[^ ]*/vmcore in [0-9.]* s' "$run/serial.log" | sed 's|.*/vmcore|vmcore|'))"
		rm -f "$run/target.img"
		return 0
	fi
	rm -f "$run/target.img"
	if ! grep -aq 'KDK-LAB: kexec -p rc=0' "$run/serial.log"; then
		echo "not loaded: $(grep -a '^kexec:' "$run/serial.log" | head -n 1)"
	elif ! grep -aq '^kdump: kdumpkit capture /init' "$run/serial.log"; then
		echo "the capture kernel did not reach /init: $(grep -aoE 'Out of memory[^\r]*|Kernel panic[^\r]*' "$run/serial.log" | tail -n 1)"
	else
		echo "/init ran but saved nothing: $(grep -a '^kdump: saving the dump failed' "$run/serial.log" | head -n 1)"
	fi
	return 1
}

smallest= record=
for size in 64M 56M 48M 40M 32M; do
	outcome=$(try "$size") && smallest=$size
	record+="crashkernel=$size: $outcome"$'\n'
	diag "crashkernel=$size: $outcome"
	[ "$smallest" = "$size" ] || break
done
if [ -z "$smallest" ]; then
	for size in 80M 96M 128M 256M; do
		outcome=$(try "$size") && smallest=$size
		record+="crashkernel=$size: $outcome"$'\n'
		diag "crashkernel=$size: $outcome"
		[ -n "$smallest" ] && break
	done
fi
printf '%s, %s MiB guest, %s\n%ssmallest that captured: %s\n' "$release" "$KDK_GUEST_MEM" \
	"$(date -u +%Y-%m-%d)" "$record" "${smallest:-none}" > "$KDK_RUNS/crashkernel-$release.txt"
diag "smallest crashkernel that captured: ${smallest:-none} (recorded in $KDK_RUNS/crashkernel-$release.txt)"
[ -n "$smallest" ] && [ "${smallest%M}" -le 64 ]
ok $? "$release: the smallest crashkernel= that captures is ${smallest:-none} (target: 64M or less)"
done_testing
