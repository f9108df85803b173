#!/bin/bash
# Lab test: kcrash's files, vm, net and mount on the sysrq fixture of every lab kernel, with the -dbg
# vmlinux and from the dump alone (kallsyms + the dump's BTF), against reference peers. No guest:
# the cached fixtures are reused. Tasks: pid 1 (the panic task of the sysrq fixture: init writes
# to /proc/sysrq-trigger), pid 2 (a kernel thread: no files, no mm) and the last user process
# `ps` lists (a forked child: its own mm and fdtable).
#   - drgn 0.0.22 (every kernel; on 6.12 and 7.2 it stands in for crash 8.0.2, which cannot read
#     them): tests/lab/drgn-files-vm.py renders the same text from drgn's view of our
#     dumpsave -l -d 31 copy (drgn cannot translate addresses in QEMU's ELF): files through drgn's
#     d_path, mounts by its d_path of each mount point (mount, and mount -n for the last process),
#     VMAs by its own walk of mm_mt with the kernel's end-of-data rule (node metadata),
#     each VMA's vm_mm checked, their count equal to mm->map_count; every line must be equal;
#   - crash 8.0.2 (6.1 only): files 1, net and mount print the same text; vm 1's header the same MM, PGD
#     and TOTAL_VM (crash 8.0.2 answers only for the active tasks on 6.1: "invalid task or pid
#     value" for the others, its PID-hash walk fails there). Its VMA list cannot be compared (crash 8.0.2 does not walk the maple
#     tree: "invalid structure member offset: mm_struct_mmap"), nor its RSS (it adds
#     MM_FILEPAGES and MM_ANONPAGES only; the kernel's get_mm_rss, and so /proc's VmRSS, drgn's
#     and ours, add MM_SHMEMPAGES: the initramfs's pages);
#   - the dump alone prints what the vmlinux run prints.
. "$(dirname "$0")/../lab.sh"

kcrash=$KDK_BUILD/kcrash
[ -x "$kcrash" ] || bail "$kcrash not built (make)"
command -v crash > /dev/null || bail "Debian's crash is not installed (the 6.1 oracle)"
/usr/bin/python3 -c 'import drgn' 2> /dev/null || bail "python3-drgn is not installed (the oracle)"
start_all=$(date +%s)

