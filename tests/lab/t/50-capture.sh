# Lab test: the whole capture path with kdumpkit's tools only, on every lab kernel. The first
# kernel loads the capture kernel with our kexec and an initramfs from our mkdumprd (our static
# capture /init, kdump.conf, the disk's modules), then crashes; the capture /init saves the dump.
#   1. ext4 target by LABEL: vmcore + vmcore-dmesg.txt in /var/crash/127.0.0.1-<date>/; Debian's
#      crash opens the vmcore and its bt names sysrq_handle_crash (6.12: crash cannot run bt
#      there, and drgn 0.0.22 cannot unwind 6.12's ORC; the stand-in is the kernel's own Call
#      Trace as drgn reads the log out of our vmcore).
#   2. the module-oops crash class, saved the same way.
#   3. target disk missing: failure_action poweroff, with the reason on the console.
#   4. target missing, failure_action dump_to_rootfs: a second disk plays the root filesystem
#      (root= on the capture command line) and then holds the dump.
#   5. target full: vmcore-incomplete stays, marked incomplete, and failure_action runs.
#   7. the collector dies while it writes vmcore (a kdump_pre hook, tests/lab/guest/kill-collector.sh,
#      leaves a process that sends it SIGSEGV): PID 1 lives on, removes the dead collector's
#      vmcore-incomplete, saves again at dump level 0 in one thread, says why on the console and
#      in vmcore-level.txt, and runs final_action; the reference opens that vmcore.
#   6. a dump whose VMCOREINFO lacks a key level 31 needs: the first kernel loads vmcoreinfo_edit
#      (tests/lab/modules/) before kexec -p, which renames NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE) in its
#      vmcoreinfo_data; the capture /init saves at a lower level (6.1: no other source) and says
#      why on the console and in vmcore-level.txt (docs/formats/kfacts.md) — or, where the dump's
#      BTF answers (6.11+: PGTY_buddy), at 31 naming that source — and runs final_action.
# Every lab kernel runs 1; 2 and 6 need a test module (lab_has_headers: the host's or sid's headers); 3-5
# and 7 test the capture /init's failure paths, which do not depend on the kernel
# (KDK_LAB_KERNELS_SHORT).
# On 6.12 and 7.x drgn stands in for crash (crash 8.0.2 aborts at random on 6.12, cannot read 7.x).
. "$(dirname "$0")/../lab.sh"

for tool in kexec kdump-init; do
	[ -x "$KDK_BUILD/static/$tool" ] || bail "$KDK_BUILD/static/$tool not built (make)"
done
[ -x "$KDK_BUILD/mkdumprd" ] || bail "$KDK_BUILD/mkdumprd not built (make)"
inspect=$KDK_BUILD/tests/tools/dump-inspect

# capture_run NAME RELEASE CONF CMDLINE_EXTRA [EXTRA-MODULE-KO] — build both initramfs images and
# boot; DISK_ARGS (array) holds the -drive options. Sets $run. Waits for QEMU to end.
capture_run() {
	local name=$1 release=$2 conf=$3 extra=$4 ko=${5:-} kdir
	kdir=$(lab_kernel_dir "$release")
	run=$(lab_run_dir "cap-$name-$release")
	cp "$conf" "$run/kdump.conf"
	lab_capture_images "$run" "$release" "$run/kdump.conf" "$ko" || return 1
	lab_qemu_start "$run" 400 -kernel "$kdir/vmlinuz" -initrd "$run/first.img" -no-reboot \
		-append "$(lab_cmdline_base) panic=-1 crashkernel=256M $extra" "${DISK_ARGS[@]}"
	lab_qemu_wait_exit "$run" 390
}

# dump_dir IMG — the one dump directory under /var/crash on a disk image.
dump_dir() { "$LAB_DIR/disk" ls "$1" /var/crash 2>/dev/null | grep '^127\.0\.0\.1-' | head -n 1; }

