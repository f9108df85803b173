# Lab test: kcrash's ps options on the sysrq fixture of every lab kernel, from the dump alone,
# against drgn 0.0.22 reading our -l -d 0 copy (tests/lab/drgn-ps.py: each task's pid, tgid, CPU,
# sched_info.last_arrival, real_parent and mm; each CPU's rq clock). crash 8.0.2 is no oracle
# here: on these QEMU-made dumps it finds 4 of the tasks ("not found in PID hash"), and it cannot
# read 7.x. Checked: ps -l prints every task's last arrival, newest first; ps -m each one's age by
# its CPU's rq clock (to the millisecond crash prints); ps -p a task's real_parent chain from the
# idle task down; ps -c a task's children; ps -k, -u and -G the kernel threads, user tasks and
# thread-group leaders; ps -S the states ps prints, counted; a PID, a COMM and a 'regex' select;
# ps -a each task's command line and environment as drgn's cmdline() and environ() read them;
# ps -r each task's resource limits as drgn reads signal->rlim; ps -t each task's start, user and
# system time as drgn reads them, and its RUN TIME as crash counts it from drgn's jiffies_64;
# sig each task's signal_struct, sighand->action[] entries, blocked and pending sets as drgn
# reads them. On 6.1 crash 8.0.2 does find the active tasks
# (init, the busy shell): its ps -a 1, ps -r 1, ps -t and sig 1 text is compared too.
. "$(dirname "$0")/../lab.sh"

