# Lab test: kcrash on every crash class the lab makes (tests/lab/modules/crash_classes and an
# injected NMI), each a QEMU dump of a guest that really crashed that way: an oops in a timer
# callback run from the IRQ stack (6.12) or ksoftirqd (6.1), BUG() in a kworker, a soft lockup
# and a hung task turned into panics, a stack overflow into the guard page (#DF on its own stack),
# and a panic in NMI context. With the -dbg vmlinux and from the dump alone:
#   - sys PANIC equals the console's "Kernel panic - not syncing" line and, where Debian's crash
#     8.0.2 reads the dump (its sys names the release: 6.1), crash's choice: its own PANIC where
#     its rule and crash 9's agree, else crash 9's rule (task.c: the first of its markers, in
#     severity order, found in the log) over crash 8.0.2's `log` (8.0.2 searched oopses before
#     the panic string; kcrash keeps the newer order);
#   - bt of the panic task has every reliable frame (no "?") of the kernel's own Call Trace, in
#     order: for oopses the oops's trace (the frames after bt's [exception RIP]), for panics the
#     frames below panic — across the stack switches from the IRQ and exception stacks.
# The console is the oracle (crash 8.0.2 cannot read 6.12 reliably). The module needs
# headers: the host's (6.1, 6.12) or sid's in tests/lab/build-env's sid root (7.x); the NMI class
# runs on every kernel.
. "$(dirname "$0")/../lab.sh"
. "$LAB_DIR/frames.sh"

kcrash=$KDK_BUILD/kcrash
[ -x "$kcrash" ] || bail "$kcrash not built (make)"
field() { sed -n "s/^ *$2: *//p" <<< "$1" | head -n 1; }
# crash 9's PANIC over a log (stdin, crash's `log` lines): the first of task.c's markers, in its
# order, found anywhere; its whole line, quoted, with crash's note after an oops line.
crash9_panic() {
	local log marker line
	log=$(sed 's/^\[ *[0-9.]*\] //')
	for marker in "SysRq : Crash" "SysRq : Trigger a crash" "SysRq : Netdump" "Kernel panic: " \
		"Kernel panic - " "Kernel BUG at" "kernel BUG at" "Unable to handle kernel paging request" \
		"Unable to handle kernel NULL pointer dereference" "BUG: unable to handle kernel " \
		"general protection fault: " "double fault: " "divide error: " "stack segment: " \
		"[Hardware Error]: " "Bad mode in " "Oops: "; do
		line=$(grep -F -m 1 -- "$marker" <<< "$log") || continue
		line=$(sed 's/ *$//' <<< "$line")
		case $line in *"Oops: "*) echo "\"$line\" (check log for details)" ;; *) echo "\"$line\"" ;; esac
		return 0
	done
}

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	classes="nmi"
	if lab_has_headers "$release"; then
		classes="softirq workqueue stackoverflow softlockup hungtask nmi"
	else
		lab_skip "$release: softirq, workqueue, stackoverflow, softlockup, hungtask need the crash_classes module; no headers for $release, neither the host's nor sid's (nmi runs)"
	fi
	for class in $classes; do
		lab_fixture "$release" "$class" > /dev/null || bail "$release: the $class fixture"
		fx=$KDK_CACHE/fixtures/$release/$class
		work=$(lab_run_dir "classes-$class-$release")
		panic=$(grep -ao 'Kernel panic - not syncing: [^]]*' "$fx/serial.log" | head -n 1 | tr -d '\r' | sed 's/ *$//')
		# Debian's crash, in one session: sys, then a marker line, then log.
		crash_panic= crash_note=
		lab_crash "$vmlinux" "$fx/vmcore.elf" sys "echo KDK-LOG-BEGIN" log > "$work/crash.out" 2>&1
		if [ "$(field "$(cat "$work/crash.out")" RELEASE)" = "$release" ]; then
			crash802=$(field "$(cat "$work/crash.out")" PANIC)
			crash_panic=$(sed -n '/^KDK-LOG-BEGIN/,$p' "$work/crash.out" | tail -n +2 | crash9_panic)
			if [ "$crash802" = "$crash_panic" ]; then
				crash_note="crash 8.0.2's sys PANIC"
			else
				crash_note="crash 9's rule over crash 8.0.2's log (8.0.2's own sys: $crash802)"
			fi
		fi
		case $class in
		softirq|workqueue|stackoverflow)
			want=$(kernel_frames "$fx/serial.log" "$OOPS_START" | tr '\n' ' ') pick=bt_after_exception what="the oops's" ;;
		*)	want=$(kernel_frames "$fx/serial.log" 'Kernel panic - not syncing' | below_panic | tr '\n' ' ')
			pick=below_panic_bt what="below panic, the kernel's" ;;
		esac
		for symbols in "$vmlinux" ""; do
			label="from the dump alone"
			[ -n "$symbols" ] && label="with the vmlinux"
			name="$release $class $label"
			sys=$("$kcrash" $symbols "$fx/vmcore.elf" -c sys 2> "$work/err")
			is "$(field "$sys" PANIC)" "\"$panic\"" "$name: sys PANIC equals the console's panic line"
			if [ -n "$crash_note" ]; then
				is "$(field "$sys" PANIC)" "$crash_panic" "$name: sys PANIC equals $crash_note"
			fi
			"$kcrash" $symbols "$fx/vmcore.elf" -c 'bt -s' > "$work/bt.out" 2>&1
			if [ "$pick" = bt_after_exception ]; then
				got=$(bt_after_exception < "$work/bt.out" | tr '\n' ' ')
			else
				got=$(bt_frames < "$work/bt.out" | below_panic | tr '\n' ' ')
			fi
			[ -n "$want" ] && [ "$got" = "$want" ]
			ok $? "$name: bt has $what Call Trace frames ($(wc -w <<< "$want")): $(cut -c1-300 <<< "$got")"
			[ "$got" = "$want" ] || diag "kernel's: $want"
		done
	done
done
done_testing
