# Benchmark: `kcrash triage` of one dump at a time, for every crash class each lab kernel makes
# (the fixtures t/77 checks the verdicts of; missing ones are made): the process's CPU time (user
# + system, from its start, as a fleet's script would run it), best of 3, page cache warm.
# Target (issue 16): <= 0.5 s CPU per dump, from the dump alone. No reference peer triages a dump
# (crash and drgn need a person at a prompt), so the target is absolute; wall time is printed too.
. "$(dirname "$0")/../lab/lab.sh"
out=$KDK_BUILD/bench
mkdir -p "$out"
printf '\nkcrash triage, one dump at a time: CPU seconds (user+sys), best of 3\n'
printf '%-44s %8s %8s\n' dump cpu wall
worst=0 n=0
for release in $KDK_LAB_KERNELS; do
	for class in $(lab_crash_classes "$release"); do
		lab_fixture "$release" "$class" > /dev/null 2> "$out/fixture.err" ||
			{ echo "bench: $release $class: make-fixture: $(tail -n 3 "$out/fixture.err")"; exit 1; }
		dump=$KDK_CACHE/fixtures/$release/$class/vmcore.kdump-zlib
		cat "$dump" > /dev/null
		best=
		for i in 1 2 3; do
			/usr/bin/time -o "$out/time" -f '%U %S %e' "$KDK_BUILD/kcrash" triage "$dump" \
				> "$out/triage.out" 2>&1 || { echo "bench: kcrash triage $dump failed: $(head -c 300 "$out/triage.out")"; exit 1; }
			read -r user sys wall < <(tail -n 1 "$out/time")
			cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
			if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
				best=$cpu best_wall=$wall
			fi
		done
		printf '%-44s %8s %8s\n' "$release/$class" "$best" "$best_wall"
		worst=$(awk -v a="$best" -v b="$worst" 'BEGIN { print (a > b) ? a : b }')
		n=$((n + 1))
	done
done
if awk -v w="$worst" 'BEGIN { exit !(w <= 0.5) }'; then
	echo "bench: kcrash triage meets its target (<= 0.5 s CPU per dump): at most $worst s over $n dumps"
else
	echo "bench: kcrash triage MISSES its target (<= 0.5 s CPU per dump): $worst s at worst over $n dumps"
	exit 1
fi
