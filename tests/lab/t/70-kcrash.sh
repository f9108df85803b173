# Lab test: kcrash on the lab's dumps of every lab kernel, against the reference peers. Dumps: the
# sysrq fixture as QEMU wrote it (ELF) and our dumpsave -l -d 31 copy (kdump-compressed).
# Oracles: Debian's crash on 6.1 only. On 6.12 crash 8.0.2 aborts at random (a fresh-clone run
# lost t/40 to `rd -d vm_zone_stat` printing nothing) and it cannot read 7.x at all: there drgn
# (reading our kdump-compressed copy through libkdumpfile; it cannot read QEMU's 7.x ELF) and the
# kernel's console stand in, and each line names the oracle. dis on every kernel: 200 functions
# against binutils' objdump decoding the same bytes (drgn reads them from the dump), and on 6.1
# the panic path's against crash. dis -l on every kernel against the host's gdb (`info line`,
# the same find_pc_line rule as crash's gdb 10: tests/lab/disl-vs-gdb.sh), and on 6.1 against
# crash itself; dis's crash options (-r, -f, -x, -rl, SYMBOL+OFFSET, (EXPR)) against crash on 6.1.
#   - sys fields equal crash's sys (6.1; elsewhere RELEASE as drgn reads init_uts_ns, PANIC as
#     the serial console printed it);
#   - log equals crash's log line for line (elsewhere drgn's printk reader's);
#   - mod lists the modules drgn finds on the kernel's modules list; bt -a one stack per CPU;
#   - ps lists every task: the processes and their COMM equal crash's walk of init_task.tasks
#     (6.1); every thread equals drgn's task walk (6.12, drgn standing in for crash);
#   - sym equals crash's sym (address, type, name);
#   - with no vmlinux at all, sys, log, ps and sym say the same as with the -dbg vmlinux;
#   - a vmlinux of another kernel is refused naming both build IDs; a truncated dump gives a
#     clear error, no crash.
#   - bt (sysrq: the kernel's reliable Call Trace below panic; module oops: the oops's trace
#     below [exception RIP: …]; a sleeping task), bt -f/-F/-FF's stack words against crash's
#     on 6.1 (tests/lab/bt-words-compare.py), dis and dis -l, struct/union (-o, ADDRESS),
#     crash's shorthands (task_struct.pid,comm ADDRESS; a symbol alone) and whatis,
#     kmem -i, --json, against crash where it runs, else the stand-ins named in each line.
. "$(dirname "$0")/../lab.sh"
. "$LAB_DIR/frames.sh"

