# Lab test: each lab kernel boots under TCG to the lab /init marker, loads its virtio modules, reads
# a file the host wrote to an ext4 disk (label + UUID), and writes one the host reads back (debugfs).
. "$(dirname "$0")/../lab.sh"

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release (image, modules, -dbg vmlinux)"
	kdir=$(lab_kernel_dir "$release")
	for f in vmlinuz System.map config vmlinux root/lib/modules/$release/modules.dep; do
		[ -s "$kdir/$f" ] || bail "$release: $f in the cache"
	done
	ok 0 "$release: fetched image, System.map, modules (depmod) and -dbg vmlinux"

	run=$(lab_run_dir "boot-$release")
	mkdir -p "$run/disk-files"
	head -c 1000000 /dev/urandom > "$run/disk-files/from-host.bin"
	want_sha=$(sha256sum "$run/disk-files/from-host.bin" | cut -d' ' -f1)
	uuid=5e1f0c1e-0000-4000-8000-0000000000b0
	"$LAB_DIR/disk" make "$run/disk.img" 32M LABBOOT "$uuid" "$run/disk-files" > /dev/null
	is "$("$LAB_DIR/disk" uuid "$run/disk.img")" "$uuid" "$release: disk image has the UUID asked for"
	"$LAB_DIR/initramfs" "$run/initrd.img" --kernel "$release" --module virtio_pci --module virtio_blk \
		--run "$LAB_DIR/guest/disk-roundtrip.sh" || bail "$release: build the guest initramfs"

	start=$(date +%s.%N)
	lab_qemu_start "$run" 240 -kernel "$kdir/vmlinuz" -initrd "$run/initrd.img" -no-reboot \
		-append "$(lab_cmdline_base) panic=-1" -drive "file=$run/disk.img,if=virtio,format=raw"
	lab_wait_text "$run" "KDK-LAB: init started kernel=$release" 180
	ok $? "$release: booted to the lab /init marker ($(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") s)"
	lab_wait_marker "$run" 'KDK-LAB: (disk written|mount /dev/vda failed)' 60
	got_sha=$(sed -n 's/.*KDK-LAB: host file sha: \([0-9a-f]*\).*/\1/p' "$run/serial.log")
	is "$got_sha" "$want_sha" "$release: guest read the host's file from the virtio disk"
	lab_qemu_wait_exit "$run" 60
	ok $? "$release: guest powered off by itself"
	rm -f "$run/from-guest.txt"
	"$LAB_DIR/disk" get "$run/disk.img" /from-guest.txt "$run/from-guest.txt" 2> "$run/debugfs.err"
	is "$(cat "$run/from-guest.txt" 2>/dev/null)" "$release" "$release: host read back the file the guest wrote (debugfs)"
done
done_testing
