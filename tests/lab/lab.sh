# tests/lab/lab.sh — the lab library that every lab test sources: run directories, QEMU guests
# (TCG) with serial logs and hard timeouts, marker waits, QMP, and TAP output.
# See docs/lab.md. Settings come from tests/lab/lab.conf.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KDK_TOP=$(cd "$LAB_DIR/../.." && pwd)
. "$LAB_DIR/lab.conf"
. "$LAB_DIR/lock.sh"
export KDK_CACHE KDK_RUNS
KDK_BUILD=${KDK_BUILD:-$KDK_TOP/build}

# ---- TAP (shared with the command-line tests) -----------------------------------------------
. "$LAB_DIR/../tap.sh"
# lab_skip REASON — a check that does not run here, said as a TAP skip (prove counts it as
# skipped) and counted apart: done_testing's "passed" leaves skips out.
LAB_SKIPPED=0
lab_skip() {
	TAP_COUNT=$((TAP_COUNT + 1))
	LAB_SKIPPED=$((LAB_SKIPPED + 1))
	echo "ok $TAP_COUNT # SKIP $*"
}
done_testing() {
	echo "1..$TAP_COUNT"
	diag "$((TAP_COUNT - TAP_FAILED - LAB_SKIPPED)) passed, $TAP_FAILED failed, $LAB_SKIPPED skipped"
	[ "$TAP_FAILED" -eq 0 ]
}
# lab_has_headers RELEASE — whether a test module can be built for RELEASE: the host's headers or
# sid's (tests/lab/build-env has), unless KDK_LAB_KERNELS_HEADERS lists the releases (lab.conf).
lab_has_headers() {
	if [ -n "$KDK_LAB_KERNELS_HEADERS" ]; then
		[[ " $KDK_LAB_KERNELS_HEADERS " == *" $1 "* ]]
	else
		"$LAB_DIR/build-env" has "$1"
	fi
}
# lab_crash_classes RELEASE — the fixture classes RELEASE can make: sysrq and nmi always, the
# crash_classes/oops_test module's classes where a module can be built (lab_has_headers).
lab_crash_classes() {
	if lab_has_headers "$1"; then
		echo "sysrq nmi oops softirq workqueue softlockup hungtask stackoverflow"
	else
		echo "sysrq nmi"
	fi
}
# lab_short RELEASE — whether kernel-independent checks run on RELEASE (lab.conf, time budget).
lab_short() { [[ " $KDK_LAB_KERNELS_SHORT " == *" $1 "* ]]; }

