# Benchmark: kcrash against Debian's crash 8.0.2 and drgn 0.0.22 (the reference peers) on the
# same saved dump (dumpsave -l -d 31 of the lab's 1 GiB 6.1 sysrq fixture), in the same run: wall
# time and peak RSS of "sys; bt; log" (drgn: the release, the crashed thread's stack and the
# log walk), as ratios kcrash / peer. Best of 3 runs each, page cache warm. kcrash runs from
# the dump alone; crash and drgn read the -dbg vmlinux. Targets: time <= 0.05x crash's,
# RSS <= 0.1x crash's. (6.1 only: crash 8.0.2 cannot run sys or bt on 6.12.)
. "$(dirname "$0")/../lab/lab.sh"
release=${KDK_BENCH_KERNEL:-$KDK_KERNEL_61}
out=$KDK_BUILD/bench
mkdir -p "$out"
lab_kernel_fetch "$release" --dbg || exit 1
lab_fixture "$release" sysrq > /dev/null || exit 1
fx=$KDK_CACHE/fixtures/$release/sysrq
vmlinux=$(lab_kernel_dir "$release")/vmlinux
dump=$out/$release-sysrq.kdump
if [ ! -s "$dump" ] || [ "$dump" -ot "$fx/vmcore.elf" ]; then
	"$KDK_BUILD/dumpsave" -f -l -d 31 "$fx/vmcore.elf" "$dump" 2> /dev/null || exit 1
fi
cat "$dump" "$vmlinux" > /dev/null
printf '%s\n' sys bt log quit > "$out/crash-cmds"
cat > "$out/drgn-sys-bt-log.py" <<'PY'
import sys
import drgn
from drgn.helpers.linux.printk import get_printk_records
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
print(prog["init_uts_ns"].name.release.string_())
print(prog.crashed_thread().stack_trace())
for record in get_printk_records(prog):
    print(record.text)
PY

# best_of3 CMD... — "seconds peak_rss_kb" of the fastest of 3 runs (stdin from $stdin_file).
best_of3() {
	local best= rss= i t
	for i in 1 2 3; do
		/usr/bin/time -o "$out/time" -f '%e %M' "$@" < "${stdin_file:-/dev/null}" > /dev/null 2>&1
		t=$(tail -n 1 "$out/time")
		if [ -z "$best" ] || awk -v a="${t% *}" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=${t% *}
			rss=${t#* }
		fi
	done
	echo "$best $rss"
}

read -r k_t k_rss <<< "$(best_of3 "$KDK_BUILD/kcrash" "$dump" -c 'sys; bt; log')"
read -r c_t c_rss <<< "$(stdin_file=$out/crash-cmds best_of3 crash -s "$vmlinux" "$dump")"
read -r d_t d_rss <<< "$(best_of3 /usr/bin/python3 "$out/drgn-sys-bt-log.py" "$dump" "$vmlinux")"
printf '\nkcrash vs crash 8.0.2 and drgn 0.0.22: "sys; bt; log" on %s (%s)\n' "$(basename "$dump")" "$release"
printf '%-8s %10s %12s %14s %14s\n' tool seconds peak_RSS_KiB "time×(kcrash)" "RSS×(kcrash)"
printf '%-8s %10s %12s %14s %14s\n' kcrash "$k_t" "$k_rss" 1 1
for peer in "crash $c_t $c_rss" "drgn $d_t $d_rss"; do
	read -r name t rss <<< "$peer"
	printf '%-8s %10s %12s %14s %14s\n' "$name" "$t" "$rss" \
		"$(awk -v a="$k_t" -v b="$t" 'BEGIN { printf "%.3f", a / b }')" \
		"$(awk -v a="$k_rss" -v b="$rss" 'BEGIN { printf "%.3f", a / b }')"
done
if awk -v a="$k_t" -v b="$c_t" -v r="$k_rss" -v s="$c_rss" 'BEGIN { exit !(a <= 0.05 * b && r <= 0.1 * s) }'; then
	echo "bench: kcrash meets its targets against crash (time <= 0.05x, RSS <= 0.1x)"
else
	echo "bench: kcrash MISSES its targets against crash (time <= 0.05x, RSS <= 0.1x)"
	exit 1
fi
