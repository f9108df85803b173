# Lab test: the second crash class. The lab's oops_test module, built against Debian's headers for
# each lab kernel, writes through NULL when its proc file is written; with panic_on_oops the guest
# panics and its console names the module function. The dump QEMU takes is kept as a fixture.
. "$(dirname "$0")/../lab.sh"

# Where a module can be built (lab_has_headers): the host's linux-headers (6.1, 6.12) or sid's, in
# tests/lab/build-env's sid root (7.x).
for release in $KDK_LAB_KERNELS; do
	if ! lab_has_headers "$release"; then
		lab_skip "$release: no headers for $release, neither the host's nor sid's: the oops module cannot be built"
		continue
	fi
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	ko=$("$LAB_DIR/build-module" oops_test "$release") || bail "$release: build oops_test against linux-headers-$release"
	modinfo -F vermagic "$ko" | grep -q "^$release "
	ok $? "$release: oops_test.ko built with vermagic $release"

	lab_fixture "$release" oops || bail "$release: make the oops fixture"
	fx=$KDK_CACHE/fixtures/$release/oops
	TAP_KEEP_DIRS+=("$(sed -n 's/^run=//p' "$fx/info")")
	log=$fx/serial.log

	grep -q 'BUG: kernel NULL pointer dereference, address: 0000000000000000' "$log"
	ok $? "$release: the module's write through NULL oopses"
	rip=$(grep -m1 -o 'RIP: 0010:oops_test_do_deref+0x[0-9a-f]*/0x[0-9a-f]* \[oops_test\]' "$log")
	[ -n "$rip" ]
	ok $? "$release: the oops names the module function: ${rip:-no RIP line}"
	grep -q ' oops_test_handle_write+0x[0-9a-f]*/0x[0-9a-f]* \[oops_test\]' "$log"
	ok $? "$release: the Call Trace starts at the module's caller (oops_test_handle_write)"
	grep -q 'Kernel panic - not syncing: Fatal exception' "$log"
	ok $? "$release: panic_on_oops turned the oops into a panic"
	got=$(lab_release "$release" "$(lab_kernel_dir "$release")/vmlinux" "$fx/vmcore.elf")
	diag "$release oops vmcore.elf: $got"
	[[ "$got" == "RELEASE: $release "* ]]
	ok $? "$release: the reference reads RELEASE $release from the oops dump: $got"
done
done_testing
