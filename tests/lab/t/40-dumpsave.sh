# Lab test (issue "2 · dumpsave"): dumpsave on the QEMU-made fixture of each lab kernel.
#  - every -d {0,1,31} × {none,-c,-l,-z,-p} and -E output opens with the booted RELEASE and a log that
#    ends with the panic: on 6.1 in Debian's crash with the -dbg vmlinux; on 6.12 and 7.x crash 8.0.2
#    is no oracle (it aborts at random on 6.12 dumps and cannot read 7.x): drgn (libkdumpfile for
#    our kdump-compressed files, its own reader for our ELF) reads init_uts_ns and the printk ring;
#    (-p: snappy, which Debian's makedumpfile is built without and Debian's crash and libkdumpfile
#    read); the -d 31 -p output read back: kcrash's log equals the -l output's, and dumpsave -l
#    of it gives the bytes of the -l output;
#  - -F | dumpsave -R gives the bytes of the direct output; --dump-dmesg equals the serial console;
#  - 6.1: the pages -d 31 keeps equal makedumpfile 1.7.2's (its input: our -E -d 0 copy, since it
#    cannot read QEMU's ELF), and every kept page has the source's bytes;
#  - every kernel: free pages left out within 0.1 % of the kernel's vm_zone_stat[NR_FREE_PAGES]
#    (drgn), and drgn walks every task through the -d 31 output exactly as through the unfiltered
#    one (slab kept);
#  - copies of the fixture whose VMCOREINFO lacks a key level 31 needs (renamed in the note): -d 31
#    still saves (exit 0): at a lower level with the reason printed, or at 31 naming the source
#    that answered instead (the dump's BTF).
. "$(dirname "$0")/../lab.sh"

dumpsave=$KDK_BUILD/dumpsave
inspect=$KDK_BUILD/tests/tools/dump-inspect
[ -x "$dumpsave" ] && [ -x "$inspect" ] || bail "build dumpsave and tests/tools (make)"

