# Benchmark: dumpsave against makedumpfile 1.7.2 (the reference peer) on the same ELF vmcore, in
# the same run: wall time and output size as ratios (dumpsave / makedumpfile; below 1 is better),
# and dumpsave's peak RSS on a 1 GiB and a 2 GiB guest's vmcore. makedumpfile cannot read QEMU's
# ELF (program headers at 192), so both read dumpsave's own -E -d 0 copy of the fixture.
# Best of 5 runs each, page cache warm. Targets: every ratio < 1, RSS <= 16 MiB.
# dumpsave fsyncs its output before the rename that makes it complete (the file is the only copy
# of the crashed machine's memory); makedumpfile does not, and capture scripts follow it with
# `sync`. So the time ratio is against makedumpfile followed by `sync FILE` (the same guarantee);
# the raw ratio, against makedumpfile alone, is printed beside it for information.
. "$(dirname "$0")/../lab/lab.sh"
release=${KDK_BENCH_KERNEL:-$KDK_KERNEL_61}
dumpsave=$KDK_BUILD/dumpsave
out=$KDK_BUILD/bench
mkdir -p "$out"
lab_kernel_fetch "$release" || exit 1

# The input vmcores: the 1 GiB fixture, and a 2 GiB guest made the same way.
inputs=()
for mem in 1024 2048; do
	fx=$KDK_CACHE/fixtures/$release/sysrq-${mem}M
	KDK_GUEST_MEM=$mem lab_fixture "$release" sysrq "$fx" > /dev/null || exit 1
	elf=$out/$release-${mem}M.elf
	if [ ! -s "$elf" ] || [ "$elf" -ot "$fx/vmcore.elf" ]; then
		rm -f "$elf"
		"$dumpsave" -E -d 0 "$fx/vmcore.elf" "$elf" || exit 1
	fi
	inputs+=("$elf")
done

# best_of3 OUTFILE CMD... — prints "seconds peak_rss_kb" of the fastest of 5 runs.
best_of3() {
	local target=$1 best= rss= i t; shift
	for i in 1 2 3 4 5; do
		rm -f "$target"
		/usr/bin/time -o "$out/time" -f '%e %M' "$@" > /dev/null 2>&1
		t=$(tail -n 1 "$out/time")
		if [ -z "$best" ] || awk -v a="${t% *}" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=${t% *}
			rss=${t#* }
		fi
	done
	echo "$best $rss"
}

status=0
input=${inputs[0]}
cat "$input" > /dev/null
printf '\n%s, %s (1 GiB guest, %s)\n' "dumpsave vs makedumpfile 1.7.2" "$(basename "$input")" "$release"
printf '%-10s %10s %14s %7s %12s %7s %12s %12s %7s\n' level dumpsave_s mdf+sync_s time× makedumpf_s raw× dumpsave_B makedumpf_B size×
for cfg in "-d 31 -l" "-d 31 -c" "-d 1 -c" "-d 0 -l"; do
	read -r ours_t _ <<< "$(best_of3 "$out/ours" "$dumpsave" -f $cfg "$input" "$out/ours")"
	# shellcheck disable=SC2086
	read -r mdfs_t _ <<< "$(best_of3 "$out/mdf" sh -c "makedumpfile -f $cfg \"\$1\" \"\$2\" && sync \"\$2\"" sh "$input" "$out/mdf")"
	read -r mdf_t _ <<< "$(best_of3 "$out/mdf" makedumpfile -f $cfg "$input" "$out/mdf")"
	ours_b=$(stat -c %s "$out/ours")
	mdf_b=$(stat -c %s "$out/mdf")
	time_ratio=$(awk -v a="$ours_t" -v b="$mdfs_t" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	raw_ratio=$(awk -v a="$ours_t" -v b="$mdf_t" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	size_ratio=$(awk -v a="$ours_b" -v b="$mdf_b" 'BEGIN { printf "%.3f", a / b }')
	printf '%-10s %10s %14s %7s %12s %7s %12s %12s %7s\n' "$cfg" "$ours_t" "$mdfs_t" "$time_ratio" "$mdf_t" "$raw_ratio" "$ours_b" "$mdf_b" "$size_ratio"
	awk -v t="$time_ratio" -v s="$size_ratio" 'BEGIN { exit !(t < 1 && s <= 1) }' || status=1
done
rm -f "$out/ours" "$out/mdf"

printf '\ndumpsave peak RSS, -l -d 31 (target <= 16 MiB)\n'
for input in "${inputs[@]}"; do
	cat "$input" > /dev/null
	read -r _ rss <<< "$(best_of3 "$out/ours" "$dumpsave" -f -l -d 31 "$input" "$out/ours")"
	printf '%-40s %8s KiB\n' "$(basename "$input")" "$rss"
	[ "$rss" -le 16384 ] || status=1
done
rm -f "$out/ours"
[ $status -eq 0 ] && echo "bench: dumpsave meets its targets" || echo "bench: dumpsave misses a target (see above)"
exit $status
