# Lab test (issue "2 · dumpsave"): dumpsave on the QEMU-made fixture of each lab kernel.
#  - every -d {0,1,31} × {none,-c,-l,-z} and -E output opens in Debian's crash with the -dbg vmlinux,
#    with the booted RELEASE and a log that ends with the panic. On 6.12 crash's sys and log abort:
#    `crash --minimal --kaslr=auto` reading linux_banner stands in for RELEASE, and drgn's
#    printk reader (libkdumpfile) stands in for crash's log (makedumpfile 1.7.2 has no zstd).
#  - -F | dumpsave -R gives the bytes of the direct output; --dump-dmesg equals the serial console;
#  - 6.1: the pages -d 31 keeps equal makedumpfile 1.7.2's (its input: our -E -d 0 copy, since it
#    cannot read QEMU's ELF), and every kept page has the source's bytes;
#  - 6.12: free pages left out match the kernel's NR_FREE_PAGES counter, and the task list walks
#    (drgn, libkdumpfile) through the -d 31 output exactly as through the unfiltered one.
. "$(dirname "$0")/../lab.sh"

dumpsave=$KDK_BUILD/dumpsave
inspect=$KDK_BUILD/tests/tools/dump-inspect
[ -x "$dumpsave" ] && [ -x "$inspect" ] || bail "build dumpsave and tests/tools (make)"

# crash (or its 6.12 stand-ins) on one output: prints "RELEASE <r>" and the log's last line.
check_output() {
	local release=$1 vmlinux=$2 out=$3 last rel
	rel=$(lab_crash_release "$vmlinux" "$out")
	if [[ "$rel" == *"(crash sys)"* ]]; then
		last=$(lab_crash "$vmlinux" "$out" "log" | grep -a '^\[' | tail -n 1)
	else
		last=$(/usr/bin/python3 "$LAB_DIR/drgn-log.py" "$out" "$vmlinux" 2>/dev/null | tail -n 1)
	fi
	[[ "$rel" == "RELEASE: $release "* ]] && [[ "$last" == *"end Kernel panic - not syncing: sysrq triggered crash ]---"* ]]
}

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	"$LAB_DIR/make-fixture" "$release" sysrq > /dev/null || bail "$release: make the sysrq fixture"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	fx=$KDK_CACHE/fixtures/$release/sysrq
	src=$fx/vmcore.elf
	run=$(lab_run_dir "dumpsave-$release")

	for level in 0 1 31; do
		for codec in none c l z; do
			flag=; [ "$codec" = none ] || flag=-$codec
			out=$run/d$level-$codec
			"$dumpsave" $flag -d $level "$src" "$out" 2> "$out.err"
			status=$?
			check_output "$release" "$vmlinux" "$out"
			ok $((status | $?)) "$release: dumpsave ${flag:-(no codec)} -d $level: crash opens it, release and panic log right ($(du -h "$out" | cut -f1))"
			[ "$level$codec" = 31l ] || rm -f "$out"
		done
		out=$run/d$level-elf
		"$dumpsave" -E -d $level "$src" "$out" 2> "$out.err"
		status=$?
		check_output "$release" "$vmlinux" "$out"
		ok $((status | $?)) "$release: dumpsave -E -d $level: crash opens the ELF, release and panic log right ($(du -h "$out" | cut -f1))"
		[ $level = 0 ] || rm -f "$out"
	done

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
done

# 6.1: the same pages as makedumpfile 1.7.2 at -d 31.
release=$KDK_KERNEL_61
run=$(ls -d "$KDK_RUNS"/dumpsave-"$release"-* | tail -n 1)
makedumpfile -l -d 31 "$run/d0-elf" "$run/mdf-d31" > "$run/mdf.out" 2>&1 || bail "makedumpfile -l -d 31 on our -E -d 0 copy: $(tail -n 2 "$run/mdf.out")"
"$inspect" kept "$run/mdf-d31" > "$run/kept-makedumpfile"
"$inspect" kept "$run/d31-l" > "$run/kept-dumpsave"
diff "$run/kept-makedumpfile" "$run/kept-dumpsave" > "$run/kept.diff"
ok $? "$release: the pages -d 31 keeps are makedumpfile 1.7.2's ($(wc -l < "$run/kept-dumpsave") pfn ranges)"
rm -f "$run/d0-elf" "$run/mdf-d31"

# 6.12: free pages against the kernel's counter; kernel lists walk through the filtered dump.
release=$KDK_KERNEL_612
run=$(ls -d "$KDK_RUNS"/dumpsave-"$release"-* | tail -n 1)
vmlinux=$(lab_kernel_dir "$release")/vmlinux
free_ours=$("$dumpsave" --dry-run --show-stats -d 31 "$KDK_CACHE/fixtures/$release/sysrq/vmcore.elf" "$run/dry" 2>&1 |
	awk '/Free pages/ {print $NF}')
[ -n "$free_ours" ] && free_ours=$((free_ours))
free_kernel=$(LAB_CRASH_OPTS="--kaslr=auto --no_modules" lab_crash "$vmlinux" "$run/d31-l" "rd -d vm_zone_stat 1" |
	awk '/^ffff/ {print $2}')
diag "free pages: dumpsave left out $free_ours; the kernel's vm_zone_stat[NR_FREE_PAGES] (crash rd) says $free_kernel"
# vmstat folds per-CPU deltas into the global counter lazily: allow 0.1 %.
[ -n "$free_ours" ] && [ -n "$free_kernel" ] &&
	awk -v a="$free_ours" -v b="$free_kernel" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d * 1000 <= b) }'
ok $? "$release: -d 31 leaves out the free pages the kernel counts ($free_ours vs $free_kernel)"
"$dumpsave" -d 0 "$KDK_CACHE/fixtures/$release/sysrq/vmcore.elf" "$run/d0-none" 2>/dev/null
/usr/bin/python3 "$LAB_DIR/drgn-tasks.py" "$run/d0-none" "$vmlinux" > "$run/tasks-full" 2> "$run/tasks-full.err"
/usr/bin/python3 "$LAB_DIR/drgn-tasks.py" "$run/d31-l" "$vmlinux" > "$run/tasks-d31" 2> "$run/tasks-d31.err"
[ -s "$run/tasks-full" ] && diff "$run/tasks-full" "$run/tasks-d31" > /dev/null
ok $? "$release: drgn walks the same $(wc -l < "$run/tasks-d31") tasks through the -d 31 output as through the unfiltered one (slab kept)"
rm -f "$run/d0-none"
done_testing
