# Lab test: kernels the other lab tests do not boot — other flavours (generic -amd64, -rt), CPUs
# without LA57 (4-level paging), an older series (bullseye's 5.10, whose VMCOREINFO has no
# kallsyms keys: kcrash finds the tables in the kernel image) and a newer one (experimental's
# candidate, 5-level paging) — crashed through sysrq and dumped by QEMU, then read with no
# vmlinux at all (what a user has for a kernel we never saw): dumpsave -d 31 saves it with free
# pages excluded, and kcrash names the release, the panic, every task and the panic task's stack as
# the kernel printed it (the console is the oracle: crash 8.0.2 cannot read 6.12+ reliably), and
# runs mach, kmem -V, kmem -z, sys -i, sig, dev -p and bt -c/-F on it without an error (mach's
# stack size against the kernel's config), and kmem -v (every module's text inside one of its
# vmalloc areas).
# KDK_FLAVOUR_KERNELS lists "RELEASE:CPU-MODEL:TAG" entries. For the older series (tag older-series)
# the capture side too: our kexec -p on it, and dumpsave -d 31 of its kernel-made vmcore against
# makedumpfile 1.7.2 (which knows 5.10), class by class.
. "$(dirname "$0")/../lab.sh"
. "$LAB_DIR/frames.sh"

: "${KDK_FLAVOUR_KERNELS:=6.12.117+deb12-amd64:max,la57=off:generic-4level ${KDK_KERNEL_SID%-cloud-amd64}-rt-amd64:max,la57=off:rt-4level $KDK_KERNEL_510:max,la57=off:older-series $KDK_KERNEL_EXPERIMENTAL:max:newer-series}"
kcrash=$KDK_BUILD/kcrash
[ -x "$kcrash" ] || bail "$kcrash not built (make)"
field() { sed -n "s/^ *$2: *//p" <<< "$1" | head -n 1; }

