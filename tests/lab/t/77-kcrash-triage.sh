#!/bin/bash
# Lab test: `kcrash triage` over a directory of every cached crash fixture (each lab kernel, each
# crash class it can make: sysrq, oops, softirq, workqueue, softlockup, hungtask, stackoverflow,
# nmi; 7.x has no headers, so only sysrq and nmi; other cached fixtures such as t/22's flavours
# join in), and `foreach bt` against the reference peers. No guest boots: the cached fixtures
# are reused (make-fixture only makes one that is missing).
#   - per dump: the class the fixture was made as; the culprit function and module the kernel's
#     own console (serial.log beside the dump) prints, at the same +offset/size; the module's
#     taint as the console lists it; the process (comm, pid) the console names; CPU and wall time
#     per dump printed, not checked (the <= 0.5 s target is make bench's 26-kcrash-triage.sh: a
#     timed check on a shared CI machine fails at random);
#   - grouping: one problem per fixture class (the same culprit on every kernel), no two classes
#     together, newest first;
#   - -k VMLINUX: the culprit's source line for a kernel-image culprit (addr2line as the oracle);
#   - foreach bt: one block per task, as many as drgn's task walk plus one idle task per CPU (drgn,
#     a reference peer, over our dumpsave -d 31 copy of the ELF fixture: it cannot translate
#     addresses in QEMU's ELF), on each lab kernel; on 6.1 every task crash 8.0.2's foreach bt
#     shows (it finds only the active ones there: its PID-hash walk fails on 6.1);
#   - bt -l: every frame's source line as addr2line reads the -dbg vmlinux (each lab kernel); sym -l
#     as crash 8.0.2's sym prints it (6.1).
. "$(dirname "$0")/../lab.sh"

kcrash=$KDK_BUILD/kcrash
[ -x "$kcrash" ] || bail "$kcrash not built (make)"
command -v /usr/bin/python3 > /dev/null || bail "python3 missing"
start=$(date +%s)
work=$(lab_run_dir triage)
TAP_KEEP_DIRS=("$work")

for release in $KDK_LAB_KERNELS; do
	for class in $(lab_crash_classes "$release"); do
		lab_fixture "$release" "$class" > /dev/null 2> "$work/fixture.err" ||
			bail "$release $class: make-fixture: $(tail -n 3 "$work/fixture.err")"
	done
done
# Every cached fixture with its console log, as a directory of links (a fleet's dumps). Other
# test files may be remaking a fixture meanwhile (make-fixture removes its files first): each is
# taken under its maker's lock, the dump and its log as hard links (the files as they were, even
# if they are remade while this test reads them; where the cache is on another file system,
# symbolic links, as before: a remake while this test runs could then still take one away).
mkdir -p "$work/dumps" "$work/logs"
: > "$work/expect"
for dir in "$KDK_CACHE"/fixtures/*/*/; do
	dir=${dir%/}
	name=$(basename "$(dirname "$dir")")-$(basename "$dir")
	(
		lab_lock "$(lab_fixture_lock "$dir")"
		[ -f "$dir/vmcore.kdump-zlib" ] && [ -f "$dir/serial.log" ] && [ -f "$dir/info" ] || exit 0
		for pair in "vmcore.kdump-zlib:dumps/$name.kdump" "serial.log:logs/$name.log"; do
			ln "$dir/${pair%%:*}" "$work/${pair#*:}" 2> /dev/null || ln -s "$dir/${pair%%:*}" "$work/${pair#*:}" || exit 1
		done
		echo "$work/dumps/$name.kdump $(sed -n 's/^class=//p' "$dir/info") $work/logs/$name.log" >> "$work/expect"
	) || bail "take the fixture $dir"
done
ndumps=$(wc -l < "$work/expect")
[ "$ndumps" -ge 3 ] || bail "fewer than 3 cached fixtures ($ndumps)"
diag "$ndumps dumps: $(cut -d' ' -f2 "$work/expect" | sort | uniq -c | tr -s ' ' | tr '\n' ',')"

t0=$(date +%s.%N)
nice -n 19 "$kcrash" triage --json "$work/dumps" > "$work/triage.json" 2> "$work/triage.err"
status=$?
t1=$(date +%s.%N)
ok $status "kcrash triage --json over $ndumps dumps exits 0 ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s wall): $(head -c 300 "$work/triage.err")"
nice -n 19 "$kcrash" triage "$work/dumps" > "$work/triage.txt" 2>> "$work/triage.err"
ok $? "kcrash triage (text) exits 0"

