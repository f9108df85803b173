# tests/bench/bench-lib.sh — what the dumpsave benchmarks share (sourced; $out is their scratch
# directory): one timed run, medians, ratios, target checks and alternating rounds.

# timed OUTFILE CMD... — runs CMD once (OUTFILE removed first); prints "seconds peak_rss_kb
# cpu_seconds" (user + system, children included).
timed() {
	local target=$1; shift
	rm -f "$target"
	/usr/bin/time -o "$out/time" -f '%e %M %U %S' "$@" > /dev/null 2> "$out/err" ||
		{ echo "bench: failed: $* ($(tail -n 2 "$out/err" | tr '\n' ' '))" >&2; echo "0 0 0"; return; }
	tail -n 1 "$out/time" | awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# within VALUE LIMIT — exit 0 when VALUE ≤ LIMIT
within() { awk -v v="$1" -v l="$2" 'BEGIN { exit !(v > 0 && v <= l) }'; }

# A target a bench misses is said and makes it exit 1 ($status, which the bench exits with).
status=0
missed() { status=1; echo "  missed: $*"; }

# alternate ROUNDS FN FORMAT KEY... — ROUNDS rounds, each running `FN KEY` for every KEY in turn
# (alternating, so that a machine that slows down weighs on every KEY alike). FN prints one line
# of fields, the last the value compared; printf FORMAT shows the round, the KEY and the fields;
# the value is added to $out/t-KEY (emptied first), which `median` reads. A run that prints nothing
# (it failed, and said why) is missed.
alternate() {
	local rounds=$1 fn=$2 format=$3 i key fields; shift 3
	for key; do : > "$out/t-$key"; : > "$out/r-$key"; done
	for i in $(seq "$rounds"); do
		for key; do
			fields=$("$fn" "$key") && [ -n "$fields" ] || { missed "round $i, $key: the run failed"; continue; }
			# shellcheck disable=SC2086 # the fields, one printf argument each
			printf "$format" "$i" "$key" $fields
			echo "${fields##* }" >> "$out/t-$key"
			echo "$i ${fields##* }" >> "$out/r-$key"    # by round, for paired ratios
		done
	done
}
