# Lab test: our kexec and purgatory load and start real kernels, on every lab kernel.
#   boot 1 (crashkernel=256M): --status, kexec -c -p -d (its crash memory ranges against Debian's
#          kexec -c -p -d on the same guest), -u -p, then kexec -s -p and a crash: the capture kernel
#          boots and reads /proc/vmcore end to end.
#   boot 2 (crashkernel=256M): kexec -c -p and a crash, checked the same way. On a kernel built
#          with CONFIG_CRASH_HOTPLUG (6.12, 7.x; the test reads the config to choose the scenario,
#          kexec asks sysfs): QEMU -m …,slots=2,maxmem=2G, and after the load a 512 MiB pc-dimm
#          is hot-added over QMP and onlined (memhp_default_state=online); kexec -c -p set
#          KEXEC_UPDATE_ELFCOREHDR (crash_hotplug reads 1 for the loaded image) so the kernel
#          rewrites our elfcorehdr: /proc/vmcore's PT_LOADs must cover the DIMM too.
#   Both boots: kexec -d says whether the kernel can update the elfcorehdr (crash_elfcorehdr_size)
#   and how big the segment is; crash_hotplug after each load agrees.
#   boot 3 (crashkernel=256M): a region too small for what is asked (both syscalls), then a load
#          with a wrong digest on purpose: purgatory refuses and no kernel starts.
#   boot 4 (no crashkernel=): the errors for no region and for -e with nothing loaded, then
#          kexec -c -l and kexec -e start the second kernel.
# Boots 1 and 2 (both syscalls, a capture each) run on every lab kernel; boots 3 and 4 test
# kexec's own error paths and kexec -e, on KDK_LAB_KERNELS_SHORT (time budget, docs/lab.md).
# /proc/vmcore's PT_LOADs must cover exactly System RAM minus the crashkernel region minus the
# first 1 MiB, from the first kernel's /proc/iomem: the first 1 MiB is RAM for the capture kernel
# (its real-mode trampoline), so neither the kernel's own kexec_file elfcorehdr nor ours dumps it.
. "$(dirname "$0")/../lab.sh"

KEXEC=$KDK_BUILD/static/kexec
REF_KEXEC=$(command -v kexec) || bail "Debian's kexec-tools (the reference peer) is not installed"
[ -x "$KEXEC" ] || bail "$KEXEC not built (make)"
CHECK=$LAB_DIR/kexec-check.py

# boot RUN RELEASE CMDLINE_EXTRA — start the first kernel with the scenario initramfs.
boot() {
	local run=$1 release=$2 kdir
	kdir=$(lab_kernel_dir "$release")
	lab_qemu_start "$run" 400 -kernel "$kdir/vmlinuz" -initrd "$first_img" -no-reboot \
		-append "$(lab_cmdline_base) panic=-1 $3"
}

section_rc() { python3 "$CHECK" rc "$1/serial.log" "$2" 2>&1; }
section() { python3 "$CHECK" section "$1/serial.log" "$2" 2>&1; }
# The first "CRASH MEMORY RANGES" block of -d output: its heading and its "start-end (type)" lines.
ranges_block() {
	sed -n '/^CRASH MEMORY RANGES/,$p' |
		awk 'NR == 1 { print; next } /^[0-9a-f]+-[0-9a-f]+ \([0-9]+\)$/ { print; next } { exit }'
}