# The oracle for each dump: the class it was made as and its own serial console. Each check is
# printed as "0|1<TAB>description" by the reader below.
/usr/bin/python3 - "$work/triage.json" "$work/expect" "$work/triage.txt" > "$work/checks" <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1]))
verdicts = {v["dump"]: v for v in doc["dumps"]}
expect = [line.split() for line in open(sys.argv[2])]
text = open(sys.argv[3]).read()
# The class a fixture was made as → the class triage must name, and the function it crashes in:
# the crash_classes module's (tests/lab/modules/crash_classes) and oops_test's functions, the
# sysrq handler (drivers/tty/sysrq.c), the unknown-NMI handler (arch/x86/kernel/nmi.c).
table = {
    "sysrq": ("sysrq", "sysrq_handle_crash", ""),
    "oops": ("oops", "oops_test_do_deref", "oops_test"),
    "softirq": ("oops", "crash_classes_timer_deref", "crash_classes"),
    "workqueue": ("BUG", "crash_classes_work_bug", "crash_classes"),
    "softlockup": ("soft lockup", "crash_classes_spin", "crash_classes"),
    "hungtask": ("hung task", "crash_classes_hang", "crash_classes"),
    "stackoverflow": ("stack overflow", "crash_classes_recurse", "crash_classes"),
    "nmi": ("NMI", "unknown_nmi_error", ""),
}
# Fixtures made for other tests that crash the way a class above does (t/69's taskgroups: busy
# tasks in cgroups, then sysrq; its diskio: I/O held in flight, then sysrq): the same class, and
# the same problem.
same_as = {"taskgroups": "sysrq", "diskio": "sysrq"}
expect = [[path, same_as.get(made_as, made_as), serial] for path, made_as, serial in expect]
def check(good, what):
    print("%d\t%s" % (0 if good else 1, what))
def note(what):
    print("#\t%s" % what)
sig_class = {}
for path, made_as, serial in expect:
    name = path.rsplit("/", 1)[1]
    v = verdicts.get(path)
    if not v or "error" in v:
        check(False, "%s: a verdict (got %s)" % (name, v and v.get("error")))
        continue
    console = open(serial, errors="replace").read()
    cls, fn, mod = table.get(made_as, (None, None, None))
    check(v["class"] == cls, "%s: class %r (made as %s): got %r" % (name, cls, made_as, v["class"]))
    base = v["function"].split(".")[0]
    # The console's own line for the culprit: "fn+0xOFF/0xSIZE [mod]" as the kernel printed it.
    printed = "%s+%s%s" % (v["function"], v["offset"], " [%s]" % v["module"] if v["module"] else "")
    check(base == fn and v["module"] == mod and printed in console,
          "%s: culprit %s [%s], as the console prints it: expected %s [%s], got %s (%s in serial.log)"
          % (name, fn, mod, fn, mod, printed, "found" if printed in console else "NOT found"))
    if mod:
        m = re.search(r"Modules linked in:.*\b%s\(([A-Z]+)\)" % re.escape(mod), console)
        want = m.group(1) if m else re.search(r"Tainted: G +([A-Z]+) ", console).group(1)
        check(v["module_taint"] == want, "%s: module %s taint %r (console): got %r" % (name, mod, want, v["module_taint"]))
    pid, comm = v["pid"], v["comm"]
    said = ("PID: %d Comm: %s " % (pid, comm) in console or "task %s:%d blocked" % (comm, pid) in console)
    check(said and v["cpu"] >= 0, "%s: process %s:%d on CPU %d, as the console names it: %s"
          % (name, comm, pid, v["cpu"], "yes" if said else "NO"))
    check(v["release"] and v["release"] in console, "%s: release %s (in the console's banner)" % (name, v["release"]))
    note("%s: %.3f s CPU, %.3f s wall" % (name, v["cpu_seconds"], v["wall_seconds"]))
    sig_class.setdefault(v["signature"], set()).add(made_as)
