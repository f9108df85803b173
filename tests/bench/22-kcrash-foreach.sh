# Benchmark: `foreach bt` of kcrash against Debian's crash 8.0.2 on the same saved dump
# (dumpsave -l -d 31 of the lab's 1 GiB 6.1 sysrq fixture, as 20-kcrash.sh makes it): wall time,
# best of 3, page cache warm, and the tasks each one printed. crash reads the -dbg vmlinux,
# kcrash the dump alone. Target: time <= 0.1x crash's. (6.1 only: crash 8.0.2 cannot run bt on
# 6.12. On 6.1 crash's foreach finds only the CPUs' active tasks — its PID-hash walk fails there —
# so it does less work than kcrash, which unwinds every task.)
. "$(dirname "$0")/kcrash-dump.sh"
printf '%s\n' 'foreach bt' quit > "$out/crash-foreach"

k_t=$(best_of3 "$KDK_BUILD/kcrash" "$dump" -c 'foreach bt')
k_tasks=$(grep -c '^PID:' "$out/best.kept")
c_t=$(stdin_file=$out/crash-foreach best_of3 crash -s "$vmlinux" "$dump")
c_tasks=$(grep -c '^PID:' "$out/best.kept")
ratio=$(awk -v a="$k_t" -v b="$c_t" 'BEGIN { printf "%.3f", a / b }')
printf '\nkcrash vs crash 8.0.2: "foreach bt" on %s (%s)\n' "$(basename "$dump")" "$release"
printf '%-8s %10s %8s %14s\n' tool seconds tasks "time×(kcrash)"
printf '%-8s %10s %8s %14s\n' kcrash "$k_t" "$k_tasks" 1
printf '%-8s %10s %8s %14s\n' crash "$c_t" "$c_tasks" "$ratio"
if [ "$k_tasks" -gt 0 ] && [ "$c_tasks" -gt 0 ] && awk -v a="$k_t" -v b="$c_t" 'BEGIN { exit !(a <= 0.1 * b) }'; then
	echo "bench: kcrash foreach bt meets its target against crash (time <= 0.1x)"
else
	echo "bench: kcrash foreach bt MISSES its target against crash (time <= 0.1x, both printing tasks)"
	exit 1
fi
