# Lab test: kcrash's rd (every display option), vtop, ptov, bt -t/-T (the text addresses on the
# stacks) and search on the sysrq fixture of every lab kernel, with the -dbg vmlinux and from the
# dump alone, against reference peers:
#   - 6.1: Debian's crash 8.0.2, one batch session: each command prints crash's text (crash prints
#     the page line's header only now and then: that line is left out of both; a value crash names
#     by a section symbol such as ".data", which kallsyms does not hold, may carry another name;
#     bt -t's START is bt's frame #0, which for a QEMU-made dump is where the CPU stopped inside
#     panic, where crash starts at panic itself: checked against our bt instead);
#   - every kernel: drgn 0.0.22 (on 6.12 and 7.x it stands in for crash, which aborts at random on
#     6.12 and cannot read 7.x), reading our -l -d 0 copy: the bytes at each vtop's physical address
#     are the bytes drgn reads at the virtual one (direct map, kernel text, vmalloc'd stack, module
#     text, vmemmap), ptov is drgn's phys_to_virt, rd -8 and rd -32 -p give drgn's bytes; a user
#     address (PID 1's first mapping, its executable's first page) translates to a page that
#     starts with the ELF magic; bt -T lists exactly the words of the panic task's stack that
#     drgn finds in [_stext, _etext); search -p finds the panic task's address exactly where a
#     scan of physical memory through drgn does, and search -k in the direct map at those
#     addresses' direct-map aliases (crash's search -k, on 6.1, the same in the direct map and
#     the vmalloc'd stacks; its kernel-image hits differ: crash takes the whole 1 GiB text map
#     as mapped); and from the dump alone every command but rd's symbolic ones prints what it
#     prints with the vmlinux.
. "$(dirname "$0")/../lab.sh"

kcrash=$KDK_BUILD/kcrash
[ -x "$kcrash" ] || bail "$kcrash not built (make)"
command -v crash > /dev/null || bail "Debian's crash is not installed (the 6.1 oracle)"
/usr/bin/python3 -c 'import drgn' 2> /dev/null || bail "python3-drgn is not installed (the oracle)"

