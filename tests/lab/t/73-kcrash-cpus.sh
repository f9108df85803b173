#!/bin/bash
# Lab test: kcrash on a kernel-made dump of a -smp 4 guest with CPU 1 offline and the panic on
# CPU 3 (issue 14): /proc/vmcore then has NT_PRSTATUS notes for CPUs 0, 2 and 3 only, so notes
# must be matched to CPUs by content, not position. CPU 2 spins in user mode (its note holds user
# registers: no kernel frames may be made from them). Saved by our capture cycle (our kexec,
# mkdumprd and capture /init, like t/50). With the -dbg vmlinux and from the dump alone:
#   - sys: CPUS: 4 [OFFLINE: 1], the panic task on CPU 3, PANIC the console's panic line;
#   - bt: the kernel's own Call Trace below panic (every reliable frame), exit 0;
#   - bt -a: one trace per online CPU (0, 2, 3, in that order), none for CPU 1, no "bt:" errors, no
#     frame at a user address; CPU 2's block is its user-mode registers (CS 0033);
#   - bt -c 0,2-3 prints bt -a's text, bt -c 1 says CPU 1 was offline, bt PID TASK (CPU 2's task
#     by PID, CPU 3's by address) bt -c 2,3's text (the oracle for all three: bt -a, checked above
#     against the console).
# Then (kernels with linux-headers for the oops_test module) an oops with panic_on_oops=1, saved
# the same way: crash_kexec runs before panic() prints, so the log has no "Kernel panic" line and
# sys PANIC must be the console's Oops line; bt starts at the oops's RIP (crash_kexec saves the
# oops's own registers), then the oops's Call Trace.
# A first kernel that does not reach its crash within 150 s (it takes ~10; CI once saw this
# guest end with no marker and nothing saved) is booted once more, its console shown
# (lab_wait_first_kernel), unless our kexec -p said it failed.
# KDK_T73_KERNELS picks the kernels (default: the lab's; the issue's case is 6.12).
export KDK_GUEST_CPUS=4
. "$(dirname "$0")/../lab.sh"
. "$LAB_DIR/frames.sh"

kcrash=$KDK_BUILD/kcrash
for tool in static/kexec static/kdump-init mkdumprd kcrash; do
	[ -x "$KDK_BUILD/$tool" ] || bail "$KDK_BUILD/$tool not built (make)"
done
field() { sed -n "s/^ *$2: *//p" <<< "$1" | head -n 1; }

for release in ${KDK_T73_KERNELS:-$KDK_LAB_KERNELS}; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	kdir=$(lab_kernel_dir "$release")
	vmlinux=$kdir/vmlinux
	run=$(lab_run_dir "cpus-$release")
	printf '%s\n' "ext4 LABEL=kdktarget" "path /var/crash" \
		"core_collector dumpsave -l --message-level 7 -d 31" \
		"extra_modules virtio_blk virtio_pci" > "$run/kdump.conf"
	# The first kernel's script: load the capture kernel, spin on CPU 2 in user mode, take
	# CPU 1 offline, panic on CPU 3. The capture command line is capture-cycle.sh's.
	cat > "$run/guest.sh" <<'GUEST'
if grep -q kdk_crash=oops /proc/cmdline; then
	append="console=ttyS0,115200 $(cat /lab/capture-words) panic=-1"
	/kdk/kexec -a -p /vmlinuz --initrd=/capture.img --append="$append"
	lab_marker "kexec -p rc=$? kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
	echo 1 > /proc/sys/kernel/panic_on_oops
	lab_marker "crashing (oops)"
	lab_drain
	sh -c 'echo 1 > /proc/oops_test'
	exit 0