# release_of RELEASE VMLINUX DUMP — "RELEASE: r (oracle)": crash on 6.1; drgn on 6.12 and 7.x.
release_of() {
	case $1 in
	6.1.*) lab_crash_release "$2" "$3" ;;
	*) echo "RELEASE: $(/usr/bin/python3 -c "import drgn, sys
p = drgn.Program(); p.set_core_dump(sys.argv[1]); p.load_debug_info([sys.argv[2]])
print(p['init_uts_ns'].name.release.string_().decode())" "$3" "$2" 2> /dev/null) (drgn standing in for crash)" ;;
	esac
}

mkdisk() { "$LAB_DIR/disk" make "$1" "$2" "$3" "$4" > /dev/null || bail "make disk $1"; }

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	work=$(lab_run_dir "cap-work-$release")
	# Step 1 compresses with zstd on the 6.12 kernel (mkdumprd then packs kdump-init-zstd: the
	# default kdump-init has no libzstd), with lzo on the others.
	case $release in 6.12.*) codec=-z codec_bit=0x20 init_name=kdump-init-zstd ;;
	*) codec=-l codec_bit=0x2 init_name=kdump-init ;; esac
	printf '%s\n' "ext4 LABEL=kdktarget" "path /var/crash" \
		"core_collector dumpsave $codec --message-level 7 -d 31" \
		"extra_modules virtio_blk virtio_pci" > "$work/good.conf"

	# ---- 1. sysrq crash, saved to an ext4 target found by its label ------------------------
	mkdisk "$work/target.img" 512M kdktarget 5e1f0c1e-0000-4000-8000-0000000000c1
	DISK_ARGS=(-drive "file=$work/target.img,if=virtio,format=raw")
	capture_run sysrq "$release" "$work/good.conf" ""
	ok $? "$release: first kernel crashed, capture kernel ran our /init, QEMU ended ($(grep -o 'wrote.*KiB (' "$run/mkdumprd.out" | head -c 60)…)"
	grep -q 'KDK-LAB: kexec -p rc=0 kexec_crash_loaded=1' "$run/serial.log"
	ok $? "$release: our kexec loaded the capture kernel with our mkdumprd initramfs"
	grep -qE "/init from [^,]*/$init_name," "$run/mkdumprd.out"
	ok $? "$release: core_collector $codec: mkdumprd packed $init_name ($(grep -o '/init from [^,]*' "$run/mkdumprd.out"))"
	grep -q 'kdump: dump saved in /kdumproot/var/crash/127.0.0.1-' "$run/serial.log"
	ok $? "$release: the capture /init says where it saved the dump"
	grep -aq 'kdump: memset, memcpy: vector stores below 1 MiB (GLIBC_TUNABLES, /init restarted)' "$run/serial.log"
	ok $? "$release: the /init restarted itself with glibc's vector memset and memcpy (capture/system.c)"
	grep -aq 'kdump: final_action reboot' "$run/serial.log"
	ok $? "$release: then final_action reboot (the default) ran"
	dir=$(dump_dir "$work/target.img")
	files=$("$LAB_DIR/disk" ls "$work/target.img" "/var/crash/$dir" | grep -v '^\.' | sort | tr '\n' ' ')
	is "$files" "vmcore vmcore-dmesg.txt " "$release: /var/crash/$dir holds vmcore and vmcore-dmesg.txt, nothing incomplete"
	"$LAB_DIR/disk" get "$work/target.img" "/var/crash/$dir/vmcore" "$work/vmcore" &&
		"$LAB_DIR/disk" get "$work/target.img" "/var/crash/$dir/vmcore-dmesg.txt" "$work/vmcore-dmesg.txt"
	ok $? "$release: both copied back with debugfs ($(stat -c %s "$work/vmcore" 2>/dev/null) bytes of vmcore)"
	status=$(python3 -c "import struct,sys; print(hex(struct.unpack_from('<I', open(sys.argv[1],'rb').read(428), 424)[0]))" "$work/vmcore" 2>&1)
	(( status & codec_bit ))
	ok $? "$release: the vmcore's pages are compressed as $codec asked (disk_dump_header.status $status, bit $codec_bit)"
	grep -q 'Kernel panic - not syncing: sysrq triggered crash' "$work/vmcore-dmesg.txt"
	ok $? "$release: vmcore-dmesg.txt holds the panic: $(grep -o "Kernel panic - not syncing: .*" "$work/vmcore-dmesg.txt" | head -n 1)"
	# crash's sys and bt of the vmcore (6.1) from one session (~7 s per start)
	case $release in 6.1.*)
		LAB_CRASH_CACHE=$work/crash
		lab_crash_prefetch "$LAB_CRASH_CACHE" "$vmlinux" "$work/vmcore" sys bt || true ;;
	esac
	got=$(release_of "$release" "$vmlinux" "$work/vmcore")
	[[ "$got" == "RELEASE: $release "* ]]
	ok $? "$release: the reference opens our vmcore: $got"
	case $release in 6.1.*) bt=$(lab_crash "$vmlinux" "$work/vmcore" bt) ;; *) bt= ;; esac
	LAB_CRASH_CACHE=
	if grep -q 'sysrq_handle_crash' <<< "$bt"; then
		ok 0 "$release: crash's bt of the panic task names sysrq_handle_crash"
	else
		log=$(/usr/bin/python3 "$LAB_DIR/drgn-log.py" "$work/vmcore" "$vmlinux" 2>&1)
		grep -q 'sysrq_handle_crash' <<< "$log"
		ok $? "$release: the kernel's Call Trace in the log drgn reads from our vmcore names sysrq_handle_crash (standing in for crash's bt: 6.1 only)"
	fi
	# The dump was saved at the level asked (no fallback), from the kernel's own /proc/vmcore.
	is "$(lab_dump_level "$work/vmcore")" 31 "$release: saved at dump level 31 (kdump_sub_header)"

	# ---- 6. VMCOREINFO without NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE): a lower level, final_action -
	if lab_has_headers "$release"; then
		edit_ko=$("$LAB_DIR/build-module" vmcoreinfo_edit "$release") || bail "$release: build vmcoreinfo_edit"
		printf '%s\n' "ext4 LABEL=kdktarget" "path /var/crash" \
			"core_collector dumpsave -l --message-level 31 -d 31" \
			"extra_modules virtio_blk virtio_pci" "final_action poweroff" "failure_action reboot" > "$work/nokey.conf"
		mkdisk "$work/target6.img" 512M kdktarget 5e1f0c1e-0000-4000-8000-0000000000c6
		DISK_ARGS=(-drive "file=$work/target6.img,if=virtio,format=raw")
		capture_run nokey "$release" "$work/nokey.conf" "" "$edit_ko"
		grep -aq 'vmcoreinfo_edit: VMCOREINFO key NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE) renamed' "$run/serial.log"
		ok $? "$release: the first kernel's VMCOREINFO lost the key: $(grep -ao 'vmcoreinfo_edit: VMCOREINFO .*' "$run/serial.log" | head -n 1 | tr -d '\r')"
		dir=$(dump_dir "$work/target6.img")
		"$LAB_DIR/disk" get "$work/target6.img" "/var/crash/$dir/vmcore" "$work/vmcore-nokey" 2> /dev/null
		ok $? "$release: the capture /init saved a vmcore all the same (/var/crash/$dir)"
		"$LAB_DIR/disk" get "$work/target6.img" "/var/crash/$dir/vmcore-level.txt" "$work/level.txt" 2> /dev/null
		if [ "$(lab_dump_level "$work/vmcore-nokey")" != 31 ]; then
			grep -q 'PAGE_BUDDY_MAPCOUNT_VALUE.*saving at level' "$work/level.txt" 2> /dev/null
			ok $? "$release: vmcore-level.txt beside it gives the reason: $(head -c 200 "$work/level.txt" 2> /dev/null)"
		fi
		level=$(lab_dump_level "$work/vmcore-nokey")
		if [ "${level:-0}" = 31 ]; then
			# 6.11+: the dump's BTF answers (PGTY_buddy, enum pagetype): the console names it
			grep -aq 'from .*(VMCOREINFO lacks it)' "$run/serial.log"
			ok $? "$release: saved at level 31 all the same, the console naming the source that answered: $(grep -ao '[^ ]* from .*(VMCOREINFO lacks it)' "$run/serial.log" | head -n 1 | tr -d '\r' | head -c 160)"
		else
			[ -n "$level" ] && [ "$level" -lt 31 ]
			ok $? "$release: at a lower dump level (kdump_sub_header says ${level:-nothing})"
			grep -a 'PAGE_BUDDY_MAPCOUNT_VALUE.*saving at level' "$run/serial.log" | grep -aqv 'vmcoreinfo_edit'
			ok $? "$release: the console gives the reason, naming the key: $(grep -a 'PAGE_BUDDY_MAPCOUNT_VALUE' "$run/serial.log" | grep -av vmcoreinfo_edit | head -n 1 | tr -d '\r' | head -c 200)"
		fi
		grep -aq 'kdump: final_action poweroff' "$run/serial.log" && ! grep -aq 'kdump: failure_action' "$run/serial.log"
		ok $? "$release: final_action ran, not failure_action ($(grep -ao 'kdump: f[a-z]*_action [a-z_]*' "$run/serial.log" | head -n 1))"
		rm -f "$work/vmcore-nokey" "$work/target6.img" "$work/level.txt"
	else
		lab_skip "$release: the VMCOREINFO-edit capture needs a test module; no headers for $release, neither the host's nor sid's (t/40 checks a host-side edit on every kernel)"
	fi

	# ---- 2. the module-oops crash class -------------------------------------------------------
	if ! lab_has_headers "$release"; then
		lab_skip "$release: the module-oops capture needs headers for $release: neither the host nor sid has them"
	fi
	if ! lab_short "$release"; then
		lab_skip "$release: the capture /init's failure paths (missing target, dump_to_rootfs, full target) do not depend on the kernel: run on $KDK_LAB_KERNELS_SHORT only (time budget, docs/lab.md)"
	fi
	if lab_has_headers "$release"; then
		ko=$("$LAB_DIR/build-module" oops_test "$release") || bail "$release: build oops_test"
		mkdisk "$work/target2.img" 512M kdktarget 5e1f0c1e-0000-4000-8000-0000000000c2
		DISK_ARGS=(-drive "file=$work/target2.img,if=virtio,format=raw")
		capture_run oops "$release" "$work/good.conf" "kdk_crash=oops" "$ko"
		dir=$(dump_dir "$work/target2.img")
		"$LAB_DIR/disk" get "$work/target2.img" "/var/crash/$dir/vmcore" "$work/vmcore-oops" 2> /dev/null &&
			"$LAB_DIR/disk" get "$work/target2.img" "/var/crash/$dir/vmcore-dmesg.txt" "$work/dmesg-oops" 2> /dev/null
		ok $? "$release: the oops crash was saved too (/var/crash/$dir)"
		grep -q 'RIP: 0010:oops_test_do_deref' "$work/dmesg-oops" 2> /dev/null
		ok $? "$release: its vmcore-dmesg.txt has the oops in the module: $(grep -o 'RIP: 0010:oops_test[^ ]*' "$work/dmesg-oops" 2> /dev/null | head -n 1)"
		got=$(release_of "$release" "$vmlinux" "$work/vmcore-oops")
		[[ "$got" == "RELEASE: $release "* ]]
		ok $? "$release: the reference opens the oops vmcore: $got"
		rm -f "$work/vmcore" "$work/vmcore-oops"
	fi
	lab_short "$release" || { rm -f "$work"/*.img "$work/vmcore"; continue; }

	# ---- 3. target missing: failure_action poweroff -------------------------------------------
	printf '%s\n' "ext4 LABEL=nosuchdisk" "extra_modules virtio_blk virtio_pci" \
		"failure_action poweroff" > "$work/missing.conf"
	DISK_ARGS=()
	capture_run missing "$release" "$work/missing.conf" "kdk_wait=5"
	ok $? "$release: with the target missing the capture kernel ended by itself"
	grep -q 'kdump: saving the dump failed: dump target LABEL=nosuchdisk did not appear within 5 s' "$run/serial.log"
	ok $? "$release: the console says why: $(grep -o 'kdump: saving the dump failed.*' "$run/serial.log" | head -c 120)"
	grep -q 'kdump: failure_action poweroff' "$run/serial.log" && grep -q 'kdump: powering off' "$run/serial.log"
	ok $? "$release: failure_action poweroff ran"

	# ---- 4. target missing, failure_action dump_to_rootfs ------------------------------------
	printf '%s\n' "ext4 LABEL=nosuchdisk" "extra_modules virtio_blk virtio_pci" \
		"failure_action dump_to_rootfs" > "$work/rootfs.conf"
	mkdisk "$work/root.img" 512M prodroot 5e1f0c1e-0000-4000-8000-0000000000c4
	DISK_ARGS=(-drive "file=$work/root.img,if=virtio,format=raw")
	capture_run rootfs "$release" "$work/rootfs.conf" "kdk_wait=5 kdk_root=LABEL=prodroot"
	grep -q 'kdump: failure_action dump_to_rootfs' "$run/serial.log"
	ok $? "$release: the missing target led to dump_to_rootfs"
	dir=$(dump_dir "$work/root.img")
	files=$("$LAB_DIR/disk" ls "$work/root.img" "/var/crash/$dir" 2> /dev/null | grep -v '^\.' | sort | tr '\n' ' ')
	is "$files" "vmcore vmcore-dmesg.txt " "$release: the root filesystem disk holds the dump (/var/crash/$dir)"

	# ---- 5. target full: vmcore-incomplete, marked incomplete; failure_action -----------------
	printf '%s\n' "ext4 LABEL=kdktarget" "extra_modules virtio_blk virtio_pci" \
		"core_collector dumpsave -l -d 0" "failure_action poweroff" > "$work/full.conf"
	mkdisk "$work/small.img" 16M kdktarget 5e1f0c1e-0000-4000-8000-0000000000c5
	DISK_ARGS=(-drive "file=$work/small.img,if=virtio,format=raw")
	capture_run full "$release" "$work/full.conf" ""
	grep -q 'kdump: saving the dump failed: .*No space left on device' "$run/serial.log"
	ok $? "$release: the console says the target is full: $(grep -o 'kdump: saving the dump failed.*' "$run/serial.log" | head -c 160)"
	grep -q 'kdump: failure_action poweroff' "$run/serial.log"
	ok $? "$release: failure_action poweroff ran"
	dir=$(dump_dir "$work/small.img")
	files=$("$LAB_DIR/disk" ls "$work/small.img" "/var/crash/$dir" 2> /dev/null | grep -v '^\.' | sort | tr '\n' ' ')
	is "$files" "vmcore-dmesg.txt vmcore-incomplete " "$release: vmcore-incomplete stays (no vmcore), with the kernel log"
	"$LAB_DIR/disk" get "$work/small.img" "/var/crash/$dir/vmcore-incomplete" "$work/partial" 2> /dev/null
	"$inspect" info "$work/partial" 2>&1 | grep -q 'incomplete yes'
	ok $? "$release: the partial dump is marked incomplete ($("$inspect" info "$work/partial" 2>&1 | grep -o 'incomplete [a-z]*'))"
	rm -f "$work"/*.img "$work/partial"

	# ---- 7. the collector dies while it writes vmcore: saved again at level 0 ----------------
	printf '%s\n' "ext4 LABEL=kdktarget" "path /var/crash" "core_collector dumpsave -l -d 31" \
		"kdump_pre $LAB_DIR/guest/kill-collector.sh" "extra_modules virtio_blk virtio_pci" \
		"final_action poweroff" "failure_action reboot" > "$work/killed.conf"
	mkdisk "$work/target7.img" 512M kdktarget 5e1f0c1e-0000-4000-8000-0000000000c7
	DISK_ARGS=(-drive "file=$work/target7.img,if=virtio,format=raw")
	capture_run killed "$release" "$work/killed.conf" ""
	grep -aq 'kill-collector: sent SIGSEGV to kdump-save' "$run/serial.log"
	ok $? "$release: the hook's process killed the collector mid-save: $(grep -ao 'kill-collector: .*' "$run/serial.log" | head -n 1 | tr -d '\r')"
	grep -aq 'kill-collector: GLIBC_TUNABLES unset' "$run/serial.log"
	ok $? "$release: the hook did not inherit the /init's GLIBC_TUNABLES: $(grep -ao 'kill-collector: GLIBC_TUNABLES.*' "$run/serial.log" | head -n 1 | tr -d '\r')"
	grep -aq 'kdump: kdump-save (pid [0-9]*) died of SIGSEGV' "$run/serial.log" &&
		grep -aq 'kdump: saving again at dump level 0' "$run/serial.log"
	ok $? "$release: PID 1 lived on, said so and saved again: $(grep -ao 'kdump: kdump-save (pid.*died of [A-Z]*' "$run/serial.log" | head -n 1 | tr -d '\r')"
	grep -aq 'kdump: final_action poweroff' "$run/serial.log" && ! grep -aq 'kdump: failure_action' "$run/serial.log"
	ok $? "$release: final_action ran, not failure_action ($(grep -ao 'kdump: f[a-z]*_action [a-z_]*' "$run/serial.log" | head -n 1))"
	dir=$(dump_dir "$work/target7.img")
	files=$("$LAB_DIR/disk" ls "$work/target7.img" "/var/crash/$dir" 2> /dev/null | grep -v '^\.' | sort | tr '\n' ' ')
	is "$files" "vmcore vmcore-dmesg.txt vmcore-level.txt " "$release: /var/crash/$dir holds vmcore, the log and the note; the dead collector's vmcore-incomplete is gone"
	"$LAB_DIR/disk" get "$work/target7.img" "/var/crash/$dir/vmcore" "$work/vmcore-killed" 2> /dev/null &&
		"$LAB_DIR/disk" get "$work/target7.img" "/var/crash/$dir/vmcore-level.txt" "$work/level7.txt" 2> /dev/null
	ok $? "$release: both copied back ($(stat -c %s "$work/vmcore-killed" 2> /dev/null) bytes of vmcore)"
	is "$(lab_dump_level "$work/vmcore-killed")" 0 "$release: the vmcore is at dump level 0 (kdump_sub_header)"
	"$inspect" info "$work/vmcore-killed" 2>&1 | grep -q 'incomplete no'
	ok $? "$release: and complete ($("$inspect" info "$work/vmcore-killed" 2>&1 | grep -o 'incomplete [a-z]*'))"
	grep -q 'the collector died while saving vmcore at dump level 31 (kdump-save (pid [0-9]*) died of SIGSEGV.*saved again at dump level 0' "$work/level7.txt" 2> /dev/null
	ok $? "$release: vmcore-level.txt says why: $(head -c 200 "$work/level7.txt" 2> /dev/null)"
	got=$(release_of "$release" "$vmlinux" "$work/vmcore-killed")
	[[ "$got" == "RELEASE: $release "* ]]
	ok $? "$release: the reference opens the level-0 vmcore: $got"
	rm -f "$work"/*.img "$work/vmcore-killed" "$work/level7.txt"
done
done_testing