# lab_dump_level FILE — the level a kdump-compressed file says it was saved at: kdump_sub_header's
# dump_level (an int after phys_base) in the block after the header (docs/formats/kdump-compressed.md),
# read here in Python, apart from our reader. Prints nothing for a file it cannot read.
lab_dump_level() { python3 -c 'import struct, sys
d = open(sys.argv[1], "rb").read(65536)
bs, = struct.unpack_from("<i", d, 428)
print(struct.unpack_from("<i", d, bs + 8)[0])' "$1" 2> /dev/null; }

# ---- run directories --------------------------------------------------------------------------
# lab_run_dir NAME — a fresh directory for one guest run's files; printed by failing tests.
lab_run_dir() {
	local dir
	mkdir -p "$KDK_RUNS"
	dir=$(mktemp -d "$KDK_RUNS/$1-$(date +%Y%m%d-%H%M%S)-XXXX")
	TAP_KEEP_DIRS+=("$dir")
	echo "$dir"
}

# ---- kernels ----------------------------------------------------------------------------------
lab_kernel_dir() { echo "$KDK_CACHE/kernels/$1"; }

# lab_kernel_fetch RELEASE [--dbg]
lab_kernel_fetch() { "$LAB_DIR/kernel" fetch "$@"; }

# lab_fixture RELEASE CLASS [OUTDIR] — make-fixture, one maker at a time per fixture (test files
# run side by side, tests/lab/run-tests); the lock is taken here, so make-fixture's recipe hash
# (its own text) is not changed by it.
lab_fixture() {
	(
		lab_lock "$(lab_fixture_lock "${3:-$KDK_CACHE/fixtures/$1/$2}")"
		"$LAB_DIR/make-fixture" "$@"
	)
}

# lab_fixture_lock DIR — the lock its maker holds while a fixture directory is (re)made: a reader
# that takes every cached fixture (t/77) holds it while it takes one's files.
lab_fixture_lock() { echo "$KDK_CACHE/locks/fixture-$(printf '%s' "$1" | sha256sum | cut -c1-16)"; }

# ---- QEMU -------------------------------------------------------------------------------------
# lab_qemu_start RUN_DIR TIMEOUT_SECONDS QEMU_ARGS... — boot a guest in the background.
# The serial console goes to RUN_DIR/serial.log, QMP listens on lab_qmp_socket's path, and
# `timeout` kills QEMU after TIMEOUT_SECONDS whatever happens.
# lab_qmp_socket RUN_DIR — where that run's QMP socket lives: a unix socket's path must stay under
# 108 bytes, and run directories in a clone deep in the file system are longer, so the socket sits
# in a short private directory under /tmp, named by a hash of the run directory.
lab_qmp_socket() {
	local dir
	dir=/tmp/kdk-qmp-$(id -u)
	mkdir -p "$dir" && chmod 700 "$dir"
	echo "$dir/$(printf '%s' "$1" | sha256sum | cut -c1-16).sock"
}

lab_qemu_start() {
	local run=$1 limit=$2; shift 2
	printf '%s\0' "$limit" "$@" > "$run/qemu.args"   # for lab_qemu_wait_exit's second boot
	: > "$run/serial.log"
	echo "$KDK_QEMU -accel tcg -cpu $KDK_GUEST_CPU_MODEL -smp $KDK_GUEST_CPUS -m $KDK_GUEST_MEM $*" > "$run/qemu.cmdline"
	timeout -k 5 "$limit" "$KDK_QEMU" -accel tcg -cpu "$KDK_GUEST_CPU_MODEL" \
		-smp "$KDK_GUEST_CPUS" -m "$KDK_GUEST_MEM" \
		-nographic -nodefaults -no-user-config \
		-serial "file:$run/serial.log" \
		-qmp "unix:$(lab_qmp_socket "$run"),server=on,wait=off" \
		"$@" > "$run/qemu.out" 2>&1 &
	echo $! > "$run/qemu.pid"
}

lab_qemu_running() { kill -0 "$(cat "$1/qemu.pid")" 2>/dev/null; }

# lab_wait_marker RUN_DIR REGEX TIMEOUT — wait until the serial log has a line matching REGEX
# (extended regex). Fails early if QEMU has exited and the marker never came.
lab_wait_marker() { lab_wait_serial -E "$@"; }

# lab_wait_text RUN_DIR TEXT TIMEOUT — the same for a fixed string (release names hold '+' and '.').
lab_wait_text() { lab_wait_serial -F "$@"; }

# A guest that died booting (lab_guest_died_booting) is booted again, twice at most (lab_qemu_retry_boot),
# and waited for anew: a test that waits for a marker before it waits for QEMU to end gets the
# same second chance as one that waits for the end first.
lab_wait_serial() {
	local mode=$1 run=$2 pattern=$3 limit=$4 waited=0
	while ! grep -q "$mode" -- "$pattern" "$run/serial.log" 2>/dev/null; do
		if ! lab_qemu_running "$run"; then
			grep -q "$mode" -- "$pattern" "$run/serial.log" 2>/dev/null && return 0
			if lab_qemu_retry_boot "$run"; then
				waited=0
				continue
			fi
			echo "lab: QEMU exited before '$pattern' appeared in $run/serial.log" >&2
			return 1
		fi
		# A guest that panicked at boot may sit there (panic=0): every 5 s, look.
		if [ $((waited % 25)) -eq 24 ] && lab_boot_retry_left "$run" && lab_guest_died_booting "$run"; then
			lab_qemu_kill "$run"
			continue
		fi
		if [ "$waited" -ge "$((limit * 5))" ]; then
			echo "lab: '$pattern' did not appear in $run/serial.log within ${limit}s" >&2
			return 1
		fi
		sleep 0.2
		waited=$((waited + 1))
	done
}

# lab_guest_died_booting RUN_DIR — true when the guest kernel panicked before it ran its first
# user program ("Run /init as init process"): under TCG a multi-CPU guest now and then dies of
# its own live code patching (seen: "Oops: int3" in sched_clock_idle_wakeup_event at boot, 6.12
# and 7.2), which is the emulator's failure and tests nothing of ours. The same int3 Oops in a
# later kernel of the run before its own /init counts too (t/60: a 6.12 kernel started by
# kexec -e died of it in sched_clock_cpu, 2026-12-07); any other death of a later kernel — a
# capture kernel out of memory, say — is what the test is there to see, and does not.
lab_guest_died_booting() {
	tr -d '\r' < "$1/serial.log" 2>/dev/null | awk '
		/^\[ *0\.000000\] Linux version/ { booted = 0 }
		/Run \/.* as init process/ { booted = 1; reached = 1 }
		/Kernel panic - not syncing|Oops: / { if (!reached) died = 1 }
		/Oops: int3/ { if (!booted) died = 1 }
		END { exit !died }'
}

# lab_qemu_wait_exit RUN_DIR TIMEOUT — wait for QEMU to end; returns its exit status
# (124 when the run's hard timeout killed it). A guest that died booting (lab_guest_died_booting)
# is booted again with the same arguments, twice at most, each console before kept as
# serial.tryN.log and the retry said on stderr.
lab_qemu_wait_exit() {
	local run=$1 limit=$2 pid waited=0
	pid=$(cat "$run/qemu.pid")
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$waited" -ge "$((limit * 5))" ]; then
			echo "lab: QEMU still running after ${limit}s ($run)" >&2
			return 1
		fi
		sleep 0.2
		waited=$((waited + 1))
	done
	wait "$pid" 2>/dev/null || true
	if lab_qemu_retry_boot "$run"; then
		lab_qemu_wait_exit "$run" "$limit"
	fi
}

# lab_boot_retry_left RUN_DIR — true while the run's guest may be booted again: TCG now and then
# kills a kernel in its boot-time code patching (an int3 Oops in text_poke, the emulator's fault:
# 7.2 met it twice in a row on 2026-12-06), so a second retry is allowed; a kernel that dies
# booting three times fails the test.
lab_boot_retry_left() { [ ! -e "$1/serial.try2.log" ]; }

# lab_qemu_retry_boot RUN_DIR — when the run's QEMU has ended and its guest died booting, for the
# first or second time: keep its console as serial.tryN.log, say so on stderr, and start QEMU again
# with the same arguments (0); else 1.
lab_qemu_retry_boot() {
	local run=$1 args try=1
	lab_boot_retry_left "$run" && [ -s "$run/qemu.args" ] && lab_guest_died_booting "$run" || return 1
	[ -e "$run/serial.try1.log" ] && try=2
	mv "$run/serial.log" "$run/serial.try$try.log"
	echo "# lab: the guest kernel died before its first user program ($(tr -d '\r' < "$run/serial.try$try.log" |
		grep -m1 -oE '(Oops|BUG): .*|Kernel panic - not syncing: .*')): the emulator's fault, booting it once more ($run)" >&2
	readarray -d '' -t args < "$run/qemu.args"
	lab_qemu_start "$run" "${args[@]}"
}

