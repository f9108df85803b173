#!/bin/bash
# dis-vs-objdump.sh VMLINUX DUMP ORACLE_KDUMP WORKDIR COUNT — kcrash's dis of COUNT functions of the
# kernel against binutils' objdump decoding the same bytes (libopcodes, the decoder gdb and so
# crash have; kcrash's is capstone). The bytes come from the dump, as drgn (a reference peer) reads
# them from ORACLE_KDUMP; kcrash reads DUMP. Prints "N same of M functions (K instructions)",
# then a line per function that differs, and exits 1 when one does or none was compared.
#
# The functions: every STEP-th function symbol of the vmlinux's .text with a size, a name of its
# own (no GCC clone suffix, no other symbol of that name or at its address) and no other symbol
# inside it — kcrash
# ends a function where kallsyms' next symbol starts, objdump where the ELF size says. Both
# listings stop at the first ud0/ud1/ud2 (a BUG()'s is followed by bug-table data, which a
# decoder reads out of step); kcrash's "[FTRACE NOP]" and <symbol> notes are left out, which
# objdump on bare bytes cannot print.
vmlinux=$1 dump=$2 oracle=$3 work=$4 count=${5:-300}
kcrash=$(cd "${KDK_BUILD:?}" && pwd)/kcrash
mkdir -p "$work/dis" || exit 1
cd "$work/dis" || exit 1
rm -f ./*.bin ./*.objdump ./*.ours

# every symbol: address, size, F for a function, name (objdump -t: "ADDR FLAGS SECTION\tSIZE NAME";
# nm alone cannot tell a function from data, and the kernel's data sits in sections nm calls text)
objdump -t "$vmlinux" 2> /dev/null | awk -F'\t' 'NF == 2 && $1 ~ /^[0-9a-f]+ / {
		split($2, r, " "); kind = (substr($1, 24, 1) == "F" && $1 ~ / \.text$/) ? "F" : "-"
		print substr($1, 1, 16), r[1], kind, r[2] }' | sort > symbols
# name address size next: functions alone at their address, whose name no other symbol has (dis
# takes a name), with no GCC clone suffix and not the __pfx_ padding before a function
awk '{ addr[NR] = $1; size[NR] = $2; kind[NR] = $3; name[NR] = $4; uses[$4]++ }
	END {
		for (i = 1; i <= NR; i++) {
			if (kind[i] != "F" || size[i] ~ /^0+$/ || name[i] ~ /\./ || name[i] ~ /^__pfx_/ ||
			    uses[name[i]] > 1) continue
			if (i > 1 && addr[i - 1] == addr[i]) continue
			if (i < NR && addr[i + 1] == addr[i]) continue
			print name[i], addr[i], size[i], (i < NR ? addr[i + 1] : "ffffffffffffffff")
		}
	}' symbols > candidates
# keep those whose next symbol is not inside them (bash arithmetic on the 64-bit addresses)
while read -r name addr size next; do
	(( 0x$next - 0x$addr >= 0x$size )) && echo "$name"
done < candidates > alone
total=$(wc -l < alone)
step=$(( total / count )); [ "$step" -ge 1 ] || step=1
awk -v s="$step" 'NR % s == 0' alone | head -n "$count" > chosen

/usr/bin/python3 -c "import drgn, sys
p = drgn.Program(); p.set_core_dump(sys.argv[1]); p.load_debug_info([sys.argv[2]])
for fn in open(sys.argv[3]).read().split():
    try:
        s = p.symbol(fn)
        data = p.read(s.address, s.size)
    except Exception:
        continue
    open(fn + '.bin', 'wb').write(data)
    print(fn, '0x%x' % s.address)" "$oracle" "$vmlinux" chosen > functions 2> drgn.err
[ -s functions ] || { echo "drgn read no function's bytes: $(head -c 200 drgn.err)"; exit 1; }

# one kcrash run for all of them; its lines are split by the functions' start addresses
"$kcrash" "$dump" -c "$(awk '{ printf "dis %s; ", $1 }' functions)" > ours.all 2> ours.err
normalize='sub(/ \[FTRACE NOP\]$/, "", i); gsub(/ *<[^>]*>/, "", i); gsub(/ +$/, "", i); gsub(/ +/, " ", i)'
awk -F'\t' -v starts="$(awk '{ printf "%s ", $2 }' functions)" -v names="$(awk '{ printf "%s ", $1 }' functions)" '
	BEGIN { n = split(starts, a, " "); split(names, f, " ")
		for (k = 1; k <= n; k++) { s = a[k]; sub(/^0x/, "", s); while (length(s) < 16) s = "0" s; byaddr["0x" s] = f[k] } }
	/^0x/ { split($1, h, " "); if (h[1] in byaddr) out = byaddr[h[1]] ".ours"
		i = $2; '"$normalize"'; if (out != "") print h[1] " " i > out }' ours.all

same=0 insns=0 bad=
while read -r fn addr; do
	objdump -D -b binary -m i386:x86-64 --insn-width=16 --adjust-vma="$addr" "$fn.bin" |
		awk -F'\t' '/^ *[0-9a-f]+:\t/ { a = $1; sub(/^ */, "", a); sub(/:$/, "", a)
			while (length(a) < 16) a = "0" a
			i = $3; '"$normalize"'; print "0x" a " " i; if (i ~ /^ud[012]/) exit }' > "$fn.objdump"
	awk '{ print } / ud[012]( |$)/ { exit }' "$fn.ours" 2> /dev/null | head -n "$(wc -l < "$fn.objdump")" > "$fn.cut"
	if [ -s "$fn.objdump" ] && cmp -s "$fn.cut" "$fn.objdump"; then
		same=$((same + 1))
		insns=$((insns + $(wc -l < "$fn.objdump")))
	else
		bad+="$fn: $(diff "$fn.cut" "$fn.objdump" | grep -m 2 '^[<>]' | tr '\n' ' ')"$'\n'
	fi
done < functions
echo "$same same of $(wc -l < functions) functions ($insns instructions)"
[ -n "$bad" ] && printf '%s' "$bad"
[ -z "$bad" ] && [ "$same" -gt 0 ]