fi
append="console=ttyS0,115200 $(cat /lab/capture-words) panic=-1"
taskset -c 2 sh -c 'while :; do :; done' &
/kdk/kexec -a -p /vmlinuz --initrd=/capture.img --append="$append"
lab_marker "kexec -p rc=$? kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
echo 0 > /sys/devices/system/cpu/cpu1/online
lab_marker "cpu1 online=$(cat /sys/devices/system/cpu/cpu1/online) online=$(cat /sys/devices/system/cpu/online)"
lab_marker "crashing on CPU 3"
lab_drain
taskset -c 3 sh -c 'echo c > /proc/sysrq-trigger'
GUEST
	"$KDK_BUILD/mkdumprd" --moddir "$kdir/root/lib/modules/$release" -c "$run/kdump.conf" \
		--init "$KDK_BUILD/static/kdump-init" "$run/capture.img" > "$run/mkdumprd.out" 2>&1 &&
		"$LAB_DIR/initramfs" "$run/first.img" --kernel "$release" --run "$run/guest.sh" \
			--file "$kdir/vmlinuz:/vmlinuz" --file "$run/capture.img:/capture.img" \
			--file "$KDK_BUILD/static/kexec:/kdk/kexec" || bail "$release: images"
	"$LAB_DIR/disk" make "$run/target.img" 512M kdktarget 5e1f0c1e-0000-4000-8000-0000000000d3 > /dev/null ||
		bail "$release: target disk"
	lab_qemu_start "$run" 500 -kernel "$kdir/vmlinuz" -initrd "$run/first.img" -no-reboot \
		-append "$(lab_cmdline_base) panic=-1 crashkernel=256M" \
		-drive "file=$run/target.img,if=virtio,format=raw"
	t0=$(date +%s)
	lab_wait_first_kernel "$run" 'KDK-LAB: crashing on CPU 3' 150 'KDK-LAB: kexec -p rc=[1-9]' &&
		lab_qemu_wait_exit "$run" 490
	grep -aq 'KDK-LAB: cpu1 online=0' "$run/serial.log"
	offline=$?
	ok $offline "$release: CPU 1 taken offline in a -smp 4 guest ($(grep -ao 'KDK-LAB: cpu1 online=.*' "$run/serial.log" | tr -d '\r'))"
	[ $offline -eq 0 ] || { diag "the guest ran $(($(date +%s) - t0)) s"; lab_guest_tail "$run" 25; }
	dir=$("$LAB_DIR/disk" ls "$run/target.img" /var/crash 2>/dev/null | grep '^127\.0\.0\.1-' | head -n 1)
	"$LAB_DIR/disk" get "$run/target.img" "/var/crash/$dir/vmcore" "$run/vmcore"
	ok $? "$release: the capture cycle saved the dump ($(stat -c %s "$run/vmcore" 2>/dev/null) bytes)"
	[ -s "$run/vmcore" ] || continue
	cpu=$(tr -d '\r' < "$run/serial.log" | grep -ao 'CPU: [0-9]* .*Comm: ' | head -n 1 | awk '{ print $2 }')
	is "$cpu" 3 "$release: the console says the panic ran on CPU 3"
	panic=$(grep -ao 'Kernel panic - not syncing: [^]]*' "$run/serial.log" | head -n 1 | tr -d '\r' | sed 's/ *$//')
	want=$(kernel_frames "$run/serial.log" 'Kernel panic - not syncing' | below_panic | tr '\n' ' ')
	for symbols in "$vmlinux" ""; do
		label="from the dump alone"
		[ -n "$symbols" ] && label="with the vmlinux"
		name="$release $label"
		sys=$("$kcrash" $symbols "$run/vmcore" -c sys 2>&1)
		is "$(field "$sys" CPUS)" "4 [OFFLINE: 1]" "$name: sys CPUS counts the offline CPU as crash does"
		is "$(field "$sys" CPU)" 3 "$name: sys names CPU 3 for the panic task"
		is "$(field "$sys" PANIC)" "\"$panic\"" "$name: sys PANIC equals the console's panic line"
		"$kcrash" $symbols "$run/vmcore" -c 'bt -s' > "$run/bt.out" 2>&1
		rc=$?
		got=$(bt_frames < "$run/bt.out" | below_panic | tr '\n' ' ')
		[ $rc = 0 ] && [ -n "$want" ] && [ "$got" = "$want" ]
		ok $? "$name: bt (exit $rc) has the kernel's Call Trace below panic ($(wc -w <<< "$want") frames): $(cut -c1-200 <<< "$got")"
		"$kcrash" $symbols "$run/vmcore" -c 'bt -a' > "$run/bt-a.out" 2>&1
		rc=$?
		cpus=$(sed -n 's/^PID:.*CPU: \([0-9]*\) .*/\1/p' "$run/bt-a.out" | tr '\n' ' ')
		is "$cpus" "0 2 3 " "$name: bt -a (exit $rc) has one trace per online CPU, in CPU order as crash prints them"
		bad=$(grep -E '^    bt:|^ ?#[0-9]+ +\[0000' "$run/bt-a.out" | head -n 3)
		is "$bad" "" "$name: bt -a has no unwinding errors and no frame at a user address"
		cpu2=$(awk '/^PID:.*CPU: 2 / { p = 1; next } /^PID:/ { p = 0 } p' "$run/bt-a.out")
		grep -q 'CS: 0033' <<< "$cpu2"
		ok $? "$name: CPU 2, spinning in user mode, shows its user registers: $(grep -o 'RIP: [0-9a-f]*' <<< "$cpu2" | head -n 1)"
		# bt -c CPUS and bt PID|TASK... (crash's forms): the same traces as bt -a's, the
		# offline CPU named as such.
		"$kcrash" $symbols "$run/vmcore" -c 'bt -c 0,2-3' > "$run/bt-c.out" 2>&1
		rc=$?
		cmp -s "$run/bt-a.out" "$run/bt-c.out"
		ok $? "$name: bt -c 0,2-3 (exit $rc) prints bt -a's traces ($(grep -c '^PID:' "$run/bt-c.out") of them)"
		got=$("$kcrash" $symbols "$run/vmcore" -c 'bt -c 1' 2>&1)
		is "$got" "CPU 1: OFFLINE (no task ran there when the dump was taken)" "$name: bt -c 1 says CPU 1 was offline"
		pid2=$(sed -n 's/^PID: *\([0-9]*\) .*CPU: 2 .*/\1/p' "$run/bt-a.out")
		task3=$(sed -n 's/^PID:.*TASK: \([0-9a-f]*\) *CPU: 3 .*/\1/p' "$run/bt-a.out")
		"$kcrash" $symbols "$run/vmcore" -c "bt $pid2 $task3" > "$run/bt-tasks.out" 2>&1
		"$kcrash" $symbols "$run/vmcore" -c 'bt -c 2,3' > "$run/bt-c23.out" 2>&1
		[ -n "$pid2" ] && [ -n "$task3" ] && cmp -s "$run/bt-tasks.out" "$run/bt-c23.out"
		ok $? "$name: bt PID TASK (bt $pid2 $task3) prints the traces bt -c 2,3 prints"
	done

	# ---- an oops with panic_on_oops: no panic line in the log -----------------------------
	[ -d "/lib/modules/$release/build" ] || continue
	ko=$("$LAB_DIR/build-module" oops_test "$release") || bail "$release: build oops_test"
	orun=$(lab_run_dir "cpus-oops-$release")
	"$LAB_DIR/initramfs" "$orun/first.img" --kernel "$release" --run "$run/guest.sh" --extra-module "$ko" \
		--file "$kdir/vmlinuz:/vmlinuz" --file "$run/capture.img:/capture.img" \
		--file "$KDK_BUILD/static/kexec:/kdk/kexec" || bail "$release: oops image"
	"$LAB_DIR/disk" make "$orun/target.img" 512M kdktarget 5e1f0c1e-0000-4000-8000-0000000000d4 > /dev/null ||
		bail "$release: oops target disk"
	lab_qemu_start "$orun" 500 -kernel "$kdir/vmlinuz" -initrd "$orun/first.img" -no-reboot \
		-append "$(lab_cmdline_base) panic=-1 crashkernel=256M kdk_crash=oops" \
		-drive "file=$orun/target.img,if=virtio,format=raw"
	lab_wait_first_kernel "$orun" 'KDK-LAB: crashing (oops)' 150 'KDK-LAB: kexec -p rc=[1-9]' &&
		lab_qemu_wait_exit "$orun" 490
	dir=$("$LAB_DIR/disk" ls "$orun/target.img" /var/crash 2>/dev/null | grep '^127\.0\.0\.1-' | head -n 1)
	"$LAB_DIR/disk" get "$orun/target.img" "/var/crash/$dir/vmcore" "$orun/vmcore"
	ok $? "$release: the oops (panic_on_oops) was saved by the capture cycle"
	[ -s "$orun/vmcore" ] || continue
	oops=$(tr -d '\r' < "$orun/serial.log" | grep -ao 'Oops: .*' | head -n 1 | sed 's/ *$//')
	grep -aq 'Kernel panic - not syncing' "$orun/serial.log"
	ok $((! $?)) "$release: the console has no panic line (crash_kexec ran before panic())"
	want=$(kernel_frames "$orun/serial.log" "$OOPS_START" | tr '\n' ' ')
	rip=$(tr -d '\r' < "$orun/serial.log" | grep -ao 'RIP: 0010:[^ ]*' | head -n 1 | sed 's/RIP: 0010://')
	for symbols in "$vmlinux" ""; do
		label="from the dump alone"
		[ -n "$symbols" ] && label="with the vmlinux"
		name="$release oops $label"
		sys=$("$kcrash" $symbols "$orun/vmcore" -c sys 2>&1)
		is "$(field "$sys" PANIC)" "\"$oops\" (check log for details)" "$name: sys PANIC is the console's Oops line, in crash's shape"
		# crash_kexec saved the oops's own pt_regs as the CPU's registers: bt starts at the
		# faulting function (the console's RIP), then the oops's Call Trace.
		"$kcrash" $symbols "$orun/vmcore" -c 'bt -s' > "$orun/bt.out" 2>&1
		is "$(bt_frames < "$orun/bt.out" | head -n 1)" "$rip" "$name: bt starts where the oops was (the console's RIP)"
		got=$(bt_frames < "$orun/bt.out" | tail -n +2 | tr '\n' ' ')
		[ -n "$want" ] && [ "$got" = "$want" ]
		ok $? "$name: then the oops's Call Trace frames ($(wc -w <<< "$want")): $(cut -c1-200 <<< "$got")"
	done
done
done_testing