# lab_wait_first_kernel RUN_DIR MARKER LIMIT OURS_FAILED — wait until a first kernel's console
# says MARKER (a fixed string the lab's guest script prints once the first kernel's own part is done:
# booted, set up, about to crash). Where it never comes and nothing of ours failed on the way
# (OURS_FAILED, an extended regex, is not on the console), the console is shown as TAP comments,
# kept as serial.setup1.log, and the guest is booted once more with the same arguments — once: CI
# saw a -smp 4 TCG guest (t/73) end without reaching its crash, ours having loaded the capture
# kernel, and nothing saved. Returns 0 when the marker came; else QEMU is stopped and 1 returned.
lab_wait_first_kernel() {
	local run=$1 marker=$2 limit=$3 ours_failed=$4 t0 args
	t0=$(date +%s)
	lab_wait_text "$run" "$marker" "$limit" && return 0
	if [ -e "$run/serial.setup1.log" ] || tr -d '\r' < "$run/serial.log" | grep -qE -- "$ours_failed"; then
		lab_guest_tail "$run" 30
		lab_qemu_kill "$run"
		return 1
	fi
	echo "# lab: the first kernel did not reach '$marker' ($(($(date +%s) - t0)) s), nothing of ours failed: booting it once more ($run)"
	lab_guest_tail "$run" 30
	lab_qemu_kill "$run"
	mv "$run/serial.log" "$run/serial.setup1.log"
	readarray -d '' -t args < "$run/qemu.args"
	lab_qemu_start "$run" "${args[@]}"
	lab_wait_first_kernel "$run" "$marker" "$limit" "$ours_failed"
}

