# Lab test: kcrash's runq, runq -t, runq -m, runq -T, runq -d, runq -g, irq, irq -s, timer, timer -r, dev, dev -d/-D (and kmem -s --json) on the cached sysrq fixture of every lab kernel (no
# guest), with the -dbg vmlinux and from the dump alone (kallsyms + the dump's BTF), against
# reference peers:
#   - every kernel: drgn 0.0.22 (tests/lab/drgn-runq.py, drgn-irq.py) reading our -l -d 0 copy with
#     the vmlinux: runq equal line for line (CURRENT, RT lists, CFS tree in order), and each
#     IRQ's descriptor, irqaction chain and names (the sparse_irqs maple tree of 6.12/7.2 walked
#     by the script's own walker: drgn 0.0.22 has none) with irq -s's per-CPU counts, every pending timer of every CPU's
#     timer bases (drgn-timer.py: base, timer_list, expires, function), every queued hrtimer of
#     every CPU's clock bases in their trees' order (drgn-hrtimer.py: base, hrtimer, soft and hard
#     expiry, function; and TTE = EXPIRES - CURRENT on each row), and each character and
#     block major's name, cdev or gendisk and operations (drgn-dev.py; operations compared as
#     addresses, ours named, looked up with kcrash's sym); runq -m and -T as drgn-runq-times.py
#     computes them from rq.clock and the current tasks' sched_info.last_arrival; runq -d's tasks
#     (on_rq set) by CPU as drgn-runq-on-rq.py reads them from every task and idle task;
#     runq -g on the taskgroups fixture (tasks in nested cgroups, one throttled by cpu.max, and an
#     autogroup): each TASK_GROUP line's group, its cfs_rq on that CPU, its cgroup's name and
#     throttling, and each task under the cfs_rq its entity is queued on, as drgn-runq-groups.py
#     reads them (every fair task with on_rq set, so 7.x's throttled tasks off the tree too, and
#     every task entity in a cfs_rq's tree, so an exiting task gone from the task list too);
#     dev -d and -D on the diskio fixture (O_DIRECT reads and writes waiting in a disk QEMU
#     throttles): each disk's gendisk, queue and requests in flight as drgn-dev-disks.py counts them
#     from the blk-mq tags, reads and writes in flight on vda as the kernel's /sys/block/vda/inflight
#     had them three seconds before the crash;
#   - 6.1: crash 8.0.2 too: dev -d and dev -D print the same text; irq, irq -s, timer, timer -r, dev, runq -t, -m and -T print the same text;
#     runq -d the same CPU lines, and every task crash lists under a CPU is under it in ours;
#     runq -g the same CPU, CURRENT, root and TASK_GROUP lines in the same order, and every task
#     line of crash's in ours (crash prints "[no tasks queued]" where its task table lacks them); runq the same run-queue,
#     CURRENT, RT PRIO_ARRAY and CFS RB_ROOT lines, and every queued task crash names is in ours
#     (crash 8.0.2 leaves out queued tasks it cannot find in its task table, which on 6.1 holds
#     only the active tasks: lab-facts "ps sees only 3-4 tasks"; drgn is the oracle for those).
# kmem -s --json is checked against kmem -s's text on every kernel (t/71 checks that text).
# crash cannot run on 6.12 (aborts at random) or read 7.x: there drgn stands in alone, and runq -t
# is checked for shape and against rq->clock read by drgn.
. "$(dirname "$0")/../lab.sh"

kcrash=$KDK_BUILD/kcrash
[ -x "$kcrash" ] || bail "$kcrash not built (make)"
command -v crash > /dev/null || bail "Debian's crash is not installed (the 6.1 oracle)"
/usr/bin/python3 -c 'import drgn' 2> /dev/null || bail "python3-drgn is not installed (the oracle on every kernel)"

# kcrash's timer rows as "CPU BASE_INDEX BASE TIMER EXPIRES FUNCTION" (drgn-timer.py's shape), sorted
timer_rows() { awk '/^TIMER_BASES/ { c = $1; sub(/^TIMER_BASES\[/, "", c); sub(/\].*/, "", c)
	if (c != cpu) { cpu = c; b = -1 } b++; addr = $2; next }
	/^  -?[0-9]/ { print cpu, b, addr, $3, $1, $4 }' | sort; }
