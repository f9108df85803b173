# tests/bench/kcrash-dump.sh — sourced by the kcrash benchmarks (20, 22, 24): the lab's 1 GiB sysrq
# fixture of KDK_BENCH_KERNEL (default 6.1, the one crash 8.0.2 reads) saved by dumpsave -l -d 31
# as $dump (kept in $out while the fixture is unchanged), its -dbg $vmlinux for the peers, both in
# the page cache; and best_of3.
. "$(dirname "${BASH_SOURCE[0]}")/../lab/lab.sh"
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

# best_of3 CMD... — the fastest of 3 runs: its wall seconds on stdout (with $time_format '%e %M',
# "seconds peak_rss_kb"), its output (stdout and stderr) in $out/best.kept. stdin from $stdin_file.
best_of3() {
	local best= i t
	for i in 1 2 3; do
		/usr/bin/time -o "$out/time" -f "${time_format:-%e}" "$@" < "${stdin_file:-/dev/null}" > "$out/best.out" 2>&1
		t=$(tail -n 1 "$out/time")
		if [ -z "$best" ] || awk -v a="${t%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
			best=$t
			cp "$out/best.out" "$out/best.kept"
		fi
	done
	echo "$best"
}
