# Command-line test: how a loaded capture kernel follows memory/CPU hotplug (issue 15), against a
# fake /sys with recording kexec/mkdumprd stand-ins (as in 30-kdumpctl.sh): status names the
# mechanism (the kernel's update where crash_hotplug reads 1, else the udev rule's reload);
# `kdumpctl hotplug` does nothing when nothing is loaded or the kernel updates the header, reloads
# otherwise, skips an event older than the last load, and serializes a burst (fewer reloads than
# events, never two at once); the udev rule's text. The real-kernel side is in the lab (t/60).
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
build=${KDK_BUILD:-$top/build}
kdumpctl=$build/kdumpctl
[ -x "$kdumpctl" ] || bail "build kdumpctl (make)"
command -v flock > /dev/null || bail "flock (util-linux) is needed"
work=$(mktemp -d "${TMPDIR:-/tmp}/kdumpctl-hotplug-XXXX")
trap 'rm -rf "$work"' EXIT
TAP_KEEP_DIRS+=("$work")
cd "$work" || bail "cd $work"

mkdir -p sys/kernel sys/devices/system/memory sys/devices/system/cpu proc lib bin run
echo 1 > sys/kernel/kexec_crash_loaded
echo $((96 << 20)) > sys/kernel/kexec_crash_size
echo "BOOT_IMAGE=/boot/vmlinuz root=UUID=1234 ro crashkernel=96M console=ttyS0,115200" > proc/cmdline
printf 'MemTotal:        1048576 kB\n' > proc/meminfo
python3 - vmlinuz <<'PY'
import struct, sys
setup = bytearray(2 * 512)
setup[0x1f1] = 1
struct.pack_into('<H', setup, 0x1fe, 0xaa55)
setup[0x202:0x206] = b'HdrS'
struct.pack_into('<H', setup, 0x206, 0x020f)
struct.pack_into('<I', setup, 0x260, 0x3000000)
open(sys.argv[1], 'wb').write(bytes(setup) + b'\x90' * 65536)
PY
printf '%s\n' "KDUMP_KERNELVER=9.9.9-test" "KDUMP_KERNEL=$work/vmlinuz" "KDUMP_INITRD=$work/initrd.img" > settings
# kexec stand-in: records each call with its start and end times; a load takes KEXEC_DELAY
# seconds; an overlap (a second kexec while one runs) is recorded as "OVERLAP".
printf '%s\n' '#!/bin/sh' \
	"if ! mkdir $work/kexec.running 2> /dev/null; then echo OVERLAP >> $work/kexec.calls; fi" \
	"printf '%s\\n' \"\$*\" >> $work/kexec.calls" \
	"loaded=1; for a; do [ \"\$a\" = -u ] && loaded=0; done" \
	"[ \$loaded = 1 ] && sleep \${KEXEC_DELAY:-0}; echo \$loaded > $work/sys/kernel/kexec_crash_loaded" \
	"rmdir $work/kexec.running" > bin/kexec
printf '%s\n' '#!/bin/sh' "printf '%s\\n' \"\$*\" >> $work/mkdumprd.calls" 'for last; do :; done' \
	'echo initramfs > "$last"' > bin/mkdumprd
chmod +x bin/kexec bin/mkdumprd
printf '%s\n' "path /var/crash" "core_collector dumpsave -l -d 31" > kdump.conf
echo initramfs > initrd.img
export KDUMPCTL_SYSFS=$work/sys KDUMPCTL_PROC=$work/proc KDUMP_CONF=$work/kdump.conf \
	KDUMP_SETTINGS=$work/settings KDUMPCTL_KEXEC=$work/bin/kexec KDUMPCTL_MKDUMPRD=$work/bin/mkdumprd \
	KDUMPCTL_LIBEXECDIR=$work/lib KDUMPCTL_RUNDIR=$work/run/kdumpkit
unset JOURNAL_STREAM
run() { "$kdumpctl" "$@" > out 2> err; status=$?; }
loads() { grep -c -- '^-p .*--initrd=' kexec.calls 2> /dev/null || echo 0; }

# ---- status: which mechanism ------------------------------------------------------------------
run status
[ $status -eq 0 ] && grep -q '^Memory/CPU hotplug: the udev rule reloads the capture kernel (kdumpctl hotplug); the kernel does not update its elfcorehdr (.*memory/crash_hotplug absent, cpu/crash_hotplug absent)$' out
ok $? "status, no crash_hotplug files (6.1): the udev rule's reload; got: $(sed -n 2p out)"
echo 0 > sys/devices/system/memory/crash_hotplug
echo 0 > sys/devices/system/cpu/crash_hotplug
run status
grep -q '^Memory/CPU hotplug: the udev rule reloads .*memory/crash_hotplug 0, cpu/crash_hotplug 0)$' out
ok $? "status, crash_hotplug 0 (a kexec_load without KEXEC_UPDATE_ELFCOREHDR): the reload; got: $(sed -n 2p out)"
echo 1 > sys/devices/system/memory/crash_hotplug
echo 1 > sys/devices/system/cpu/crash_hotplug
run status
grep -q '^Memory/CPU hotplug: the kernel updates the loaded elfcorehdr itself (.*memory/crash_hotplug 1, cpu/crash_hotplug 1)$' out
ok $? "status, crash_hotplug 1: the kernel's own update; got: $(sed -n 2p out)"