for entry in $KDK_FLAVOUR_KERNELS; do
	IFS=: read -r release cpu tag <<< "$entry"
	lab_kernel_fetch "$release" || bail "fetch $release"
	fx=$KDK_CACHE/fixtures/$release/sysrq-$tag
	KDK_GUEST_CPU_MODEL=$cpu lab_fixture "$release" sysrq "$fx" > /dev/null ||
		bail "$release ($tag): make the sysrq fixture"
	TAP_KEEP_DIRS+=("$(sed -n 's/^run=//p' "$fx/info")")
	work=$(lab_run_dir "flavour-$tag")
	name="$release ($tag)"
	l5=$(strings -n 8 "$fx/vmcore.elf" | sed -n 's/^NUMBER(pgtable_l5_enabled)=//p' | head -n 1)
	case $cpu in *la57=off*) want_l5=0 ;; *) want_l5=1 ;; esac
	is "$l5" "$want_l5" "$name: the guest ran with pgtable_l5_enabled=$want_l5 (VMCOREINFO)"

	"$KDK_BUILD/dumpsave" -f -l -d 31 --message-level 31 "$fx/vmcore.elf" "$work/vmcore.kdump" > "$work/dumpsave.out" 2>&1
	ok $? "$name: dumpsave -l -d 31 from the dump alone ($(du -h "$work/vmcore.kdump" 2>/dev/null | cut -f1))"
	free=$(sed -n 's/^ *Free pages *: *0x//p' "$work/dumpsave.out" | head -n 1)
	[ -n "$free" ] && [ $((16#$free)) -gt 1000 ]
	ok $? "$name: free pages excluded: $((16#${free:-0}))"
	[ -s "$work/vmcore.kdump" ] && ! grep -q 'saving at level' "$work/dumpsave.out"
	ok $? "$name: dump level 31 computed in full (no fallback to a lower level)"

	for dump in "$fx/vmcore.elf" "$work/vmcore.kdump"; do
		dname="$name $(basename "$dump")"
		sys=$("$kcrash" "$dump" -c sys 2> "$work/err")
		ok $? "$dname: kcrash sys with no vmlinux$( [ -s "$work/err" ] && echo ": $(head -c 200 "$work/err")")"
		is "$(field "$sys" RELEASE)" "$release" "$dname: RELEASE"
		if ! strings -n 8 "$fx/vmcore.elf" | grep -q '^SYMBOL(kallsyms_num_syms)='; then
			grep -q 'found in its kernel image' <<< "$(field "$sys" KERNEL)"
			ok $? "$dname: no kallsyms keys in VMCOREINFO: the tables found in the kernel image ($(field "$sys" KERNEL))"
		fi
		panic=$(grep -ao 'Kernel panic - not syncing: [^]]*' "$fx/serial.log" | head -n 1 | tr -d '\r' | sed 's/ *$//')
		is "$(field "$sys" PANIC)" "\"$panic\"" "$dname: PANIC equals the console's panic line"
		"$kcrash" "$dump" -c ps > "$work/ps.out" 2> "$work/err"
		cp "$work/ps.out" "$work/ps-$(basename "$dump").out"
		cp "$work/err" "$work/ps-$(basename "$dump").err"
		procs=$(sed -n 's/.*KDK-LAB: workload started: \([0-9]*\) user processes.*/\1/p' "$fx/serial.log")
		tasks=$(awk 'NR > 1' "$work/ps.out" | wc -l)
		[ "$tasks" -gt "${procs:-1000}" ]
		ok $? "$dname: ps lists $tasks tasks, more than the workload's ${procs:-?} user processes"
		"$kcrash" "$dump" -c 'bt -s' > "$work/bt.out" 2>&1
		want=$(kernel_frames "$fx/serial.log" 'Kernel panic - not syncing' | below_panic | tr '\n' ' ')
		got=$(bt_frames < "$work/bt.out" | below_panic | tr '\n' ' ')
		[ -n "$want" ] && [ "$got" = "$want" ]
		ok $? "$dname: bt of the panic task has the kernel's reliable Call Trace frames below panic: $got"
		[ "$got" = "$want" ] || diag "kernel's: $want; bt said: $(head -c 400 "$work/bt.out")"
		"$kcrash" "$dump" -c log > "$work/log.out" 2> "$work/err"
		grep -qF "$panic" "$work/log.out"
		ok $? "$dname: log holds the panic line"
		# The machine and process commands on a kernel never seen: mach's stack size is the
		# config's THREAD_SIZE (16 KiB, 32 with CONFIG_KASAN) and it lists each CPU's IRQ stack;
		# kmem -V has free pages; sig 1 lists 64 signals; kmem -z, bt -c and bt -F run; none says an
		# error.
		"$kcrash" "$dump" -c 'mach; kmem -V; kmem -z; sys -i; sig 1; bt -c 0; bt -F; dev -p' > "$work/more.out" 2> "$work/err"
		rc=$?
		stack=16384
		grep -q '^CONFIG_KASAN=y' "$(lab_kernel_dir "$release")/config" && stack=32768
		irq=$(awk '/IRQ STACKS:/ { p = 1; next } p && /^ +CPU [0-9]+:/ { n++; next } { p = 0 } END { print n + 0 }' "$work/more.out")
		free=$(sed -n 's/^ *NR_FREE_PAGES: //p' "$work/more.out" | head -n 1)
		[ $rc = 0 ] && [ ! -s "$work/err" ] && grep -q "^ *KERNEL STACK SIZE: $stack$" "$work/more.out" &&
			[ "$irq" = "$(field "$sys" CPUS | cut -d' ' -f1)" ] && [ "${free:-0}" -gt 1000 ] &&
			grep -q '^\[64\] ' "$work/more.out" && [ "$(grep -c '^PID:' "$work/more.out")" -ge 3 ]
		ok $? "$dname: mach (stack $stack, $irq IRQ stacks), kmem -V ($free free pages), kmem -z, sys -i, sig 1, bt -c 0, bt -F and dev -p run clean (exit $rc)$( [ -s "$work/err" ] && echo ": $(head -c 200 "$work/err")")"
		# kmem -v: the vmalloc areas; every module's text (mod's TEXT_BASE) lies in one of them
		"$kcrash" "$dump" -c 'kmem -v' > "$work/kmem-v.out" 2> "$work/err"
		rc=$?
		"$kcrash" "$dump" -c mod > "$work/mod.out" 2>> "$work/err"
		outside=$(awk 'FNR == 1 { file++; next } file == 1 && $4 == "-" { lo[++n] = $3; hi[n] = $5; next }
			file == 2 { base = $3; for (i = 1; i <= n; i++) if (lo[i] <= base && base < hi[i]) next; print $2 }' \
			"$work/kmem-v.out" "$work/mod.out" | tr '\n' ' ')
		modules=$(awk 'NR > 1' "$work/mod.out" | wc -l)
		[ $rc = 0 ] && [ ! -s "$work/err" ] && [ "$modules" -gt 0 ] && [ -z "$outside" ]
		ok $? "$dname: kmem -v lists $(awk '$4 == "-"' "$work/kmem-v.out" | wc -l) vmalloc areas, the text of each of the $modules modules inside one (exit $rc)${outside:+; outside: $outside}$( [ -s "$work/err" ] && echo ": $(head -c 200 "$work/err")")"
	done
	case $tag in older-series|newer-series)
		# The capture side on an older and a newer series: our kexec -p loads its capture kernel,
		# which copies /proc/vmcore (make-kernelmade); kcrash's bt of dumpsave's -d 31 of it,
		# from the dump alone, starts where the capture began. On the older series dumpsave
		# leaves out what makedumpfile 1.7.2 (the reference, which knows 5.10 and not 7.x) does,
		# page class by class, and writes as many bytes.
		"$LAB_DIR/make-kernelmade" "$release" 1024 > "$work/kernelmade.log" 2>&1
		ok $? "$name: our kexec -p loaded the capture kernel and it read /proc/vmcore$( [ $? -ne 0 ] && echo ": $(tail -n 2 "$work/kernelmade.log" | tr '\n' ' ')")"
		km=$KDK_CACHE/fixtures/$release/kernelmade-1g/vmcore.elf
		classes='^ *(Pages filled with zero|Non-private cache pages|Private cache pages|User process data pages|Free pages) *:'
		"$KDK_BUILD/dumpsave" -f -l -d 31 --show-stats "$km" "$work/km.kdump" > "$work/km-ours.out" 2>&1
		ok $? "$name: dumpsave -l -d 31 of the kernel-made vmcore"
		if [ "$tag" = older-series ]; then
			makedumpfile -f -l -d 31 --message-level 31 "$km" "$work/km.mdf" > "$work/km-mdf.out" 2>&1
			ours=$(grep -E "$classes" "$work/km-ours.out") ref=$(grep -E "$classes" "$work/km-mdf.out")
			[ -n "$ours" ] && [ "$ours" = "$ref" ] &&
				[ "$(stat -c %s "$work/km.kdump")" = "$(stat -c %s "$work/km.mdf")" ]
			ok $? "$name: dumpsave -l -d 31 of the kernel-made vmcore excludes what makedumpfile does, class by class, same size ($(stat -c %s "$work/km.kdump" 2>/dev/null) and $(stat -c %s "$work/km.mdf" 2>/dev/null) bytes)"
			[ "$ours" = "$ref" ] || diag "ours: $ours; makedumpfile: $ref"
		fi
		"$kcrash" "$work/km.kdump" -c bt > "$work/km-bt.out" 2>&1
		grep -qE '^ #0 .* (__crash_kexec|crash_kexec) at ' "$work/km-bt.out" && grep -q ' sysrq_handle_crash at ' "$work/km-bt.out"
		ok $? "$name: bt of the kernel-made dump from the dump alone: __crash_kexec, then sysrq_handle_crash below ($(head -c 300 "$work/km-bt.out" | tr '\n' ' '))"
	esac
	if [ "$tag" = older-series ]; then
		# An NMI on the older series (QEMU injects it; unknown_nmi_panic=1): the frames through its entry.
		nmi=$KDK_CACHE/fixtures/$release/nmi
		lab_fixture "$release" nmi > /dev/null || bail "$name: make the nmi fixture"
		"$kcrash" "$nmi/vmcore.elf" -c 'bt -s' > "$work/nmi-bt.out" 2>&1
		want=$(kernel_frames "$nmi/serial.log" 'Kernel panic - not syncing' | below_panic | tr '\n' ' ')
		got=$(bt_frames < "$work/nmi-bt.out" | below_panic | tr '\n' ' ')
		[ -n "$want" ] && [ "$got" = "$want" ]
		ok $? "$name: NMI: bt from the dump alone has the kernel's Call Trace frames below panic: $got"
		[ "$got" = "$want" ] || diag "kernel's: $want; bt said: $(head -c 400 "$work/nmi-bt.out")"
	fi
	# The same memory: the filtered dump lists every task the whole one does (a task_struct read
	# past its allocation met a page -d 31 left out on 5.10, and the task was skipped).
	cmp -s "$work/ps-vmcore.elf.out" "$work/ps-vmcore.kdump.out" && [ ! -s "$work/ps-vmcore.kdump.err" ]
	ok $? "$name: ps of the -d 31 dump equals ps of the whole one, nothing skipped$( [ -s "$work/ps-vmcore.kdump.err" ] && echo ": $(head -c 200 "$work/ps-vmcore.kdump.err")")"
done
done_testing
