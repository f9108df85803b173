# Lab test: fixture vmcores that no kdumpkit code wrote. For each lab kernel, a guest running the
# workload panics through sysrq (no capture kernel, panic=0) and QEMU dumps its memory as ELF and as
# kdump-zlib; Debian's crash opens each with the -dbg vmlinux and reads the booted kernel's release.
. "$(dirname "$0")/../lab.sh"

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	"$LAB_DIR/make-fixture" "$release" sysrq || bail "$release: make the sysrq fixture"
	fx=$KDK_CACHE/fixtures/$release/sysrq
	TAP_KEEP_DIRS+=("$(sed -n 's/^run=//p' "$fx/info")")

	grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$fx/serial.log"
	ok $? "$release: guest panicked through sysrq"
	procs=$(sed -n 's/.*KDK-LAB: workload started: \([0-9]*\) user processes.*/\1/p' "$fx/serial.log")
	[ "${procs:-0}" -ge 30 ]
	ok $? "$release: the crashed guest ran a workload (${procs:-no} user processes)"

	# ELF: a core file whose notes carry the guest's VMCOREINFO (from -device vmcoreinfo).
	[ "$(head -c 4 "$fx/vmcore.elf" | od -An -c | tr -d ' ')" = '177ELF' ] &&
		readelf -h "$fx/vmcore.elf" | grep -q 'CORE (Core file)'
	ok $? "$release: vmcore.elf is an ELF core ($(du -h "$fx/vmcore.elf" | cut -f1))"
	readelf -n "$fx/vmcore.elf" 2>/dev/null | grep -q VMCOREINFO
	ok $? "$release: vmcore.elf carries a VMCOREINFO note"
	[ "$(head -c 12 "$fx/vmcore.kdump-zlib")" = makedumpfile ]
	ok $? "$release: vmcore.kdump-zlib is QEMU's flattened kdump-compressed stream ($(du -h "$fx/vmcore.kdump-zlib" | cut -f1))"

	for dump in vmcore.elf vmcore.kdump-zlib; do
		got=$(lab_crash_release "$(lab_kernel_dir "$release")/vmlinux" "$fx/$dump")
		diag "$release $dump: $got"
		[[ "$got" == "RELEASE: $release "* ]]
		ok $? "$release: crash opens $dump with the -dbg vmlinux and reads RELEASE $release"
	done
done
done_testing
