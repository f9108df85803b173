# Command-line test: kdumpctl against a fake /sys and /proc, with recording stand-ins for kexec
# and mkdumprd (KDUMPCTL_KEXEC, KDUMPCTL_MKDUMPRD) so nothing is loaded and no root is needed:
# status exit codes; start without a reservation (the message says how to reserve one) and with a
# broken kdump.conf (kdump.conf:LINE:, nothing run); what start passes to mkdumprd and kexec (the
# capture command line); rebuild only when an input changed; force_rebuild/force_no_rebuild; a
# broken kdump.conf leaves a loaded kernel loaded on restart; stop; test [--force]; estimate's
# formula on a synthetic bzImage and initramfs; reset-crashkernel on a copy of /etc/default/grub;
# /etc/default/kdump errors; ip= for an ssh target from a fake route table; propagate's ssh-keygen
# and ssh calls (stand-ins: no sshd here; t/80 is the real-system test).
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
build=${KDK_BUILD:-$top/build}
kdumpctl=$build/kdumpctl
[ -x "$kdumpctl" ] || bail "build kdumpctl (make)"
work=$(mktemp -d "${TMPDIR:-/tmp}/kdumpctl-cli-XXXX")
trap 'rm -rf "$work"' EXIT
TAP_KEEP_DIRS+=("$work")
cd "$work" || bail "cd $work"

mkdir -p sys/kernel proc lib bin
echo 0 > sys/kernel/kexec_crash_loaded
echo $((96 << 20)) > sys/kernel/kexec_crash_size
echo "BOOT_IMAGE=/boot/vmlinuz root=UUID=1234 ro quiet crashkernel=96M console=ttyS0,115200 nr_cpus=8" > proc/cmdline
printf 'MemTotal:        1048576 kB\n' > proc/meminfo
# A bzImage setup header with init_size 0x3000000 (48 MiB), as in tests/cli/20-kexec.sh.
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
printf '%s\n' "# test settings" "KDUMP_KERNELVER=9.9.9-test" "KDUMP_KERNEL=$work/vmlinuz" \
	"KDUMP_INITRD=\"$work/var/initrd.img\"" > settings
# The stand-ins: each call is a line in its .calls file; kexec flips kexec_crash_loaded as the
# kernel would; mkdumprd writes a small initramfs (a newc cpio with a 100000-byte module).
mkdir -p rd/lib/modules && head -c 100000 /dev/zero > rd/lib/modules/virtio_blk.ko && head -c 1000 /dev/zero > rd/init
(cd rd && find . | cpio -o -H newc --quiet | gzip -1) > initrd.template
printf '%s\n' '#!/bin/sh' "printf '%s\\n' \"\$*\" >> $work/kexec.calls" \
	"loaded=1; for a; do [ \"\$a\" = -u ] && loaded=0; done" \
	"echo \$loaded > $work/sys/kernel/kexec_crash_loaded" > bin/kexec
printf '%s\n' '#!/bin/sh' "printf '%s\\n' \"\$*\" >> $work/mkdumprd.calls" 'for last; do :; done' \
	"cp $work/initrd.template \"\$last\"" 'echo "mkdumprd: wrote $last"' > bin/mkdumprd
chmod +x bin/kexec bin/mkdumprd
printf '%s\n' "path /var/crash" "core_collector dumpsave -l -d 31" > kdump.conf
export KDUMPCTL_SYSFS=$work/sys KDUMPCTL_PROC=$work/proc KDUMP_CONF=$work/kdump.conf \
	KDUMP_SETTINGS=$work/settings KDUMPCTL_KEXEC=$work/bin/kexec KDUMPCTL_MKDUMPRD=$work/bin/mkdumprd \
	KDUMPCTL_LIBEXECDIR=$work/lib KDUMPCTL_GRUB=$work/grub
unset JOURNAL_STREAM

# run ARGS... — kdumpctl's exit status in $status, its output in out/err.
run() { "$kdumpctl" "$@" > out 2> err; status=$?; }
calls() { if [ -f "$1.calls" ]; then wc -l < "$1.calls"; else echo 0; fi; }

# ---- status ------------------------------------------------------------------------------------
run status
[ $status -eq 3 ] && grep -qx 'Kdump is not operational' out && grep -q 'reserved but no capture kernel is loaded' out
ok $? "status, nothing loaded: exit $status, \"$(head -n 1 out)\""
echo 1 > sys/kernel/kexec_crash_loaded
run status
[ $status -eq 0 ] && grep -qx 'Kdump is operational' out
ok $? "status, loaded: exit $status, \"$(cat out)\""
echo 0 > sys/kernel/kexec_crash_loaded

# ---- start without a reservation -------------------------------------------------------------
echo 0 > sys/kernel/kexec_crash_size
run start
[ $status -eq 1 ] && grep -q 'no memory is reserved for the crash kernel' err &&
	grep -q 'crashkernel=SIZE to the kernel command line' err && grep -q 'kdumpctl reset-crashkernel' err
ok $? "start, kexec_crash_size 0: exit $status, \"$(head -c 160 err)…\""
is "$(calls kexec)+$(calls mkdumprd)" "0+0" "start, no reservation: neither kexec nor mkdumprd ran"
run status
[ $status -eq 3 ] && grep -q 'no memory is reserved' out
ok $? "status without a reservation: exit $status and says why"
echo $((96 << 20)) > sys/kernel/kexec_crash_size