# check_capture RUN RELEASE HOW [IOMEM_SECTION] — the capture kernel booted and its /proc/vmcore
# is whole: its PT_LOADs are the RAM of the first kernel's /proc/iomem (as printed in that section).
check_capture() {
	local run=$1 release=$2 how=$3 iomem=${4:-iomem} want got summary size bytes
	lab_wait_text "$run" "KDK-LAB: vmcore read end to end" 240
	ok $? "$release $how: the capture kernel booted to its /init and read /proc/vmcore"
	want=$(python3 "$CHECK" iomem-dump "$run/serial.log" "$iomem" 2>&1 | tr '\n' ' ')
	got=$(python3 "$CHECK" vmcore-loads "$run/serial.log" 2>&1 | tr '\n' ' ')
	diag "$release $how: System RAM - crashkernel - first 1 MiB: $want"
	is "$got" "$want" "$release $how: /proc/vmcore's PT_LOADs cover exactly that"
	summary=$(python3 "$CHECK" vmcore-summary "$run/serial.log" 2>&1)
	diag "$release $how: /proc/vmcore: $summary"
	[[ "$summary" == "prstatus=$KDK_GUEST_CPUS vmcoreinfo=1 "* ]]
	ok $? "$release $how: one NT_PRSTATUS per CPU ($KDK_GUEST_CPUS) and the VMCOREINFO note"
	size=${summary##*size=}
	bytes=$(sed -n 's/.*KDK-LAB: vmcore read end to end: \([0-9]*\) bytes.*/\1/p' "$run/serial.log" | tr -d '\r')
	is "$bytes" "$size" "$release $how: reading /proc/vmcore end to end gave all $size bytes"
	lab_qemu_wait_exit "$run" 60 || lab_qemu_kill "$run"
}

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" || bail "fetch $release"
	kdir=$(lab_kernel_dir "$release")
	imgs=$(lab_run_dir "kx-img-$release")
	"$LAB_DIR/initramfs" "$imgs/capture.img" --kernel "$release" \
		--run "$LAB_DIR/guest/kexec-scenarios.sh" || bail "$release: capture initramfs"
	mapfile -t ref_files < <(lab_binary_files "$REF_KEXEC" /ref/kexec)
	first_img=$imgs/first.img
	"$LAB_DIR/initramfs" "$first_img" --kernel "$release" --run "$LAB_DIR/guest/kexec-scenarios.sh" \
		--file "$kdir/vmlinuz:/vmlinuz" --file "$imgs/capture.img:/capture.img" \
		--file "$KEXEC:/kdk/kexec" "${ref_files[@]}" || bail "$release: first-kernel initramfs"

	# ---- boot 1: -d against the reference, --status, -u, then kexec_file_load and a crash ----
	run=$(lab_run_dir "kx1-$release")
	boot "$run" "$release" "crashkernel=256M kdk_scenario=ref-s"
	lab_wait_text "$run" "KDK-LAB: crashing" 200
	ok $? "$release: boot 1 reached the crash"
	is "$(section_rc "$run" status-before)" 0 "$release: kexec --status exits 0 before any load"
	is "$(section_rc "$run" ours-d)" 0 "$release: kexec -c -p -d loads"
	grep -q 'KDK-LAB: status-loaded end rc=1' "$run/serial.log"
	ok $? "$release: kexec -S exits 1 with the crash kernel loaded"
	grep -A1 'KDK-LAB: ours-d end' "$run/serial.log" | grep -q 'kexec_crash_loaded=1'
	ok $? "$release: /sys/kernel/kexec_crash_loaded reads 1 after kexec -c -p"
	grep -A1 'KDK-LAB: unload end rc=0' "$run/serial.log" | grep -q 'kexec_crash_loaded=0'
	ok $? "$release: kexec -u -p unloads (kexec_crash_loaded back to 0)"
	is "$(section_rc "$run" status-unloaded)" 0 "$release: kexec -S exits 0 after the unload"
	ours=$(section "$run" ours-d | ranges_block)
	theirs=$(section "$run" reference-d | ranges_block)
	diag "$release: our crash memory ranges: $(echo "$ours" | tail -n +2 | tr '\n' ' ')"
	[ -n "$theirs" ] && [ "$ours" = "$theirs" ]
	ok $? "$release: kexec -c -p -d prints the same crash memory ranges as Debian's kexec -c -p -d"
	is "$(section_rc "$run" load-s)" 0 "$release: kexec -s -p loads (kexec_file_load)"
	grep -A1 'KDK-LAB: load-s end' "$run/serial.log" | grep -q 'kexec_crash_loaded=1'
	ok $? "$release: kexec_crash_loaded reads 1 after kexec -s -p"
	# Crash hotplug: what kexec -d said against what sysfs says (the test's side: the config).
	said=$(section "$run" ours-d | grep '^crash hotplug: ')
	state=$(grep -a -A2 'KDK-LAB: load-s end' "$run/serial.log" | grep -o 'crash_hotplug .*' | tr -d '\r')
	if grep -q '^CONFIG_CRASH_HOTPLUG=y' "$kdir/config"; then
		hdr_size=$(sed -n 's/.*elfcorehdr_size=\([0-9]*\)$/\1/p' <<< "$state")
		seg=$(sed -n 's/.*: segment of \([0-9]*\) bytes, outside the digest, KEXEC_UPDATE_ELFCOREHDR$/\1/p' <<< "$said")
		[ -n "$hdr_size" ] && [ -n "$seg" ] && [ "$seg" -ge "$hdr_size" ] &&
			grep -q "the kernel updates the elfcorehdr (/sys/kernel/crash_elfcorehdr_size: $hdr_size bytes)" <<< "$said"
		ok $? "$release (CRASH_HOTPLUG): kexec -c -p -d sizes the elfcorehdr for the kernel's updates: \"$said\" ($state)"
		[[ "$state" == "crash_hotplug memory=1 cpu=1 "* ]]
		ok $? "$release: after kexec -s -p the kernel updates the loaded elfcorehdr itself: $state"
	else
		grep -q 'no crash_elfcorehdr_size under /sys: the kernel cannot update the elfcorehdr' <<< "$said"
		ok $? "$release (no CRASH_HOTPLUG): kexec -c -p -d says the kernel cannot update the elfcorehdr: \"$said\""
		[ "$state" = "crash_hotplug memory=absent cpu=absent elfcorehdr_size=absent" ]
		ok $? "$release: no crash_hotplug in sysfs (reloads must follow hotplug): $state"
	fi
	check_capture "$run" "$release" "kexec -s -p"

	# ---- boot 2: kexec_load (our elfcorehdr, boot_params, purgatory) and a crash -------------
	run=$(lab_run_dir "kx2-$release")
	if grep -q '^CONFIG_CRASH_HOTPLUG=y' "$kdir/config"; then
		KDK_GUEST_MEM="$KDK_GUEST_MEM,slots=2,maxmem=2G" boot "$run" "$release" \
			"crashkernel=256M kdk_scenario=crash-c kdk_hotplug=1 memhp_default_state=online"
		lab_wait_text "$run" "KDK-LAB: hotplug: waiting for memory" 200
		lab_qmp "$run" '{"execute": "object-add", "arguments": {"qom-type": "memory-backend-ram", "id": "hp0", "size": 536870912}}' \
			'{"execute": "device_add", "arguments": {"driver": "pc-dimm", "id": "dimm0", "memdev": "hp0"}}'
		ok $? "$release: a 512 MiB pc-dimm hot-added over QMP after kexec -c -p ($(tail -n 1 "$run/qmp.log" 2> /dev/null))"
	else
		boot "$run" "$release" "crashkernel=256M kdk_scenario=crash-c"
	fi
	lab_wait_text "$run" "KDK-LAB: crashing" 200
	ok $? "$release: boot 2 reached the crash"
	is "$(section_rc "$run" load-c)" 0 "$release: kexec -c -p loads (kexec_load)"
	grep -A1 'KDK-LAB: load-c end' "$run/serial.log" | grep -q 'kexec_crash_loaded=1'
	ok $? "$release: kexec_crash_loaded reads 1 after kexec -c -p"
	if grep -q '^CONFIG_CRASH_HOTPLUG=y' "$kdir/config"; then
		state=$(grep -a -A2 'KDK-LAB: load-c end' "$run/serial.log" | grep -o 'crash_hotplug .*' | tr -d '\r')
		[[ "$state" == "crash_hotplug memory=1 cpu=1 "* ]]
		ok $? "$release: the kernel took KEXEC_UPDATE_ELFCOREHDR: it updates our kexec_load elfcorehdr ($state)"
		before=$(python3 "$CHECK" iomem-dump "$run/serial.log" 2>&1 | tr '\n' ' ')
		after=$(python3 "$CHECK" iomem-dump "$run/serial.log" iomem-hotplugged 2>&1 | tr '\n' ' ')
		added=$(comm -13 <(tr ' ' '\n' <<< "$before" | sort) <(tr ' ' '\n' <<< "$after" | sort) | grep . | tr '\n' ' ')
		[ -n "$added" ]
		ok $? "$release: the DIMM is System RAM in /proc/iomem: new range(s) $added($(grep -ao 'hotplug: memory blocks online [0-9]*' "$run/serial.log"))"
		check_capture "$run" "$release" "kexec -c -p + hot-added DIMM" iomem-hotplugged
	else
		check_capture "$run" "$release" "kexec -c -p"
	fi

	if ! lab_short "$release"; then
		lab_skip "$release: boots 3 and 4 (a region too small, a wrong digest, no crashkernel=, kexec -e) test kexec's own paths: run on $KDK_LAB_KERNELS_SHORT only (time budget, docs/lab.md)"
		continue
	fi

	# ---- boot 3: a region too small, then a wrong digest: purgatory must not jump ------------
	run=$(lab_run_dir "kx3-$release")
	boot "$run" "$release" "crashkernel=256M kdk_scenario=corrupt"
	lab_wait_text "$run" "KDK-LAB: crashing" 200
	ok $? "$release: boot 3 reached the crash"
	msg=$(section "$run" too-small-c)
	[ "$(section_rc "$run" too-small-c)" = 1 ] && grep -q 'crashkernel region holds 256 MiB but the capture kernel needs about' <<< "$msg"
	ok $? "$release: kexec -c -p with a 286 MiB initrd says the region is too small: $msg"
	msg=$(section "$run" too-small-s)
	[ "$(section_rc "$run" too-small-s)" = 1 ] && grep -q 'crashkernel= region is missing or too small' <<< "$msg"
	ok $? "$release: kexec -s -p says the same in its words: $msg"
	is "$(section_rc "$run" load-corrupt)" 0 "$release: kexec -c -p --test-corrupt-digest loads"
	lab_wait_text "$run" "kdumpkit purgatory: SHA-256 mismatch" 60
	ok $? "$release: purgatory reports the digest mismatch on the serial port"
	sleep 20
	panic_line=$(grep -an 'Kernel panic - not syncing' "$run/serial.log" | head -n 1 | cut -d: -f1)
	started=$(tail -n +"${panic_line:-1}" "$run/serial.log" | grep -ac 'Linux version')
	[ -n "$panic_line" ] && [ "$started" = 0 ] && lab_qemu_running "$run"
	ok $? "$release: 20 s after the mismatch no kernel has started (the guest sits halted in purgatory)"
	lab_qemu_kill "$run"

	# ---- boot 4: no crashkernel=: errors, then kexec -c -l and kexec -e ----------------------
	run=$(lab_run_dir "kx4-$release")
	boot "$run" "$release" "kdk_scenario=exec-l"
	lab_wait_text "$run" "KDK-LAB: second kernel up via kexec -e" 200
	ok $? "$release: kexec -c -l then kexec -e started the second kernel (its /init marker)"
	msg=$(section "$run" no-region-c)
	[ "$(section_rc "$run" no-region-c)" = 1 ] && grep -q 'add crashkernel=' <<< "$msg"
	ok $? "$release: kexec -c -p without crashkernel= says to add it: $msg"
	msg=$(section "$run" no-region-s)
	[ "$(section_rc "$run" no-region-s)" = 1 ] && grep -q 'add crashkernel=' <<< "$msg"
	ok $? "$release: kexec -s -p without crashkernel= says to add it: $msg"
	msg=$(section "$run" exec-nothing)
	[ "$(section_rc "$run" exec-nothing)" = 1 ] && grep -q 'nothing has been loaded' <<< "$msg"
	ok $? "$release: kexec -e with nothing loaded says so: $msg"
	grep -q 'KDK-LAB: status-l end rc=1' "$run/serial.log"
	ok $? "$release: kexec -l -S exits 1 with a kexec kernel loaded"
	lab_qemu_wait_exit "$run" 60 || lab_qemu_kill "$run"
done
done_testing