# kcrash's timer -r rows as "CPU CLOCK BASE HRTIMER SOFTEXPIRES EXPIRES FUNCTION" (drgn-hrtimer.py's
# shape), in the order printed
hrtimer_rows() { awk '/^CPU: [0-9]+  HRTIMER_CPU_BASE/ { cpu = $2; next }
	/^  CLOCK: [0-9]+  HRTIMER_CLOCK_BASE: / { clock = $2; base = $4; next }
	/^ +-?[0-9]+ +-?[0-9]+ +-?[0-9]+ +[0-9a-f]+ +[0-9a-f]+/ { print cpu, clock, base, $4, $1, $2, $5 }'; }
# timer -r rows whose TTE is not EXPIRES less the CURRENT printed above them
hrtimer_tte_wrong() { awk '/CURRENT/ { getline; now = $1; next }
	/^ +-?[0-9]+ +-?[0-9]+ +-?[0-9]+ +[0-9a-f]+ +[0-9a-f]+/ && $2 - now != $3 { print }'; }
# kcrash's runq -d rows as "CPU PRIO PID TASK" (drgn-runq-on-rq.py's shape)
on_rq_rows() { awk '/^CPU [0-9]+/ { cpu = $2; next }
	/^     \[ *-?[0-9]+\] PID: / { p = $0; sub(/^ *\[ */, "", p); split(p, f, /[] ]+/); print cpu, f[1], f[3], f[5] }'; }
# kcrash's runq -g as "group CPU TASK_GROUP CFS_RQ NAME THROTTLED" (the root's name "/", none "-")
# and "task CPU PID TASK CFS_RQ" (the cfs_rq of the group line above it at its depth)
group_rows() { awk '/^CPU [0-9]+/ { cpu = $2; next }
	/^  [A-Z]+_TASK_GROUP: [0-9a-f]+  CFS_RQ: / { q[0] = $4; print "group", cpu, $2, $4, "/", 0; next }
	/TASK_GROUP: [0-9a-f]+  CFS_RQ: / { match($0, /^ */); d = (RLENGTH - 2) / 3; q[d] = $4
		name = "-"; if (match($0, /<[^>]*>/)) name = substr($0, RSTART + 1, RLENGTH - 2)
		print "group", cpu, $2, $4, name, ($0 ~ /\(THROTTLED\)/) ? 1 : 0; next }
	/^ +\[ *-?[0-9]+\] PID: / { match($0, /^ */); d = (RLENGTH - 5) / 3
		p = $0; sub(/^ *\[ */, "", p); split(p, f, /[] ]+/); print "task", cpu, f[3], f[5], q[d] }'; }
# kcrash's dev rows as "chr|blk MAJOR NAME CDEV|GENDISK OPS-NAME" or "… NAME (none)"
dev_rows() { awk '/^CHRDEV/ { k = "chr"; next } /^BLKDEV/ { k = "blk"; next } /^ *[0-9]+ / && k { $1 = $1; print k, $0 }'; }
# kcrash's irq rows with a descriptor as "IRQ DESC ACTION \"NAME\" …" (drgn-irq.py's shape)
irq_rows() { awk '/^ IRQ / { next }
	/^                        / { line = line " " $1 " " $2; next }
	{ if (line != "") print line; line = "" }
	$2 != "(unused)" { line = $1 " " $2 " " ($3 == "(unused)" ? "(unused)" : $3 " " $4) }
	END { if (line != "") print line }'; }

# fixture_oracle RELEASE CLASS DIR SCRIPT… — the cached CLASS fixture of RELEASE, and drgn's
# tests/lab/drgn-SCRIPT.py run into DIR on one program (the vmlinux's debug info read once) over
# our -l -d 0 copy of it (drgn 0.0.22 cannot read QEMU's ELF of every kernel), the copy removed.
fixture_oracle() {
	local release=$1 class=$2 dir=$3; shift 3
	lab_fixture "$release" "$class" > /dev/null || bail "$release: $class fixture"
	mkdir -p "$dir"
	"$KDK_BUILD/dumpsave" -f -l -d 0 "$KDK_CACHE/fixtures/$release/$class/vmcore.elf" "$dir/oracle.kdump" 2> /dev/null ||
		bail "$release: dumpsave -l -d 0 the $class fixture for drgn"
	/usr/bin/python3 "$LAB_DIR/drgn-many.py" "$dir/oracle.kdump" "$(lab_kernel_dir "$release")/vmlinux" "$dir" "$@" 2> "$dir/drgn.err" ||
		bail "$release: drgn failed on the $class fixture: $(cat "$dir"/drgn*.err | tail -n 2)"
	rm -f "$dir/oracle.kdump"
}

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	dump=$KDK_CACHE/fixtures/$release/sysrq/vmcore.elf
	work=$(lab_run_dir "kcrash-runq-$release")
	TAP_KEEP_DIRS=("$work")
	fixture_oracle "$release" sysrq "$work" runq irq timer hrtimer dev runq-times runq-on-rq
	[ -s "$work/drgn-irq.txt" ] || bail "$release: drgn found no IRQ descriptor"
	[ -s "$work/drgn-timer.txt" ] || bail "$release: drgn found no pending timer"
	[ -s "$work/drgn-hrtimer.txt" ] || bail "$release: drgn found no queued hrtimer"
	[ -s "$work/drgn-runq-on-rq.txt" ] || bail "$release: drgn found no task with on_rq set"
	grep -q '^chr ' "$work/drgn-dev.txt" && grep -q '^blk ' "$work/drgn-dev.txt" || bail "$release: drgn found no device majors"
	for how in vmlinux bare; do
		if [ $how = vmlinux ]; then args=("$vmlinux" "$dump"); label="with the vmlinux"
		else args=("$dump"); label="from the dump alone"; fi
		start=$(date +%s.%N)
		"$kcrash" "${args[@]}" -c runq > "$work/runq.$how" 2> "$work/runq.$how.err"
		rc=$?
		"$kcrash" "${args[@]}" -c 'runq -t' > "$work/runq-t.$how" 2>> "$work/runq.$how.err"
		rc=$((rc + $?))
		"$kcrash" "${args[@]}" -c irq > "$work/irq.$how" 2>> "$work/runq.$how.err"
		rc=$((rc + $?))
		"$kcrash" "${args[@]}" -c timer > "$work/timer.$how" 2>> "$work/runq.$how.err"
		rc=$((rc + $?))
		"$kcrash" "${args[@]}" -c 'irq -s' > "$work/irq-s.$how" 2>> "$work/runq.$how.err"
		rc=$((rc + $?))
		"$kcrash" "${args[@]}" -c 'timer -r' > "$work/timer-r.$how" 2>> "$work/runq.$how.err"
		rc=$((rc + $?))
		"$kcrash" "${args[@]}" -c 'runq -d' > "$work/runq-d.$how" 2>> "$work/runq.$how.err"
		rc=$((rc + $?))
		"$kcrash" "${args[@]}" -c dev > "$work/dev.$how" 2>> "$work/runq.$how.err"
		rc=$((rc + $?))
		{ "$kcrash" "${args[@]}" -c 'runq -m' && echo -- && "$kcrash" "${args[@]}" -c 'runq -T'; } \
			> "$work/runq-times.$how" 2>> "$work/runq.$how.err"
		rc=$((rc + $?))
		secs=$(echo "$(date +%s.%N) - $start" | bc)
		ok $rc "$release: runq, runq -t, runq -d, irq, irq -s, timer, timer -r and dev $label ran ($(printf '%.2f' "$secs") s for the eight; stderr: $(head -c 200 "$work/runq.$how.err"))"
		if diff "$work/drgn-runq.txt" "$work/runq.$how" > "$work/runq.$how.diff"; then
			ok 0 "$release: runq $label equals drgn's walk ($(grep -c 'RUNQUEUE' "$work/runq.$how") CPUs, $(grep -c '^     \[ *[0-9]' "$work/runq.$how") queued tasks)"
		else
			ok 1 "$release: runq $label differs from drgn's walk (expected < , got >)"
			head -n 12 "$work/runq.$how.diff" | while IFS= read -r l; do diag "$l"; done
		fi
		irq_rows < "$work/irq.$how" > "$work/irq-rows.$how"
		grep -v '^stat ' "$work/drgn-irq.txt" > "$work/drgn-irq-descs.txt"
		if diff "$work/drgn-irq-descs.txt" "$work/irq-rows.$how" > "$work/irq.$how.diff"; then
			ok 0 "$release: irq $label names drgn's descriptors, actions and names ($(wc -l < "$work/drgn-irq-descs.txt") descriptors, $(grep -vc '(unused)$' "$work/drgn-irq-descs.txt") with actions; $(($(wc -l < "$work/irq.$how") - 1)) rows below nr_irqs)"
		else
			ok 1 "$release: irq $label differs from drgn's (expected < , got >)"
			head -n 12 "$work/irq.$how.diff" | while IFS= read -r l; do diag "$l"; done
		fi
		# irq -s: each IRQ with an action and its per-CPU counts (the sysrq fixture's CPUs are online)
		if diff <(grep '^stat ' "$work/drgn-irq.txt") \
			<(awk '/^ *[0-9]+:/ { sub(/:/, "", $1); line = "stat " $1; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) line = line " " $i; print line }' "$work/irq-s.$how") > "$work/irq-s.$how.diff"; then
			ok 0 "$release: irq -s $label gives drgn's per-CPU counts ($(grep -c '^stat ' "$work/drgn-irq.txt") IRQs)"
		else
			ok 1 "$release: irq -s $label differs from drgn's counts (expected < , got >)"
			head -n 12 "$work/irq-s.$how.diff" | while IFS= read -r l; do diag "$l"; done
		fi
		if diff "$work/drgn-timer.txt" <(timer_rows < "$work/timer.$how") > "$work/timer.$how.diff"; then
			ok 0 "$release: timer $label lists drgn's pending timers ($(wc -l < "$work/drgn-timer.txt") timers in $(grep -c '^TIMER_BASES' "$work/timer.$how") bases)"
		else
			ok 1 "$release: timer $label differs from drgn's walk (expected < , got >)"
			head -n 12 "$work/timer.$how.diff" | while IFS= read -r l; do diag "$l"; done
		fi
		if diff "$work/drgn-hrtimer.txt" <(hrtimer_rows < "$work/timer-r.$how") > "$work/timer-r.$how.diff"; then
			ok 0 "$release: timer -r $label lists drgn's queued hrtimers in order ($(wc -l < "$work/drgn-hrtimer.txt") timers in $(grep -c 'HRTIMER_CLOCK_BASE' "$work/timer-r.$how") clock bases)"
		else
			ok 1 "$release: timer -r $label differs from drgn's walk (expected < , got >)"
			head -n 12 "$work/timer-r.$how.diff" | while IFS= read -r l; do diag "$l"; done
		fi
		bad=$(hrtimer_tte_wrong < "$work/timer-r.$how" | head -n 3)
		[ -z "$bad" ] && grep -q CURRENT "$work/timer-r.$how"
		ok $? "$release: timer -r $label: each TTE is EXPIRES less its base's CURRENT ${bad:+(not: $bad)}"
		if diff "$work/drgn-runq-on-rq.txt" <(on_rq_rows < "$work/runq-d.$how") > "$work/runq-d.$how.diff"; then
			ok 0 "$release: runq -d $label lists drgn's tasks with on_rq set, by CPU ($(wc -l < "$work/drgn-runq-on-rq.txt") tasks on $(grep -c '^CPU' "$work/runq-d.$how") CPUs)"
		else
			ok 1 "$release: runq -d $label differs from drgn's (expected < , got >)"
			head -n 12 "$work/runq-d.$how.diff" | while IFS= read -r l; do diag "$l"; done
		fi
		# our operations' names to addresses through kcrash's own sym (drgn names no module symbol)
		dev_rows < "$work/dev.$how" > "$work/dev-rows.$how"
		awk 'NF == 5 { print "sym " $5 }' "$work/dev-rows.$how" | sort -u > "$work/dev-syms"
		"$kcrash" "${args[@]}" < "$work/dev-syms" 2> /dev/null | awk '{ print $3, $1 }' > "$work/dev-addrs.$how"
		awk 'NR == FNR { addr[$1] = $2; next } NF == 5 { $5 = ($5 in addr) ? addr[$5] : "unresolved:" $5 } { print }' \
			"$work/dev-addrs.$how" "$work/dev-rows.$how" > "$work/dev-cmp.$how"
		if diff "$work/drgn-dev.txt" "$work/dev-cmp.$how" > "$work/dev.$how.diff"; then
			ok 0 "$release: dev $label: drgn's majors, names, cdevs/gendisks and operations ($(grep -c '^chr' "$work/drgn-dev.txt") character, $(grep -c '^blk' "$work/drgn-dev.txt") block)"
		else
			ok 1 "$release: dev $label differs from drgn's walk (expected < , got >)"
			head -n 12 "$work/dev.$how.diff" | while IFS= read -r l; do diag "$l"; done
		fi
		# -t: one " CPU N: clock" line per CPU, each followed by its current task's last arrival,
		# no later than the clock; the CPUs and current tasks those of runq
		bad=$(awk '/^ *CPU [0-9]+: [0-9]+$/ { clock = $3; next }
			/PID:/ { if ($1 + 0 > clock + 0) print "last arrival " $1 " after clock " clock; next }
			{ print "unexpected: " $0 }' "$work/runq-t.$how")
		[ -z "$bad" ] && diff <(grep -o 'PID: .*' "$work/runq-t.$how") \
			<(grep 'CURRENT:' "$work/drgn-runq.txt" | grep -o 'PID: .*') > /dev/null
		ok $? "$release: runq -t $label: a clock per CPU, under it drgn's CURRENT task of that CPU, its last arrival <= the clock ${bad:+($bad)}"
		# -m: how long each CPU's current task has run; -T: each clock behind the latest
		diff "$work/drgn-runq-times.txt" "$work/runq-times.$how" > "$work/runq-times.$how.diff"
		ok $? "$release: runq -m and runq -T $label equal drgn's reading of rq.clock and the current tasks' sched_info.last_arrival ($(grep -c 'CPU' "$work/runq-times.$how") lines; differing: $(grep -c '^[<>]' "$work/runq-times.$how.diff"))"
	done
	# kmem -s --json: the same rows as the text (both from one walk of the caches), from the dump alone
	"$kcrash" --json "$dump" -c 'kmem -s' > "$work/kmem.json" 2> "$work/kmem.err" &&
		"$kcrash" "$dump" -c 'kmem -s' > "$work/kmem.txt" 2>> "$work/kmem.err"
	ok $? "$release: kmem -s and kmem -s --json ran ($(head -c 200 "$work/kmem.err"))"
	/usr/bin/python3 -c 'import json, sys
for c in json.load(open(sys.argv[1])):
    print("%s %d %s %d %d %dk %s" % (c["cache"], c["objsize"], "?" if c["allocated"] is None else c["allocated"],
                                     c["total"], c["slabs"], c["ssize_kb"], c["name"]))' "$work/kmem.json" > "$work/kmem-json.rows"
	awk 'NR > 1 { $1 = $1; print }' "$work/kmem.txt" > "$work/kmem-text.rows"
	[ -s "$work/kmem-text.rows" ] && diff "$work/kmem-text.rows" "$work/kmem-json.rows" > /dev/null
	ok $? "$release: kmem -s --json holds the text's $(wc -l < "$work/kmem-text.rows") caches, value for value"
	# runq -g on the taskgroups fixture, drgn's reading of the same dump as the oracle
	tg_dump=$KDK_CACHE/fixtures/$release/taskgroups/vmcore.elf
	fixture_oracle "$release" taskgroups "$work/tg" runq-groups
	grep -q '^task ' "$work/tg/drgn-runq-groups.txt" || bail "$release: drgn found no queued fair task in the taskgroups fixture"
	for how in vmlinux bare; do
		if [ $how = vmlinux ]; then args=("$vmlinux" "$tg_dump"); label="with the vmlinux"
		else args=("$tg_dump"); label="from the dump alone"; fi
		"$kcrash" "${args[@]}" -c 'runq -g' > "$work/runq-g.$how" 2> "$work/runq-g.$how.err"
		ok $? "$release: runq -g $label ran on the taskgroups fixture ($(head -c 200 "$work/runq-g.$how.err"))"
		group_rows < "$work/runq-g.$how" > "$work/runq-g-rows.$how"
		# what the fixture must show for the check to mean something
		missing=
		grep -q '^group .* 1$' "$work/runq-g-rows.$how" || missing+=" a throttled group,"
		grep -q '^        TASK_GROUP: ' "$work/runq-g.$how" || missing+=" a group in a group,"
		grep -q '^group [0-9]* [0-9a-f]* [0-9a-f]* kdk-' "$work/runq-g-rows.$how" || missing+=" a named group,"
		bad=$(grep '^group' "$work/runq-g-rows.$how" | grep -F -x -v -f "$work/tg/drgn-runq-groups.txt" | head -n 3)
		[ -z "$bad" ] && [ -z "$missing" ]
		ok $? "$release: runq -g $label: each of its $(grep -c '^group' "$work/runq-g-rows.$how") group lines is drgn's group, cfs_rq on that CPU, name and throttling${bad:+ (not: $bad)}${missing:+ (the fixture lacks${missing%,})}"
		if diff <(grep '^task' "$work/tg/drgn-runq-groups.txt") <(grep '^task' "$work/runq-g-rows.$how" | sort) > "$work/runq-g.$how.diff"; then
			ok 0 "$release: runq -g $label lists drgn's $(grep -c '^task' "$work/tg/drgn-runq-groups.txt") queued fair tasks, each under the cfs_rq it is queued on"
		else
			ok 1 "$release: runq -g $label differs from drgn's tasks and their cfs_rqs (expected < , got >)"
			head -n 12 "$work/runq-g.$how.diff" | while IFS= read -r l; do diag "$l"; done
		fi
	done
	case $release in
	6.1.*)
		start=$(date +%s.%N)
		lab_crash_split "$work" "$vmlinux" "$dump" runq 'runq -t' irq timer dev 'irq -s' 'runq -m' 'runq -T' \
			'timer -r' 'runq -d'
		ok $? "$release: crash 8.0.2 ran runq, runq -t, irq, timer, dev, irq -s, runq -m, runq -T, timer -r and runq -d in $(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") s"
		for how in vmlinux bare; do
			[ $how = vmlinux ] && label="with the vmlinux" || label="from the dump alone"
			heads() { grep -E 'RUNQUEUE|CURRENT|PRIO_ARRAY|RB_ROOT' "$1"; }
			if diff <(heads "$work/crash.0") <(heads "$work/runq.$how") > /dev/null &&
			   [ -z "$(grep -F -x -v -f "$work/runq.$how" <(grep '^     \[ *[0-9]' "$work/crash.0"))" ]; then
				ok 0 "$release: runq $label: crash's run-queue, CURRENT, RT and CFS root lines ($(heads "$work/crash.0" | wc -l)) and each of its $(grep -c '^     \[ *[0-9]' "$work/crash.0") queued tasks are ours (we list $(grep -c '^     \[ *[0-9]' "$work/runq.$how"))"
			else
				ok 1 "$release: runq $label differs from crash's (expected < , got >)"
				diff <(heads "$work/crash.0") <(heads "$work/runq.$how") | head -n 10 | while IFS= read -r l; do diag "$l"; done
			fi
			diff "$work/crash.1" "$work/runq-t.$how" > /dev/null
			ok $? "$release: runq -t $label prints what crash prints ($(wc -l < "$work/crash.1") lines)"
			if diff "$work/crash.2" "$work/irq.$how" > "$work/irq-crash.$how.diff"; then
				ok 0 "$release: irq $label prints what crash prints ($(wc -l < "$work/crash.2") lines)"
			else
				ok 1 "$release: irq $label differs from crash's (expected < , got >)"
				head -n 10 "$work/irq-crash.$how.diff" | while IFS= read -r l; do diag "$l"; done
			fi
			# crash sorts each base by expiry alone (qsort): timers expiring together may come in
			# either order, so each base's rows are compared sorted (blank lines are cut from
			# crash's batch output, so from ours too)
			if diff <(awk '/^TIMER_BASES/ { n++ } /./ { print n, $0 }' "$work/crash.3" | sort) \
				<(awk '/^TIMER_BASES/ { n++ } /./ { print n, $0 }' "$work/timer.$how" | sort) > "$work/timer-crash.$how.diff"; then
				ok 0 "$release: timer $label prints what crash prints ($(wc -l < "$work/crash.3") lines)"
			else
				ok 1 "$release: timer $label differs from crash's (expected < , got >)"
				head -n 10 "$work/timer-crash.$how.diff" | while IFS= read -r l; do diag "$l"; done
			fi
			# blank lines are cut from crash's batch output, so from ours too
			if diff "$work/crash.8" <(grep . "$work/timer-r.$how") > "$work/timer-r-crash.$how.diff"; then
				ok 0 "$release: timer -r $label prints what crash prints ($(wc -l < "$work/crash.8") lines)"
			else
				ok 1 "$release: timer -r $label differs from crash's (expected < , got >)"
				head -n 10 "$work/timer-r-crash.$how.diff" | while IFS= read -r l; do diag "$l"; done
			fi
			# runq -d: crash's task table on 6.1 holds only the active tasks (above)
			if diff <(grep '^CPU' "$work/crash.9") <(grep '^CPU' "$work/runq-d.$how") > /dev/null &&
			   [ -z "$(grep -F -x -v -f <(on_rq_rows < "$work/runq-d.$how") <(on_rq_rows < "$work/crash.9"))" ]; then
				ok 0 "$release: runq -d $label: crash's CPU lines, and each of the $(on_rq_rows < "$work/crash.9" | wc -l) tasks it lists under one is under it in ours (we list $(on_rq_rows < "$work/runq-d.$how" | wc -l))"
			else
				ok 1 "$release: runq -d $label differs from crash's (expected < , got >)"
				diff "$work/crash.9" "$work/runq-d.$how" | head -n 10 | while IFS= read -r l; do diag "$l"; done
			fi
			diff "$work/crash.5" "$work/irq-s.$how" > /dev/null
			ok $? "$release: irq -s $label prints what crash prints ($(wc -l < "$work/crash.5") lines)"
			cat "$work/crash.6" - "$work/crash.7" <<< "--" | diff - "$work/runq-times.$how" > /dev/null
			ok $? "$release: runq -m and runq -T $label print what crash prints ($(cat "$work/crash.6" "$work/crash.7" | wc -l) lines)"
			if diff "$work/crash.4" <(grep . "$work/dev.$how") > "$work/dev-crash.$how.diff"; then
				ok 0 "$release: dev $label prints what crash prints ($(wc -l < "$work/crash.4") lines)"
			else
				ok 1 "$release: dev $label differs from crash's (expected < , got >)"
				head -n 10 "$work/dev-crash.$how.diff" | while IFS= read -r l; do diag "$l"; done
			fi
		done
		;;
	esac
	case $release in
	6.1.*)
		# runq -g: crash's task table on 6.1 lacks most tasks (above): the lines without tasks equal,
		# and each task line of crash's in ours
		printf 'runq -g\nquit\n' | timeout 600 crash -s "$vmlinux" "$tg_dump" 2> "$work/crash-g.err" |
			grep -v -e '^WARNING: active task .* not found in PID hash$' -e '^$' > "$work/crash-g.out"
		skeleton() { grep -v -e '^ *\[ *-\{0,1\}[0-9]*\] PID: ' -e '^ *\[no tasks queued\]$' "$1"; }
		for how in vmlinux bare; do
			[ $how = vmlinux ] && label="with the vmlinux" || label="from the dump alone"
			if [ -s "$work/crash-g.out" ] && diff <(skeleton "$work/crash-g.out") <(skeleton <(grep . "$work/runq-g.$how")) > "$work/runq-g-crash.$how.diff" &&
			   [ -z "$(grep '^ *\[ *-\{0,1\}[0-9]*\] PID: ' "$work/crash-g.out" | grep -F -x -v -f "$work/runq-g.$how")" ]; then
				ok 0 "$release: runq -g $label: crash's CPU, CURRENT and task group lines ($(skeleton "$work/crash-g.out" | wc -l)) in its order, and its $(grep -c '\] PID: ' "$work/crash-g.out") task lines among ours ($(grep -c '\] PID: ' "$work/runq-g.$how"))"
			else
				ok 1 "$release: runq -g $label differs from crash's (expected < , got >)"
				head -n 10 "$work/runq-g-crash.$how.diff" | while IFS= read -r l; do diag "$l"; done
			fi
		done
		;;
	esac
	# dev -d and dev -D on the diskio fixture: O_DIRECT reads and writes waiting in a disk QEMU
	# throttled to one request a second (make-fixture), drgn's count of the same dump the oracle
	io_dir=$KDK_CACHE/fixtures/$release/diskio
	fixture_oracle "$release" diskio "$work/io" dev-disks
	grep -q '^dio ' "$work/io/drgn-dev-disks.txt" || bail "$release: drgn found no disk in the diskio fixture"
	# the kernel's own count (/sys/block/vda/inflight) three seconds before the crash
	read -r sys_reads sys_writes < <(tr -d '\r' < "$io_dir/serial.log" | sed -n 's/^KDK-LAB: diskio: inflight *//p' | tail -n 1)
	for how in vmlinux bare; do
		if [ $how = vmlinux ]; then args=("$vmlinux" "$io_dir/vmcore.elf"); label="with the vmlinux"
		else args=("$io_dir/vmcore.elf"); label="from the dump alone"; fi
		"$kcrash" "${args[@]}" -c 'dev -d' > "$work/io/dev-d.$how" 2> "$work/io/dev.$how.err" &&
			"$kcrash" "${args[@]}" -c 'dev -D' > "$work/io/dev-D.$how" 2>> "$work/io/dev.$how.err"
		ok $? "$release: dev -d and dev -D $label ran on the diskio fixture ($(head -c 200 "$work/io/dev.$how.err"))"
		awk '!/^MAJOR/ { print "dio", $1, $2, $3, $4, $5, $6, $7 }' "$work/io/dev-d.$how" > "$work/io/dev-d-rows.$how"
		if diff "$work/io/drgn-dev-disks.txt" "$work/io/dev-d-rows.$how" > "$work/io/dev-d.$how.diff"; then
			ok 0 "$release: dev -d $label: drgn's disks, gendisks, queues and requests in flight ($(awk '{ printf "%s %s+%s ", $4, $7, $8 }' "$work/io/dev-d-rows.$how"))"
		else
			ok 1 "$release: dev -d $label differs from drgn's count (expected < , got >)"
			head -n 12 "$work/io/dev-d.$how.diff" | while IFS= read -r l; do diag "$l"; done
		fi
		read -r reads writes < <(awk '$4 == "vda" { print $7, $8 }' "$work/io/dev-d-rows.$how")
		# the kernel's sample is older than the crash: it shows that requests were in flight, not
		# how many of each were at the crash (the fixture waits until it counts reads and writes)
		[ $((${sys_reads:-0} + ${sys_writes:-0})) -gt 0 ] && [ "${reads:-0}" -gt 0 ] && [ "${writes:-0}" -gt 0 ]
		ok $? "$release: dev -d $label finds reads and writes in flight on vda (${reads:-none} and ${writes:-none}; the kernel counted ${sys_reads:-?} and ${sys_writes:-?} three seconds before the crash)"
		diff <(head -n 1 "$work/io/dev-d.$how"; awk 'NR > 1 && $5 != 0' "$work/io/dev-d.$how") "$work/io/dev-D.$how" > /dev/null
		ok $? "$release: dev -D $label lists the disks of dev -d with requests in flight, and only those"
	done
	case $release in
	6.1.*)
		printf 'dev -d\ndev -D\nquit\n' | timeout 600 crash -s "$vmlinux" "$io_dir/vmcore.elf" 2> "$work/io/crash.err" |
			grep -v -e '^WARNING: active task .* not found in PID hash$' -e '^$' > "$work/io/crash.out"
		for how in vmlinux bare; do
			[ $how = vmlinux ] && label="with the vmlinux" || label="from the dump alone"
			if [ -s "$work/io/crash.out" ] && diff "$work/io/crash.out" <(cat "$work/io/dev-d.$how" "$work/io/dev-D.$how") > "$work/io/dev-crash.$how.diff"; then
				ok 0 "$release: dev -d and dev -D $label print what crash prints ($(wc -l < "$work/io/crash.out") lines)"
			else
				ok 1 "$release: dev -d and dev -D $label differ from crash's (expected < , got >)"
				head -n 10 "$work/io/dev-crash.$how.diff" | while IFS= read -r l; do diag "$l"; done
			fi
		done
		;;
	esac
done
done_testing