kcrash=$KDK_BUILD/kcrash
[ -x "$kcrash" ] || bail "$kcrash not built (make)"
/usr/bin/python3 -c 'import drgn' 2> /dev/null || bail "python3-drgn is not installed (the oracle)"

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	lab_fixture "$release" sysrq > /dev/null || bail "$release: sysrq fixture"
	dump=$KDK_CACHE/fixtures/$release/sysrq/vmcore.elf
	work=$(lab_run_dir "kcrash-ps-$release")
	"$KDK_BUILD/dumpsave" -f -l -d 0 "$dump" "$work/oracle.kdump" 2> /dev/null ||
		bail "$release: dumpsave -l -d 0 the fixture for drgn"
	/usr/bin/python3 "$KDK_TOP/tests/lab/drgn-ps.py" "$work/oracle.kdump" "$vmlinux" > "$work/drgn.out" 2> "$work/drgn.err" ||
		bail "$release: drgn failed: $(tail -n 2 "$work/drgn.err")"
	ntasks=$(grep -c '^task ' "$work/drgn.out")
	[ "$ntasks" -gt 20 ] || bail "$release: drgn found $ntasks tasks"
	run() { "$kcrash" "$dump" -c "$1" 2>> "$work/ours.err"; }

	# ps -l: [LAST_ARRIVAL] [ST]  PID: … TASK: …, newest first (idle tasks aside: drgn's
	# for_each_task has init_task's list only)
	run 'ps -l' > "$work/l.out"
	want=$(awk '$1 == "task" { print $2, $6 }' "$work/drgn.out" | sort)
	got=$(sed -n 's/^\[ *\([0-9]*\)\] \[[A-Z]*\]  PID: *\([0-9]*\) *TASK: \([0-9a-f]*\) .*/\3 \1 \2/p' "$work/l.out" |
		awk '$3 != 0 { print $1, $2 }' | sort)
	is "$got" "$want" "$release: ps -l: every task's sched_info.last_arrival as drgn reads it ($ntasks tasks)"
	sed -n 's/^\[ *\([0-9]*\)\].*/\1/p' "$work/l.out" | sort -c -n -r 2> /dev/null
	ok $? "$release: ps -l lists them newest first"

	# ps -m: rq clock of the task's CPU less its last arrival, as crash's D HH:MM:SS.mmm
	run 'ps -m' > "$work/m.out"
	bad=$(python3 - "$work/drgn.out" "$work/m.out" <<'PY'
import re, sys
tasks, clocks = {}, {}
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "task": tasks[f[1]] = (int(f[4]), int(f[5]))
    elif f[0] == "clock": clocks[int(f[1])] = int(f[2])
bad = seen = 0
for line in open(sys.argv[2]):
    m = re.match(r"\[ *(\d+) (\d\d):(\d\d):(\d\d)\.(\d\d\d)\] \[[A-Z]+\]  PID: *(\d+) +TASK: ([0-9a-f]+)", line)
    if not m or m.group(7) not in tasks: continue
    seen += 1
    d, h, mi, s, ms = (int(m.group(i)) for i in range(1, 6))
    got = (((d * 24 + h) * 60 + mi) * 60 + s) * 1000 + ms
    cpu, arrival = tasks[m.group(7)]
    want = max(clocks[cpu] - arrival, 0) // 1000000
    if got != want:
        bad += 1; print("%s: %d ms, drgn %d" % (m.group(7), got, want), file=sys.stderr)
print(bad if seen == len(tasks) else "only %d of %d tasks" % (seen, len(tasks)))
PY
)
	is "$bad" 0 "$release: ps -m: each task's age by its CPU's rq clock equals drgn's, to the millisecond"

	# ps -p: the deepest task's real_parent chain, from the idle task down
	deep=$(python3 - "$work/drgn.out" <<'PY'
import sys
parent, pid = {}, {}
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "task": parent[f[1]] = f[6]; pid[f[1]] = f[2]
def chain(t):
    c = [t]
    while parent.get(c[-1]) in parent and parent[c[-1]] not in c: c.append(parent[c[-1]])
    return c
t = max(parent, key=lambda t: len(chain(t)))
print(pid[t], " ".join(pid[x] for x in reversed(chain(t))))
PY
)
	read -r dpid dchain <<< "$deep"
	got=$(run "ps -p $dpid" | sed -n 's/^ *PID: *\([0-9]*\) .*/\1/p' | tr '\n' ' ' | sed 's/ $//')
	is "$got" "0 $dchain" "$release: ps -p $dpid: the real_parent chain drgn walks, from the idle task"
	run "ps -p $dpid" | awk '/PID:/ { match($0, /^ */); print RLENGTH }' | tr '\n' ' ' > "$work/indent"
	[ "$(cat "$work/indent")" = "$(seq -s ' ' 0 "$(wc -w <<< "$dchain")") " ]
	ok $? "$release: ps -p indents each generation one more space ($(cat "$work/indent"))"

	# ps -c 1: init's children
	init=$(awk '$1 == "task" && $3 == 1 { print $2 }' "$work/drgn.out")
	want=$(awk -v p="$init" '$1 == "task" && $7 == p && $2 != p { print $3 }' "$work/drgn.out" | sort -n)
	got=$(run 'ps -c 1' | sed -n 's/^  PID: *\([0-9]*\) .*/\1/p' | sort -n)
	[ -n "$want" ] && [ "$got" = "$want" ]
	ok $? "$release: ps -c 1: init's $(wc -l <<< "$want") children, as drgn finds them by real_parent"

	# -k, -u, -G: kernel threads, user tasks, thread-group leaders
	rows() { grep -E '^[> ] +[0-9]+ +[0-9]+ ' | awk '$2 != 0 || $1 != 0' | sed -n 's/^[> ] *\([0-9]*\) .*/\1/p' | grep -v '^0$' | sort -n; }
	is "$(run 'ps -k' | rows)" "$(awk '$1 == "task" && $8 == 1 { print $3 }' "$work/drgn.out" | sort -n)" \
		"$release: ps -k: the tasks without an mm"
	is "$(run 'ps -u' | rows)" "$(awk '$1 == "task" && $8 == 0 { print $3 }' "$work/drgn.out" | sort -n)" \
		"$release: ps -u: the tasks with an mm"
	is "$(run 'ps -G' | rows)" "$(awk '$1 == "task" && $3 == $4 { print $3 }' "$work/drgn.out" | sort -n)" \
		"$release: ps -G: the thread-group leaders"

	# -S: ps's own states, counted
	want=$(run ps | awk 'NR > 1 { print ($1 == ">") ? $6 : $5 }' | sort | uniq -c | awk '{ print $2 ": " $1 }' | sort)
	got=$(run 'ps -S' | sed 's/^ *//' | sort)
	[ -n "$want" ] && [ "$got" = "$want" ]
	ok $? "$release: ps -S counts the states ps prints ($(tr '\n' ' ' <<< "$got"))"

	# selecting by PID, COMM and 'regex'
	is "$(run 'ps 1' | rows)" 1 "$release: ps 1: PID 1 alone"
	want=$(run ps | awk '$NF == "[kthreadd]" || $NF == "kthreadd" { print $1 == ">" ? $2 : $1 }')
	is "$(run 'ps kthreadd' | rows)" "$want" "$release: ps kthreadd: by command name"
	want=$(run ps | awk '{ c = $NF; gsub(/^\[|\]$/, "", c); if (c ~ /^ksoftirqd/) print $1 == ">" ? $2 : $1 }' | sort -n)
	got=$(run "ps 'ksoftirqd.*'" | rows)
	[ -n "$want" ] && [ "$got" = "$want" ]
	ok $? "$release: ps 'ksoftirqd.*': by regular expression ($(wc -l <<< "$got") tasks)"
	# ps -a: each task's command line and environment from its user memory (the -l -d 0 copy
	# keeps user pages), block by block as drgn's cmdline() and environ() read them
	/usr/bin/python3 "$KDK_TOP/tests/lab/drgn-ps.py" "$work/oracle.kdump" "$vmlinux" --args > "$work/drgn-args.out" 2>> "$work/drgn.err" ||
		bail "$release: drgn --args failed: $(tail -n 2 "$work/drgn.err")"
	"$kcrash" "$work/oracle.kdump" -c 'ps -a' 2>> "$work/ours.err" |
		awk '/^PID: / { skip = ($2 == 0); if (!skip) print "== " $4; next } /^$/ { next } !skip' > "$work/a.out"
	# each line keyed by its task and its place in the block; blocks compared in task order
	keyed() { awk '/^== / { b = $2; i = 0; next } { printf "%s %04d %s\n", b, i++, $0 }' "$1" | sort; }
	blocks=$(grep -c '^ARG: ' "$work/drgn-args.out")
	if diff <(keyed "$work/drgn-args.out") <(keyed "$work/a.out") > "$work/a.diff"; then
		ok 0 "$release: ps -a: every task's ARG and ENV lines equal drgn's cmdline() and environ() ($blocks user tasks, $(grep -c '^ps: no user stack' "$work/a.out") without an mm)"
	else
		ok 1 "$release: ps -a differs from drgn's (< drgn, > kcrash)"
		head -n 20 "$work/a.diff" | while IFS= read -r l; do diag "$l"; done
	fi
	[ "$blocks" -ge 10 ]
	ok $? "$release: ps -a covered something: $blocks command lines (>= 10)"
	# from the fixture itself (QEMU's ELF, everything in it): init's block as crash 8.0.2 prints it
	# on 6.1 (there it finds the active tasks, init among them), the same text on every kernel
	got=$(run 'ps -a 1' | sed -n '2,3p')
	is "$got" "$(printf 'ARG: /bin/busybox sh /init \nENV: HOME=/')" "$release: ps -a 1 from the fixture: init's ARG and first ENV line"
	# ps -r: each task's signal->rlim, every entry, as drgn reads it
	/usr/bin/python3 "$KDK_TOP/tests/lab/drgn-ps.py" "$work/oracle.kdump" "$vmlinux" --rlimits > "$work/drgn-rlim.out" 2>> "$work/drgn.err" ||
		bail "$release: drgn --rlimits failed: $(tail -n 2 "$work/drgn.err")"
	run 'ps -r' | awk '/^PID: / { task = $4; i = 0; next } /^ +RLIMIT / || /^$/ { next }
		{ c = $2; m = $3; if (c == "(unlimited)") c = "18446744073709551615"; if (m == "(unlimited)") m = "18446744073709551615"
		  print "rlimit " task " " i++ " " c " " m }' | sort > "$work/r.out"
	want=$(sort "$work/drgn-rlim.out")
	got=$(grep -F -f <(awk '{ print "rlimit " $2 " " }' "$work/drgn-rlim.out" | sort -u) "$work/r.out")
	[ -n "$want" ] && [ "$got" = "$want" ]
	ok $? "$release: ps -r: every task's $(awk '$3 > n { n = $3 } END { print n + 1 }' "$work/drgn-rlim.out") limits, current and maximum, as drgn reads signal->rlim ($(wc -l < "$work/drgn-rlim.out") values)"
	# ps -t: each task's start_time, utime and stime as drgn reads them
	/usr/bin/python3 "$KDK_TOP/tests/lab/drgn-ps.py" "$work/oracle.kdump" "$vmlinux" --times > "$work/drgn-times.out" 2>> "$work/drgn.err" ||
		bail "$release: drgn --times failed: $(tail -n 2 "$work/drgn.err")"
	run 'ps -t' | awk '/^PID: / { task = $4; next } /START TIME:/ { st = $3 } /UTIME:/ { u = $2 }
		/STIME:/ { print "times " task " " st " " u " " $2 }' | sort > "$work/t.out"
	got=$(grep -F -f <(awk '$1 == "times" { print "times " $2 " " }' "$work/drgn-times.out") "$work/t.out")
	[ -n "$got" ] && [ "$got" = "$(grep '^times ' "$work/drgn-times.out" | sort)" ]
	ok $? "$release: ps -t: every task's START TIME, UTIME and STIME as drgn reads them ($(grep -c '^times ' "$work/drgn-times.out") tasks)"
	# RUN TIME as crash counts it, from drgn's jiffies_64 and start_time and the kernel's
	# CONFIG_HZ: ticks since boot (jiffies_64 less INITIAL_JIFFIES, (u32)(-300 * HZ)) less the
	# start's whole seconds in ticks, in whole seconds (crash's convert_start_time)
	hz=$(sed -n 's/^CONFIG_HZ=//p' "$(lab_kernel_dir "$release")/config")
	[ -n "$hz" ] || bail "$release: no CONFIG_HZ in $(lab_kernel_dir "$release")/config"
	awk -v hz="$hz" '$1 == "jiffies" { j = $2 } $1 == "times" { start[$2] = $3 }
		END { up = j - (4294967296 - 300 * hz); for (t in start) { r = up - int(start[t] / 1e9) * hz
			print "run " t " " (r > 0 ? int(r / hz) : 0) } }' "$work/drgn-times.out" | sort > "$work/drgn-run.out"
	run 'ps -t' | awk '/^PID: / { task = $4 } /RUN TIME:/ { n = split($0, f, /[ :,]+/)
		s = f[n - 2] * 3600 + f[n - 1] * 60 + f[n]; if ($4 ~ /^day/) s += $3 * 86400
		print "run " task " " s }' | sort |
		grep -F -f <(awk '{ print "run " $2 " " }' "$work/drgn-run.out") > "$work/run.out"  # (drgn's tasks: no idle task)
	diff "$work/drgn-run.out" "$work/run.out" > "$work/run.diff" && [ -s "$work/run.out" ]
	ok $? "$release: ps -t: every task's RUN TIME is jiffies since boot less its start's whole seconds, as crash counts it from drgn's jiffies_64 (HZ $hz, $(wc -l < "$work/run.out") tasks)"
	[ -s "$work/run.diff" ] && head -n 10 "$work/run.diff" | while IFS= read -r l; do diag "$l"; done
	# sig: every task's signal_struct, thread count, sighand->action[] (address, handler, mask,
	# flags), blocked, private and shared pending sets and queues, as drgn reads them
	/usr/bin/python3 "$KDK_TOP/tests/lab/drgn-ps.py" "$work/oracle.kdump" "$vmlinux" --signals > "$work/drgn-sig.out" 2>> "$work/drgn.err" ||
		bail "$release: drgn --signals failed: $(tail -n 2 "$work/drgn.err")"
	sig_tasks=$(awk '$1 == "sig" { print $2 }' "$work/drgn-sig.out" | tr '\n' ' ')
	run "sig $sig_tasks" | python3 -c '
