# Benchmark: what one more CPU costs the capture kernel (KDUMP_CPUS=auto, issue 18) against the
# allowance kdumpctl reserves for it (CAPTURE_CPU_COST, systemd/capture_cpus.h).
#   kernel    each lab kernel (KDK_BENCH_CPU_KERNELS, default all of KDK_LAB_KERNELS) booted in a
#             4-CPU, 256 MiB TCG guest with the capture command line (tests/lab/guest/
#             capture-cycle.sh's, without its nr_cpus=1) and nr_cpus=1, 2 and 4; its /init reads
#             /proc/meminfo. Per CPU: what MemTotal loses (per-CPU areas reserved at boot) plus
#             what Slab, Percpu and KernelStack gain, from 1 to 4 CPUs, divided by 3. (MemFree is
#             not used: free pages parked on the new CPUs' page lists are not counted as free.)
#   dumpsave  the peak RSS of the static dumpsave that the capture /init runs, with 4 compression
#             threads against 1, on the 1 GiB kernel-made vmcore, for each codec, divided by 3.
# Target: kernel + dumpsave per CPU ≤ CAPTURE_CPU_COST on every kernel.
. "$(dirname "$0")/../lab/lab.sh"
. "$(dirname "$0")/bench-lib.sh"
kernels=${KDK_BENCH_CPU_KERNELS:-$KDK_LAB_KERNELS}
export KDK_GUEST_CPUS=4 KDK_GUEST_MEM=256   # every guest here (a retried boot too)
out=$KDK_BUILD/bench-capture-cpus
run=$(lab_run_dir "bench-capture-cpus")
mkdir -p "$out"
header=$KDK_TOP/systemd/capture_cpus.h
allowance=$(sed -n 's/^#define CAPTURE_CPU_COST (\([0-9]*\)ULL \* 1024 \* 1024)$/\1/p' "$header")
[ -n "$allowance" ] || { echo "bench: CAPTURE_CPU_COST not found in $header"; exit 1; }
allowance_kib=$((allowance * 1024))

# The dumpsave side: the same for every kernel.
release=$KDK_KERNEL_61
"$LAB_DIR/make-kernelmade" "$release" 1024 > /dev/null || { echo "bench: make-kernelmade $release failed"; exit 1; }
vmcore=$KDK_CACHE/fixtures/$release/kernelmade-1g/vmcore.elf
thread_kib=0
for codec in -l -c -z; do
	read -r _ rss1 _ <<< "$(timed "$out/o" "$KDK_BUILD/static/dumpsave" --num-threads 1 $codec -d 31 "$vmcore" "$out/o")"
	read -r _ rss4 _ <<< "$(timed "$out/o" "$KDK_BUILD/static/dumpsave" --num-threads 4 $codec -d 31 "$vmcore" "$out/o")"
	[ "$rss1" -gt 0 ] && [ "$rss4" -gt 0 ] || { echo "bench: dumpsave $codec failed"; exit 1; }
	per=$(((rss4 - rss1) / 3))
	printf 'dumpsave %s -d 31: peak RSS %s KiB with 1 thread, %s KiB with 4: %s KiB per thread\n' "$codec" "$rss1" "$rss4" "$per"
	[ "$per" -gt "$thread_kib" ] && thread_kib=$per
done
rm -f "$out/o"

# meminfo RELEASE CPUS — boots RELEASE with nr_cpus=CPUS; prints "MemTotal Slab Percpu KernelStack" in KiB.
meminfo() {
	local line
	lab_qemu_start "$run" 300 -kernel "$(lab_kernel_dir "$1")/vmlinuz" \
		-initrd "$run/probe-$1.img" -no-reboot -append "$append nr_cpus=$2"
	lab_qemu_wait_exit "$run" 290 > /dev/null 2>&1
	line=$(grep -a 'KDK-LAB: meminfo' "$run/serial.log" | tr -d '\r' | tail -n 1)
	case $line in *" cpus=$2 "*) ;; *) echo "bench: $1 with nr_cpus=$2 did not report its memory (see $out/serial-$1-$2.log)" >&2
		cp "$run/serial.log" "$out/serial-$1-$2.log"; return 1 ;; esac
	for key in MemTotal Slab Percpu KernelStack; do
		echo "$line" | sed -n "s/.* $key: \([0-9]*\) kB.*/\1/p"
	done | tr '\n' ' '
}

# the capture command line of tests/lab/guest/capture-cycle.sh, less its CPU count
append="console=ttyS0,115200 $("$LAB_DIR/capture-words" | sed -e 's/ *nr_cpus=[^ ]*//' -e 's/ *maxcpus=[^ ]*//') panic=-1 no5lvl"
printf '%s\n' 'lab_marker "meminfo cpus=$(grep -c ^processor /proc/cpuinfo) $(grep -E "^(MemTotal|Slab|Percpu|KernelStack):" /proc/meminfo | tr -s " " | tr "\n" " ")"' > "$run/meminfo.sh"
printf '\n%-28s %8s %8s %8s %8s %10s %10s %10s\n' kernel "total/cpu" "slab/cpu" "pcpu/cpu" "stack/cpu" "kernel/cpu" "+dumpsave" allowance
for release in $kernels; do
	lab_kernel_fetch "$release" > /dev/null || { missed "$release: not fetched"; continue; }
	"$LAB_DIR/initramfs" "$run/probe-$release.img" --kernel "$release" --run "$run/meminfo.sh" > /dev/null ||
		{ missed "$release: the probe initramfs failed"; continue; }
	one=$(meminfo "$release" 1) && four=$(meminfo "$release" 4) || { missed "$release: a boot failed"; continue; }
	read -r t1 s1 p1 k1 <<< "$one"; read -r t4 s4 p4 k4 <<< "$four"
	total=$(((t1 - t4) / 3)) slab=$(((s4 - s1) / 3)) pcpu=$(((p4 - p1) / 3)) stack=$(((k4 - k1) / 3))
	kernel=$((total + slab + pcpu + stack))
	printf '%-28s %7sK %7sK %7sK %8sK %9sK %9sK %9sK\n' "$release" "$total" "$slab" "$pcpu" "$stack" "$kernel" \
		"$((kernel + thread_kib))" "$allowance_kib"
	[ $((kernel + thread_kib)) -le "$allowance_kib" ] ||
		missed "$release: one more CPU costs $((kernel + thread_kib)) KiB, over CAPTURE_CPU_COST ($allowance_kib KiB)"
	rm -f "$run/probe-$release.img"
done
[ $status -eq 0 ] && echo "bench: every kernel's CPU fits CAPTURE_CPU_COST" || echo "bench: a kernel's CPU does not fit CAPTURE_CPU_COST (see above)"
exit $status
