# Benchmark: `kmem -s` of kcrash against Debian's crash 8.0.2 on the same saved dump (dumpsave -l
# -d 31 of the lab's 1 GiB 6.1 sysrq fixture, as 20-kcrash.sh makes it): wall time, best of 3, page
# cache warm, and the caches each one listed (their rows must agree: a fast wrong answer is no
# win). crash reads the -dbg vmlinux (its start is part of its time, as for a user), kcrash the
# dump alone. Target: time <= 0.1x crash's. (6.1 only: crash 8.0.2 cannot run kmem on 6.12/7.x.)
. "$(dirname "$0")/kcrash-dump.sh"
printf '%s\n' 'kmem -s' quit > "$out/crash-kmem"

k_t=$(best_of3 "$KDK_BUILD/kcrash" "$dump" -c 'kmem -s')
grep -E '^[0-9a-f]{16} ' "$out/best.kept" > "$out/kmem-kcrash"
c_t=$(stdin_file=$out/crash-kmem best_of3 crash -s "$vmlinux" "$dump")
grep -E '^[0-9a-f]{16} ' "$out/best.kept" > "$out/kmem-crash"
k_n=$(wc -l < "$out/kmem-kcrash")
c_n=$(wc -l < "$out/kmem-crash")
ratio=$(awk -v a="$k_t" -v b="$c_t" 'BEGIN { printf "%.3f", a / b }')
printf '\nkcrash vs crash 8.0.2: "kmem -s" on %s (%s)\n' "$(basename "$dump")" "$release"
printf '%-8s %10s %8s %14s\n' tool seconds caches "time×(kcrash)"
printf '%-8s %10s %8s %14s\n' kcrash "$k_t" "$k_n" 1
printf '%-8s %10s %8s %14s\n' crash "$c_t" "$c_n" "$ratio"
if ! cmp -s "$out/kmem-kcrash" "$out/kmem-crash"; then
	echo "bench: kcrash's kmem -s rows differ from crash's ($out/kmem-kcrash, $out/kmem-crash)"
	diff "$out/kmem-crash" "$out/kmem-kcrash" | head -n 6
	exit 1
fi
if [ "$k_n" -gt 0 ] && awk -v a="$k_t" -v b="$c_t" 'BEGIN { exit !(a <= 0.1 * b) }'; then
	echo "bench: kcrash kmem -s meets its target against crash (time <= 0.1x, the same $k_n rows)"
else
	echo "bench: kcrash kmem -s MISSES its target against crash (time <= 0.1x, both listing caches)"
	exit 1
fi