# Grouping: one signature per class, never two classes in one problem.
classes = set(e[1] for e in expect)
mixed = [s for s, c in sig_class.items() if len(c) > 1]
check(not mixed, "no problem mixes classes: %s" % ({s: sorted(c) for s, c in sig_class.items() if len(c) > 1} or "none"))
per_class = {}
for s, c in sig_class.items():
    for k in c:
        per_class.setdefault(k, set()).add(s)
split = {k: sorted(v) for k, v in per_class.items() if len(v) > 1}
check(not split, "each class is one problem on every kernel: %s" % (split or "yes"))
problems = doc["problems"]
check(len(problems) == len(classes) and sum(p["count"] for p in problems) == len(expect),
      "%d problems for %d classes, counts summing to %d dumps: got %d problems, %d dumps"
      % (len(classes), len(classes), len(expect), len(problems), sum(p["count"] for p in problems)))
newest = [p["newest"] for p in problems]
check(newest == sorted(newest, reverse=True), "problems newest first: %s" % newest)
rows = len(re.findall(r"^\d+ +[0-9a-f]{16} ", text, re.M))
check(rows == len(problems), "the text table lists the same %d problems: got %d" % (len(problems), rows))
note("at most %.3f s CPU per dump; at most %.3f s wall on this shared machine"
     % (doc["max_cpu_seconds"], doc["max_wall_seconds"]))
PY
[ -s "$work/checks" ] || bail "the JSON reader printed nothing: $(head -c 300 "$work/triage.json")"
while IFS=$'\t' read -r status what; do
	if [ "$status" = "#" ]; then echo "# $what"; else ok "$status" "$what"; fi
done < "$work/checks"

