# Lab test (no guest): faults injected into dumpsave (tests/fault shim, docs/faults.md) on the
# 6.1 sysrq fixture, and Debian's crash 8.0.2 opening what is left — EIO on a range of the input
# (kdump-compressed and ELF), a truncated input, ENOSPC in the pages (98% and 50% of the dump) and at
# the final rename, the disk vanishing, ENOSPC before the bitmaps are whole (nothing to open: crash
# must say so, not hang). No guest; ~4 min on 2 busy cores, most of it crash starting (~10 s each).
. "$(dirname "$0")/../lab.sh"

shim=$KDK_BUILD/tests/fault/libkdk-fault.so
[ -x "$KDK_BUILD/dumpsave" ] && [ -x "$KDK_BUILD/tests/tools/dump-inspect" ] && [ -f "$shim" ] ||
	bail "build dumpsave, tests/tools and the fault shim (make)"
command -v crash > /dev/null || bail "Debian's crash is needed (make deps)"
inspect=$KDK_BUILD/tests/tools/dump-inspect

# faulty ENV... -- DUMPSAVE-ARGS: dumpsave under the shim; $status, stderr in $work/err, the
# shim's log of injected faults in $work/fault.log.
faulty() {
	local env=()
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	rm -f "$work/fault.log"
	env "${env[@]}" KDK_FAULT_LOG="$work/fault.log" LD_PRELOAD="$shim" \
		timeout 300 "$KDK_BUILD/dumpsave" "$@" 2> "$work/err"
	status=$?
	touch "$work/fault.log"
}

# crash_sys DUMP: crash's sys on DUMP; ok when it names the release and the panic.
crash_sys() {
	lab_crash "$vmlinux" "$1" sys "${@:2}" > "$work/crash.out"
	grep -q "RELEASE: $release" "$work/crash.out" && grep -q 'PANIC: "Kernel panic - not syncing: sysrq triggered crash"' "$work/crash.out"
}

