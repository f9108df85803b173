# Lab test: kcrash's mach, mach -m, mach -c, kmem -V, kmem -z, kmem -v, sys -i and dev -p on the cached
# sysrq fixture of every lab kernel (no guest), with the -dbg vmlinux and from the dump alone,
# against reference peers:
#   - every kernel: drgn 0.0.22 (tests/lab/drgn-mach.py) reading our -l -d 0 copy with the vmlinux:
#     the direct-map, vmalloc and vmemmap bases, PROCESSOR SPEED (cpu_khz / 1000), each CPU's IRQ
#     stack (hardirq_stack_ptr's top) and every cea_exception_stacks stack's base and size, the
#     e820 table (mach -m) and each CPU's cpuinfo_x86 loops_per_jiffy and model name (mach -c);
#     KERNEL STACK SIZE and HZ against the kernel's own config (THREAD_SIZE is 16 KiB, 32 KiB with
#     CONFIG_KASAN; CONFIG_HZ), MEMORY SIZE and CPUS against kcrash's sys (t/70 checks sys), every
#     module's address from kcrash's mod above KERNEL MODULES BASE; kmem -V's every counter
#     (vm_zone_stat, vm_node_stat, vm_event_states summed over the CPUs, each named by its enum)
#     as tests/lab/drgn-vmstat.py reads them, and kmem -z's zones (address, name, spanned and
#     present pages, watermarks with their boost, each zone's vm_stat); kmem -v's vmalloc areas
#     (vmap_area, vm_struct, range) as tests/lab/drgn-vmalloc.py reads vmap_area_list or, on
#     6.12 and 7.x, each vmap node's busy list; sys -i's DMI strings as
#     drgn reads dmi_ident; dev -p's PCI devices as drgn walks pci_root_buses (the lab's i440fx
#     guests have one bus: a bridge's subordinate buses are not seen here);
#   - 6.1: crash 8.0.2 too: mach -m, mach -c, kmem -V, kmem -z, kmem -v, sys -i and dev -p print the same
#     text; mach the same lines up to its
#     exception stacks after DEBUG (crash 8.0.2 names the MCE stack "(unknown)" with size 0 and
#     the address of the VC stack's guard page, and leaves out VC2: ours are BTF's members).
# crash cannot run on 6.12 (aborts at random) or read 7.x: there drgn and the config stand in.
. "$(dirname "$0")/../lab.sh"

kcrash=$KDK_BUILD/kcrash
[ -x "$kcrash" ] || bail "$kcrash not built (make)"
command -v crash > /dev/null || bail "Debian's crash is not installed (the 6.1 oracle)"
/usr/bin/python3 -c 'import drgn' 2> /dev/null || bail "python3-drgn is not installed (the oracle on every kernel)"

