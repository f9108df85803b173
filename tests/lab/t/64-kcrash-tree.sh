# Lab test: kcrash's tree on the cached sysrq fixture of every lab kernel (no guest), with the
# -dbg vmlinux and from the dump alone, against reference peers:
#   - every kernel: drgn 0.0.22 (tests/lab/drgn-tree.py) reading our -l -d 0 copy with the
#     vmlinux. A red-black tree: the vmalloc areas' (vmap_area_root, or on 6.12 and 7.x the first
#     vmap node's busy.root, given as an address): tree -o vmap_area.rb_node lists each area in
#     crash's order (node, left, right) as drgn walks rb_left/rb_right; -l -p in order with each
#     node's position ("root/l/r"); -N from the root rb_node the same as from the root; -s
#     vmap_area.va_start,va_end each area's range. An xarray: init_pid_ns's IDR, tree -t xarray -p
#     each entry and its index as drgn's xa_for_each reads them, -t radix the same entries;
#   - 6.1: crash 8.0.2 too: each of those commands prints the same text (crash 8.0.2 refuses
#     -t radix on 6.1's xarray-based radix trees: "radix trees do not exist or have changed their
#     format"; -t xarray stands in there), and crash's -s with a nested member path.
# crash cannot run on 6.12 (aborts at random) or read 7.x: there drgn stands in alone.
. "$(dirname "$0")/../lab.sh"

kcrash=$KDK_BUILD/kcrash
[ -x "$kcrash" ] || bail "$kcrash not built (make)"
command -v crash > /dev/null || bail "Debian's crash is not installed (the 6.1 oracle)"
/usr/bin/python3 -c 'import drgn' 2> /dev/null || bail "python3-drgn is not installed (the oracle on every kernel)"

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	lab_fixture "$release" sysrq > /dev/null || bail "$release: sysrq fixture"
	dump=$KDK_CACHE/fixtures/$release/sysrq/vmcore.elf
	work=$(lab_run_dir "kcrash-tree-$release")
	TAP_KEEP_DIRS=("$work")
	"$KDK_BUILD/dumpsave" -f -l -d 0 "$dump" "$work/oracle.kdump" 2> /dev/null || bail "$release: dumpsave -l -d 0 for drgn"
	/usr/bin/python3 "$LAB_DIR/drgn-many.py" "$work/oracle.kdump" "$vmlinux" "$work" tree 2> "$work/drgn.err" ||
		bail "$release: drgn failed: $(cat "$work"/drgn*.err | tail -n 2)"
	rm -f "$work/oracle.kdump"
	drgn=$work/drgn-tree.txt
	root=$(awk '$1 == "rbroot" { print $2 }' "$drgn")
	node=$(awk '$1 == "rbnode" { print $2 }' "$drgn")
	xa=$(awk '$1 == "xaroot" { print $2 }' "$drgn")
	[ -n "$root" ] && [ -n "$node" ] && [ -n "$xa" ] && [ "$(grep -c '^pre ' "$drgn")" -gt 10 ] &&
		[ "$(grep -c '^xa ' "$drgn")" -gt 10 ] || bail "$release: drgn found no vmalloc tree or pid IDR to compare with"
	calls=("tree -o vmap_area.rb_node $root" "tree -l -p -o vmap_area.rb_node $root"
		"tree -N -o vmap_area.rb_node $node" "tree -o vmap_area.rb_node -s vmap_area.va_start,va_end $root"
		"tree -t xarray -p $xa" "tree -t radix $xa")
	for how in vmlinux bare; do
		if [ $how = vmlinux ]; then args=("$vmlinux" "$dump"); label="with the vmlinux"
		else args=("$dump"); label="from the dump alone"; fi
		i=0
		for call in "${calls[@]}"; do
			"$kcrash" "${args[@]}" -c "$call" > "$work/tree.$how.$i" 2> "$work/tree.$how.$i.err"
			echo $? > "$work/tree.$how.$i.rc"
			i=$((i + 1))
		done
		clean() { [ "$(cat "$work/tree.$how.$1.rc")" = 0 ] && [ ! -s "$work/tree.$how.$1.err" ]; }
		awk '$1 == "pre" { print $3 }' "$drgn" > "$work/want.pre"
		clean 0 && diff "$work/want.pre" "$work/tree.$how.0" > /dev/null
		ok $? "$release: tree -o vmap_area.rb_node ROOT $label lists drgn's $(wc -l < "$work/want.pre") vmalloc areas in crash's order (node, left, right)"
		awk '$1 == "in" { print $3; print "  position: " $2 }' "$drgn" > "$work/want.in"
		clean 1 && diff "$work/want.in" "$work/tree.$how.1" > /dev/null
		ok $? "$release: tree -l -p $label lists them in order, each with its position from the root as drgn walks it"
		clean 2 && diff "$work/want.pre" "$work/tree.$how.2" > /dev/null
		ok $? "$release: tree -N from the root rb_node $label lists what tree from the rb_root lists"
		awk '$1 == "pre" { print $3; print "  va_start = " $4 ","; print "  va_end = " $5 "," }' "$drgn" > "$work/want.s"
		clean 3 && diff "$work/want.s" "$work/tree.$how.3" > /dev/null
		ok $? "$release: tree -s vmap_area.va_start,va_end $label prints each area's range as drgn reads it"
		awk '$1 == "xa" { print $3; print "  index: " $2 }' "$drgn" > "$work/want.xa"
		clean 4 && diff "$work/want.xa" <(sed 's/  position: .*//' "$work/tree.$how.4") > /dev/null
		ok $? "$release: tree -t xarray -p $label lists drgn's $(grep -c '^xa ' "$drgn") entries of init_pid_ns's IDR with their indices"
		awk '$1 == "xa" { print $3 }' "$drgn" > "$work/want.radix"
		clean 5 && diff "$work/want.radix" "$work/tree.$how.5" > /dev/null
		ok $? "$release: tree -t radix $label lists the same entries"
	done
	case $release in
	6.1.*)
		# crash's text; -t radix left out (crash 8.0.2 refuses it here), a nested -s member in
		nested="tree -t xarray -s pid.level,count.refs.counter $xa"
		crash_calls=("${calls[@]:0:5}" "$nested")
		lab_crash_split "$work" "$vmlinux" "$dump" "${crash_calls[@]}"
		ok $? "$release: crash 8.0.2 ran ${#crash_calls[@]} tree commands"
		for how in vmlinux bare; do
			if [ $how = vmlinux ]; then args=("$vmlinux" "$dump"); label="with the vmlinux"
			else args=("$dump"); label="from the dump alone"; fi
			"$kcrash" "${args[@]}" -c "$nested" > "$work/tree.$how.5" 2>&1
			bad=
			for i in 0 1 2 3 4 5; do
				[ -s "$work/crash.$i" ] && diff "$work/crash.$i" <(grep . "$work/tree.$how.$i") > "$work/crash-diff.$how.$i" ||
					bad+="[${crash_calls[$i]%% [0-9a-f]*}] "
			done
			[ -z "$bad" ]
			ok $? "$release: ${#crash_calls[@]} tree calls $label print what crash prints (pre-order, -l -p, -N, -s, xarray -p, a nested -s member)${bad:+ (differs: $bad)}"
		done
		;;
	esac
done
done_testing
