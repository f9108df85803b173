# tests/tap.sh — TAP output for shell tests (lab and command-line): ok, is, diag, bail and
# done_testing, which ends with the plan and an "N passed, N failed" line. A failing test
# prints the directories listed in TAP_KEEP_DIRS, where that run's files are.
TAP_COUNT=0
TAP_FAILED=0
TAP_KEEP_DIRS=()

diag() { printf '# %s\n' "$*" | sed '2,$s/^/# /'; }

# ok STATUS DESCRIPTION
ok() {
	local status=$1 d; shift
	TAP_COUNT=$((TAP_COUNT + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $TAP_COUNT - $*"
	else
		echo "not ok $TAP_COUNT - $*"
		TAP_FAILED=$((TAP_FAILED + 1))
		for d in "${TAP_KEEP_DIRS[@]}"; do diag "run files: $d"; done
	fi
}

# is GOT EXPECTED DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; diag "expected: '$2'" "got:      '$1'"; fi
}

# A missing prerequisite fails loudly: one failing line, and the script stops.
bail() {
	ok 1 "$*"
	done_testing
	exit 1
}

done_testing() {
	echo "1..$TAP_COUNT"
	diag "$((TAP_COUNT - TAP_FAILED)) passed, $TAP_FAILED failed"
	[ "$TAP_FAILED" -eq 0 ]
}