import re, sys
sets = []
for line in sys.stdin:
    f = line.split()
    if line.startswith("PID: "):
        print("sig", f[3]); sets = []; queued = 0
    elif line.startswith("SIGNAL_STRUCT: "):
        print("signal", f[1], f[3])
    elif re.match(r"^ *\[\d+\] ", line):
        handler = {"SIG_DFL": "0", "SIG_IGN": "1"}.get(f[2], f[2])
        print("action", f[0].strip("[]"), f[1], handler, "%x" % int(f[3], 16), f[4])
    elif line.startswith("   BLOCKED: ") or line.startswith("    SIGNAL: "):
        sets.append("%x" % int(f[1], 16))
    elif line.startswith("  SIGQUEUE: "):
        queued += f[1] != "(empty)"
        if len(sets) == 3:
            print("sets", *sets); print("queued", "some" if queued else 0)
' > "$work/sig.out"
	if diff <(sed 's/^queued [1-9][0-9]*$/queued some/' "$work/drgn-sig.out") "$work/sig.out" > "$work/sig.diff"; then
		ok 0 "$release: sig $(wc -w <<< "$sig_tasks") tasks (one command line): every task's signal_struct, $(awk '$1 == "action" && $2 > n { n = $2 } END { print n }' "$work/drgn-sig.out") actions, blocked and pending sets as drgn reads them ($(awk '$1 == "action" && $4 != "0" && $4 != "1"' "$work/drgn-sig.out" | wc -l) user handlers)"
	else
		ok 1 "$release: sig differs from drgn's reading (< drgn, > kcrash)"
		head -n 20 "$work/sig.diff" | while IFS= read -r l; do diag "$l"; done
	fi
	case $release in
	6.1.*)
		# crash 8.0.2's text for the tasks it finds on these dumps (the active ones: init and
		# the busy shell), RUN TIME's count of ticks among it
		busy=$(run ps | awk '$1 == ">" && $2 != 1 && $2 != 0 { print $2; exit }')
		crash_text=$(printf 'ps -a 1\nps -r 1\nps -t 1 %s\nsig 1\nquit\n' "$busy" | timeout 600 crash -s "$vmlinux" "$dump" 2> /dev/null |
			grep -v '^WARNING: active task' | sed '/^$/d')
		is "$( (run 'ps -a 1'; run 'ps -r 1'; run "ps -t 1 $busy"; run 'sig 1') | sed '/^$/d')" "$crash_text" \
			"$release: ps -a 1, ps -r 1, ps -t 1 $busy and sig 1 print what crash 8.0.2 prints (blank lines aside)"
		;;
	esac
	[ ! -s "$work/ours.err" ]
	ok $? "$release: no errors ($(head -c 300 "$work/ours.err"))"
done
done_testing
