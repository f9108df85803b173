#!/bin/bash
# disl-vs-gdb.sh VMLINUX DUMP WORKDIR [N] — kcrash's `dis -l` against gdb's own line table rule.
# crash's dis -l prints, before an instruction, the source line gdb's find_pc_line gives for it
# whenever it differs from the last one printed. crash 8.0.2 runs only on 6.1 here; the host's
# gdb (`info line *ADDRESS` over the vmlinux) applies the same rule to every kernel. For N
# functions of .text proper (every k-th name that is a function, unique among text symbols), each
# instruction kcrash shows gets gdb's line (at the vmlinux's address: the dump's minus the KASLR
# slide), the "FILE: LINE" headers crash would print are derived from those, and compared with
# kcrash's (file base name and line, and the instruction each header stands before).
# Prints one line per differing function, then "N functions, M instructions, D differing".
vmlinux=$1 dump=$2 work=$3 n=${4:-100}
kcrash=${KDK_BUILD:-build}/kcrash
set -o pipefail
mkdir -p "$work" || exit 1
command -v gdb > /dev/null || { echo "gdb missing (apt install gdb)"; exit 1; }
slide=$(( 0x$("$kcrash" "$dump" -c 'sym _stext' | cut -d' ' -f1) - 0x$(nm "$vmlinux" | awk '$3 == "_stext" && !s { s = $1 } END { print s }') )) || exit 1
# functions of .text proper (_stext to _etext): .init.text is freed after boot, and a dump that
# leaves out free pages (-d 16 and up) rightly has no bytes for it (nm's addresses are 16 hex
# digits, so they compare as strings); a name that any other text symbol has as well is left out
nm "$vmlinux" > "$work/disl.nm" || exit 1
awk 'NR == FNR { if ($3 == "_stext") lo = $1; if ($3 == "_etext") hi = $1; if ($2 ~ /^[tT]$/) uses[$3]++; next }
	$2 ~ /^[tT]$/ && $3 !~ /\./ && uses[$3] == 1 && $1 >= lo && $1 < hi { print $3 }' "$work/disl.nm" "$work/disl.nm" |
	sort > "$work/disl.names" || exit 1
total=$(wc -l < "$work/disl.names")
[ "$total" -gt 0 ] || { echo "no function names in $vmlinux"; exit 1; }
awk -v step=$(( total / n > 0 ? total / n : 1 )) 'NR % step == 0' "$work/disl.names" | head -n "$n" > "$work/disl.fns"
# one kcrash run for all of them; "=== NAME" put before each function's lines (its first
# instruction is the one at NAME itself, the source line before it is its own)
"$kcrash" "$vmlinux" "$dump" -c "$(sed 's/^/dis -l /' "$work/disl.fns" | paste -sd';')" 2> "$work/disl.err" |
	grep -E '^0x|: [0-9]+$' |
	awk -v list="$work/disl.fns" 'BEGIN { while ((getline f < list) > 0) start[f] = 1 }
		/^0x/ { name = $2; sub(/^</, "", name); sub(/>:$/, "", name)
			if (name in start) print "=== " name
			for (i = 1; i <= nb; i++) print buf[i]
			nb = 0; print; next }
		{ buf[++nb] = $0 }' > "$work/disl.ours"
shown=$(grep -c '^===' "$work/disl.ours")
[ "$shown" = "$(wc -l < "$work/disl.fns")" ] ||
	{ echo "kcrash disassembled $shown of $(wc -l < "$work/disl.fns") functions: $(head -c 300 "$work/disl.err")"; exit 1; }
# every instruction's address (relative to the vmlinux) for gdb, one batch
awk '/^0x/ { print $1 }' "$work/disl.ours" | while read -r a; do
	printf 'info line *0x%x\n' $(( a - slide ))
done > "$work/disl.gdbcmds"
gdb -batch -nx -x "$work/disl.gdbcmds" "$vmlinux" < /dev/null > "$work/disl.gdbout" 2> "$work/disl.gdberr" ||
	{ echo "gdb failed: $(head -c 300 "$work/disl.gdberr")"; exit 1; }
# gdb's answer per instruction: "base: line", or "-" for none
sed -n 's/^Line \([0-9]*\) of "\([^"]*\)".*/\2: \1/p; s/^No line number information.*/-/p' "$work/disl.gdbout" |
	sed 's|^.*/||' > "$work/disl.gdblines"
[ "$(wc -l < "$work/disl.gdblines")" = "$(grep -c '^0x' "$work/disl.ours")" ] ||
	{ echo "gdb answered $(wc -l < "$work/disl.gdblines") of $(grep -c '^0x' "$work/disl.ours") addresses"; exit 1; }
# headers before instructions: kcrash's as printed; gdb's as crash would print them
awk '/^===/ { fn = $2; next } /^0x/ { if (h != "") print fn, h, $1; h = ""; next } { sub(/^.*\//, ""); h = $0 }' \
	"$work/disl.ours" > "$work/disl.ours.pairs"
awk 'NR == FNR { g[FNR] = $0; next }
     /^===/ { fn = $2; last = ""; next }
     /^0x/ { i++; if (g[i] != "-" && g[i] != last) { print fn, g[i], $1; last = g[i] } }' \
	"$work/disl.gdblines" "$work/disl.ours" > "$work/disl.gdb.pairs"
diff "$work/disl.ours.pairs" "$work/disl.gdb.pairs" > "$work/disl.diff"
bad=$(grep '^[<>]' "$work/disl.diff" | awk '{ print $2 }' | sort -u)
[ -n "$bad" ] && echo "differ: $(echo $bad | head -c 300)"
echo "$(wc -l < "$work/disl.fns") functions, $(grep -c '^0x' "$work/disl.ours") instructions, $(grep -c '^[<>]' "$work/disl.diff") differing header lines"
[ ! -s "$work/disl.diff" ] && [ "$(wc -l < "$work/disl.fns")" -gt 0 ]