# drgn (a reference peer) reads one expression from a dump.
drgn_value() { /usr/bin/python3 -c "import drgn, sys
p = drgn.Program(); p.set_core_dump(sys.argv[1]); p.load_debug_info([sys.argv[2]])
print(eval(sys.argv[3]))" "$@" 2> /dev/null; }

# The reference's reading of one output: "RELEASE <r>" and the log's last line must be right.
# 6.1: Debian's crash; 6.12 and 7.x: drgn stands in (crash 8.0.2 aborts at random on 6.12 dumps,
# and cannot read 7.x). ORACLE names which one answered.
check_output() {
	local release=$1 vmlinux=$2 out=$3 last rel
	case $release in
	6.1.*)
		ORACLE=crash
		# sys and log from one crash session (crash takes ~7 s to start on the -dbg vmlinux)
		LAB_CRASH_CACHE=$out.crash
		lab_crash_prefetch "$LAB_CRASH_CACHE" "$vmlinux" "$out" sys log || true
		rel=$(lab_crash_release "$vmlinux" "$out")
		last=$(lab_crash "$vmlinux" "$out" "log" | grep -a '^\[' | tail -n 1)
		rm -rf "$LAB_CRASH_CACHE"
		LAB_CRASH_CACHE= ;;
	*)
		ORACLE="drgn standing in for crash"
		rel="RELEASE: $(drgn_value "$out" "$vmlinux" "p['init_uts_ns'].name.release.string_().decode()") "
		last=$(/usr/bin/python3 "$LAB_DIR/drgn-log.py" "$out" "$vmlinux" 2>/dev/null | tail -n 1) ;;
	esac
	[[ "$rel" == "RELEASE: $release "* ]] && [[ "$last" == *"end Kernel panic - not syncing: sysrq triggered crash ]---"* ]]
}

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	lab_fixture "$release" sysrq > /dev/null || bail "$release: make the sysrq fixture"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	fx=$KDK_CACHE/fixtures/$release/sysrq
	src=$fx/vmcore.elf
	run=$(lab_run_dir "dumpsave-$release")

	for level in 0 1 31; do
		for codec in none c l z p; do
			flag=; [ "$codec" = none ] || flag=-$codec
			out=$run/d$level-$codec
			"$dumpsave" $flag -d $level "$src" "$out" 2> "$out.err"
			status=$?
			check_output "$release" "$vmlinux" "$out"
			ok $((status | $?)) "$release: dumpsave ${flag:-(no codec)} -d $level: release and panic log right ($ORACLE; $(du -h "$out" | cut -f1))$( [ $status = 0 ] || echo ": $(head -c 200 "$out.err")")"
			[ "$level$codec" = 31l ] || [ "$level$codec" = 31p ] || rm -f "$out"
		done
		out=$run/d$level-elf
		"$dumpsave" -E -d $level "$src" "$out" 2> "$out.err"
		status=$?
		check_output "$release" "$vmlinux" "$out"
		ok $((status | $?)) "$release: dumpsave -E -d $level: the ELF's release and panic log right ($ORACLE; $(du -h "$out" | cut -f1))$( [ $status = 0 ] || echo ": $(head -c 200 "$out.err")")"
		[ $level = 0 ] || rm -f "$out"
	done

	# The snappy output read back by our own readers: kcrash's log, and a re-save at -l.
	"$KDK_BUILD/kcrash" "$run/d31-p" -c log > "$run/log-p" 2> "$run/log-p.err" &&
		"$KDK_BUILD/kcrash" "$run/d31-l" -c log > "$run/log-l" 2> "$run/log-l.err" &&
		[ "$(wc -l < "$run/log-p")" -gt 100 ] && cmp -s "$run/log-p" "$run/log-l"
	ok $? "$release: kcrash log of the -p -d 31 output equals the -l output's ($(wc -l < "$run/log-p") lines$(head -c 160 "$run/log-p.err" | sed 's/^/: /'))"
	"$dumpsave" -l -d 31 "$run/d31-p" "$run/resaved" 2> "$run/resaved.err" && cmp -s "$run/resaved" "$run/d31-l"
	ok $? "$release: dumpsave -l -d 31 of the -p output writes the bytes of -l -d 31 of the fixture$(head -c 160 "$run/resaved.err" | sed 's/^/: /')"
	rm -f "$run/d31-p" "$run/resaved"

	# dumpsave falls back to a lower level when the dump lacks what 31 needs: not here
	is "$(lab_dump_level "$run/d31-l")" 31 "$release: -d 31 saved at level 31 (kdump_sub_header; no fallback)$(grep -o 'saving at level [0-9]* instead' "$run/d31-l.err" | head -n 1 | sed 's/^/: /')"
	"$dumpsave" -F -l -d 31 "$src" 2> "$run/flat.err" | "$dumpsave" -R "$run/reassembled" 2>> "$run/flat.err"
	cmp -s "$run/reassembled" "$run/d31-l"
	ok $? "$release: dumpsave -F | dumpsave -R is byte-identical to the direct -l -d 31 output"
	rm -f "$run/reassembled"

	"$dumpsave" --dump-dmesg "$src" "$run/vmcore-dmesg.txt"
	sed 's/^.*\(\[ *[0-9]*\.[0-9]*\] \)/\1/' "$fx/serial.log" | tr -d '\r' |
		grep -a '^\[ *[0-9]*\.[0-9]*\] ' > "$run/serial-lines.txt"
	# The overlap: the ring may have lost the oldest lines, the console may miss the newest.
	first=$(head -n 1 "$run/vmcore-dmesg.txt")
	overlap=$(grep -n -F -x -- "$first" "$run/serial-lines.txt" | head -n 1 | cut -d: -f1)
	n=$(wc -l < "$run/vmcore-dmesg.txt")
	[ -n "$overlap" ] && [ "$n" -gt 100 ] &&
		diff <(tail -n +"$overlap" "$run/serial-lines.txt" | head -n "$n") <(head -n "$(($(wc -l < "$run/serial-lines.txt") - overlap + 1))" "$run/vmcore-dmesg.txt") > "$run/dmesg.diff"
	ok $? "$release: --dump-dmesg equals the serial console's kernel lines ($n lines)"

	"$inspect" compare "$run/d31-l" "$src" > "$run/compare.out" 2>&1
	ok $? "$release: every page -d 31 keeps has the source's bytes ($(cat "$run/compare.out"))"

	# Free pages against the kernel's own counter, read by drgn from the -d 31 output (the
	# counter's page is kernel data, kept). vmstat folds per-CPU deltas into the global counter
	# lazily: allow 0.1 %.
	free_ours=$("$dumpsave" --dry-run --show-stats -d 31 "$src" "$run/dry" 2>&1 | awk '/Free pages/ {print $NF}')
	[ -n "$free_ours" ] && free_ours=$((free_ours))
	free_kernel=$(drgn_value "$run/d31-l" "$vmlinux" "p['vm_zone_stat'][p['NR_FREE_PAGES']].counter.value_()")
	diag "$release: free pages: dumpsave -d 31 left out ${free_ours:-?}; the kernel's vm_zone_stat[NR_FREE_PAGES] (drgn) says ${free_kernel:-?}"
	[ -n "$free_ours" ] && [ -n "$free_kernel" ] &&
		awk -v a="$free_ours" -v b="$free_kernel" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d * 1000 <= b) }'
	ok $? "$release: -d 31 leaves out the free pages the kernel counts, within 0.1 % ($free_ours vs $free_kernel, drgn the oracle)"
	# Slab kept: every task walks through the filtered dump as through the unfiltered one.
	"$dumpsave" -l -d 0 "$src" "$run/d0-l" 2> /dev/null
	/usr/bin/python3 "$LAB_DIR/drgn-tasks.py" "$run/d0-l" "$vmlinux" > "$run/tasks-full" 2> "$run/tasks-full.err"
	/usr/bin/python3 "$LAB_DIR/drgn-tasks.py" "$run/d31-l" "$vmlinux" > "$run/tasks-d31" 2> "$run/tasks-d31.err"
	[ -s "$run/tasks-full" ] && diff "$run/tasks-full" "$run/tasks-d31" > /dev/null
	ok $? "$release: drgn walks the same $(wc -l < "$run/tasks-d31") tasks through the -d 31 output as through the unfiltered one (slab kept; drgn reads our kdump-compressed files through libkdumpfile)"
	rm -f "$run/d0-l"

	# A dump whose VMCOREINFO lacks a key level 31 needs, renamed in a copy's note (same length):
	# NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE) and the compound-page key (7.1 renamed page.compound_head
	# to page.compound_info). Either the level drops (6.1: 15, no free-page exclusion) and the
	# reason names the key, or the dump's BTF answers (PGTY_buddy, enum pagetype, from 6.11 on;
	# struct page's member) and dumpsave names that source.
	ckey=$(strings -n 8 "$src" | head -n 400 | grep -o -m 1 -E '^OFFSET\(page\.compound_(info|head)\)')
	for key in "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)" "${ckey:-OFFSET(page.compound_head)}"; do
		bad="${key%??}X)"
		cp "$src" "$run/nokey.elf" && python3 "$LAB_DIR/vmcoreinfo-edit.py" "$run/nokey.elf" "$key" "$bad" > /dev/null
		ok $? "$release: a copy of the fixture with $key renamed $bad in its VMCOREINFO note"
		"$dumpsave" -l -d 31 --message-level 31 "$run/nokey.elf" "$run/nokey.kdump" > "$run/nokey.out" 2>&1
		status=$?
		[ $status = 0 ] && [ -s "$run/nokey.kdump" ]
		ok $? "$release: without $key dumpsave -l -d 31 still saves and exits 0 (exit $status)"
		saved=$(lab_dump_level "$run/nokey.kdump")
		reason=$(grep -m 1 -F "$key" "$run/nokey.out" | head -c 240)
		if [ "${saved:-31}" != 31 ]; then
			[ -n "$saved" ] && [ "$saved" -lt 31 ] && grep -q "$key.*saving at level $saved instead" "$run/nokey.out"
			ok $? "$release: without $key saved at level ${saved:-?}, the reason names the key: $reason"
		else
			# the fact came from elsewhere (the dump's BTF; PGTY_buddy for the buddy marker on 6.11+,
			# enum pagetype): then the source must be named
			grep -q " from .*(VMCOREINFO lacks it)" "$run/nokey.out"
			ok $? "$release: without $key still level 31, the source named: $(grep -m 1 'VMCOREINFO lacks it' "$run/nokey.out" | sed 's/^dumpsave: [^:]*: //' | head -c 200)"
		fi
		/usr/bin/python3 "$LAB_DIR/drgn-log.py" "$run/nokey.kdump" "$vmlinux" 2> /dev/null | tail -n 1 |
			grep -q 'end Kernel panic - not syncing: sysrq triggered crash'
		ok $? "$release: that dump still holds the panic log (drgn)"
		rm -f "$run/nokey.elf" "$run/nokey.kdump"
	done
done

# 6.1: the same pages as makedumpfile 1.7.2 at -d 31.
if [[ " $KDK_LAB_KERNELS " == *" $KDK_KERNEL_61 "* ]]; then
	release=$KDK_KERNEL_61
	run=$(ls -d "$KDK_RUNS"/dumpsave-"$release"-* | tail -n 1)
	makedumpfile -l -d 31 "$run/d0-elf" "$run/mdf-d31" > "$run/mdf.out" 2>&1 || bail "makedumpfile -l -d 31 on our -E -d 0 copy: $(tail -n 2 "$run/mdf.out")"
	"$inspect" kept "$run/mdf-d31" > "$run/kept-makedumpfile"
	"$inspect" kept "$run/d31-l" > "$run/kept-dumpsave"
	diff "$run/kept-makedumpfile" "$run/kept-dumpsave" > "$run/kept.diff"
	ok $? "$release: the pages -d 31 keeps are makedumpfile 1.7.2's ($(wc -l < "$run/kept-dumpsave") pfn ranges)"
	rm -f "$run/d0-elf" "$run/mdf-d31"
fi
done_testing