# ---- kdumpctl hotplug -------------------------------------------------------------------------
run hotplug
[ $status -eq 0 ] && grep -q 'the kernel updates the loaded elfcorehdr itself.*not reloaded' err && [ ! -e kexec.calls ]
ok $? "hotplug where the kernel updates: nothing run; got: $(cat err)"
rm sys/devices/system/memory/crash_hotplug sys/devices/system/cpu/crash_hotplug
echo 0 > sys/kernel/kexec_crash_loaded
run hotplug
[ $status -eq 0 ] && grep -q 'no capture kernel is loaded: nothing to follow' err && [ ! -e kexec.calls ]
ok $? "hotplug with nothing loaded: nothing run; got: $(cat err)"
echo 1 > sys/kernel/kexec_crash_loaded
run hotplug
[ $status -eq 0 ] && grep -q 'reloading the capture kernel' err && grep -q -- '^-p -u$' kexec.calls && [ "$(loads)" = 1 ] &&
	[ "$(cat sys/kernel/kexec_crash_loaded)" = 1 ] && [ -f run/kdumpkit/loaded-at ] && [ ! -e mkdumprd.calls ]
ok $? "hotplug without the kernel's update: unloaded and loaded again, same initramfs (kexec: $(tr '\n' ';' < kexec.calls | cut -c1-80)…), load time recorded"
: > kexec.calls
touch -d '+1 hour' run/kdumpkit/loaded-at
run hotplug
[ $status -eq 0 ] && grep -q 'loaded after this event.*not reloaded' err && [ ! -s kexec.calls ]
ok $? "an event older than the last load: not reloaded; got: $(cat err)"
touch -d '-1 hour' run/kdumpkit/loaded-at

# A burst: five events at once (udev runs one per memory block) while a load takes 2 s.
: > kexec.calls
for i in 1 2 3 4 5; do
	KEXEC_DELAY=2 "$kdumpctl" hotplug > "burst.$i.out" 2> "burst.$i.err" &
done
wait
n=$(loads)
skipped=$(cat burst.*.err | grep -c 'loaded after this event')
# (Events that start while a load runs are covered by the next one; 3 allows for a slow start.)
! grep -q OVERLAP kexec.calls && [ "$n" -ge 1 ] && [ "$n" -le 3 ] && [ $((n + skipped)) -eq 5 ]
ok $? "a burst of 5 events: $n reload(s), $skipped skipped as covered, never two kexec runs at once (expected 1–3 reloads)"
[ "$(cat sys/kernel/kexec_crash_loaded)" = 1 ]
ok $? "and a capture kernel is loaded after the burst"

# ---- the udev rule ----------------------------------------------------------------------------
rule=$top/systemd/98-kdumpkit-hotplug.rules.in
grep -q '^SUBSYSTEM=="memory", ACTION=="online|offline", GOTO="kdumpkit_hotplug"$' "$rule" &&
	grep -q '^SUBSYSTEM=="cpu", ACTION=="online|offline", GOTO="kdumpkit_hotplug"$' "$rule"
ok $? "the udev rule matches memory and CPU online/offline"
grep -q '^RUN+="/usr/bin/systemd-run --no-block --quiet --collect --property=After=kdump.service @SBINDIR@/kdumpctl hotplug"$' "$rule" &&
	[ "$(grep -c '^RUN' "$rule")" = 1 ] && grep -q '^LABEL="kdumpkit_hotplug_end"$' "$rule"
ok $? "it runs kdumpctl hotplug through systemd-run --no-block (udev does not wait), nothing else"
# make -n: what install would run (nothing built or written here).
make -n -C "$top" BUILD="$build" DESTDIR=/nonexistent PREFIX=/usr UDEVRULESDIR=/lib/udev/rules.d install > install.n 2>&1
got=$(grep -F '98-kdumpkit-hotplug.rules' install.n | tr '\n' ' ')
grep -q "sed -e 's|@SBINDIR@|/usr/sbin|g' systemd/98-kdumpkit-hotplug.rules.in" <<< "$got" &&
	grep -q '> /nonexistent/lib/udev/rules.d/98-kdumpkit-hotplug.rules' <<< "$got"
ok $? "make install puts it in UDEVRULESDIR with @SBINDIR@ filled in: ${got:-(not in make -n install: $(tail -n 2 install.n))}"
done_testing