for release in $KDK_LAB_KERNELS; do
	case $release in
	6.1.*) ;;
	*) lab_skip "$release: crash 8.0.2 reads only 6.1 dumps (docs/lab.md); the faults are kernel-independent and tests/cli/44-faults.sh covers them with the reader as the oracle"
	   continue ;;
	esac
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	lab_fixture "$release" sysrq > /dev/null || bail "$release: sysrq fixture"
	fx=$KDK_CACHE/fixtures/$release/sysrq/vmcore.elf
	work=$(lab_run_dir "faults-$release")
	cd "$work" || bail "cd $work"
	# The fixture's first PT_LOAD: physical 0 at file offset data_off (QEMU's ELF, not page aligned).
	data_off=$(python3 -c "
import struct
b = open('$fx','rb').read(65536)
phoff, = struct.unpack_from('<Q', b, 32); n, = struct.unpack_from('<H', b, 56)
for i in range(n):
    t, = struct.unpack_from('<I', b, phoff + 56 * i)
    off, va, pa = struct.unpack_from('<QQQ', b, phoff + 56 * i + 8)
    if t == 1 and pa == 0: print(off); break") || bail "read $fx's program headers"

	# ---- EIO on 16 pages of kernel text, 1 MiB past _stext (kept at -d 31 on any dump): its
	# physical address from the fixture's VMCOREINFO (_stext - __START_KERNEL_map + phys_base) ----
	vmci=$(head -c 4194304 "$fx" | grep -a -o 'SYMBOL(_stext)=[0-9a-f]*\|NUMBER(phys_base)=-\?[0-9]*')
	stext=$(sed -n 's/^SYMBOL(_stext)=//p' <<< "$vmci") phys_base=$(sed -n 's/^NUMBER(phys_base)=//p' <<< "$vmci")
	[ -n "$stext" ] && [ -n "$phys_base" ] || bail "$release: no _stext/phys_base in the fixture's VMCOREINFO"
	pa=$(( (0x$stext - 0xffffffff80000000 + phys_base + 0x100000) & ~0xffff ))
	pa_hex=$(printf '%x' "$pa") next_hex=$(printf '%x' $((pa + 0x10000)))
	pfn_a=$(printf '0x%x' $((pa >> 12))) pfn_b=$(printf '0x%x' $(((pa >> 12) + 15)))
	s=$((data_off + pa)) e=$((data_off + pa + 0x10000))
	for out in eio.kdump:-l eio.elf:-E; do
		name=${out%%:*} flag=${out#*:}
		faulty KDK_FAULT_PATH=vmcore.elf KDK_FAULT_READ="EIO:$s-$e" -- $flag -d 31 "$fx" "$name"
		diag "on disk: $(ls -l "$name"* | tr '\n' ' ')"
		[ "$status" -eq 3 ] && [ -s fault.log ] &&
			grep -q "16 pages in 1 runs could not be read from the source and are marked unreadable in the dump: 0x$pa_hex-$(printf '0x%x' $((pa + 0xffff))) (pfns $pfn_a-$pfn_b, $fx offsets $(printf 0x%x "$s")-$(printf 0x%x $((e - 1)))): Input/output error" err
		ok $? "$release $flag: EIO on a range of the input: saved, exit 3 (got $status), the warning names the range: $(head -c 300 err)"
		crash_sys "$name" "rd -p 0x$pa_hex" "rd -p 0x$next_hex"
		ok $? "$release $flag: crash opens it ($(grep -E 'DUMPFILE|RELEASE' crash.out | tr -s ' ' | tr '\n' ' '))"
		if [ "$flag" = -l ]; then
			grep -q "rd: page incomplete: physical address: $pa_hex" crash.out
		else
			grep -q "rd: read error: physical address: $pa_hex" crash.out
		fi
		ok $? "$release $flag: crash reports the marked page as unreadable, not as data: $(grep '^rd:' crash.out)"
		grep -qE "^ *$next_hex: +[0-9a-f]{16}" crash.out
		ok $? "$release $flag: and reads the page after it: $(grep -E "^ *$next_hex:" crash.out)"
	done

	# ---- A truncated input: the copy ends at 600 MiB of its 1 GiB PT_LOAD ----
	head -c $((data_off + 600 * 1048576)) "$fx" > trunc.elf
	timeout 300 "$KDK_BUILD/dumpsave" -l -d 31 trunc.elf trunc.kdump 2> err
	status=$?
	diag "on disk: $(ls -l trunc.kdump* | tr '\n' ' ')"
	[ "$status" -eq 3 ] && grep -q 'could not be read from the source and are marked unreadable' err &&
		grep -q '(truncated: shorter than its PT_LOADs say)' err
	ok $? "$release: a truncated input is saved, exit 3 (got $status), the missing pages marked: $(head -c 300 err)"
	"$inspect" compare-readable trunc.kdump trunc.elf > cmp.out 2>&1
	ok $? "$release: every page of the truncated input that was there is saved as it was ($(cat cmp.out))"
	rm -f trunc.elf
	# The guest's memory above 600 MiB is gone from the source: its top page tables and per-CPU
	# areas, and, when KASLR put it there, the kernel image. crash cannot start without them; it
	# must not read the marks as data nor hang: it names the page it missed ("page incomplete"),
	# or, when even linux_banner is gone, stops (exit 1, nothing printed with -s).
	lab_crash "$vmlinux" trunc.kdump sys > crash.out
	crash_status=$?
	[ "$crash_status" -ne 124 ] && ! grep -q "RELEASE: $release" crash.out &&
		{ grep -q '^crash: page incomplete: ' crash.out || [ "$crash_status" -ne 0 ]; }
	ok $? "$release: crash on the dump of the truncated input stops at the marked pages, without reading them as data (exit $crash_status): $(grep -m1 '^crash:' crash.out)"

	# ---- ENOSPC in the pages, at the final rename; the disk gone ----
	# dumpsave writes the kernel image's pages first, then the rest from the top of memory down
	# (dump_save.h). So at 98% of the dump, wherever KASLR put the kernel, crash --minimal (its
	# mode for a kernel it cannot fully set up) reads linux_banner and the log up to the panic;
	# whether a full crash session starts depends on which 2% was lost (it needs the task list's
	# slab pages), so that is printed, not checked. At 50%: crash must either start or say which
	# page it lacks, never hang; our reader still reads every page saved.
	"$KDK_BUILD/dumpsave" -l -d 31 "$fx" whole.kdump 2> /dev/null || bail "$release: dumpsave the fixture"
	size=$(stat -c %s whole.kdump)
	rm -f whole.kdump
	for fault in "pages98:KDK_FAULT_WRITE=ENOSPC:$((size * 98 / 100))" "rename:KDK_FAULT_RENAME=ENOSPC" \
		"gone98:KDK_FAULT_WRITE_AFTER=EIO:$((size * 98 / 100))" "pages50:KDK_FAULT_WRITE=ENOSPC:$((size / 2))"; do
		name=${fault%%:*}
		faulty KDK_FAULT_PATH="nospc-$name" "${fault#*:}" -- -l -d 31 "$fx" "nospc-$name"
		diag "on disk: $(ls -l "nospc-$name"* | tr '\n' ' ') (the whole dump: $size bytes)"
		[ "$status" -eq 1 ] && [ -s fault.log ] && [ ! -e "nospc-$name" ] && [ -f "nospc-$name.incomplete" ]
		ok $? "$release: fault at $name (${fault#*:}): exit 1 (got $status), nothing under the final name, nospc-$name.incomplete kept: $(head -c 250 err)"
		"$inspect" compare-readable "nospc-$name.incomplete" "$fx" > cmp.out 2>&1
		ok $? "$release: $name: every page saved reads back as the fixture's ($(cat cmp.out))"
		case $name in
		rename)
			crash_sys "nospc-$name.incomplete"
			ok $? "$release: crash opens nospc-$name.incomplete ($(grep -E 'DUMPFILE|RELEASE' crash.out | tr -s ' ' | tr '\n' ' '))" ;;
		*98)
			LAB_CRASH_OPTS=--minimal lab_crash "$vmlinux" "nospc-$name.incomplete" \
				'rd -a linux_banner' 'log' > crash.out
			grep -q "Linux version $release " crash.out &&
				grep -q 'Kernel panic - not syncing: sysrq triggered crash' crash.out
			ok $? "$release: crash --minimal reads linux_banner and the log to the panic from nospc-$name.incomplete (the kernel image went first): $(grep -m1 -o 'Linux version [^ ]*' crash.out), $(grep -m1 -o 'Kernel panic - not syncing: [a-z ]*' crash.out)"
			LAB_CRASH_OPTS=--zero_excluded lab_crash "$vmlinux" "nospc-$name.incomplete" sys > crash.out
			diag "crash --zero_excluded sys on it: $(grep -E '^crash:|RELEASE' crash.out | head -2 | tr '\n' ' ')" ;;
		pages50)
			LAB_CRASH_OPTS=--zero_excluded lab_crash "$vmlinux" "nospc-$name.incomplete" sys > crash.out
			crash_status=$?
			[ "$crash_status" -ne 124 ] && { grep -q "RELEASE: $release" crash.out ||
				grep -qE '^crash: .*(do not match|page incomplete)' crash.out; }
			ok $? "$release: $name: crash starts or says which page it lacks, without hanging (exit $crash_status): $(grep -m1 -E '^crash:|RELEASE' crash.out)" ;;
		esac
	done
	"$inspect" info nospc-rename.incomplete | grep -q 'incomplete no'
	ok $? "$release: after a failed rename the partial file is the whole dump (header complete)"

	# ---- ENOSPC before the bitmaps are whole: nothing a reader can open; crash must not hang ----
	faulty KDK_FAULT_PATH=nospc-bitmaps KDK_FAULT_WRITE=ENOSPC:0x3000 -- -l -d 31 "$fx" nospc-bitmaps
	diag "on disk: $(ls -l nospc-bitmaps* | tr '\n' ' ')"
	lab_crash "$vmlinux" nospc-bitmaps.incomplete sys > crash.out
	crash_status=$?
	# crash 8.0.2 dies of SIGBUS here (exit 135: it maps the bitmaps past the end of the file).
	diag "crash on the remains: exit $crash_status"
	[ "$status" -eq 1 ] && [ "$crash_status" -ne 124 ] && ! grep -q "RELEASE: $release" crash.out
	ok $? "$release: ENOSPC in the bitmaps: exit 1, crash refuses the remains without hanging: $(grep -v '^$' crash.out | head -3 | tr '\n' ' ')"
	# ~150 MB of dumps: kept only when something failed.
	cd / && [ "$TAP_FAILED" -eq 0 ] && rm -rf "$work"
done
done_testing