# kcrash's output for each of the commands, sectioned as the drgn script prints it: one batch
# session, a marker command (sym of a fixed symbol) after each command
ours() {
	local pid cmds=()
	for pid in "${pids[@]}"; do cmds+=("files $pid" "vm $pid"); done
	cmds+=(net mount "mount -n ${pids[-1]}")
	printf '%s\nsym init_task\n' "${cmds[@]}" | "$kcrash" "$@" 2>&1 |
		awk -v list="$(printf '%s\n' "${cmds[@]}")" 'BEGIN { n = split(list, c, "\n"); i = 1; print "== " c[i] }
			/^[0-9a-f]+ \([A-Za-z]\) init_task$/ { if (++i <= n) print "== " c[i]; next } { print }'
}

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	lab_fixture "$release" sysrq > /dev/null || bail "$release: sysrq fixture"
	dump=$KDK_CACHE/fixtures/$release/sysrq/vmcore.elf
	work=$(lab_run_dir "kcrash-files-vm-$release")
	TAP_KEEP_DIRS=("$work")
	last=$("$kcrash" "$dump" -c ps 2> /dev/null | awk '$7 > 0 && $1 != 1 { p = $1 } $1 == ">" && $8 > 0 && $2 != 1 { p = $2 } END { print p }')
	[ -n "$last" ] || bail "$release: kcrash ps shows no user process besides init"
	pids=(1 2 "$last")

	# drgn, every kernel
	"$KDK_BUILD/dumpsave" -f -l -d 31 "$dump" "$work/oracle.kdump" 2> "$work/dumpsave.err" ||
		bail "$release: dumpsave -l -d 31 the fixture for drgn: $(tail -n 1 "$work/dumpsave.err")"
	t0=$(date +%s.%N)
	/usr/bin/python3 "$LAB_DIR/drgn-files-vm.py" "$work/oracle.kdump" "$vmlinux" "${pids[@]}" \
		> "$work/drgn.out" 2> "$work/drgn.err" ||
		bail "$release: drgn failed: $(tail -n 2 "$work/drgn.err")"
	drgn_secs=$(echo "$(date +%s.%N) - $t0" | bc)
	grep -v '^MAP_COUNT ' "$work/drgn.out" > "$work/drgn.txt"
	while read -r _ walked map_count; do
		[ "$walked" = "$map_count" ]
		ok $? "$release: drgn's own maple-tree walk finds $walked VMAs, mm->map_count says $map_count"
	done < <(grep '^MAP_COUNT ' "$work/drgn.out")
	for mode in with bare; do
		args=("$vmlinux" "$dump"); [ $mode = bare ] && args=("$dump")
		what=$([ $mode = with ] && echo "with the vmlinux" || echo "from the dump alone")
		t0=$(date +%s.%N)
		ours "${args[@]}" > "$work/$mode.txt"
		secs=$(echo "$(date +%s.%N) - $t0" | bc)
		vmas=$(grep -c '^[0-9a-f]\{16\} \+[0-9a-f]\+ \+[0-9a-f]\+ ' "$work/$mode.txt")
		fds=$(grep -c '^ *[0-9]\+ [0-9a-f]\{16\} ' "$work/$mode.txt")
		mounts=$(grep -c '^[0-9a-f]\{16\} [0-9a-f]\{16\} [a-z?]' "$work/$mode.txt")
		if diff "$work/drgn.txt" "$work/$mode.txt" > "$work/$mode.diff"; then
			ok 0 "$release: files/vm of PIDs ${pids[*]}, net and mount (-n ${pids[-1]}) $what equal drgn's rendering line for line ($fds descriptors, $vmas VMAs, $(grep -c . "$work/$mode.txt") lines; kcrash $(printf '%.1f' "$secs") s for $((2 * ${#pids[@]} + 1)) commands in one session, drgn $(printf '%.1f' "$drgn_secs") s)"
		else
			ok 1 "$release: files/vm/net/mount $what differ from drgn's (< drgn, > kcrash)"
			head -n 20 "$work/$mode.diff" | while IFS= read -r l; do diag "$l"; done
		fi
		[ "$fds" -ge 6 ] && [ "$vmas" -ge 10 ] && [ "$mounts" -ge 8 ]
		ok $? "$release: $what the comparison covered something: $fds descriptors (>= 6), $vmas VMAs (>= 10), $mounts mount rows (>= 8: two tables)"
	done

	case $release in
	6.1.*)
		# crash 8.0.2: one session; a marker command (sym of a fixed symbol) after each
		printf 'files 1\nsym init_task\nvm 1\nsym init_task\nnet\nsym init_task\nmount\nsym init_task\n' > "$work/batch"
		t0=$(date +%s.%N)
		timeout 600 crash -s "$vmlinux" "$dump" < <(cat "$work/batch"; echo quit) > "$work/crash.out" 2> "$work/crash.err"
		crash_secs=$(echo "$(date +%s.%N) - $t0" | bc)
		awk -v dir="$work" 'BEGIN { n = 0 } /^[0-9a-f]+ \([A-Za-z]\) init_task$/ { n++; next }
			/^WARNING: active task .* not found in PID hash$/ || /^$/ { next }
			{ print > (dir "/crash." n ".txt") }' "$work/crash.out"
		ok 0 "$release: crash 8.0.2 ran files 1, vm 1, net and mount in $(printf '%.1f' "$crash_secs") s"
		for mode in with bare; do
			args=("$vmlinux" "$dump"); [ $mode = bare ] && args=("$dump")
			what=$([ $mode = with ] && echo "with the vmlinux" || echo "from the dump alone")
			i=0
			for cmd in 'files 1' 'net' 'mount'; do
				[ "$cmd" = net ] && i=2
				[ "$cmd" = mount ] && i=3
				want=$(sed 's/ *$//' "$work/crash.$i.txt" 2> /dev/null)
				got=$("$kcrash" "${args[@]}" -c "$cmd" 2>&1 | sed 's/ *$//')
				[ -n "$want" ] || { ok 1 "$release: crash printed nothing for '$cmd' ($(head -c 200 "$work/crash.err"))"; i=$((i + 1)); continue; }
				is "$got" "$want" "$release: '$cmd' $what prints what crash 8.0.2 prints ($(wc -l <<< "$want") lines)"
				i=$((i + 1))
			done
			# vm 1: crash's header row (MM PGD RSS TOTAL_VM)
			read -r c_mm c_pgd c_rss c_total < <(sed -n '3p' "$work/crash.1.txt")
			read -r mm pgd rss total < <("$kcrash" "${args[@]}" -c 'vm 1' 2> /dev/null | sed -n '3p')
			[ -n "$c_mm" ] && [ "$mm $pgd $total" = "$c_mm $c_pgd $c_total" ]
			ok $? "$release: vm 1 $what: MM $mm, PGD $pgd, TOTAL_VM $total as crash 8.0.2's ($c_mm $c_pgd $c_total); RSS ours $rss (with MM_SHMEMPAGES, as drgn's), crash's $c_rss (without)"
		done
		;;
	esac
done
diag "t/68 took $(( $(date +%s) - start_all )) s"
done_testing