# ---- start with a broken kdump.conf ------------------------------------------------------------
cp kdump.conf good.conf
printf '%s\n' "path /var/crash" "core_collector dumpsave -l -d 31" "corecollector dumpsave" > kdump.conf
run start
[ $status -eq 1 ] && grep -q "kdump.conf:3: unknown option \"corecollector\" (did you mean \"core_collector\"?)" err
ok $? "start, broken line 3: exit $status, \"$(cat err)\""
is "$(calls kexec)+$(calls mkdumprd)+$(cat sys/kernel/kexec_crash_loaded)" "0+0+0" "start, broken kdump.conf: nothing built, nothing loaded"
# What the capture /init could not do is refused at start, with its line, before anything is built.
# Hooks outside /tmp: the capture /init mounts a tmpfs there, and kdumpctl refuses hooks under it.
# Not under /tmp (the tree may be: a clone made by mktemp -d), /var/tmp is not hidden.
hooks=$(mktemp -d /var/tmp/kdumpctl-hooks-XXXX) || bail "mktemp under /var/tmp"
trap 'rm -rf "$work" "$hooks"' EXIT
printf '%s\n' '#!/bin/bash' 'echo pre' > "$hooks/bash-hook"
printf '%s\n' '#!/bin/sh' 'echo pre' > "$hooks/sh-hook"
chmod +x "$hooks/bash-hook" "$hooks/sh-hook"
refused_at_start() { # LINE-2-OF-KDUMP.CONF EXPECTED-MESSAGE
	printf '%s\n' "path /var/crash" "$1" > kdump.conf
	run start
	[ $status -eq 1 ] && grep -qF "$2" err && [ "$(calls kexec)+$(calls mkdumprd)" = "0+0" ]
	ok $? "start refuses \"$1\": exit $status, nothing built or loaded; expected \"$2\", got \"$(cat err)\""
}
refused_at_start "raw /dev/sdb1
core_collector dumpsave -E -d 31" "kdump.conf:2: raw /dev/sdb1: core_collector -E: a raw target holds a kdump-compressed dump's flattened stream, not ELF"
refused_at_start "nfs srv.invalid:/export" "kdump.conf:2: nfs srv.invalid:/export: NFS server srv.invalid: srv.invalid does not resolve to an IPv4 address here"
refused_at_start "nfs 10.9.8.7:/export
nfs_options vers=4.1,proto=udp" "kdump.conf:3: nfs_options: proto=udp: the capture /init mounts over TCP (IPv4) only"
refused_at_start "nfs 10.9.8.7:/export
nfs_options sec=krb5p" "kdump.conf:3: nfs_options: sec=krb5p: only sec=sys: the capture kernel has no Kerberos credentials (no gssd)"
refused_at_start "nfs_options vers=3" "kdump.conf:2: nfs_options without an nfs target"
refused_at_start "core_collector makedumpfile -p -d 31" "kdump.conf:2: core_collector \"makedumpfile -p -d 31\": -p (snappy): the capture /init links no snappy"
refused_at_start "core_collector makedumpfile -d 64" "kdump.conf:2: core_collector \"makedumpfile -d 64\": -d 64: the dump level is a number from 0 to 31"
refused_at_start "kdump_pre $hooks/bash-hook" "kdump.conf:2: kdump_pre $hooks/bash-hook: its interpreter /bin/bash is not in the capture image"
refused_at_start "kdump_post $work/sh-hook" "kdump.conf:2: kdump_post $work/sh-hook: the capture /init mounts a file system over /tmp, which hides it there"
refused_at_start "ssh -oProxyCommand=touch\${IFS}x@h" "kdump.conf:2: ssh \"-oProxyCommand=touch\${IFS}x@h\": a user or host starting with '-' would be read as an ssh option; refused"
printf '%s\n' "path /var/crash" "nfs srv.invalid:/export" > kdump.conf
echo 1 > sys/kernel/kexec_crash_loaded
run restart
[ $status -eq 1 ] && grep -qF "kdump.conf:2: nfs srv.invalid:/export" err && [ "$(calls kexec)" = 0 ] && [ "$(cat sys/kernel/kexec_crash_loaded)" = 1 ]
ok $? "restart with an nfs target by name: refused before the loaded kernel is unloaded (\"$(cat err)\")"
echo 0 > sys/kernel/kexec_crash_loaded
printf '%s\n' "path /var/crash" "kdump_pre $hooks/sh-hook" > kdump.conf
run start
[ $status -eq 0 ]
ok $? "start accepts a #!/bin/sh kdump_pre (busybox sh is packed): exit $status, stderr: $(tr "\n" " " < err)"
run stop
rm -f kexec.calls mkdumprd.calls var/initrd.img var/initrd.img.inputs
cp good.conf kdump.conf