# Split a batch's output at the marker lines (`sym init_task` after each command): command i's
# output in DIR/i.txt, blank lines, crash's PID-hash warnings and the page-line header left out.
split_out() { awk -v dir="$2" 'BEGIN { n = 0 } /^[0-9a-f]+ \([A-Za-z]\) init_task$/ { n++; next }
	/^WARNING: active task .* not found in PID hash$/ || /^$/ { next }
	/^      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS$/ { next }
	{ print > (dir "/" n ".txt") }' "$1"; }
# same_text CRASH OURS — equal line by line and word by word, a crash word naming a section
# (".data") matching any name.
same_text() { python3 - "$1" "$2" <<'PY'
import sys
a = open(sys.argv[1]).read().splitlines() if sys.argv[1] else []
b = open(sys.argv[2]).read().splitlines() if sys.argv[2] else []
ok = len(a) == len(b) and all(
    len(x.split()) == len(y.split()) and
    all(u == v or u.startswith(".") for u, v in zip(x.split(), y.split())) and
    (x == y or any(u.startswith(".") for u in x.split()))
    for x, y in zip(a, b))
sys.exit(0 if ok else 1)
PY
}
# the physical address vtop printed (its second line's second word)
vtop_phys() { sed -n '2{s/^[0-9a-f]* *\([0-9a-f]*\) *$/\1/p}'; }
# rd's hex words, in address order, as little-endian bytes in hex
rd_bytes() { python3 -c 'import sys
size = int(sys.argv[1]); out = ""
for line in sys.stdin:
    head, _, rest = line.partition(":  ")
    for w in rest.split()[: 16 // size]:
        if len(w) != 2 * size: break
        out += int(w, 16).to_bytes(size, "little").hex()
print(out)' "$1"; }

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	lab_fixture "$release" sysrq > /dev/null || bail "$release: sysrq fixture"
	dump=$KDK_CACHE/fixtures/$release/sysrq/vmcore.elf
	work=$(lab_run_dir "kcrash-rd-vtop-$release")

	# the addresses: the panic task (direct map), its stack (vmalloc), schedule (kernel text), the
	# first module's text, the task's struct page (vmemmap), PID 1's first mapping (user)
	"$kcrash" "$vmlinux" "$dump" -c 'set; bt; mod; sym schedule; vm 1' > "$work/find.out" 2> "$work/find.err"
	task=$(sed -n 's/^ *TASK: \([0-9a-f]\{16\}\).*/\1/p' "$work/find.out" | head -n 1)
	stack=$(sed -n 's/^ *#[0-9]* *\[\([0-9a-f]\{16\}\)\].*/\1/p' "$work/find.out" | head -n 1)
	modtext=$(awk '/^ *MODULE +NAME/ { getline; print $3; exit }' "$work/find.out")
	text=$(sed -n 's/^\([0-9a-f]\{16\}\) (T) schedule$/\1/p' "$work/find.out")
	ustart=$(awk '/^ *VMA +START/ { getline; print $2; exit }' "$work/find.out")
	page=$("$kcrash" "$vmlinux" "$dump" -c "kmem $task" 2> /dev/null | tail -n 1 | cut -d' ' -f1)
	for v in task stack modtext text ustart page; do
		[ -n "${!v}" ] || bail "$release: no $v address from kcrash (set/bt/mod/sym/vm/kmem: $(head -c 300 "$work/find.err"))"
	done
	taskphys=$("$kcrash" "$vmlinux" "$dump" -c "vtop $task" 2> /dev/null | vtop_phys)
	[ -n "$taskphys" ] || bail "$release: vtop $task printed no physical address"
	# the direct map and the stack's vmalloc area, 1 GiB each, for search
	dmstart=$("$kcrash" "$dump" -c 'ptov 0' 2> /dev/null | sed -n '2s/^\([0-9a-f]*\) .*/\1/p')
	[ -n "$dmstart" ] || bail "$release: ptov 0 printed no address"
	dmend=$(printf '%x' $((0x$dmstart + (1 << 30))))
	vstart=$(printf '%x' $((0x$stack & ~((1 << 30) - 1))))
	vend=$(printf '%x' $((0x$vstart + (1 << 30))))

	cmds="rd linux_banner 3
rd -a linux_banner 20
rd -8 linux_banner 20
rd -16 linux_banner 9
rd -32 linux_banner 5
rd -d jiffies 3
rd -D jiffies 3
rd -32 -d jiffies 3
rd -x linux_banner 3
rd -o 8 linux_banner 2
rd -N -32 linux_banner 3
rd -R linux_banner 3
rd -16 -d linux_banner 3
rd -8 -D linux_banner 3
rd -32 -x linux_banner 6
rd -e $(printf '%x' $((0x$stack + 40))) $stack
rd -s $stack 16
rd -S $stack 16
rd -s modules 4
rd -p $taskphys 4
rd -p -8 $taskphys 5
vtop $task
vtop $text
vtop $stack
vtop $modtext
vtop $page
ptov $taskphys
ptov 10:a
bt -t
bt -T
search -k -s $dmstart -e $dmend $task
search -k -s $vstart -e $vend $task"
	printf '%s\n' "$cmds" > "$work/batch"
	sed 's/$/\nsym init_task/' "$work/batch" > "$work/batch.marked"
	"$kcrash" "$vmlinux" "$dump" < "$work/batch.marked" > "$work/ours.out" 2> "$work/ours.err"
	"$kcrash" "$dump" < "$work/batch.marked" > "$work/bare.out" 2> "$work/bare.err"
	mkdir -p "$work/ours" "$work/bare" "$work/crash"
	split_out "$work/ours.out" "$work/ours"
	split_out "$work/bare.out" "$work/bare"
	n=$(wc -l < "$work/batch")
	[ "$(ls "$work/ours" | wc -l)" = "$n" ]
	ok $? "$release: kcrash with the vmlinux answered all $n commands (errors: $(head -c 300 "$work/ours.err"))"

	# from the dump alone: the same text, symbolic rd aside (names need symbol sizes)
	i=0 same=0 asked=0
	while IFS= read -r c; do
		case $c in "rd -s"*|"rd -S"*) i=$((i + 1)); continue ;; esac
		asked=$((asked + 1))
		if cmp -s "$work/ours/$i.txt" "$work/bare/$i.txt"; then same=$((same + 1)); else
			diag "dump alone: '$c' differs:"; diff "$work/ours/$i.txt" "$work/bare/$i.txt" 2>&1 | head -n 6 | while IFS= read -r l; do diag "$l"; done; fi
		i=$((i + 1))
	done < "$work/batch"
	[ "$same" = "$asked" ]
	ok $? "$release: from the dump alone $same of $asked rd/vtop/ptov commands print what they print with the vmlinux"

	case $release in
	6.1.*)
		timeout 600 crash -s "$vmlinux" "$dump" < <(cat "$work/batch.marked"; echo quit) \
			> "$work/crash.out" 2> "$work/crash.err"
		split_out "$work/crash.out" "$work/crash"
		i=0 same=0
		while IFS= read -r c; do
			theirs=$work/crash/$i.txt ours=$work/ours/$i.txt
			[ -f "$theirs" ] || theirs=
			[ -f "$ours" ] || ours=
			if [ -n "$theirs" ] && [ -n "$ours" ] && [[ $c == "bt -t"* ]]; then
				grep -v '^ *START: ' "$theirs" > "$theirs.nostart"; theirs=$theirs.nostart
				grep -v '^ *START: ' "$ours" > "$ours.nostart"; ours=$ours.nostart
			fi
			if [ -n "$theirs" ] && same_text "$theirs" "$ours"; then
				same=$((same + 1))
				ok 0 "$release: '$c' prints what crash 8.0.2 prints ($(wc -l < "$theirs") lines)"
			else
				ok 1 "$release: '$c' differs from crash 8.0.2"
				diff "${theirs:-/dev/null}" "${ours:-/dev/null}" | head -n 10 | while IFS= read -r l; do diag "$l"; done
			fi
			i=$((i + 1))
		done < "$work/batch"
		;;
	esac

	# drgn: the bytes behind each translation, on our -l -d 0 copy
	"$KDK_BUILD/dumpsave" -f -l -d 0 "$dump" "$work/oracle.kdump" 2> /dev/null ||
		bail "$release: dumpsave -l -d 0 the fixture for drgn"
	reqs=() phys=()
	for v in task stack modtext text page; do
		p=$("$kcrash" "$vmlinux" "$dump" -c "vtop ${!v}" 2> /dev/null | vtop_phys)
		phys+=("$p")
		reqs+=("v:${!v}" "p:${p:-0}")
	done
	reqs+=("ptov:$taskphys")
	/usr/bin/python3 "$KDK_TOP/tests/lab/drgn-rd-vtop.py" "$work/oracle.kdump" "$vmlinux" "${reqs[@]}" \
		> "$work/drgn.out" 2> "$work/drgn.err" || bail "$release: drgn failed: $(tail -n 2 "$work/drgn.err")"
	k=0
	for v in task stack modtext text page; do
		p=${phys[$k]} k=$((k + 1))
		want=$(awk -v a="$(printf '%x' "0x${!v}")" '$1 == "v" && $2 == a { print $3 }' "$work/drgn.out")
		got=$(awk -v a="$(printf '%x' "0x${p:-0}")" '$1 == "p" && $2 == a { print $3 }' "$work/drgn.out")
		[ -n "$p" ] && [ -n "$want" ] && [ "$want" != ERROR ] && [ "$got" = "$want" ]
		ok $? "$release: vtop ${!v} ($v) = $p: drgn reads the same 64 bytes at both"
	done
	want=$(awk '$1 == "ptov" { print $3 }' "$work/drgn.out")
	got=$("$kcrash" "$vmlinux" "$dump" -c "ptov $taskphys" 2> /dev/null | sed -n '2s/^\([0-9a-f]*\) .*/\1/p')
	[ "$got" = "$want" ] && [ "$got" = "$task" ]
	ok $? "$release: ptov $taskphys = $got: drgn's phys_to_virt ($want), the panic task's address"
	want=$(awk -v a="$task" '$1 == "v" && $2 == a { print $3 }' "$work/drgn.out")
	got=$("$kcrash" "$dump" -c "rd -8 $task 64" 2> /dev/null | rd_bytes 1)
	is "$got" "$want" "$release: rd -8 of the task from the dump alone: drgn's 64 bytes"
	got=$("$kcrash" "$dump" -c "rd -32 -p $taskphys 16" 2> /dev/null | rd_bytes 4)
	is "$got" "$want" "$release: rd -32 -p of its physical address: the same bytes"
	want=$(awk -v a="$stack" '$1 == "v" && $2 == a { print $3 }' "$work/drgn.out")
	got=$("$kcrash" "$vmlinux" "$dump" -c "rd $stack 8" 2> /dev/null | rd_bytes 8)
	is "$got" "$want" "$release: rd of the panic task's stack: drgn's 64 bytes"

	# bt -t starts where bt's frame #0 is; bt -T: the stack's text words, as drgn finds them
	frame0=$("$kcrash" "$vmlinux" "$dump" -c bt 2> /dev/null | sed -n 's/^ #0 *\[[0-9a-f]*\] \([^ ]*\) at \([0-9a-f]*\).*/\1 at \2/p')
	start=$("$kcrash" "$vmlinux" "$dump" -c 'bt -t' 2> /dev/null | sed -n 's/^ *START: //p')
	[ -n "$frame0" ] && [ "$start" = "$frame0" ]
	ok $? "$release: bt -t starts at bt's frame #0 ($frame0)"
	/usr/bin/python3 "$KDK_TOP/tests/lab/drgn-rd-vtop.py" "$work/oracle.kdump" "$vmlinux" "stack:$task" \
		> "$work/drgn-stack.out" 2>> "$work/drgn.err" || bail "$release: drgn failed: $(tail -n 2 "$work/drgn.err")"
	want=$(awk '$1 == "text" { print $2, $3 }' "$work/drgn-stack.out" | sort)
	got=$("$kcrash" "$dump" -c 'bt -T' 2> /dev/null | grep -v ' \[[a-z0-9_]*\]$' |
		sed -n 's/^  \[\([0-9a-f]*\)\] [^ ]* at \([0-9a-f]*\)$/\1 \2/p' | sort)
	[ "$(wc -l <<< "$want")" -gt 5 ] && [ "$got" = "$want" ]
	ok $? "$release: bt -T from the dump alone lists the $(wc -l <<< "$want") words of the task's stack drgn finds in kernel text"
	[ -n "$got" ] && [ -z "$(comm -23 <("$kcrash" "$dump" -c 'bt -t' 2> /dev/null | grep -v ' \[[a-z0-9_]*\]$' |
		sed -n 's/^  \[\([0-9a-f]*\)\] [^ ]* at \([0-9a-f]*\)$/\1 \2/p' | sort) <(echo "$got"))" ]
	ok $? "$release: bt -t's words are among bt -T's (one stack: a system call)"

	# search: where a scan of physical memory through drgn finds the task's address
	/usr/bin/python3 "$KDK_TOP/tests/lab/drgn-rd-vtop.py" "$work/oracle.kdump" "$vmlinux" "scan:$task" \
		> "$work/drgn-scan.out" 2>> "$work/drgn.err" || bail "$release: drgn failed: $(tail -n 2 "$work/drgn.err")"
	want=$(sed -n 's/^hit //p' "$work/drgn-scan.out")
	got=$("$kcrash" "$dump" -c "search -p $task" 2> /dev/null | sed -n 's/^\([0-9a-f]*\): '"$task"' $/\1/p')
	[ "$(wc -l <<< "$want")" -gt 10 ] && [ "$got" = "$want" ]
	ok $? "$release: search -p finds the panic task's address at the $(wc -l <<< "$want") physical words a scan through drgn finds"
	want=$(while read -r p; do printf '%x\n' $((0x$dmstart + 0x$p)); done <<< "$want")
	got=$("$kcrash" "$dump" -c "search -s $dmstart -e $dmend $task" 2> /dev/null | sed -n 's/^\([0-9a-f]*\): .*/\1/p')
	[ -n "$got" ] && [ "$got" = "$want" ]
	ok $? "$release: search -k in the direct map finds it at their direct-map addresses"
	banner=$("$kcrash" "$dump" -c 'sym linux_banner' 2> /dev/null | cut -d' ' -f1)
	"$kcrash" "$dump" -c 'search -c "Linux version"' > "$work/search-c" 2> /dev/null
	grep -q "^$banner: Linux version\$" "$work/search-c"
	ok $? "$release: search -c \"Linux version\" finds linux_banner ($banner) among $(wc -l < "$work/search-c") hits"

	# a user address: PID 1's lowest mapping is its executable's first page
	"$kcrash" "$vmlinux" "$dump" -c "vtop -c 1 $ustart" > "$work/vtop-user" 2>&1
	up=$(vtop_phys < "$work/vtop-user")
	magic=$([ -n "$up" ] && "$kcrash" "$dump" -c "rd -8 -p $up 4" 2> /dev/null | awk '{ print $2 $3 $4 $5 }')
	[ "$magic" = 7f454c46 ] && grep -q '^   PTE: ' "$work/vtop-user"
	ok $? "$release: vtop -c 1 $ustart (PID 1's first mapping) = ${up:-nothing}, whose page starts with the ELF magic ($magic)"
	want=$(awk '/^ *VMA +START/ { getline; print; exit }' "$work/find.out")
	got=$(awk '/^ *VMA +START/ { getline; print; exit }' "$work/vtop-user")
	[ -n "$want" ] && [ "$got" = "$want" ]
	ok $? "$release: vtop -c 1 $ustart shows the VMA holding it, vm 1's line: $got"
	got=$("$kcrash" "$dump" -c "set 1; rd -u -8 $ustart 4" 2> /dev/null | tail -n 1 | awk '{ print $2 $3 $4 $5 }')
	is "$got" 7f454c46 "$release: rd -u through PID 1's page tables reads the ELF magic at $ustart"
	"$kcrash" "$dump" -c "set 1; search -u -s $ustart -l 1000 -c ELF" 2> /dev/null | grep -q "^$(printf '%x' $((0x$ustart + 1))): ELF\$"
	ok $? "$release: search -u finds \"ELF\" at $ustart + 1"
	"$kcrash" "$dump" -c "vtop -c 1 $ustart" > "$work/vtop-user-bare" 2>&1
	cmp -s "$work/vtop-user" "$work/vtop-user-bare"
	ok $? "$release: the same user vtop from the dump alone"
done
done_testing