kcrash=$KDK_BUILD/kcrash
[ -x "$kcrash" ] || bail "$kcrash not built (make)"
crash_cmd() { # VMLINUX DUMP OPTS CMD… — crash's output without its startup warnings
	local vmlinux=$1 dump=$2 opts=$3; shift 3
	LAB_CRASH_OPTS=$opts lab_crash "$vmlinux" "$dump" "$@" | grep -v '^WARNING: active task\|^$'
}
# On 6.12 crash prints startup errors (bt: invalid size…) before the command's output: keep the
# log from its first timestamped line, and sym's answer line.
# (and its gdb faults on the way out: "<segmentation violation in gdb>").
log_only() { sed -n '/^\[ *[0-9]*\.[0-9]*\] /,$p' | grep -v '^ *<segmentation violation in gdb>$'; }
# kernel_frames, below_panic, bt_frames, bt_after_exception: tests/lab/frames.sh.
sym_only() { grep -E '^[0-9a-f]{16} \(.\) ' | tail -n 1 | cut -d' ' -f1-3; }
# drgn (a reference peer) reads one expression from a kdump-compressed dump.
drgn_value() { /usr/bin/python3 -c "import drgn, sys
p = drgn.Program(); p.set_core_dump(sys.argv[1]); p.load_debug_info([sys.argv[2]])
print(eval(sys.argv[3]))" "$@" 2> /dev/null; }
field() { sed -n "s/^ *$2: *//p" <<< "$1" | head -n 1; }
# What crash and kcrash are both asked (crash in one session per dump, at the top of its loop).
structs='struct task_struct -o; struct list_head -o; struct page; struct sk_buff; struct mm_struct; struct mm_struct -o; struct sk_buff -o; struct net_device -o'
procs_list="list task_struct.tasks -s task_struct.pid,comm -h init_task"
parents_list="list task_struct.tasks -s task_struct.pid,__state,exit_state,real_parent -h init_task"
panic_path="sysrq_handle_crash __handle_sysrq write_sysrq_trigger vfs_write ksys_write do_syscall_64 panic"

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	lab_fixture "$release" sysrq > /dev/null || bail "$release: sysrq fixture"
	fx=$KDK_CACHE/fixtures/$release/sysrq
	work=$(lab_run_dir "kcrash-$release")
	# drgn's copy (6.12/7.x: drgn 0.0.22 cannot read QEMU's ELF there): -d 0, the whole image
	"$KDK_BUILD/dumpsave" -f -l -d 0 "$fx/vmcore.elf" "$work/oracle.kdump" 2> /dev/null ||
		bail "$release: dumpsave -l -d 0 the fixture for drgn"
	dumps=("$fx/vmcore.elf" "$work/vmcore.kdump") why=
	"$KDK_BUILD/dumpsave" -f -l -d 31 "$fx/vmcore.elf" "$work/vmcore.kdump" 2> "$work/d31.err"
	status=$?
	[ $status = 0 ] || { dumps=("$fx/vmcore.elf"); why=": $(head -c 200 "$work/d31.err"); only the ELF is checked"; }
	ok $status "$release: dumpsave -l -d 31 of the fixture, kcrash's second dump$why"
	# crash is the oracle on 6.1 only (legacy=1); drgn and the console elsewhere.
	case $release in 6.1.*) legacy=1 ;; *) legacy=0 ;; esac
	opts=
	# dis -l on every kernel: the source lines crash's dis -l would print (gdb's find_pc_line,
	# asked of the host's gdb over the vmlinux) before the same instructions, 60 functions
	KDK_BUILD=$KDK_BUILD bash "$LAB_DIR/disl-vs-gdb.sh" "$vmlinux" "${dumps[-1]}" "$work/disl" 60 > "$work/disl.out" 2>&1
	ok $? "$release $(basename "${dumps[-1]}"): dis -l puts gdb's source lines before the same instructions (gdb's info line the oracle, the rule crash's dis -l prints by): $(tail -n 2 "$work/disl.out" | tr '\n' ' ' | head -c 400)"
	# dis on every kernel: 200 functions spread over the kernel's text against binutils' objdump
	# decoding the same bytes (drgn reads them from the dump; tests/lab/dis-vs-objdump.sh says how
	# they are chosen); on 6.1 crash below checks the panic path's functions as well.
	KDK_BUILD=$KDK_BUILD bash "$LAB_DIR/dis-vs-objdump.sh" "$vmlinux" "${dumps[-1]}" "$work/oracle.kdump" "$work" 200 > "$work/dis-objdump.out" 2>&1
	ok $? "$release $(basename "${dumps[-1]}"): dis decodes as binutils' objdump does over the same bytes (objdump the oracle, drgn reading the bytes): $(head -n 4 "$work/dis-objdump.out" | tr '\n' ' ' | head -c 400)"

	for dump in "${dumps[@]}"; do
		name="$release $(basename "$dump")"
		LAB_CRASH_CACHE=
		if [ $legacy = 1 ]; then
			# What crash is asked below, in one session (crash takes ~7 s to start on the -dbg
			# vmlinux): dis's options at the panic task's return addresses, -r (from the
			# function's start up to the address), -f (from it to the function's end), -x, -rl,
			# SYMBOL+OFFSET inside an instruction, (EXPR), and whole functions with the vmlinux,
			# which end where gdb ends them (the ELF size, not the padding); struct contents at an
			# address given as a symbol. A call the session did not answer runs crash itself.
			frames=($("$kcrash" "$vmlinux" "$dump" -c bt | awk '/^ *#[0-9]+ +\[/ { print $NF }' | sed -n '4,7p'))
			cmds=("dis -r ${frames[0]:-}" "dis -rl ${frames[1]:-}" "dis -f ${frames[2]:-}" "dis -x ${frames[3]:-} 4"
			      "dis -f __handle_sysrq+0x11" "dis -r __handle_sysrq+0x11" "dis (vfs_write+0x20) 3"
			      "dis -l -f vfs_write+700" "dis -l vfs_write" "dis ksys_write")
			disopt_args=()
			for c in "${cmds[@]}"; do disopt_args+=("$c" "!echo ==="); done
			value_calls=()
			for pair in task_struct:init_task mm_struct:init_mm uts_namespace:init_uts_ns; do
				value_calls+=("struct ${pair%%:*} $("$kcrash" "$dump" -c "sym ${pair#*:}" | cut -d' ' -f1)")
			done
			# crash's shorthands (a struct name as the command, members listed, a symbol as
			# p) and whatis, each against crash
			init=$("$kcrash" "$dump" -c "sym init_task" | cut -d' ' -f1)
			shorthand_calls=("task_struct.pid,comm,prio $init" "list_head.prev,next $init"
				"uts_namespace init_uts_ns" "panic" "nr_threads" "whatis jiffies" "whatis panic"
				"whatis init_task" "whatis linux_banner" "whatis pid_t" "whatis zone_type"
				"whatis __per_cpu_offset" "whatis list_head" "whatis task_struct.pid"
				"whatis sysrq_handle_crash" "whatis runqueues" "struct -o uts_namespace init_uts_ns"
				"struct -o task_struct $init")
			calls=(sys log "log -T" "$procs_list" "$parents_list" "p nr_threads" "sym sysrq_handle_crash")
			calls+=("${shorthand_calls[@]}")
			for fn in $panic_path; do calls+=("dis $fn"); done
			calls+=("bt -f" "bt -F" "bt -FF")
			calls+=("dis -l sysrq_handle_crash" "$(printf '%s\n' "${disopt_args[@]}")" "kmem -i"
				"${structs//; /$'\n'}" "${value_calls[@]}")
			LAB_CRASH_CACHE=$work/crash-$(basename "$dump")
			rm -rf "$LAB_CRASH_CACHE"
			lab_crash_prefetch "$LAB_CRASH_CACHE" "$vmlinux" "$dump" "${calls[@]}" ||
				diag "$name: crash's one session did not reach its end: each command runs crash alone"
		fi
		start=$(date +%s.%N)
		ours=$("$kcrash" "$dump" -c 'sys' 2> "$work/err")
		ok $? "$name: kcrash sys from the dump alone ($(printf '%.2f' "$(echo "$(date +%s.%N) - $start" | bc)") s)"
		if [ $legacy = 1 ]; then
			theirs=$(crash_cmd "$vmlinux" "$dump" "" sys)
			bad= compared=
			for f in CPUS DATE RELEASE VERSION MACHINE NODENAME MEMORY PANIC "LOAD AVERAGE" PID COMMAND TASK CPU STATE; do
				# crash names the panic task only when it finds one (not in QEMU's dumps)
				[ -n "$(field "$theirs" "$f")" ] || continue
				compared+="${f% *} "
				[ "$(field "$ours" "$f")" = "$(field "$theirs" "$f")" ] || bad+="$f: ours '$(field "$ours" "$f")' crash '$(field "$theirs" "$f")'; "
			done
			[ -z "$bad" ]
			ok $? "$name: sys fields equal crash's sys (${bad:-$compared})"
		else
			got="RELEASE: $(drgn_value "$work/oracle.kdump" "$vmlinux" "p['init_uts_ns'].name.release.string_().decode()") (drgn on our -d 0 copy standing in for crash)"
			[[ "$got" == "RELEASE: $(field "$ours" RELEASE) "* ]]
			ok $? "$name: RELEASE $(field "$ours" RELEASE) equals what the reference reads ($got)"
			panic=$(grep -ao 'Kernel panic - not syncing: [^]]*' "$fx/serial.log" | head -n 1 | tr -d '\r' | sed 's/ *$//')
			is "$(field "$ours" PANIC)" "\"$panic\"" "$name: PANIC equals the console's panic line"
			# DATE: a dump QEMU made has no CRASHTIME; the timekeeper's wall clock, as crash
			# takes it (tk_core, or 6.17's timekeeper_data[TIMEKEEPER_CORE])
			xtime=$(drgn_value "$work/oracle.kdump" "$vmlinux" "int((p['tk_core'] if 'tk_core' in p else p['timekeeper_data'][0]).timekeeper.xtime_sec)")
			is "$(field "$ours" DATE)" "$(TZ=UTC date -d "@${xtime:-0}" '+%a %b %e %H:%M:%S UTC %Y')" "$name: DATE is the timekeeper's wall clock as drgn reads it ($xtime)"
		fi
		"$kcrash" "$dump" -c log > "$work/log.ours" 2> "$work/err"
		if [ $legacy = 1 ]; then
			crash_cmd "$vmlinux" "$dump" "$opts" log | log_only > "$work/log.crash"
			cmp -s "$work/log.ours" "$work/log.crash"
			ok $? "$name: log equals crash's log, $(wc -l < "$work/log.ours") lines"
		else
			/usr/bin/python3 "$LAB_DIR/drgn-log.py" "$work/oracle.kdump" "$vmlinux" > "$work/log.drgn" 2> /dev/null
			[ -s "$work/log.drgn" ] && cmp -s "$work/log.ours" "$work/log.drgn"
			ok $? "$name: log equals drgn's printk reader on our kdump copy, $(wc -l < "$work/log.ours") lines (drgn stands in for crash)"
		fi
		# log -T: the log's records, each stamped with the boot's second plus its own whole seconds
		"$kcrash" "$dump" -c 'log -T' > "$work/log-T.ours" 2> "$work/err"
		ok $? "$name: log -T ran ($(head -c 200 "$work/err"))"
		if [ $legacy = 1 ]; then
			crash_cmd "$vmlinux" "$dump" "$opts" "log -T" | sed -n '/^\[[A-Z][a-z][a-z] /,$p' > "$work/log-T.crash"
			[ -s "$work/log-T.crash" ] && cmp -s "$work/log-T.ours" "$work/log-T.crash"
			ok $? "$name: log -T equals crash's log -T, $(wc -l < "$work/log-T.ours") lines"
		else
			# the same lines as log's with each timestamp a date, the last one's the DATE or a second before
			last=$(grep '^\[' "$work/log-T.ours" | tail -n 1 | sed 's/^\[\([^]]*\)\].*/\1/')
			late=$(( $(TZ=UTC date -d "$(field "$ours" DATE | sed 's/ UTC / /')" +%s) - $(TZ=UTC date -d "$(sed 's/ UTC / /' <<< "$last")" +%s) ))
			diff <(sed 's/^\[[^]]*\] //; s/^ \{20,\}//' "$work/log-T.ours") <(sed 's/^\[ *[0-9]*\.[0-9]*\] //; s/^ \{14,\}//' "$work/log.ours") > /dev/null &&
				[ "$late" -ge 0 ] && [ "$late" -le 2 ]
			ok $? "$name: log -T has log's lines, dated; the last $late s before DATE"
		fi
		# log -m (levels, from the dump's BTF: VMCOREINFO has no printk_info.level) and -c (callers)
		"$kcrash" "$dump" -c 'log -m' > "$work/log-m.ours" 2> "$work/err"
		if [ $legacy = 1 ]; then
			crash_cmd "$vmlinux" "$dump" "$opts" "log -m" | log_only > "$work/log-m.crash"
			[ -s "$work/log-m.crash" ] && cmp -s "$work/log-m.ours" "$work/log-m.crash"
			ok $? "$name: log -m from the dump alone equals crash's log -m, $(wc -l < "$work/log-m.ours") lines ($(head -c 200 "$work/err"))"
		else
			/usr/bin/python3 "$LAB_DIR/drgn-log.py" "$work/oracle.kdump" "$vmlinux" -m > "$work/log-m.drgn" 2> /dev/null
			[ -s "$work/log-m.drgn" ] && cmp -s "$work/log-m.ours" "$work/log-m.drgn"
			ok $? "$name: log -m from the dump alone equals drgn's records with their levels, $(wc -l < "$work/log-m.ours") lines ($(head -c 200 "$work/err"))"
		fi
		# crash 8.0.2 has no -c: drgn's callers on every kernel, in crash's width for pid_max
		"$kcrash" "$dump" -c 'log -c' > "$work/log-c.ours" 2> "$work/err"
		cwidth=$(sed -n '1s/^\[ *[0-9]*\.[0-9]*\] \[\( *[TC][0-9]*\)\] .*/\1/p' "$work/log-c.ours" | awk '{ print length($0) }')
		/usr/bin/python3 "$LAB_DIR/drgn-log.py" "$work/oracle.kdump" "$vmlinux" -c "${cwidth:-0}" > "$work/log-c.drgn" 2> /dev/null
		[ -n "$cwidth" ] && [ -s "$work/log-c.drgn" ] && cmp -s "$work/log-c.ours" "$work/log-c.drgn"
		ok $? "$name: log -c equals drgn's records with their callers ([T…] a task, [C…] a CPU, ${cwidth:-no} columns), $(wc -l < "$work/log-c.ours") lines"
		"$kcrash" "$dump" -c ps 2> "$work/err" | sed 's/^>/ /' |
			awk 'NR > 1 { comm = $NF; gsub(/^\[|\]$/, "", comm); print $1, comm }' > "$work/ps.ours"
		tasks=$(wc -l < "$work/ps.ours")
		if [ $legacy = 1 ]; then
			# crash walks init_task.tasks (processes); each must be in our ps, same PID and COMM
			crash_cmd "$vmlinux" "$dump" "" "$procs_list" |
				awk '/pid = /{gsub(",", "", $3); pid=$3} /comm = /{c=$0; sub(/.*comm = "/, "", c); sub(/\\000.*|".*/, "", c); print pid, c}' |
				sort > "$work/procs.crash"
			missing=$(sort "$work/ps.ours" | comm -23 "$work/procs.crash" - | tr '\n' ' ')
			[ -s "$work/procs.crash" ] && [ -z "$missing" ]
			ok $? "$name: ps has every process of crash's init_task.tasks walk ($(wc -l < "$work/procs.crash"), same PID and COMM)${missing:+; missing: $missing}"
			# PPID and ST: crash's walk gives each task's address, pid, __state and
			# real_parent; the parent's pid comes from its address, the state letters from
			# the kernel's bits (include/linux/sched.h)
			crash_cmd "$vmlinux" "$dump" "" "$parents_list" |
				awk '/^[0-9a-f]+$/ { t = $1 } /pid = / { gsub(",", "", $3); pid[t] = $3 }
				     /__state = / { gsub(",", "", $3); st[t] = $3 } /exit_state = / { gsub(",", "", $3); ex[t] = $3 }
				     /real_parent = / { sub(/^0x/, "", $3); gsub(",", "", $3); par[t] = $3; order[++n] = t }
				     function bit(s, b) { return int(s / b) % 2 }
				     function letter(s, e) { if (e == 32) return "ZO"; if (e == 16) return "DE"; if (s == 0) return "RU";
				       if (bit(s, 1024) && bit(s, 2)) return "ID"; if (bit(s, 1)) return "IN"; if (bit(s, 2)) return "UN";
				       if (bit(s, 4)) return "ST"; if (bit(s, 8)) return "TR"; if (bit(s, 64)) return "PA";
				       if (bit(s, 128)) return "DE"; return "??" }
				     END { for (i = 1; i <= n; i++) { t = order[i]; pp = (pid[t] == 0 ? 0 : (par[t] in pid ? pid[par[t]] : "?"));
				       print pid[t], pp, letter(st[t], ex[t]) } }' | sort > "$work/pps.crash"
			"$kcrash" "$dump" -c ps | sed 's/^>/ /' | awk 'NR > 1 { print $1, $2, $5 }' | sort | awk '!seen[$1]++' > "$work/pps.all"
			missing=$(comm -23 "$work/pps.crash" "$work/pps.all" | tr '\n' ' ')
			[ -s "$work/pps.crash" ] && [ -z "$missing" ]
			ok $? "$name: each process's PPID and ST in ps agree with crash's walk (pid, real_parent, __state)${missing:+; differ: $missing}"
			threads=$(crash_cmd "$vmlinux" "$dump" "" "p nr_threads" | sed -n 's/.*= //p' | tail -n 1)
		else
			/usr/bin/python3 "$LAB_DIR/drgn-tasks.py" "$work/oracle.kdump" "$vmlinux" 2> /dev/null |
				awk '{print $1, substr($2, 1, 15)}' | sort > "$work/tasks.drgn"
			grep -v '^0 ' "$work/ps.ours" | sort > "$work/tasks.ours"
			[ -s "$work/tasks.drgn" ] && cmp -s "$work/tasks.ours" "$work/tasks.drgn"
			ok $? "$name: ps lists the same $(wc -l < "$work/tasks.drgn") tasks (PID, COMM) as drgn's task walk (drgn stands in: crash cannot walk tasks on 6.12)"
			# PPID and ST as drgn reads real_parent and __state (the kernel's state bits)
			/usr/bin/python3 - "$work/oracle.kdump" "$vmlinux" > "$work/pps.drgn" 2> /dev/null <<'PY'
import sys
import drgn
from drgn.helpers.linux.pid import for_each_task
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
def letter(s, e):
    if e & 32: return "ZO"
    if e & 16: return "DE"
    if s == 0: return "RU"
    if s & 1026 == 1026: return "ID"
    for bit, name in ((1, "IN"), (2, "UN"), (4, "ST"), (8, "TR"), (64, "PA"), (128, "DE")):
        if s & bit: return name
    return "??"
for t in for_each_task(prog):
    print(int(t.pid), int(t.real_parent.pid), letter(int(t.__state), int(t.exit_state)))
PY
			"$kcrash" "$dump" -c ps | sed 's/^>/ /' | awk 'NR > 1 && $1 != 0 { print $1, $2, $5 }' | sort > "$work/pps.ours"
			sort "$work/pps.drgn" | cmp -s - "$work/pps.ours"
			ok $? "$name: every task's PPID and ST in ps agree with drgn's reading of real_parent and __state ($(wc -l < "$work/pps.drgn") tasks)"
			threads=$(drgn_value "$work/oracle.kdump" "$vmlinux" "p['nr_threads'].value_()")
		fi
		cpus=$(grep -c '^0 swapper/' "$work/ps.ours")
		[ -n "$threads" ] && [ "$tasks" = "$((threads + cpus))" ]
		ok $? "$name: ps lists $tasks tasks: the kernel's nr_threads ($threads) plus $cpus idle tasks"
		"$kcrash" "$dump" -c 'bt -s' > "$work/bt.ours" 2>&1
		want=$(kernel_frames "$fx/serial.log" 'Kernel panic - not syncing' | below_panic | tr '\n' ' ')
		got=$(bt_frames < "$work/bt.ours" | below_panic | tr '\n' ' ')
		[ -n "$want" ] && [ "$got" = "$want" ] && grep -q 'RIP: .*RSP: ' "$work/bt.ours"
		ok $? "$name: bt of the panic task has the kernel's reliable Call Trace frames below panic, then the user registers: $got"
		[ "$got" = "$want" ] || diag "kernel's: $want"
		# bt -f, -F and -FF: each frame's stack words as crash shows them (symbols, [slab cache],
		# [value:cache]), frame by frame where both unwinders have the frame and the next one
		if [ $legacy = 1 ]; then
			for opt in -f -F -FF; do
				crash_cmd "$vmlinux" "$dump" "" "bt $opt" > "$work/bt$opt.crash"
				for how in vmlinux bare; do
					if [ $how = vmlinux ]; then args=("$vmlinux" "$dump"); else args=("$dump"); fi
					"$kcrash" "${args[@]}" -c "bt $opt" > "$work/bt$opt.$how" 2>&1
					res=$(python3 "$LAB_DIR/bt-words-compare.py" "$work/bt$opt.crash" "$work/bt$opt.$how")
					ok $? "$name: bt $opt ($how): $res"
				done
			done
		fi
		# A sleeping task's stack: from the frame __switch_to_asm left, through the syscall.
		sleeper=$(awk '$NF == "sleep" { print $1; exit }' "$work/ps.ours")
		"$kcrash" "$dump" -c "bt $sleeper" > "$work/bt.sleep" 2>&1
		frames=$(bt_frames < "$work/bt.sleep" | sed 's/+.*//' | tr '\n' ' ')
		sed -n 2p "$work/bt.sleep" | grep -q ' __schedule at ' && grep -q ' entry_SYSCALL_64_after_hwframe at ' "$work/bt.sleep" &&
			grep -q 'do_nanosleep' "$work/bt.sleep" && grep -q '    RIP: .*RSP: ' "$work/bt.sleep"
		ok $? "$name: bt of a sleeping task ($sleeper, sleep) unwinds from __schedule through nanosleep to the user registers: $(awk '/^ ?#[0-9]/ { printf "%s ", $3 }' "$work/bt.sleep")"
		ours=$("$kcrash" "$dump" -c 'sym sysrq_handle_crash')
		if [ $legacy = 1 ]; then
			theirs=$(crash_cmd "$vmlinux" "$dump" "$opts" "sym sysrq_handle_crash" | sym_only)
			is "$ours" "$theirs" "$name: sym sysrq_handle_crash equals crash's"
		else
			theirs=$(drgn_value "$work/oracle.kdump" "$vmlinux" "'%016x' % p.symbol('sysrq_handle_crash').address")
			is "${ours%% *}" "$theirs" "$name: sym sysrq_handle_crash's address equals drgn's (drgn stands in for crash)"
		fi
		if [ $legacy = 1 ]; then
			# dis: the same text as crash's (gdb's) for the functions of the panic path;
			# kallsyms' sizes include the padding after a function, which crash stops before
			# Where crash's full start aborts (6.12), its minimal mode stands in up to each
			# function's first ud2: without the full start crash does not know that a BUG()'s
			# ud2 is followed by bug-table data and decodes past it out of step (gdb alone).
			bad= minimal=
			for fn in $panic_path; do
				crash_cmd "$vmlinux" "$dump" "$full_opts" "dis $fn" | grep '^0x' > "$work/dis.crash"
				if [ ! -s "$work/dis.crash" ] && [ $legacy = 0 ]; then
					crash_cmd "$vmlinux" "$dump" "$opts" "dis $fn" | grep '^0x' |
						awk '{ print } /\tud[012]/ { exit }' > "$work/dis.crash"
					minimal+="$fn "
				fi
				"$kcrash" "$dump" -c "dis $fn" | head -n "$(wc -l < "$work/dis.crash")" > "$work/dis.ours"
				[ -s "$work/dis.crash" ] && cmp -s "$work/dis.ours" "$work/dis.crash" || bad+="$fn "
			done
			[ -z "$bad" ]
			ok $? "$name: dis of the panic path's functions is crash's text, instruction for instruction${bad:+ (differs: $bad)}${minimal:+ (the full start of crash aborted: crash --minimal up to the first ud2 for $minimal)}"
		fi
		if [ $legacy = 1 ]; then
			# dis -l: the same source lines in front of the same instructions as crash's
			lines_at() { awk '/^0x/ { if (h) print h, $1; h = "" } /: [0-9]+$/ { h = $0 }'; }
			"$kcrash" "$vmlinux" "$dump" -c 'dis -l sysrq_handle_crash' | lines_at > "$work/disl.ours"
			crash_cmd "$vmlinux" "$dump" "$opts" "dis -l sysrq_handle_crash" | grep -E '^0x|: [0-9]+$' |
				lines_at > "$work/disl.crash"
			[ -s "$work/disl.crash" ] && cmp -s "$work/disl.ours" "$work/disl.crash"
			ok $? "$name: dis -l sysrq_handle_crash puts the same $(wc -l < "$work/disl.crash") source lines at the same instructions as crash's"
			# dis's options as crash has them (frames, cmds: at the top of this loop)
			crash_cmd "$vmlinux" "$dump" "$opts" "${disopt_args[@]}" | grep -E '^0x|: [0-9]+$|^===$' > "$work/disopt.crash"
			for c in "${cmds[@]}"; do
				"$kcrash" "$vmlinux" "$dump" -c "$c" | grep -E '^0x|: [0-9]+$'
				echo ===
			done > "$work/disopt.ours"
			diff "$work/disopt.ours" "$work/disopt.crash" > "$work/disopt.diff"
			[ "${#frames[@]}" = 4 ] && [ "$(grep -c '^0x' "$work/disopt.crash")" -gt 100 ] && [ ! -s "$work/disopt.diff" ]
			ok $? "$name: ${cmds[*]}: the same $(grep -c '^0x' "$work/disopt.crash") instructions and source lines as crash's (differing lines: $(grep -c '^[<>]' "$work/disopt.diff"))"
		fi
		# kmem -i: on 6.1 every row as crash's; elsewhere SHARED and SLAB against drgn alone
		if true; then
			# kmem -i: every row as crash's, but SHARED and SLAB, where crash 8.0.2 reads
			# other counters than the kernel's own vm_node_stat (drgn stands in there)
			"$kcrash" "$dump" -c 'kmem -i' | grep -v '^$' > "$work/kmem.ours"
			: > "$work/kmem.crash"
			[ $legacy = 1 ] && crash_cmd "$vmlinux" "$dump" "" "kmem -i" > "$work/kmem.crash"
			rows_differ=$(diff <(grep -v 'SHARED\|SLAB' "$work/kmem.ours") <(grep -v 'SHARED\|SLAB' "$work/kmem.crash") | grep -c '^[<>]')
			want=$(drgn_value "$work/oracle.kdump" "$vmlinux" "'%d %d' % (p['vm_node_stat'][p['NR_SHMEM']].counter.value_(), p['vm_node_stat'][p['NR_SLAB_RECLAIMABLE_B']].counter.value_() + p['vm_node_stat'][p['NR_SLAB_UNRECLAIMABLE_B']].counter.value_())")
			got="$(awk '/SHARED/ { print $2 }' "$work/kmem.ours") $(awk '/SLAB/ { print $2 }' "$work/kmem.ours")"
			if grep -q 'TOTAL MEM' "$work/kmem.crash"; then
				[ "$rows_differ" = 0 ] && [ "$got" = "$want" ]
				ok $? "$name: kmem -i equals crash's rows (SHARED, SLAB: the kernel's vm_node_stat as drgn reads it: $want; ours $got)"
			else
				# no crash here (6.12, 7.x), or its full start aborted: drgn's counters alone
				[ -n "$want" ] && [ "$got" = "$want" ]
				ok $? "$name: kmem -i SHARED and SLAB equal the kernel's vm_node_stat as drgn reads it ($want; ours $got; no crash output on this dump, its other rows are not compared)"
			fi
		fi
		if [ $legacy = 1 ]; then
			"$kcrash" "$dump" -c "$structs" > "$work/struct.ours" 2>&1
			crash_cmd "$vmlinux" "$dump" "" "${structs//; /$'\n'}" > "$work/struct.crash"
			cmp -s "$work/struct.ours" "$work/struct.crash"
			ok $? "$name: struct task_struct -o, list_head -o, page, sk_buff, mm_struct, mm_struct -o, sk_buff -o, net_device -o from the dump's BTF equal crash's ($(wc -l < "$work/struct.ours") lines)"
			# contents at an address, as gdb prints them (the address given as a symbol)
			bad=
			for call in "${value_calls[@]}"; do
				"$kcrash" "$dump" -c "$call" > "$work/value.ours" 2>&1
				crash_cmd "$vmlinux" "$dump" "" "$call" > "$work/value.crash"
				[ -s "$work/value.crash" ] && cmp -s "$work/value.ours" "$work/value.crash" || bad+="$(cut -d' ' -f2 <<< "$call") "
			done
			[ -z "$bad" ]
			ok $? "$name: struct task_struct/mm_struct/uts_namespace ADDRESS print what crash prints${bad:+ (differs: $bad)}"
			# crash numbers p's values across its session ($N): compared without the number
			bad=
			for call in "${shorthand_calls[@]}"; do
				"$kcrash" "$vmlinux" "$dump" -c "$call" 2>&1 | sed 's/\$[0-9]* = /$N = /' > "$work/short.ours"
				crash_cmd "$vmlinux" "$dump" "" "$call" | sed 's/\$[0-9]* = /$N = /' > "$work/short.crash"
				[ -s "$work/short.crash" ] && cmp -s "$work/short.ours" "$work/short.crash" || bad+="[$call] "
			done
			[ -z "$bad" ]
			ok $? "$name: ${#shorthand_calls[@]} shorthands and whatis (task_struct.pid,comm,prio ADDR, a symbol alone, whatis of variables, functions, a typedef, an enum, a struct; struct -o ADDRESS) print what crash prints${bad:+ (differs: $bad)}"
		fi
		# mod: the modules on the kernel's modules list, as drgn walks it
		"$kcrash" "$dump" -c mod 2> "$work/err" | awk 'NR > 1 { print $2 }' | sort > "$work/mod.ours"
		drgn_value "$work/oracle.kdump" "$vmlinux" "'\\n'.join(sorted(m.name.string_().decode() for m in __import__('drgn.helpers.linux.list', fromlist=['x']).list_for_each_entry('struct module', p['modules'].address_of_(), 'list')))" > "$work/mod.drgn"
		[ -s "$work/mod.drgn" ] && cmp -s "$work/mod.ours" "$work/mod.drgn"
		ok $? "$name: mod lists the $(wc -l < "$work/mod.drgn") modules drgn finds on the kernel's modules list: $(tr '\n' ' ' < "$work/mod.ours")"
		# a struct name as the command with members listed, on every kernel: the values drgn reads
		init_addr=$("$kcrash" "$dump" -c "sym init_task" | cut -d' ' -f1)
		got=$("$kcrash" "$dump" -c "task_struct.pid,prio,comm $init_addr" 2>&1 | sed 's/\\000.*"/"/' | tr -d '\n')
		want=$(drgn_value "$work/oracle.kdump" "$vmlinux" "'  pid = %d,  prio = %d,  comm = \"%s\",' % (p['init_task'].pid, p['init_task'].prio, p['init_task'].comm.string_().decode())")
		[ -n "$want" ] && [ "$got" = "$want" ]
		ok $? "$name: task_struct.pid,prio,comm ADDRESS prints what drgn reads of init_task: $got"
		# bt -a: one stack per CPU, the panic task's among them
		"$kcrash" "$dump" -c 'bt -a' > "$work/bta.ours" 2>&1
		[ "$(grep -c '^PID:' "$work/bta.ours")" = "$KDK_GUEST_CPUS" ] && grep -q 'sysrq_handle_crash' "$work/bta.ours"
		ok $? "$name: bt -a shows $(grep -c '^PID:' "$work/bta.ours") stacks for the guest's $KDK_GUEST_CPUS CPUs, one through sysrq_handle_crash"
		with=$("$kcrash" "$vmlinux" "$dump" -c "sys; log; ps; bt -s; bt -a; mod; sym sysrq_handle_crash; $structs" 2>&1 | grep -v '^ *KERNEL:')
		without=$("$kcrash" "$dump" -c "sys; log; ps; bt -s; bt -a; mod; sym sysrq_handle_crash; $structs" 2>&1 | grep -v '^ *KERNEL:')
		[ -n "$with" ] && [ "$with" = "$without" ]
		ok $? "$name: with no vmlinux, sys/log/ps/bt/bt -a/mod/sym/struct say what they say with the -dbg vmlinux"
	done

	# The module oops: the panic task's stack goes through the page fault into the module.
	if ! lab_has_headers "$release"; then
		lab_skip "$release: no oops fixture: the oops module needs headers for $release: neither the host nor sid has them"
	else
	lab_fixture "$release" oops > /dev/null || bail "$release: oops fixture"
	ofx=$KDK_CACHE/fixtures/$release/oops
	"$kcrash" "$ofx/vmcore.elf" -c 'bt -s' > "$work/bt-oops" 2>&1
	grep -q '^    \[exception RIP: oops_test_do_deref+0x[0-9a-f]*/0x[0-9a-f]* \[oops_test\]\]$' "$work/bt-oops"
	ok $? "$release oops: bt shows $(grep -o '\[exception RIP: [^]]*\]' "$work/bt-oops" | head -n 1)]"
	want=$(kernel_frames "$ofx/serial.log" 'BUG: kernel NULL pointer dereference' | tr '\n' ' ')
	got=$(bt_after_exception < "$work/bt-oops" | tr '\n' ' ')
	[ -n "$want" ] && [ "$got" = "$want" ]
	ok $? "$release oops: the frames below the exception equal the oops's Call Trace (module frames named): $got"
	[ "$got" = "$want" ] || diag "kernel's: $want"
	fi

	# The checks below need a kdump-compressed file: the -d 31 copy, or the -d 0 one when -d 31
	# could not be saved (then they still test something, and say which).
	kd=$work/vmcore.kdump
	[ -s "$kd" ] || kd=$work/oracle.kdump
	diag "$release: the checks below read $(basename "$kd")"
	other=
	for r in $KDK_LAB_KERNELS; do [ "$r" != "$release" ] && other=$(lab_kernel_dir "$r")/vmlinux; done
	if [ -n "$other" ]; then
		"$kcrash" "$other" "$kd" -c sys > /dev/null 2> "$work/err"
		status=$?
		[ $status = 1 ] && grep -q 'is not the dump.s kernel: its build ID is [0-9a-f]*, the dump.s .* is [0-9a-f]*' "$work/err"
		ok $? "$release: another kernel's vmlinux is refused: $(head -c 200 "$work/err")"
	fi
	head -c 1000000 "$kd" > "$work/truncated.kdump"
	"$kcrash" "$work/truncated.kdump" -c 'sys; ps; log' > /dev/null 2> "$work/err"
	status=$?
	[ $status -ge 1 ] && [ $status -lt 128 ] && [ -s "$work/err" ]
	ok $? "$release: a truncated dump gives an error, no crash (exit $status): $(head -n 1 "$work/err" | head -c 160)"
	# --json: sys, ps and bt as JSON documents that say what the text says.
	json=$("$kcrash" --json "$kd" -c 'sys; ps; bt' 2>&1 | python3 -c '
import json, sys
docs = [json.loads(line) for line in sys.stdin if line.strip()]
sys_doc, ps_doc, bt_doc = docs
print(sys_doc["release"], len(ps_doc), sum(1 for t in ps_doc if t["active"]), len(bt_doc[0]["frames"]), bt_doc[0]["pid"])' 2>&1)
	text_ps=$("$kcrash" "$kd" -c ps | tail -n +2 | wc -l)
	text_active=$("$kcrash" "$kd" -c ps | grep -c '^>')
	text_frames=$("$kcrash" "$kd" -c bt | grep -cE '^ ?#[0-9]')
	text_pid=$("$kcrash" "$kd" -c bt | sed -n 's/^PID: *\([0-9]*\).*/\1/p')
	is "$json" "$release $text_ps $text_active $text_frames $text_pid" "$release: --json sys/ps/bt parse as JSON and agree with the text (release, tasks, active, frames, pid)"

	# Damaged copies: VMCOREINFO zeroed, page descriptors overwritten with garbage.
	python3 - "$kd" "$work/novmcoreinfo.kdump" "$work/baddesc.kdump" <<'PY'
import random, sys
data = bytearray(open(sys.argv[1], 'rb').read())
zeroed = bytearray(data)
# both copies the file holds: kdump_sub_header's offset_vmcoreinfo/size_vmcoreinfo (at +32) and
# the VMCOREINFO note among offset_note/size_note's (at +48); not the kernel's own page of it,
# which lies in compressed page data (docs/formats/kdump-compressed.md)
import struct
bs, = struct.unpack_from('<i', zeroed, 428)
for field in (32, 48):
    off, size = struct.unpack_from('<QQ', zeroed, bs + field)
    at = zeroed.find(b'OSRELEASE=', off, off + size)
    if at >= 0:
        end = zeroed.find(b'\0', at, off + size)
        end = off + size if end < 0 else end
        zeroed[at:end] = bytes(end - at)
open(sys.argv[2], 'wb').write(zeroed)
# the page descriptors follow the header, sub-header and both bitmaps; garbage over 256 KiB
# from 76 KiB on hits them in the lab's 1 GiB dumps
random.seed(1)
for i in range(0x13000, 0x13000 + 262144):
    data[i] = random.randrange(256)
open(sys.argv[3], 'wb').write(data)
PY
	for bad in novmcoreinfo baddesc; do
		"$kcrash" "$work/$bad.kdump" -c 'sys; ps; bt; log' > /dev/null 2> "$work/err"
		status=$?
		[ $status -ge 1 ] && [ $status -lt 128 ] && [ -s "$work/err" ]
		ok $? "$release: $bad: an error, no crash (exit $status): $(head -n 1 "$work/err" | head -c 200)"
	done
	find "$work" -maxdepth 1 -type f -name "*.kdump" -delete   # (crash-*.kdump are crash caches)
done
done_testing