# lab_guest_tail RUN_DIR [LINES] — the end of a guest's serial log and QEMU's own output as TAP
# comments: what a failed boot shows in a CI log that keeps nothing else.
lab_guest_tail() {
	local run=$1 lines=${2:-15}
	echo "# $run/serial.log, last $lines lines:"
	tr -d '\r' < "$run/serial.log" 2>/dev/null | tail -n "$lines" | sed 's/^/#   /'
	echo "# $run/qemu.out: $(head -c 400 "$run/qemu.out" 2>/dev/null | tr '\n' ' ')"
}

lab_qemu_kill() {
	local pid
	pid=$(cat "$1/qemu.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	return 0
}

# lab_qmp RUN_DIR JSON... — QMP commands to the run's QEMU; replies go to RUN_DIR/qmp.log.
lab_qmp() {
	local run=$1; shift
	python3 "$LAB_DIR/qmp.py" "$(lab_qmp_socket "$run")" "$@" >> "$run/qmp.log"
}

# The kernel command line every lab guest starts from.
lab_cmdline_base() { echo "console=ttyS0,115200 quiet loglevel=7 ignore_loglevel"; }

# ---- reference peers (tests only: no kdumpkit code path calls them) ----------------------------
# lab_crash_split DIR VMLINUX DUMP CMD... — each CMD's crash output, its blank lines and crash's
# "active task … not found in PID hash" warnings left out, in DIR/crash.N (N from 0, in the order
# given), from one crash session (lab_crash_prefetch, its cache in DIR/crash-cache; where that
# session does not reach its end each CMD runs crash alone). Returns 1 when the session did not.
lab_crash_split() {
	local dir=$1 vmlinux=$2 dump=$3 cmd i=0 rc=0; shift 3
	lab_crash_prefetch "$dir/crash-cache" "$vmlinux" "$dump" "$@" || rc=1
	for cmd in "$@"; do
		LAB_CRASH_CACHE=$dir/crash-cache lab_crash "$vmlinux" "$dump" "$cmd" |
			grep -v -e '^WARNING: active task .* not found in PID hash$' -e '^$' > "$dir/crash.$i"
		i=$((i + 1))
	done
	return $rc
}

# lab_crash VMLINUX DUMP CMD... — run Debian's crash in batch on a dump; prints its output.
# Extra crash options (e.g. 6.12's "--kaslr=auto --no_modules") come from LAB_CRASH_OPTS.
# With LAB_CRASH_CACHE set to a directory lab_crash_prefetch filled, a call it prefetched is
# answered from there (the same output, less crash's start-up messages).
lab_crash() {
	local vmlinux=$1 dump=$2 kept; shift 2
	if [ -n "${LAB_CRASH_CACHE:-}" ]; then
		kept=$LAB_CRASH_CACHE/$(lab_crash_key "$vmlinux" "$dump" "$@")
		[ -f "$kept" ] && { cat "$kept"; return 0; }
	fi
	printf '%s\n' "$@" quit | lab_crash_batch 180 "$vmlinux" "$dump"
}

# lab_crash_batch SECONDS VMLINUX DUMP — crash in batch on the commands of stdin, with
# LAB_CRASH_OPTS, stopped after SECONDS; its output and errors on stdout.
lab_crash_batch() {
	# shellcheck disable=SC2086
	timeout "$1" crash -s ${LAB_CRASH_OPTS:-} "$2" "$3" 2>&1
}

# lab_crash_key VMLINUX DUMP CMD... — what names one lab_crash call (its options, files and the
# command lines as crash reads them: "a" "b" and "a<newline>b" are one call).
lab_crash_key() {
	local vmlinux=$1 dump=$2; shift 2
	{ printf '%s\n' "${LAB_CRASH_OPTS:-}" "$vmlinux" "$dump"; printf '%s\n' "$@"; } | sha1sum | cut -c1-20
}

# lab_crash_prefetch DIR VMLINUX DUMP CALL... — one crash session for many later lab_crash calls
# on one dump (crash takes ~7 s to start on a -dbg vmlinux): each CALL is one call's commands,
# one per line. Their outputs are kept in DIR, where LAB_CRASH_CACHE=DIR finds them. When the
# session does not reach its end (crash aborted or timed out), nothing is kept: each call then
# runs crash itself. Returns 1 then.
lab_crash_prefetch() {
	local dir=$1 vmlinux=$2 dump=$3 call i=0 input=; shift 3
	mkdir -p "$dir"
	for call in "$@"; do
		input+="!echo KDK-CRASH-CALL $i"$'\n'"$call"$'\n'
		i=$((i + 1))
	done
	input+="!echo KDK-CRASH-CALL end"
	printf '%s\n' "$input" quit | lab_crash_batch 900 "$vmlinux" "$dump" > "$dir/session"
	grep -qx 'KDK-CRASH-CALL end' "$dir/session" || return 1
	awk -v dir="$dir" '/^KDK-CRASH-CALL [0-9]+$/ { if (out) close(out); out = dir "/call." $2; printf "" > out; next }
		/^KDK-CRASH-CALL end$/ { exit } out { print > out }' "$dir/session"
	i=0
	for call in "$@"; do
		mv "$dir/call.$i" "$dir/$(lab_crash_key "$vmlinux" "$dump" "$call")" || return 1
		i=$((i + 1))
	done
}

# lab_crash_release VMLINUX DUMP — the kernel release as Debian's crash reads it from DUMP, printed
# as "RELEASE: x (oracle)". crash 8.0.2's `sys` works on 6.1; on 6.12 it cannot start plainly
# ("do not match": KASLR not applied) and `sys` aborts even with --kaslr=auto, so there the
# stand-in oracle is crash reading linux_banner (`rd -a`) in `--minimal --kaslr=auto` mode: minimal
# mode skips the task and stack set-up that aborts on some 6.12 dumps ("bt: invalid size request"
# then "malloc(): unsorted double linked list corrupted" on a QEMU ELF fixture).
lab_crash_release() {
	local vmlinux=$1 dump=$2 out release
	out=$(LAB_CRASH_OPTS= lab_crash "$vmlinux" "$dump" sys)
	release=$(sed -n 's/^ *RELEASE: *\([^ ]*\).*/\1/p' <<< "$out" | head -n 1)
	if [ -n "$release" ]; then
		echo "RELEASE: $release (crash sys)"
		return 0
	fi
	out=$(LAB_CRASH_OPTS="--minimal --kaslr=auto" lab_crash "$vmlinux" "$dump" "rd -a linux_banner")
	release=$(sed -n 's/.*Linux version \([^ ]*\) .*/\1/p' <<< "$out" | head -n 1)
	if [ -n "$release" ]; then
		echo "RELEASE: $release (crash --minimal --kaslr=auto, rd -a linux_banner; crash's sys cannot run on this kernel)"
		return 0
	fi
	echo "crash could not read the release from $dump:"
	echo "$out" | tail -n 5
	return 1
}

# lab_release RELEASE VMLINUX DUMP — "RELEASE: r (oracle)" for a dump of kernel RELEASE: Debian's
# crash on 6.1 (lab_crash_release); on 6.12 and 7.x, where crash aborts at random or cannot read
# at all, drgn's init_uts_ns (it reads our kdump-compressed and ELF outputs), and for QEMU's own
# ELF, which drgn 0.0.22 cannot read there, the kernel's banner found in the memory image.
lab_release() {
	local release=$1 vmlinux=$2 dump=$3 got
	case $release in 6.1.*) lab_crash_release "$vmlinux" "$dump"; return ;; esac
	got=$(/usr/bin/python3 -c "import drgn, sys
p = drgn.Program(); p.set_core_dump(sys.argv[1]); p.load_debug_info([sys.argv[2]])
print(p['init_uts_ns'].name.release.string_().decode())" "$dump" "$vmlinux" 2> /dev/null)
	if [ -n "$got" ]; then
		echo "RELEASE: $got (drgn's init_uts_ns, standing in for crash)"
	elif LC_ALL=C grep -a -q -F "Linux version $release (" "$dump"; then
		echo "RELEASE: $release (the kernel's banner in the image; drgn cannot read this dump, crash not this kernel)"
	else
		echo "neither drgn nor the banner gave $dump's release"
		return 1
	fi
}

# lab_binary_files BINARY DEST — initramfs --file arguments for a dynamically linked host binary
# (a reference peer run inside a guest): the binary at DEST, and each library ldd names at its
# own path (symlinks resolved, since the initramfs copies files as they are).
lab_binary_files() {
	local bin=$1 dest=$2 lib
	echo "--file"
	echo "$(realpath "$bin"):$dest"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		echo "--file"
		echo "$(realpath "$lib"):$lib"
	done
}

# lab_capture_images DIR RELEASE KDUMP_CONF [OOPS_MODULE_KO] — the two images of a capture cycle:
# DIR/capture.img from our mkdumprd (our static capture /init, KDUMP_CONF, its modules), and
# DIR/first.img, the first kernel's lab initramfs with guest/capture-cycle.sh, our static kexec,
# the kernel image and capture.img. mkdumprd's report goes to DIR/mkdumprd.out. LAB_CAPTURE_INIT
# names the static /init (default kdump-init; kdump-init-ssh for ssh targets; a path that starts
# with / is taken as it is: the crashkernel floor probe, tests/lab/crashkernel.sh).
lab_capture_images() {
	local dir=$1 release=$2 conf=$3 ko=${4:-} kdir init=${LAB_CAPTURE_INIT:-kdump-init}
	kdir=$(lab_kernel_dir "$release")
	[ "${init#/}" != "$init" ] || init=$KDK_BUILD/static/$init
	# shellcheck disable=SC2086 # LAB_MKDUMPRD_ARGS: words (--proc DIR --dev-disk DIR for t/54)
	"$KDK_BUILD/mkdumprd" --moddir "$kdir/root/lib/modules/$release" -c "$conf" ${LAB_MKDUMPRD_ARGS:-} \
		--init "$init" "$dir/capture.img" > "$dir/mkdumprd.out" 2>&1 ||
		{ cat "$dir/mkdumprd.out" >&2; return 1; }
	"$LAB_DIR/initramfs" "$dir/first.img" --kernel "$release" \
		--run "$LAB_DIR/guest/capture-cycle.sh" ${ko:+--extra-module "$ko"} \
		--file "$kdir/vmlinuz:/vmlinuz" --file "$dir/capture.img:/capture.img" \
		--file "$KDK_BUILD/static/kexec:/kdk/kexec"
}