# -k VMLINUX: the source line of a kernel-image culprit, as addr2line reads the same vmlinux.
release=$KDK_KERNEL_61
vmlinux=$(lab_kernel_dir "$release")/vmlinux
sysrq=$KDK_CACHE/fixtures/$release/sysrq/vmcore.kdump-zlib
if [ -f "$vmlinux" ]; then
	got=$("$kcrash" triage --json -k "$vmlinux" "$sysrq" | /usr/bin/python3 -c 'import json, sys
v = json.load(sys.stdin)["dumps"][0]; print(v["function"], v["offset"], v["source"])')
	read -r fn off src <<< "$got"
	# The culprit is a Call Trace frame here (a return address): the call's line, one byte before.
	addr=$(nm "$vmlinux" | awk -v f="$fn" '$3 == f { print $1; exit }')
	want=$(addr2line -e "$vmlinux" "$(printf '%x' $((0x$addr + ${off%%/*} - 1)))" | sed 's/ (discriminator.*//')
	[ -n "$want" ] && [ "${src##*/}" = "$(sed 's/:/: /' <<< "${want##*/}")" ]
	ok $? "$release: -k VMLINUX gives $fn+$off's source line '$src' (addr2line: '$want')"
else
	ok 1 "$release: no -dbg vmlinux at $vmlinux (tests/lab/kernel fetch $release --dbg)"
fi

# -k DIR (the lab's kernels/<release>/vmlinux): each dump finds its own kernel's vmlinux; a
# kernel-image culprit gets its source line, a module's none (the vmlinux has no module DWARF).
mkdir -p "$work/withk"
for release in $KDK_LAB_KERNELS; do
	for class in sysrq oops; do
		[ -f "$KDK_CACHE/fixtures/$release/$class/vmcore.kdump-zlib" ] &&
			ln -s "$KDK_CACHE/fixtures/$release/$class/vmcore.kdump-zlib" "$work/withk/$release-$class.kdump"
	done
done
got=$(nice -n 19 "$kcrash" triage --json -k "$KDK_CACHE/kernels" "$work/withk" | /usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin)
bad = [v["dump"].rsplit("/", 1)[1] for v in d["dumps"] if bool(v["source"]) == bool(v["module"])]
print(len(d["dumps"]), len(d["problems"]), " ".join(bad) or "none", "%.3f" % d["max_cpu_seconds"])')
read -r n problems bad cpu <<< "$got"
[ "$n" -ge 2 ] && [ "$bad" = none ]
ok $? "-k DIR: $n dumps, each kernel-image culprit with a source line and no module one without ($bad wrong), $problems problems, at most $cpu s CPU per dump with the vmlinux"

# foreach bt: every task, against drgn's walk on each kernel and crash's on 6.1.
for release in $KDK_LAB_KERNELS; do
	fx=$KDK_CACHE/fixtures/$release/sysrq
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	nice -n 19 "$kcrash" "$fx/vmcore.kdump-zlib" -c 'foreach bt' > "$work/$release.foreach" 2> "$work/$release.foreach.err"
	ok $? "$release: foreach bt exits 0: $(head -c 200 "$work/$release.foreach.err")"
	sed -n 's/^PID: *\([0-9]*\) .*COMMAND: "\(.*\)"$/\1 \2/p' "$work/$release.foreach" | sort > "$work/$release.ours"
	ncpus=$(sed -n 's/^guest_cpus=//p' "$fx/info")
	nice -n 19 "$KDK_BUILD/dumpsave" -f -l -d 31 "$fx/vmcore.elf" "$work/$release.d31" 2> /dev/null ||
		bail "$release: dumpsave -l -d 31 of the fixture for drgn"
	/usr/bin/python3 "$LAB_DIR/drgn-tasks.py" "$work/$release.d31" "$vmlinux" 2> "$work/$release.drgn.err" |
		awk '{ print $1, substr($0, length($1) + 2, 15) }' | sort > "$work/$release.drgn"
	[ -s "$work/$release.drgn" ] || bail "$release: drgn listed no task: $(tail -n 2 "$work/$release.drgn.err")"
	diff <(grep -v '^0 ' "$work/$release.ours" | awk '{print $1}' | sort) <(awk '{print $1}' "$work/$release.drgn" | sort) > "$work/$release.diff"
	ok $? "$release: foreach bt shows $(wc -l < "$work/$release.ours") tasks: the $(wc -l < "$work/$release.drgn") PIDs of drgn's task walk plus $ncpus idle tasks (one per CPU): $(head -c 200 "$work/$release.diff")"
	idle=$(grep -c '^0 ' "$work/$release.ours")
	is "$idle" "$ncpus" "$release: foreach bt's idle tasks, one per CPU"
	bad=$(grep -c '^    bt: ' "$work/$release.foreach")
	is "$bad" 0 "$release: every task's stack unwinds to its end (no 'bt:' stop)"
	# foreach UN bt on the hung-task dump: the tasks ps marks UN, the console's hung task among them.
	hung=$KDK_CACHE/fixtures/$release/hungtask
	if [ -f "$hung/vmcore.kdump-zlib" ]; then
		"$kcrash" "$hung/vmcore.kdump-zlib" -c 'foreach UN bt' > "$work/$release.un"
		un=$(sed -n 's/^PID: *\([0-9]*\) .*/\1/p' "$work/$release.un" | sort -n | tr '\n' ' ')
		want=$("$kcrash" "$hung/vmcore.kdump-zlib" -c ps | sed 's/^>/ /' | awk '$5 == "UN" { print $1 }' | sort -n | tr '\n' ' ')
		console=$(sed -n 's/.*INFO: task [^ ]*:\([0-9]*\) blocked.*/\1/p' "$hung/serial.log" | head -n 1)
		[ -n "$un" ] && [ "$un" = "$want" ] && [[ " $un" == *" $console "* ]]
		ok $? "$release: foreach UN bt on the hung-task dump shows the UN tasks of ps ($want) and the console's hung task $console: got $un"
	else
		lab_skip "$release: no hung-task fixture (no kernel headers for the crash_classes module)"
	fi
	json=$("$kcrash" --json "$fx/vmcore.kdump-zlib" -c 'foreach bt' | /usr/bin/python3 -c 'import json, sys
print(len(json.load(sys.stdin)))' 2>&1)
	is "$json" "$(wc -l < "$work/$release.ours")" "$release: foreach bt --json has one trace per task"
	# bt -l: each frame's source line as addr2line reads the vmlinux (a return address: the call,
	# one byte before it; frame #0, where the CPU stopped: the address itself).
	"$kcrash" "$vmlinux" "$fx/vmcore.kdump-zlib" -c 'bt -l' > "$work/$release.btl" 2>&1
	kaslr=$(( 0x$("$kcrash" "$fx/vmcore.kdump-zlib" -c 'sym _stext' | cut -d' ' -f1) - 0x$(nm "$vmlinux" | awk '$3 == "_stext" { print $1; exit }') ))
	awk '/^ *#[0-9]+ +\[/ { n = $1; for (i = 1; i < NF; i++) if ($i == "at") addr = $(i + 1); next }
	     addr && /^    [^ ].*: [0-9]+$/ && !/^    [A-Z0-9]+: / { print n, addr, $1, $2 } { addr = "" }' "$work/$release.btl" > "$work/$release.btl.pairs"
	# One addr2line run for all frames (it reads the whole DWARF each time).
	while read -r n addr file line; do
		back=1
		[ "$n" = "#0" ] && back=0
		printf '%x\n' $((0x$addr - kaslr - back))
	done < "$work/$release.btl.pairs" > "$work/$release.btl.addrs"
	addr2line -e "$vmlinux" < "$work/$release.btl.addrs" | sed 's/ (discriminator.*//' > "$work/$release.btl.a2l"
	lines=0 differ=
	while read -r n addr file line && read -r want <&3; do
		lines=$((lines + 1))
		[ "$want" = "${file%:}:$line" ] || differ="$differ $n($file$line vs $want)"
	done < "$work/$release.btl.pairs" 3< "$work/$release.btl.a2l"
	[ "$lines" -ge 5 ] && [ -z "$differ" ]
	ok $? "$release: bt -l gives $lines frames the source line addr2line gives (differing:${differ:- none})"
	case $release in
	6.1.*)
		lab_crash "$vmlinux" "$fx/vmcore.elf" 'foreach bt' 'echo ==BTL==' 'bt -l' 'echo ==SYM==' \
			'sym sysrq_handle_crash' > "$work/crash.all"
		sed -n '1,/^==BTL==/p' "$work/crash.all" > "$work/crash.foreach"
		src_pairs() { awk '/^ *#[0-9]+ +\[/ { for (i = 1; i < NF; i++) if ($i == "at") addr = $(i + 1); next }
			addr && /^    [^ ].*: [0-9]+$/ && !/^    [A-Z0-9]+: / { print addr, $0 } { addr = "" }'; }
		# crash 8.0.2's bt -l looks the return address itself up (the line after the call, often
		# an inlined callee's): said, not compared; addr2line above is the oracle for bt -l.
		sed -n '/^==BTL==/,/^==SYM==/p' "$work/crash.all" | src_pairs | sort > "$work/crash.btl"
		src_pairs < "$work/$release.btl" | sort > "$work/ours.btl"
		diag "$release: bt -l and crash 8.0.2's bt -l agree on $(join "$work/crash.btl" "$work/ours.btl" | awk '$2 " " $3 == $4 " " $5' | wc -l) of the $(join "$work/crash.btl" "$work/ours.btl" | wc -l) frames both show (crash names the line after each call)"
		want=$(sed -n '/^==SYM==/,$p' "$work/crash.all" | grep -E '^[0-9a-f]{16} \(.\) sysrq_handle_crash ' | head -n 1)
		got=$("$kcrash" "$vmlinux" "$fx/vmcore.kdump-zlib" -c 'sym -l sysrq_handle_crash')
		[ -n "$want" ] && [ "$got" = "$want" ]
		ok $? "$release: sym -l sysrq_handle_crash equals crash 8.0.2's sym (with its source line): '$got' vs '$want'"
		sed -n 's/^PID: *\([0-9]*\) *TASK: *\([0-9a-f]*\) .*/\1 \2/p' "$work/crash.foreach" | sort > "$work/crash.pids"
		sed -n 's/^PID: *\([0-9]*\) *TASK: *\([0-9a-f]*\) .*/\1 \2/p' "$work/$release.foreach" | sort > "$work/ours.pids"
		missing=$(comm -23 "$work/crash.pids" "$work/ours.pids" | tr '\n' ' ')
		[ -s "$work/crash.pids" ] && [ -z "$missing" ]
		ok $? "$release: every task (PID, TASK) of crash 8.0.2's foreach bt ($(wc -l < "$work/crash.pids"): it walks only the active ones on 6.1) is in ours ($(wc -l < "$work/ours.pids")); missing: ${missing:-none}"
		;;
	*) lab_skip "$release: crash 8.0.2 cannot run foreach bt here (aborts on 6.12, cannot read 7.x): drgn above is the oracle" ;;
	esac
done
diag "t/77 ran $(($(date +%s) - start)) s"
# the links go with the test: a hard link would keep a since-remade fixture's old files on disk
rm -rf "$work/dumps" "$work/logs"
done_testing
