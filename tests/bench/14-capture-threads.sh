# Benchmark: the capture kernel with one CPU and with two (kdumpctl's KDUMP_CPUS, issue 18) — a
# 2-CPU, 2 GiB TCG guest (QEMU's multi-threaded TCG: each vCPU a host thread) fills 768 MiB of
# tmpfs with text-like data, loads our capture kernel with nr_cpus=N and crashes; our capture
# /init saves the vmcore with `dumpsave -c -d 31` to an ext4 disk, in one compression thread per
# CPU it has, and prints how long that took. (-d 31 leaves the tmpfs data out, as page cache:
# what is compressed is the kernel's own memory, as in users' dumps.) Alternating rounds (KDK_BENCH_CAPTURE_ROUNDS, 2) of
# nr_cpus=1 and nr_cpus=2; the medians compared. Target: 2 CPUs ≥ 1.6× faster than 1, as for
# dumpsave's threads on the host (tests/bench/10-dumpsave.sh).
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/bench-lib.sh"
release=${KDK_BENCH_KERNEL:-$KDK_KERNEL_61}
rounds=${KDK_BENCH_CAPTURE_ROUNDS:-2}
export KDK_GUEST_CPUS=2 KDK_GUEST_MEM=2048
lab_kernel_fetch "$release" > /dev/null || exit 1
kdir=$(lab_kernel_dir "$release")
out=$KDK_BUILD/bench-capture
run=$(lab_run_dir "bench-capture-threads")
mkdir -p "$out"

cat > "$run/kdump.conf" <<'CONF'
ext4 LABEL=kdumptarget
path /var/crash
core_collector dumpsave -c --message-level 7 -d 31
extra_modules virtio_blk virtio_pci
CONF
"$KDK_BUILD/mkdumprd" --moddir "$kdir/root/lib/modules/$release" -c "$run/kdump.conf" \
	--init "$KDK_BUILD/static/kdump-init" "$run/capture.img" > "$run/mkdumprd.out" 2>&1 ||
	{ cat "$run/mkdumprd.out"; echo "bench: mkdumprd failed"; exit 1; }
"$LAB_DIR/initramfs" "$run/first.img" --kernel "$release" --run "$LAB_DIR/guest/capture-threads/run.sh" \
	--file "$kdir/vmlinuz:/vmlinuz" --file "$run/capture.img:/capture.img" \
	--file "$KDK_BUILD/static/kexec:/kdk/kexec" > /dev/null


# cycle CPUS — one crash and capture; prints the seconds the capture /init took for the vmcore.
cycle() {
	local cpus=$1 secs
	"$LAB_DIR/disk" make "$run/target.img" 1G kdumptarget 5e1f0c1e-0000-4000-8000-00000000be14 > /dev/null
	lab_qemu_start "$run" 900 -kernel "$kdir/vmlinuz" -initrd "$run/first.img" -no-reboot \
		-append "$(lab_cmdline_base) panic=-1 crashkernel=256M kdk_cpus=$cpus kdk_fill_mib=768" \
		-drive "file=$run/target.img,if=virtio,format=raw"
	lab_qemu_wait_exit "$run" 890 || { echo "bench: the $cpus-CPU cycle did not end (see $run/serial.log)" >&2; return 1; }
	cp "$run/serial.log" "$out/serial-$cpus-cpu.log"
	secs=$(grep -a '^kdump: saved .*/vmcore in ' "$run/serial.log" | tr -d '\r' | sed 's/.* in \([0-9.]*\) s.*/\1/' | tail -n 1)
	[ -n "$secs" ] || { echo "bench: the $cpus-CPU capture saved no vmcore (see $out/serial-$cpus-cpu.log)" >&2; return 1; }
	if [ "$cpus" -gt 1 ] && ! grep -aq "kdump: compressing in $cpus threads" "$run/serial.log"; then
		echo "bench: the $cpus-CPU capture did not compress in $cpus threads" >&2
		return 1
	fi
	echo "$secs"
}

echo "capture kernel, 1 CPU vs 2 (nr_cpus=N, dumpsave -c -d 31 in N threads), $release, 2 GiB guest, 768 MiB of text-like data, $rounds rounds"
alternate "$rounds" cycle '  round %s, %s CPU(s): vmcore saved in %s s\n' 1 2
one=$(median < "$out/t-1"); two=$(median < "$out/t-2")
speedup=$(ratio "$one" "$two")
printf 'median: 1 CPU %s s, 2 CPUs %s s: %s× faster (target ≥ 1.6×)\n' "$one" "$two" "$speedup"
awk -v s="$speedup" 'BEGIN { exit !(s >= 1.6) }' || missed "2 CPUs ${speedup}× faster than 1 (target ≥ 1.6×)"
rm -f "$run/target.img"
[ $status -eq 0 ] && echo "bench: the capture kernel's CPUs meet the target" || echo "bench: the capture kernel's CPUs miss a target (see above)"
exit $status