# mach's "LABEL: value" (first match), and the stack lines as "KIND CPU BASE SIZE"
field() { sed -n "s/^ *$1: *//p" "$2" | head -n 1; }
mach_stacks() { awk '/ STACK SIZE: / { kind = $1; size = $NF; next }
	/ STACKS:$/ { next } /^ +CPU [0-9]+: / { sub(/:$/, "", $2); print kind, $2, $3, size }' "$1"; }
# drgn's stacks in the same shape, its short member names as mach prints them, the IRQ stack's
# base its top less THREAD_SIZE (bash's 64-bit arithmetic wraps as the addresses do)
drgn_stacks() {
	local key kind cpu addr size
	while read -r key kind cpu addr size; do
		case $key in
		irqtop) printf 'IRQ %d %016x %d\n' "$kind" "$((16#$cpu - $2))" "$2" ;;
		stack)
			case $kind in DF) kind=DOUBLEFAULT ;; DB) kind=DEBUG ;; esac
			printf '%s %d %016x %d\n' "$kind" "$cpu" "$((16#$addr))" "$size" ;;
		esac
	done < "$1" | sort
}

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	kdir=$(lab_kernel_dir "$release")
	vmlinux=$kdir/vmlinux
	lab_fixture "$release" sysrq > /dev/null || bail "$release: sysrq fixture"
	dump=$KDK_CACHE/fixtures/$release/sysrq/vmcore.elf
	work=$(lab_run_dir "kcrash-mach-$release")
	TAP_KEEP_DIRS=("$work")
	"$KDK_BUILD/dumpsave" -f -l -d 0 "$dump" "$work/oracle.kdump" 2> /dev/null || bail "$release: dumpsave -l -d 0 for drgn"
	/usr/bin/python3 "$LAB_DIR/drgn-many.py" "$work/oracle.kdump" "$vmlinux" "$work" mach vmstat vmalloc 2> "$work/drgn.err" ||
		bail "$release: drgn failed: $(cat "$work"/drgn*.err | tail -n 2)"
	mv "$work/drgn-mach.txt" "$work/drgn.txt"
	rm -f "$work/oracle.kdump"
	# The config's THREAD_SIZE (PAGE_SIZE << (2 + KASAN_STACK_ORDER)) and HZ
	thread_size=16384
	grep -q '^CONFIG_KASAN=y' "$kdir/config" && thread_size=32768
	hz=$(sed -n 's/^CONFIG_HZ=//p' "$kdir/config")
	[ -n "$hz" ] || bail "$release: no CONFIG_HZ in $kdir/config"
	for how in vmlinux bare; do
		if [ $how = vmlinux ]; then args=("$vmlinux" "$dump"); label="with the vmlinux"
		else args=("$dump"); label="from the dump alone"; fi
		name="$release $label"
		"$kcrash" "${args[@]}" -c mach > "$work/mach.$how" 2> "$work/mach.$how.err"
		rc=$?
		want=$(awk '$1 ~ /_base$/ { print $1, $2 }' "$work/drgn.txt" | tr '\n' ' ')
		got="page_offset_base $(field 'KERNEL VIRTUAL BASE' "$work/mach.$how" | sed 's/^0*//') vmalloc_base $(field 'KERNEL VMALLOC BASE' "$work/mach.$how" | sed 's/^0*//') vmemmap_base $(field 'KERNEL VMEMMAP BASE' "$work/mach.$how" | sed 's/^0*//') "
		is "$got" "$want" "$name: mach (exit $rc) has drgn's direct-map, vmalloc and vmemmap bases"
		khz=$(awk '$1 == "cpu_khz" { print int($2 / 1000) }' "$work/drgn.txt")
		is "$(field 'PROCESSOR SPEED' "$work/mach.$how")" "$khz Mhz" "$name: mach's PROCESSOR SPEED is drgn's cpu_khz / 1000"
		is "$(field 'KERNEL STACK SIZE' "$work/mach.$how")" "$thread_size" "$name: mach's KERNEL STACK SIZE is the config's THREAD_SIZE"
		is "$(field HZ "$work/mach.$how")" "$hz" "$name: mach's HZ is the config's CONFIG_HZ"
		sys=$("$kcrash" "${args[@]}" -c sys 2>&1)
		is "$(field 'MEMORY SIZE' "$work/mach.$how") / $(field CPUS "$work/mach.$how")" \
			"$(sed -n 's/^ *MEMORY: //p' <<< "$sys") / $(sed -n 's/^ *CPUS: //p' <<< "$sys")" \
			"$name: mach's MEMORY SIZE and CPUS are sys's"
		mach_stacks "$work/mach.$how" | sort > "$work/stacks.$how"
		drgn_stacks "$work/drgn.txt" "$thread_size" > "$work/stacks.drgn"
		if [ -s "$work/stacks.drgn" ] && diff "$work/stacks.drgn" "$work/stacks.$how" > "$work/stacks.$how.diff"; then
			ok 0 "$name: mach's IRQ and exception stacks are drgn's ($(wc -l < "$work/stacks.drgn") of them, $(cut -d' ' -f1 "$work/stacks.drgn" | sort -u | tr '\n' ' '))"
		else
			ok 1 "$name: mach's stacks differ from drgn's (expected < , got >)"
			head -n 10 "$work/stacks.$how.diff" | while IFS= read -r l; do diag "$l"; done
		fi
		base=$(field 'KERNEL MODULES BASE' "$work/mach.$how")
		below=$("$kcrash" "${args[@]}" -c mod 2>/dev/null | awk -v base="$base" 'NR > 1 && $1 ~ /^[0-9a-f]+$/ && $1 < base { print $2 }')
		mods=$("$kcrash" "${args[@]}" -c mod 2>/dev/null | awk 'NR > 1 && $1 ~ /^[0-9a-f]+$/' | wc -l)
		[ -n "$base" ] && [ "$mods" -gt 0 ] && [ -z "$below" ]
		ok $? "$name: every module mod lists ($mods) lies above mach's KERNEL MODULES BASE $base${below:+ (below: $below)}"
		"$kcrash" "${args[@]}" -c 'mach -m' > "$work/mach-m.$how" 2>&1
		rc=$?
		diff <(awk '$1 == "e820" { print $2 " - " $3 "  " $4 }' "$work/drgn.txt") <(tail -n +2 "$work/mach-m.$how") > /dev/null
		ok $? "$name: mach -m (exit $rc) lists drgn's e820 table ($(grep -c '^e820' "$work/drgn.txt") ranges)"
		"$kcrash" "${args[@]}" -c 'mach -c' > "$work/mach-c.$how" 2>&1
		rc=$?
		got=$(awk '/^CPU [0-9]+:$/ { cpu = $2; sub(/:/, "", cpu) }
			/^  loops_per_jiffy = / { lpj = $3; sub(/,/, "", lpj) }
			/^  x86_model_id = / { m = $0; sub(/^[^"]*"/, "", m); sub(/(\\000)*",?$/, "", m) }
			/^}/ { print "cpuinfo", cpu, "loops_per_jiffy", lpj, "model", m }' "$work/mach-c.$how")
		is "$got" "$(grep '^cpuinfo' "$work/drgn.txt")" "$name: mach -c (exit $rc) has each CPU's loops_per_jiffy and model name as drgn reads them"
		# kmem -z: each zone's line, size, present pages, watermarks and vm_stat, as drgn reads them
		"$kcrash" "${args[@]}" -c 'kmem -z' > "$work/kmem-z.$how" 2>&1
		rc=$?
		python3 - "$work/kmem-z.$how" > "$work/kmem-z.$how.rows" <<'PY'
import re, sys
node = idx = None
for line in open(sys.argv[1]):
    m = re.match(r'^NODE: (\d+)  ZONE: (\d+)  ADDR: ([0-9a-f]+)  NAME: "(.*)"$', line)
    if m:
        node, idx, addr, name = m.groups(); addr = "%x" % int(addr, 16); continue
    m = re.match(r'^  SIZE: (\d+)(?:  PRESENT: (\d+))?  MIN/LOW/HIGH: (\d+)/(\d+)/(\d+)$', line)
    if m:
        size, present, lo, mid, hi = m.groups()
        print("zone", node, idx, addr, name, size, present or size, lo, mid, hi); continue
    if line.strip() == "[unpopulated]":
        print("zone", node, idx, addr, name, "unpopulated"); continue
    m = re.match(r'^ *([A-Z_0-9]+|\(item \d+\)): (-?\d+)$', line)
    if m:
        print("zstat", node, idx, m.group(1), m.group(2))
PY
		# (drgn's line for an unpopulated zone has its numbers; ours says unpopulated)
		awk '$1 == "zone" && $7 == 0 { print $1, $2, $3, $4, $5, "unpopulated"; next } $1 == "zone" || $1 == "zstat"' \
			"$work/drgn-vmstat.txt" > "$work/drgn-z.txt"
		if grep -q '^zstat' "$work/drgn-z.txt" && diff "$work/drgn-z.txt" "$work/kmem-z.$how.rows" > "$work/kmem-z.$how.diff"; then
			ok 0 "$name: kmem -z (exit $rc) has drgn's zones, sizes, watermarks and counters ($(grep -c '^zone' "$work/drgn-z.txt") zones, $(grep -c '^zstat' "$work/drgn-z.txt") counters)"
		else
			ok 1 "$name: kmem -z (exit $rc) differs from drgn's zones (expected < , got >)"
			head -n 10 "$work/kmem-z.$how.diff" | while IFS= read -r l; do diag "$l"; done
		fi
		# dev -p: every PCI device as drgn walks pci_root_buses (type: the PCIe port type number,
		# kcrash's names mapped back; 1 for a bridge header)
		"$kcrash" "${args[@]}" -c 'dev -p' > "$work/dev-p.$how" 2>&1
		rc=$?
		awk '/^  [0-9a-f]+ [0-9a-f]+:[0-9a-f]+:[0-9a-f]+\./ { t = $5; b = ($0 ~ /\[BRIDGE\]/) ? 1 : 0
			n = split("ENDPOINT LEG_END - - ROOT_PORT UPSTREAM DOWNSTREAM PCI_BRIDGE PCIE_BRIDGE RC_END RC_EC", names, " ")
			for (i = 1; i <= n; i++) if (names[i] == t) t = i - 1
			print "pci", $1, $2, $3, $4, t, b }' "$work/dev-p.$how" | sed 's/^pci 0*/pci /' > "$work/dev-p.$how.rows"
		grep '^pci ' "$work/drgn.txt" > "$work/drgn-pci.txt"
		if [ -s "$work/drgn-pci.txt" ] && diff "$work/drgn-pci.txt" "$work/dev-p.$how.rows" > "$work/dev-p.$how.diff"; then
			ok 0 "$name: dev -p (exit $rc) lists drgn's PCI devices ($(wc -l < "$work/drgn-pci.txt")), their addresses, classes, IDs and types"
		else
			ok 1 "$name: dev -p (exit $rc) differs from drgn's PCI devices (expected < , got >)"
			head -n 10 "$work/dev-p.$how.diff" | while IFS= read -r l; do diag "$l"; done
		fi
		"$kcrash" "${args[@]}" -c 'sys -i' > "$work/sys-i.$how" 2>&1
		rc=$?
		is "$(sed 's/^ *//' "$work/sys-i.$how")" "$(sed -n 's/^dmi //p' "$work/drgn.txt")" "$name: sys -i (exit $rc) has drgn's DMI strings ($(grep -c '^dmi ' "$work/drgn.txt"))"
		"$kcrash" "${args[@]}" -c 'kmem -V' > "$work/kmem-V.$how" 2>&1
		rc=$?
		awk '/^  VM_[A-Z_]*:$/ { sec = $1; sub(/:/, "", sec); next }
			/: / { n = $1; sub(/:$/, "", n); print sec, n, $2 }' "$work/kmem-V.$how" > "$work/kmem-V.$how.rows"
		grep '^VM_' "$work/drgn-vmstat.txt" > "$work/drgn-vm.txt"
		if [ -s "$work/drgn-vm.txt" ] && diff "$work/drgn-vm.txt" "$work/kmem-V.$how.rows" > "$work/kmem-V.$how.diff"; then
			ok 0 "$name: kmem -V (exit $rc) has drgn's every counter ($(wc -l < "$work/drgn-vm.txt"): $(cut -d' ' -f1 "$work/drgn-vm.txt" | uniq -c | awk '{ printf "%s %s ", $2, $1 }'))"
		else
			ok 1 "$name: kmem -V (exit $rc) differs from drgn's counters (expected < , got >)"
			head -n 10 "$work/kmem-V.$how.diff" | while IFS= read -r l; do diag "$l"; done
		fi
		# kmem -v: every vmalloc area with a vm_struct, in address order, as drgn reads them
		"$kcrash" "${args[@]}" -c 'kmem -v' > "$work/kmem-v.$how" 2> "$work/kmem-v.$how.err"
		rc=$?
		awk 'NR > 1 && $4 == "-" { print "va", $1, $2, $3, $5 }' "$work/kmem-v.$how" > "$work/kmem-v.$how.rows"
		if [ "$rc" = 0 ] && [ -s "$work/drgn-vmalloc.txt" ] && diff "$work/drgn-vmalloc.txt" "$work/kmem-v.$how.rows" > "$work/kmem-v.$how.diff"; then
			ok 0 "$name: kmem -v has drgn's vmalloc areas, their vm_structs and ranges, in address order ($(wc -l < "$work/drgn-vmalloc.txt") areas)"
		else
			ok 1 "$name: kmem -v (exit $rc: $(head -c 200 "$work/kmem-v.$how.err")) differs from drgn's vmalloc areas (expected < , got >)"
			head -n 10 "$work/kmem-v.$how.diff" | while IFS= read -r l; do diag "$l"; done
		fi
	done
	case $release in
	6.1.*)
		lab_crash_split "$work" "$vmlinux" "$dump" mach 'mach -m' 'mach -c' 'kmem -V' 'sys -i' 'kmem -z' 'dev -p' 'kmem -v'
		ok $? "$release: crash 8.0.2 ran mach, mach -m, mach -c, kmem -V, sys -i, kmem -z, dev -p and kmem -v"
		for how in vmlinux bare; do
			[ $how = vmlinux ] && label="with the vmlinux" || label="from the dump alone"
			# crash's lines before its "(unknown)" stack (the MCE stack it misnames)
			n=$(grep -n '(unknown) STACK SIZE' "$work/crash.0" | cut -d: -f1)
			n=$(( ${n:-$(($(wc -l < "$work/crash.0") + 1))} - 1 ))
			diff <(head -n "$n" "$work/crash.0") <(head -n "$n" "$work/mach.$how") > "$work/mach-crash.$how.diff"
			ok $? "$release: mach $label prints crash's first $n lines (to its DEBUG stacks)"
			head -n 10 "$work/mach-crash.$how.diff" | while IFS= read -r l; do diag "$l"; done
			diff "$work/crash.1" "$work/mach-m.$how" > /dev/null
			ok $? "$release: mach -m $label prints what crash prints ($(wc -l < "$work/crash.1") lines)"
			diff "$work/crash.2" "$work/mach-c.$how" > "$work/mach-c-crash.$how.diff"
			ok $? "$release: mach -c $label prints what crash prints ($(wc -l < "$work/crash.2") lines)"
			head -n 10 "$work/mach-c-crash.$how.diff" | while IFS= read -r l; do diag "$l"; done
			# (blank lines are cut from crash's batch output, so from ours too)
			diff "$work/crash.3" <(grep . "$work/kmem-V.$how") > /dev/null
			ok $? "$release: kmem -V $label prints what crash prints ($(wc -l < "$work/crash.3") lines)"
			diff "$work/crash.4" "$work/sys-i.$how" > /dev/null
			ok $? "$release: sys -i $label prints what crash prints ($(wc -l < "$work/crash.4") lines)"
			diff "$work/crash.5" <(grep . "$work/kmem-z.$how") > /dev/null
			ok $? "$release: kmem -z $label prints what crash prints ($(wc -l < "$work/crash.5") lines)"
			diff "$work/crash.6" <(grep . "$work/dev-p.$how") > /dev/null
			ok $? "$release: dev -p $label prints what crash prints ($(wc -l < "$work/crash.6") lines)"
			[ -s "$work/crash.7" ] && diff "$work/crash.7" "$work/kmem-v.$how" > /dev/null
			ok $? "$release: kmem -v $label prints what crash prints ($(wc -l < "$work/crash.7") lines)"
		done
		;;
	esac
done
done_testing
