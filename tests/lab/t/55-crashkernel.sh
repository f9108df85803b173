# Lab test: crashkernel= with kdumpkit's capture path (our kexec, mkdumprd initramfs, static
# capture /init, dumpsave -l -d 31), and whether `kdumpctl estimate` covers it.
#   1. 64M captures on the 6.1 cloud kernel, 1 GiB guest, ext4 target, with kexec_file_load and
#      with kexec_load (the reference busybox + kexec-tools + makedumpfile initramfs runs out of
#      memory at 64M: ../shared/lab-facts.md). Where the smallest size lies, in 1M steps, and the
#      kernel's own floor (a 9 KB /init) are issue 18's benchmark: tests/bench/18-crashkernel.sh
#      (~15 boots), which says whether 60M is reached.
#   2. The estimate's calibration: on every lab kernel (KDK_LAB_KERNELS), a 1 and a 2 GiB guest, a
#      local (ext4) and an ssh target, `kdumpctl estimate` is asked on the host about that kernel and
#      that capture image, and the guest crashes with crashkernel = recommended − margin. Each must
#      capture: then the measured minimum is at most recommended − margin, i.e. the recommendation
#      is at least the minimum plus the stated margin. With KDK_CALIBRATE=1 each configuration also
#      steps down 4M at a time to its first failure and the table says where each minimum lies.
# The oracle is the capture itself: vmcore complete on the target (the target's file system read on
# the host, or the private sshd's directory). One crash: tests/lab/crashkernel.sh (`try`).
. "$(dirname "$0")/../lab.sh"
. "$LAB_DIR/sshd.sh"
. "$LAB_DIR/crashkernel.sh"

for tool in kexec kdump-init kdump-init-ssh; do
	[ -x "$KDK_BUILD/static/$tool" ] || bail "$KDK_BUILD/static/$tool not built (make)"
done
[ -x "$KDK_BUILD/mkdumprd" ] && [ -x "$KDK_BUILD/kdumpctl" ] || bail "mkdumprd, kdumpctl not built (make)"
command -v busybox > /dev/null || bail "busybox (busybox-static) is needed for QEMU's guestfwd command"

srv=$(lab_run_dir ck-sshd)
remote=$srv/collector
mkdir -p "$remote"
sshd_setup "$srv" || bail "set up the private sshd"
sshd_start "$srv" || bail "start the private sshd"
trap 'sshd_stop "$srv"' EXIT
mac=52:54:00:4b:44:4b
ip_arg="ip=10.0.2.15::10.0.2.2:255.255.255.0::$mac:none"

# ---- 1. 64M on 6.1, 1 GiB, ext4, through each syscall ----------------------------------------
release=${KDK_CRASHKERNEL_KERNEL:-$KDK_KERNEL_61}
lab_kernel_fetch "$release" > /dev/null || bail "fetch $release"
# The first kernel's KASLR moves the region (944M, 848M, … in a 1 GiB guest): one that crosses a
# 128 MiB memory section boundary costs the capture kernel a second section's struct pages, 2 MiB
# (docs/benchmarks.md). 64M is held where the region lies in one section; where it crossed, 66M is.
crosses_section() {
	local r
	r=$(grep -oE 'region [0-9]+M-[0-9]+M' <<< "$1" | tr -dc '0-9 -' | tr -- '-' ' ')
	[ -n "$r" ] && set -- $r && [ $(($1 / 128)) -ne $((($2 - 1) / 128)) ]
}
for mode in -s -c; do
	syscall=$([ "$mode" = -s ] && echo kexec_file_load || echo kexec_load)
	outcome=$(try "$release" 1024 local 64M "$mode")
	rc=$?
	if [ $rc -ne 0 ] && crosses_section "$outcome"; then
		again=$(try "$release" 1024 local 66M "$mode")
		ok $? "$release, $syscall: crashkernel=64M did not capture with the region across a memory section boundary ($outcome); 66M, the 2 MiB of struct pages more, captures: $again"
	else
		ok $rc "$release, $syscall: crashkernel=64M captures: $outcome (the smallest size and the kernel's floor: make bench, tests/bench/18-crashkernel.sh)"
	fi
done

# ---- 2. kdumpctl estimate against captures -----------------------------------------------------
# estimate_of RELEASE TARGET MEM — "RECOMMENDED_MIB MARGIN_MIB" from kdumpctl estimate on the host,
# pointed at that kernel and capture image; the estimate's whole output in $est_out.
estimate_of() {
	local release=$1 target=$2 mem=$3 img dir
	img=$(images "$release" "$target") || return 1
	dir=$(lab_run_dir "ck-est-${release%%-*}-$target-$mem")
	mkdir -p "$dir/proc" "$dir/sys/kernel"
	printf 'MemTotal: %d kB\n' $((mem * 1024 - 60000)) > "$dir/proc/meminfo"
	printf '%s\n' "KDUMP_KERNEL=$(lab_kernel_dir "$release")/vmlinuz" "KDUMP_INITRD=$img/capture.img" \
		"KDUMP_KERNELVER=$release" > "$dir/kdump.settings"
	est_out=$dir/estimate.out
	"$KDK_BUILD/kdumpctl" --settings "$dir/kdump.settings" --proc "$dir/proc" --sysfs "$dir/sys" estimate \
		> "$est_out" 2>&1 || { cat "$est_out" >&2; return 1; }
	echo "$(sed -n 's/^Recommended crashkernel: \([0-9]*\)M$/\1/p' "$est_out") $(sed -n 's/^margin: \([0-9]*\) MiB.*/\1/p' "$est_out")"
}

table="release mem target: recommended margin tried result"$'\n'
for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" > /dev/null || bail "fetch $release"
	for mem in 1024 2048; do
		for target in local ssh; do
			est_out=
			estimate_of "$release" "$target" "$mem" > "$srv/estimate.now" || true
			read -r rec margin < "$srv/estimate.now" || true
			if [ -z "${rec:-}" ] || [ -z "${margin:-}" ]; then
				ok 1 "$release ${mem} MiB $target: kdumpctl estimate gave a recommendation and a margin ($est_out)"
				continue
			fi
			size=$((rec - margin))
			outcome=$(try "$release" "$mem" "$target" "${size}M")
			ok $? "$release, ${mem} MiB guest, $target target: estimate ${rec}M − margin ${margin}M = ${size}M captures: $outcome"
			line="$release $mem $target: ${rec}M ${margin}M ${size}M $outcome"
			if [ "${KDK_CALIBRATE:-0}" = 1 ]; then
				low=$size
				while [ "$low" -gt 40 ]; do
					low=$((low - 4))
					below=$(try "$release" "$mem" "$target" "${low}M") || { line+="; ${low}M: $below"; break; }
					line+="; ${low}M: saved"
				done
			fi
			diag "$line"
			table+="$line"$'\n'
		done
	done
done
printf '%s' "$table" > "$KDK_RUNS/crashkernel-estimate.txt"
diag "table in $KDK_RUNS/crashkernel-estimate.txt"
done_testing