# ---- start ---------------------------------------------------------------------------------------
run start
[ $status -eq 0 ] && grep -q "rebuilding $work/var/initrd.img: it does not exist" err
ok $? "start: exit $status, builds the missing initramfs; stderr: $(tr "\n" " " < err)"
is "$(cat mkdumprd.calls)" "--kernel 9.9.9-test -c $work/kdump.conf $work/var/initrd.img" "mkdumprd's arguments (KDUMP_KERNELVER, the kdump.conf, KDUMP_INITRD)"
want="-p $work/vmlinuz --initrd=$work/var/initrd.img --command-line=root=UUID=1234 ro quiet console=ttyS0,115200 irqpoll nr_cpus=1 reset_devices maxcpus=1 cgroup_disable=memory cgroup.memory=nokmem mce=off numa=off transparent_hugepage=never hest_disable novmcoredd cma=0 hugetlb_cma=0 acpi_no_memhotplug initcall_blacklist=tracer_init_tracefs cryptomgr.notests panic=10"
is "$(cat kexec.calls)" "$want" "kexec -p: kernel, initrd, /proc/cmdline without BOOT_IMAGE/crashkernel/nr_cpus, root= kept, the capture savers (KDUMPCTL_DEFAULT_APPEND) appended, panic=10 last"
# The default written down for users — conf/default-kdump's commented line and the table of
# docs/formats/default-kdump.md — is the one kdumpctl appends (systemd/ctl.h).
appended=${want#*console=ttyS0,115200 }
appended=${appended% panic=10}
is "$(sed -n 's/^#KDUMP_COMMANDLINE_APPEND="\(.*\)"$/\1/p' "$top/conf/default-kdump")" "$appended" \
	"conf/default-kdump documents the KDUMP_COMMANDLINE_APPEND that kdumpctl appends"
is "$(sed -n 's/^| `KDUMP_COMMANDLINE_APPEND` | `\([^`]*\)` |.*/\1/p' "$top/docs/formats/default-kdump.md")" "$appended" \
	"docs/formats/default-kdump.md documents the same default"
grep -q 'loaded the capture kernel .* into the 96 MiB reservation' err && grep -q 'a crash saves to the root filesystem, path /var/crash' err
ok $? "start reports what was loaded: \"$(grep -o 'loaded the capture kernel.*reservation' err)\""
grep -q "^absent  /lib/modules/9.9.9-test/modules.dep\$" var/initrd.img.inputs &&
	grep -q "^[0-9a-f]\{64\}  $work/kdump.conf\$" var/initrd.img.inputs && grep -q "^[0-9a-f]\{64\}  $work/vmlinuz\$" var/initrd.img.inputs
ok $? "the inputs' sums are recorded beside the initramfs ($(grep -vc '^#' var/initrd.img.inputs) inputs)"
run start
[ $status -eq 0 ] && grep -q 'already loaded' err && [ "$(calls kexec)" = 1 ]
ok $? "start when loaded: exit $status, nothing done (\"$(cat err)\")"

# ---- restart: rebuild only on a change --------------------------------------------------------
run restart
[ $status -eq 0 ] && grep -q 'is up to date: not rebuilt' err
ok $? "restart, nothing changed: not rebuilt (\"$(grep -o '[^ ]* is up to date.*' err)\")"
is "$(calls mkdumprd)" 1 "restart, nothing changed: mkdumprd not run"
echo "final_action poweroff" >> kdump.conf
run restart
[ $status -eq 0 ] && grep -q "rebuilding $work/var/initrd.img: $work/kdump.conf changed since the last build" err
ok $? "restart after a kdump.conf change: \"$(grep -o 'rebuilding.*' err)\""
is "$(calls mkdumprd)" 2 "restart after a kdump.conf change: mkdumprd run again"
run restart
is "$(calls mkdumprd)" 2 "restart again without a change: not rebuilt"
printf 'new kernel' >> vmlinuz
run restart
grep -q "$work/vmlinuz changed since the last build" err && [ "$(calls mkdumprd)" = 3 ]
ok $? "restart after the kernel image changed: rebuilt (\"$(grep -o 'rebuilding.*' err)\")"
echo v2 > lib/kdump-init
run restart
grep -q "$work/lib/kdump-init appeared since the last build" err && [ "$(calls mkdumprd)" = 4 ]
ok $? "restart after kdumpkit's capture /init changed: rebuilt (\"$(grep -o 'rebuilding.*' err)\")"
echo "force_no_rebuild 1" >> kdump.conf
run restart
grep -q "is out of date (.*kdump.conf changed since the last build) but .* says force_no_rebuild" err && [ "$(calls mkdumprd)" = 4 ]
ok $? "force_no_rebuild: out of date but not rebuilt, with a warning"
sed -i 's/^force_no_rebuild 1$/force_rebuild 1/' kdump.conf
run restart
run restart
grep -q "says force_rebuild" err && [ "$(calls mkdumprd)" = 6 ]
ok $? "force_rebuild: rebuilt at every start ($(calls mkdumprd) mkdumprd runs)"
sed -i '/^force_rebuild 1$/d' kdump.conf
run rebuild
[ $status -eq 0 ] && grep -q 'rebuilding .*: asked to' err && [ "$(calls mkdumprd)" = 7 ]
ok $? "rebuild: always ($(grep -o 'rebuilding.*' err))"

# ---- restart with a broken kdump.conf keeps the loaded kernel -----------------------------------
kexec_before=$(calls kexec)
echo "ext4 relative/dir" >> kdump.conf
run restart
[ $status -eq 1 ] && grep -q 'kdump.conf:4: ext4 "relative/dir": expected a device: .* (the loaded capture kernel, if any, stays)' err &&
	[ "$(cat sys/kernel/kexec_crash_loaded)" = 1 ] && [ "$(calls kexec)" = "$kexec_before" ]
ok $? "restart with a broken kdump.conf: exit $status, still loaded, kexec not run (\"$(cat err)\")"
sed -i '$d' kdump.conf

# ---- stop, test ----------------------------------------------------------------------------------
run stop
[ $status -eq 0 ] && [ "$(tail -n 1 kexec.calls)" = "-p -u" ] && [ "$(cat sys/kernel/kexec_crash_loaded)" = 0 ]
ok $? "stop: kexec -p -u, unloaded"
run status
is "$status" 3 "status after stop: exit 3"
run test --force
[ $status -eq 1 ] && grep -q 'kdump is not operational' err && [ ! -e proc/sysrq-trigger ]
ok $? "test --force when not loaded: refused, nothing written (\"$(cat err)\")"
run reload
[ $status -eq 0 ] && grep -q 'loaded the capture kernel' err && ! grep -q rebuilding err
ok $? "reload: loaded again, the initramfs as it is"
echo no | "$kdumpctl" test > out 2> err
status=$?
[ $status -eq 1 ] && grep -q 'Type yes to go on' err && grep -q 'not confirmed' err && [ ! -e proc/sysrq-trigger ]
ok $? "test without --force, answer no: exit $status, nothing written"
run test --force
[ $status -eq 0 ] && [ "$(cat proc/sysrq-trigger)" = c ]
ok $? "test --force: wrote \"$(cat proc/sysrq-trigger 2>/dev/null)\" to <proc>/sysrq-trigger"
rm -f proc/sysrq-trigger

# ---- showmem, estimate ---------------------------------------------------------------------------
printf '%s\n' "00000000-00000fff : Reserved" "00100000-3fffffff : System RAM" \
	"  39000000-3effffff : Crash kernel" > proc/iomem
run showmem
grep -q 'Reserved 96 MiB (100663296 bytes)' out && grep -q 'at 0x39000000-0x3effffff (96 MiB' out
ok $? "showmem: $(tr '\n' ' ' < out)"
run estimate
initrd_size=$(stat -c %s var/initrd.img)
unpacked=$(zcat var/initrd.img | python3 -c '
import sys
d = sys.stdin.buffer.read(); o = 0; t = 0
while True:
    size = int(d[o+54:o+62], 16); namesize = int(d[o+94:o+102], 16)
    name = d[o+110:o+110+namesize-1]
    if name == b"TRAILER!!!": break
    t += size; o += (110 + namesize + 3) // 4 * 4; o += (size + 3) // 4 * 4
print(t)')
needed=$(( ((0x3000000 + initrd_size + unpacked + 100000 + 20472490) * 4096 + 4031) / 4032 ))
rec=$(( (needed + (8 << 20) + (4 << 20) - 1) / (4 << 20) * 4 ))
[ $status -eq 0 ] && grep -q "^Recommended crashkernel: ${rec}M\$" out && grep -q 'modules in it: 1, 0.1 MiB' out &&
	grep -q 'init_size 48.0 MiB' out
ok $? "estimate: (48 MiB + $initrd_size + $unpacked + 100000 + 20472490) x 4096/4032 = $needed bytes, + 8 MiB margin, up to 4 MiB → ${rec}M: \"$(grep Recommended out)\""
grep -q 'calibration: tests/lab/t/55-crashkernel.sh: the largest of the lab kernels. needs, 7.2.13+deb14-cloud-amd64 in a 1 GiB guest, captured at crashkernel=80M, failed at 76M, taken at 84M' out &&
	grep -q '^formula: ' out && grep -q 'RAM here: 1024 MiB' out
ok $? "estimate states its calibration and formula: $(grep -o 'calibration: [^)]*' out)"
floor=$(awk -v n="$needed" 'BEGIN { printf "%.1f", (n - 50331648) / 1048576 }')
grep -q "^above the kernel's init_size (48.0 MiB, the floor): $floor MiB = initramfs 0.0 + unpacked 0.1 + modules 0.1 + runtime 19.5 + mem_map" out
ok $? "estimate says how far above the kernel's init_size each part goes: $(grep '^above' out)"
# The image is read with libarchive: a zstd one counts the same, a cut one is named, not guessed at.
cp var/initrd.img initrd.gz.saved
zcat initrd.gz.saved | zstd -q -c > var/initrd.img
run estimate
grep -q 'modules in it: 1, 0.1 MiB' out && grep -q "^initramfs .*, $(awk -v u="$unpacked" 'BEGIN { printf "%.1f", u / 1048576 }') MiB unpacked" out
ok $? "estimate reads a zstd initramfs too: $(grep '^initramfs' out)"
head -c $(( $(stat -c %s initrd.gz.saved) / 2 )) initrd.gz.saved > var/initrd.img
run estimate
[ $status -ne 0 ] && grep -q "initramfs $work/var/initrd.img: .*trunc" err
ok $? "estimate on a cut initramfs: exit $status, \"$(head -n 1 err)\""
mv initrd.gz.saved var/initrd.img

# ---- reset-crashkernel ---------------------------------------------------------------------------
printf '%s\n' '# grub' 'GRUB_DEFAULT=0' 'GRUB_CMDLINE_LINUX_DEFAULT="quiet crashkernel=64M"' 'GRUB_CMDLINE_LINUX="console=ttyS0"' > grub
cp grub grub.orig
run reset-crashkernel --size=128M
backup=$(ls grub.kdumpctl-* 2>/dev/null | head -n 1)
[ $status -eq 0 ] && [ -n "$backup" ] && cmp -s "$backup" grub.orig
ok $? "reset-crashkernel --size=128M: exit $status, backup $backup is the old file"
is "$(grep '^GRUB_CMDLINE' grub | tr '\n' '|')" 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"|GRUB_CMDLINE_LINUX="console=ttyS0 crashkernel=128M"|' \
	"GRUB_CMDLINE_LINUX gets crashkernel=128M, the old one leaves _DEFAULT"
grep -q 'run update-grub and reboot' err && grep -q "the old file is $work/$backup" err
ok $? "reset-crashkernel says what it did and what is next"
sleep 1
run reset-crashkernel --size=128M
[ $status -eq 0 ] && grep -q 'already sets crashkernel=128M: unchanged' err && [ "$(ls grub.kdumpctl-* | wc -l)" = 1 ]
ok $? "reset-crashkernel again: unchanged, no second backup"
printf 'GRUB_TIMEOUT=5\n' > grub
run reset-crashkernel
[ $status -eq 0 ] && grep -qx "GRUB_CMDLINE_LINUX=\"crashkernel=${rec}M\"" grub && grep -q "estimate recommends crashkernel=${rec}M" err
ok $? "reset-crashkernel without --size: the estimate's ${rec}M, a GRUB_CMDLINE_LINUX line added"

# The effective value only, inside the quotes; a trailing comment kept; grub.d/*.cfg read.
printf '%s\n' 'GRUB_CMDLINE_LINUX="quiet splash" # keep quiet' > grub
run reset-crashkernel --size=256M
is "$(cat grub)" 'GRUB_CMDLINE_LINUX="quiet splash crashkernel=256M" # keep quiet' \
	"reset-crashkernel edits inside the quotes, the trailing comment kept (exit $status)"
mkdir -p grub.d
printf '%s\n' 'GRUB_CMDLINE_LINUX="quiet crashkernel=64M"' 'GRUB_CMDLINE_LINUX_DEFAULT="crashkernel=1G"' > grub
printf '%s\n' '# cloud image' "GRUB_CMDLINE_LINUX='console=ttyS0' # serial" > grub.d/50-cloud.cfg
printf '%s\n' 'GRUB_TIMEOUT=0' > grub.d/60-other.cfg
cp grub.d/60-other.cfg other.orig
run reset-crashkernel --size=192M
[ $status -eq 0 ] && [ "$(tr '\n' '|' < grub)" = 'GRUB_CMDLINE_LINUX="quiet"|GRUB_CMDLINE_LINUX_DEFAULT=""|' ] &&
	[ "$(tr '\n' '|' < grub.d/50-cloud.cfg)" = "# cloud image|GRUB_CMDLINE_LINUX='console=ttyS0 crashkernel=192M' # serial|" ] &&
	cmp -s grub.d/60-other.cfg other.orig && ls grub.d/50-cloud.cfg.kdumpctl-* > /dev/null 2>&1
ok $? "grub.d/50-cloud.cfg sets GRUB_CMDLINE_LINUX last: crashkernel=192M goes there, the others lose theirs; exit $status: $(tr '\n' '|' < grub) $(tr '\n' '|' < grub.d/50-cloud.cfg)"
rm -f grub.d/*.kdumpctl-*
for bad in 'GRUB_CMDLINE_LINUX="quiet $(cat /x)"' 'GRUB_CMDLINE_LINUX="quiet' 'GRUB_CMDLINE_LINUX="a" ; GRUB_X=1' \
	'[ -e /x ] && GRUB_CMDLINE_LINUX="a"' 'GRUB_CMDLINE_LINUX=$X' 'GRUB_CMDLINE_LINUX+=" crashkernel=1G"'; do
	printf '%s\n' 'GRUB_DEFAULT=0' "$bad" > grub.d/70-bad.cfg
	cp grub grub.before
	backups_before=$(ls | grep -c kdumpctl-)
	run reset-crashkernel --size=128M
	[ $status -ne 0 ] && grep -qF "grub.d/70-bad.cfg:2: GRUB_CMDLINE_LINUX: cannot edit it safely" err &&
		cmp -s grub grub.before && [ "$(ls . grub.d | grep -c kdumpctl-)" = "$backups_before" ]
	ok $? "reset-crashkernel refuses $bad: exit $status, nothing written: \"$(head -n 1 err)\""
done
rm -rf grub.d

# ---- get-default-crashkernel, auto_reset_crashkernel ---------------------------------------------
run get-default-crashkernel
is "$status:$(cat out)" "0:${rec}M" "get-default-crashkernel prints the estimate's value alone on stdout"
run stop
cp kdump.conf kdump.conf.before
echo "auto_reset_crashkernel yes" >> kdump.conf
printf '%s\n' 'GRUB_CMDLINE_LINUX="console=ttyS0 crashkernel=32M"' > grub
echo $((32 << 20)) > sys/kernel/kexec_crash_size
run start
[ $status -eq 0 ] && grep -qx "GRUB_CMDLINE_LINUX=\"console=ttyS0 crashkernel=${rec}M\"" grub &&
	grep -q "auto_reset_crashkernel: 32 MiB reserved, the estimate needs .* MiB: writing crashkernel=${rec}M" err &&
	[ "$(cat sys/kernel/kexec_crash_loaded)" = 1 ]
ok $? "auto_reset_crashkernel, 32M reserved < estimate: crashkernel=${rec}M written, capture kernel still loaded (exit $status): $(grep -o 'auto_reset_crashkernel:.*' err)"
run stop
echo $((96 << 20)) > sys/kernel/kexec_crash_size
cp grub grub.before
run start
[ $status -eq 0 ] && cmp -s grub grub.before && grep -q 'auto_reset_crashkernel: the reservation (96 MiB) covers the estimate' err
ok $? "auto_reset_crashkernel, 96M reserved: grub left alone (exit $status)"
run stop
cp kdump.conf.before kdump.conf

# ---- /etc/default/kdump --------------------------------------------------------------------------
cp settings settings.good
echo 'KDUMP_COMMANDLINE_APPEND="nr_cpus=1 $EXTRA"' >> settings
run status
[ $status -eq 1 ] && grep -q "settings:5: KDUMP_COMMANDLINE_APPEND: \\$ and \` expansions are not supported" err
ok $? "a \$ in /etc/default/kdump: exit $status, \"$(cat err)\""
cp settings.good settings
printf '%s\n' "KDUMP_COMANDLINE_APPEND=x" "KDUMP_COMMANDLINE_REMOVE='quiet console'" "KDUMP_COMMANDLINE_APPEND='irqpoll nr_cpus=1'" >> settings
run stop
run start
grep -q "warning: $work/settings:5: unknown setting KDUMP_COMANDLINE_APPEND (ignored)" err &&
	[ "$(tail -n 1 kexec.calls)" = "-p $work/vmlinuz --initrd=$work/var/initrd.img --command-line=root=UUID=1234 ro irqpoll nr_cpus=1 no5lvl panic=10" ]
ok $? "KDUMP_COMMANDLINE_REMOVE/APPEND shape the command line; a misspelt key is warned about"
cp settings.good settings
# panic=: never 0 or negative on the capture command line, whatever the base or the append say.
printf '%s\n' "KDUMP_PANIC_TIMEOUT=30" "KDUMP_COMMANDLINE='root=UUID=1 panic=-1'" "KDUMP_COMMANDLINE_APPEND='irqpoll panic=0'" >> settings
run stop
run start
is "$(tail -n 1 kexec.calls | sed 's/.*--command-line=//')" "root=UUID=1 irqpoll no5lvl panic=30" \
	"KDUMP_PANIC_TIMEOUT=30: panic=-1 (base) and panic=0 (append) dropped, panic=30 last"
cp settings.good settings
echo "KDUMP_PANIC_TIMEOUT=0" >> settings
run start
[ $status -eq 1 ] && grep -qF "$work/settings:5: KDUMP_PANIC_TIMEOUT \"0\": expected seconds from 1 to 3600" err
ok $? "KDUMP_PANIC_TIMEOUT=0 refused with its line: exit $status, \"$(cat err)\""
cp settings.good settings
# KDUMP_CPUS: the capture kernel's CPUs. auto: one, and one more per 4 MiB the reservation holds
# above the estimate's recommendation (96M reserved, 80M recommended here: 4 more), at most those
# online; the appended nr_cpus=1 maxcpus=1 give way to nr_cpus=N, and the boot CPU (processor 0's
# initial APIC ID in <proc>/cpuinfo) is kept asleep with disable_cpu_apicid=: the capture kernel
# starts on the CPU that crashed, and an INIT sent to the boot CPU can reset the machine.
mkdir -p sys/devices/system/cpu && echo 0-2 > sys/devices/system/cpu/online
printf '%s\n' "processor	: 0" "vendor_id	: GenuineIntel" "apicid		: 5" "initial apicid	: 4" "" \
	"processor	: 1" "apicid		: 0" "initial apicid	: 0" "" > proc/cpuinfo
echo "KDUMP_CPUS=auto" >> settings
run stop
run start
cmdline=$(tail -n 1 kexec.calls | sed 's/.*--command-line=//')
[ $status -eq 0 ] && [[ "$cmdline" == *" nr_cpus=3 disable_cpu_apicid=4 no5lvl panic=10" ]] && [[ "$cmdline" != *"nr_cpus=1"* ]] && [[ "$cmdline" != *maxcpus* ]] &&
	grep -q 'the capture kernel gets 3 CPUs (KDUMP_CPUS=auto: 96 MiB reserved, 80 MiB recommended for one CPU, 4 MiB for each more; 3 online here)' err
ok $? "KDUMP_CPUS=auto, 3 CPUs online, 16 MiB to spare: nr_cpus=3, the boot CPU's initial APIC ID disabled ($(grep -o 'the capture kernel gets.*' err); $cmdline)"
echo 0-63 > sys/devices/system/cpu/online
run stop
run start
[[ "$(tail -n 1 kexec.calls)" == *" nr_cpus=5 disable_cpu_apicid=4 no5lvl panic=10" ]]
ok $? "KDUMP_CPUS=auto, 64 CPUs online: as many as the spare 16 MiB holds, nr_cpus=5"
echo $((80 << 20)) > sys/kernel/kexec_crash_size
run stop
run start
[ "$(tail -n 1 kexec.calls | sed 's/.*--command-line=//')" = "$(echo "${want#*--command-line=}" | sed 's/ panic=10$/ no5lvl panic=10/')" ] &&
	grep -q 'the capture kernel gets 1 CPU (' err
ok $? "KDUMP_CPUS=auto with nothing to spare: one CPU, the command line as before"
echo $((96 << 20)) > sys/kernel/kexec_crash_size
cp settings.good settings && echo "KDUMP_CPUS=2" >> settings
run stop
run start
[[ "$(tail -n 1 kexec.calls)" == *" nr_cpus=2 disable_cpu_apicid=4 no5lvl panic=10" ]]
ok $? "KDUMP_CPUS=2: nr_cpus=2 disable_cpu_apicid=4"
printf '%s\n' "processor	: 1" "initial apicid	: 9" "" "processor	: 0" "initial apicid	: 4" "" > proc/cpuinfo
run stop
run start
[[ "$(tail -n 1 kexec.calls)" == *" nr_cpus=2 disable_cpu_apicid=4 no5lvl panic=10" ]]
ok $? "processor 0 found after another CPU's block: disable_cpu_apicid=4"
printf '%s\n' "processor	: 0" "apicid		: 7" "" > proc/cpuinfo
run stop
run start
[[ "$(tail -n 1 kexec.calls)" == *" nr_cpus=2 disable_cpu_apicid=7 no5lvl panic=10" ]]
ok $? "no initial apicid line (an older kernel): processor 0's apicid, disable_cpu_apicid=7"
echo "KDUMP_COMMANDLINE_APPEND='irqpoll disable_cpu_apicid=3'" >> settings
run stop
run start
[ "$(tail -n 1 kexec.calls | grep -o 'disable_cpu_apicid=[0-9]*')" = disable_cpu_apicid=3 ]
ok $? "disable_cpu_apicid= in KDUMP_COMMANDLINE_APPEND is the administrator's: kept, not added again"
cp settings.good settings && echo "KDUMP_CPUS=2" >> settings
rm proc/cpuinfo
run stop
run start
[ $status -eq 0 ] && [[ "$(tail -n 1 kexec.calls)" != *nr_cpus=2* ]] && [[ "$(tail -n 1 kexec.calls)" != *disable_cpu_apicid* ]] &&
	grep -q "the capture kernel gets 1 CPU (KDUMP_CPUS=2, 64 online here; but the boot CPU's APIC ID is not in $work/proc/cpuinfo" err
ok $? "no <proc>/cpuinfo: one CPU, and why ($(grep -o 'the capture kernel gets.*' err))"
# Kernels whose topology code keeps the real boot CPU asleep in a crash kernel by themselves (6.9
# on) have no disable_cpu_apicid=: where the capture kernel's own System.map (beside KDUMP_KERNEL)
# lacks it, it is not added (and /proc/cpuinfo is not needed); a System.map with its handler
# (6.1), or none to read (the parameters unknown), still gets it.
printf '%s\n' "ffffffff81000000 T _stext" "ffffffff81234560 T topology_register_boot_apic" \
	> "$work/System.map-9.9.9-test"
run stop
run start
[ $status -eq 0 ] && [[ "$(tail -n 1 kexec.calls)" == *" nr_cpus=2 no5lvl panic=10" ]]
ok $? "System.map without disable_cpu_apicid's handler (6.9 on): nr_cpus=2 alone ($(tail -n 1 kexec.calls | grep -o 'nr_cpus.*'))"
printf '%s\n' "ffffffff81000000 T _stext" "ffffffff81234560 t apic_set_disabled_cpu_apicid" > "$work/System.map-9.9.9-test"
printf '%s\n' "processor	: 0" "initial apicid	: 0" > proc/cpuinfo
run stop
run start
[[ "$(tail -n 1 kexec.calls)" == *" nr_cpus=2 disable_cpu_apicid=0 no5lvl panic=10" ]]
ok $? "System.map with its handler (6.1): disable_cpu_apicid=0"
rm -f "$work/System.map-9.9.9-test"
run stop
run start
[[ "$(tail -n 1 kexec.calls)" == *" nr_cpus=2 disable_cpu_apicid=0 no5lvl panic=10" ]]
ok $? "no System.map beside the capture kernel: its parameters unknown, disable_cpu_apicid=0"
rm -f proc/cpuinfo
cp settings.good settings && echo "KDUMP_CPUS=0" >> settings
run start
[ $status -eq 1 ] && grep -qF "$work/settings:5: KDUMP_CPUS \"0\": expected auto or a number of CPUs from 1 to 1024" err
ok $? "KDUMP_CPUS=0 refused with its line: exit $status, \"$(cat err)\""
cp settings.good settings
rm -r sys/devices
# no5lvl: added where all of the machine's RAM lies below 64 TiB (4-level paging maps it; on an
# LA57 CPU 5 levels cost the capture kernel 1 MiB), once, and not when REMOVE names it.
run stop
run start
[[ "$(tail -n 1 kexec.calls)" == *" no5lvl panic=10" ]]
ok $? "no5lvl appended: the iomem's System RAM ends below 64 TiB ($(tail -n 1 kexec.calls | sed 's/.*--command-line=//'))"
cp proc/iomem iomem.saved
printf '%s\n' "00100000-3fffffff : System RAM" "400000000000-400fffffffff : System RAM" > proc/iomem
run stop
run start
[ $status -eq 0 ] && [[ "$(tail -n 1 kexec.calls)" != *no5lvl* ]]
ok $? "no no5lvl with RAM above 64 TiB (the capture kernel keeps 5-level paging): $(tail -n 1 kexec.calls | sed 's/.*--command-line=//')"
cp iomem.saved proc/iomem
echo "KDUMP_COMMANDLINE_REMOVE=no5lvl" >> settings
run stop
run start
[ $status -eq 0 ] && [[ "$(tail -n 1 kexec.calls)" != *no5lvl* ]]
ok $? "KDUMP_COMMANDLINE_REMOVE=no5lvl keeps it off"
cp settings.good settings && echo "KDUMP_COMMANDLINE_APPEND='irqpoll no5lvl'" >> settings
run stop
run start
[ "$(tail -n 1 kexec.calls | grep -o no5lvl | wc -l)" = 1 ]
ok $? "no5lvl in KDUMP_COMMANDLINE_APPEND appears once: $(tail -n 1 kexec.calls | sed 's/.*--command-line=//')"
cp settings.good settings

# ---- ssh target: ip= from the route to it ---------------------------------------------------------
mkdir -p proc/net sys/class/net/lo
printf '%s\n' "Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT" \
	"lo	0000007F	00000000	0001	0	0	0	000000FF	0	0	0" \
	"lo	00000000	FE00007F	0003	0	0	100	00000000	0	0	0" > proc/net/route
echo 02:00:00:00:00:01 > sys/class/net/lo/address
printf '%s\n' "ssh kdump@127.0.0.9" "sshkey $work/ssh/id" > kdump.conf
run stop
run start
tail -n 1 kexec.calls | grep -q -- "--command-line=.* ip=127.0.0.1:::255.0.0.0::02:00:00:00:00:01:none\$"
ok $? "ssh target on-link: $(tail -n 1 kexec.calls | grep -o 'ip=.*')"
printf '%s\n' "ssh kdump@10.9.8.7" "sshkey $work/ssh/id" > kdump.conf
run stop
run start
tail -n 1 kexec.calls | grep -q -- "--command-line=.* ip=127.0.0.1::127.0.0.254:255.0.0.0::02:00:00:00:00:01:none\$"
ok $? "ssh target through the default route: $(tail -n 1 kexec.calls | grep -o 'ip=.*')"
printf '%s\n' "nfs 10.9.8.7:/export" "nfs_options vers=4.2,port=20490" > kdump.conf
run stop
run start
[ $status -eq 0 ] && tail -n 1 kexec.calls | grep -q -- "--command-line=.* ip=127.0.0.1::127.0.0.254:255.0.0.0::02:00:00:00:00:01:none\$" &&
	grep -q "kdump is operational: a crash saves to 10.9.8.7:/export nfs, path /var/crash" err
ok $? "nfs target: accepted, ip= from the route to its server: $(tail -n 1 kexec.calls | grep -o 'ip=.*'); $(grep -o 'kdump is operational.*' err)"
printf '%s\n' "ssh kdump@10.9.8.7" "sshkey $work/ssh/id" > kdump.conf
run stop
run start
# by name: this machine's name servers as ip='s dns0/dns1, loopback stubs (127.0.0.53) left out
printf '%s\n' "nameserver 127.0.0.53" "search lab" "nameserver 192.0.2.53" "nameserver ::1" \
	"nameserver 198.51.100.53" "nameserver 203.0.113.53" > resolv.conf
printf '%s\n' "nfs localhost:/export" > kdump.conf
run stop
KDUMPCTL_RESOLV_CONF=$work/resolv.conf run start
[ $status -eq 0 ] && tail -n 1 kexec.calls | grep -q -- "--command-line=.* ip=127.0.0.1:::255.0.0.0::02:00:00:00:00:01:none:192.0.2.53:198.51.100.53\$" &&
	grep -q "^[0-9a-f]\{64\}  the address of localhost here\$" var/initrd.img.inputs
ok $? "nfs target by name: accepted, ip= carries the name servers, its address here a rebuild input: exit $status, $(tail -n 1 kexec.calls | grep -o 'ip=.*')"
printf '%s\n' "ssh kdump@localhost" "sshkey $work/ssh/id" > kdump.conf
run stop
KDUMPCTL_RESOLV_CONF=$work/resolv.conf run start
tail -n 1 kexec.calls | grep -q -- "--command-line=.* ip=127.0.0.1:::255.0.0.0::02:00:00:00:00:01:none:192.0.2.53:198.51.100.53\$"
ok $? "ssh target by name: ip= carries two non-loopback name servers: $(tail -n 1 kexec.calls | grep -o 'ip=.*')"
grep -q "^[0-9a-f]\{64\}  the address of localhost here\$" var/initrd.img.inputs
ok $? "ssh target by name: its address here is a rebuild input (the image's /etc/hosts holds it)"
printf '%s\n' "ssh kdump@no-such-host.invalid" "sshkey $work/ssh/id" > kdump.conf
run stop
run start
[ $status -ne 0 ] && grep -qF "kdump.conf:1: ssh kdump@no-such-host.invalid: no-such-host.invalid does not resolve to an IPv4 address here" err
ok $? "ssh target by a name that does not resolve here: refused at start with its line: exit $status, \"$(head -c 200 err)\""
printf '%s\n' "ssh kdump@10.9.8.7" "sshkey $work/ssh/id" > kdump.conf
grep -q "^absent  $work/ssh/id\$" var/initrd.img.inputs && grep -q "^absent  $work/ssh/known_hosts\$" var/initrd.img.inputs
ok $? "the ssh key and its known_hosts are rebuild inputs"

# ---- propagate (stand-in ssh and ssh-keygen: what they are asked to do) ---------------------------
printf '%s\n' '#!/bin/sh' "printf 'ssh-keygen %s\\n' \"\$*\" >> $work/ssh.calls" \
	'case "$*" in' '*"-t ed25519"*) for last; do :; done; echo PRIVATE > "$last"; echo "ssh-ed25519 AAAA kdump" > "$last.pub" ;;' \
	'*"-l -F"*) echo "# Host 10.9.8.7 found: line 1"; echo "10.9.8.7 ED25519 SHA256:fake" ;;' 'esac' > bin/ssh-keygen
printf '%s\n' '#!/bin/sh' "printf 'ssh %s\\n' \"\$*\" >> $work/ssh.calls" \
	"printf 'stdin: %s\\n' \"\$(cat)\" >> $work/ssh.calls" > bin/ssh
chmod +x bin/ssh-keygen bin/ssh
KDUMPCTL_SSH=$work/bin/ssh KDUMPCTL_SSH_KEYGEN=$work/bin/ssh-keygen run propagate
[ $status -eq 0 ] && [ "$(stat -c %a ssh/id)" = 600 ] && [ "$(stat -c %a ssh)" = 700 ] &&
	grep -q "^ssh-keygen -q -t ed25519 -N  -C kdump -f $work/ssh/id\$" ssh.calls &&
	grep -q "^ssh -o UserKnownHostsFile=$work/ssh/known_hosts -o StrictHostKeyChecking=accept-new -o HashKnownHosts=no -i $work/ssh/id -- kdump@10.9.8.7 " ssh.calls &&
	grep -q '^stdin: ssh-ed25519 AAAA kdump$' ssh.calls && grep -q "^ssh-keygen -l -F 10.9.8.7 -f $work/ssh/known_hosts\$" ssh.calls &&
	grep -q 'SHA256:fake' out
ok $? "propagate: key made (0600 in a 0700 dir), \"--\" before the destination, public half sent on ssh's stdin, host key recorded beside the key and its fingerprint printed"
: > ssh.calls
KDUMPCTL_SSH=$work/bin/ssh KDUMPCTL_SSH_KEYGEN=$work/bin/ssh-keygen run propagate
! grep -q 'ed25519 -N' ssh.calls && grep -q 'using the existing key' err
ok $? "propagate again: the existing key is kept"
cp good.conf kdump.conf
run propagate
[ $status -eq 1 ] && grep -q 'has no ssh target: nothing to propagate' err
ok $? "propagate without an ssh target: exit $status, \"$(cat err)\""

run frobnicate
[ $status -eq 2 ] && grep -q 'unknown command "frobnicate"' err
ok $? "an unknown command: exit $status"
done_testing
