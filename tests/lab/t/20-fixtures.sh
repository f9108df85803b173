# Lab test: fixture vmcores that no kdumpkit code wrote. For each lab kernel, a guest running the
# workload panics through sysrq (no capture kernel, panic=0) and QEMU dumps its memory as ELF and as
# kdump-zlib; Debian's crash opens each with the -dbg vmlinux and reads the booted kernel's release
# (6.1; on 6.12 and 7.x the kernel's banner in the image and makedumpfile -R stand in).
. "$(dirname "$0")/../lab.sh"

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	lab_fixture "$release" sysrq || bail "$release: make the sysrq fixture"
	fx=$KDK_CACHE/fixtures/$release/sysrq
	TAP_KEEP_DIRS+=("$(sed -n 's/^run=//p' "$fx/info")")
	work=$(lab_run_dir "fixtures-$release")

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

	case $release in
	6.1.*)
		for dump in vmcore.elf vmcore.kdump-zlib; do
			got=$(lab_crash_release "$(lab_kernel_dir "$release")/vmlinux" "$fx/$dump")
			diag "$release $dump: $got"
			[[ "$got" == "RELEASE: $release "* ]]
			ok $? "$release: crash opens $dump with the -dbg vmlinux and reads RELEASE $release"
		done ;;
	*)
		# crash 8.0.2 aborts at random on 6.12 and cannot read 7.x; drgn 0.0.22 reads neither
		# QEMU's ELF ("recursive address translation") nor its kdump file (no arch in the
		# header). The kernel's own banner in the memory image, and makedumpfile's reassembly
		# of the flattened stream with the VMCOREINFO QEMU wrote into it, stand in.
		LC_ALL=C grep -a -q -F "Linux version $release (" "$fx/vmcore.elf"
		ok $? "$release: vmcore.elf's memory holds the booted kernel's banner (Linux version $release; crash cannot read this kernel reliably)"
		makedumpfile -R "$work/zlib.kdump" < "$fx/vmcore.kdump-zlib" > "$work/R.out" 2>&1 &&
			got=$(python3 -c 'import re, struct, sys
f = open(sys.argv[1], "rb"); d = f.read(65536)
bs, = struct.unpack_from("<i", d, 428)
off, size = struct.unpack_from("<QQ", d, bs + 32)
f.seek(off); print(re.search(rb"OSRELEASE=(\S+)", f.read(size)).group(1).decode())' "$work/zlib.kdump" 2> /dev/null)
		# QEMU leaves the header's utsname empty (machine only): the sub-header's VMCOREINFO
		is "${got:-}" "$release" "$release: makedumpfile -R reassembles vmcore.kdump-zlib; the VMCOREINFO QEMU put in it names the booted release"
		rm -f "$work/zlib.kdump" ;;
	esac
done
done_testing
