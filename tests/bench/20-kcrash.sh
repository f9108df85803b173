# Benchmark: kcrash against Debian's crash 8.0.2 and drgn 0.0.22 (the reference peers) on the
# same saved dump (dumpsave -l -d 31 of the lab's 1 GiB 6.1 sysrq fixture), in the same run: wall
# time and peak RSS of "sys; bt; log" (drgn: the release, the crashed thread's stack and the
# log walk), as ratios kcrash / peer. Best of 3 runs each, page cache warm. kcrash runs from
# the dump alone; crash and drgn read the -dbg vmlinux. Targets: time <= 0.05x crash's,
# RSS <= 0.1x crash's. (6.1 only: crash 8.0.2 cannot run sys or bt on 6.12.)
. "$(dirname "$0")/kcrash-dump.sh"
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

time_format='%e %M'
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
