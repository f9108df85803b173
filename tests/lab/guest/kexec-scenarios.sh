# /lab/run for tests/lab/t/60-kexec.sh (busybox sh). One initramfs serves every kernel in the test;
# the command line says which part this boot plays:
#   kdk_stage=capture   the crash kernel: describe /proc/vmcore and read it end to end
#   kdk_stage=second    the kernel `kexec -e` started: say so
#   kdk_scenario=…      the first kernel: load (and crash) as the scenario says
cmdline=$(cat /proc/cmdline)
arg() {
	for w in $cmdline; do
		case $w in "$1"=*) echo "${w#*=}" ;; esac
	done
}
KEXEC=/kdk/kexec
REF_KEXEC=/ref/kexec
# No ignore_loglevel for the capture kernel: its console must be quiet while the header is printed.
CAPTURE_APPEND="console=ttyS0,115200 irqpoll nr_cpus=1 reset_devices maxcpus=1 panic=-1 kdk_stage=capture"
SECOND_APPEND="console=ttyS0,115200 panic=-1 ignore_loglevel kdk_stage=second"

# run LABEL CMD... — run a command, its output between markers, then its exit status.
run() {
	label=$1; shift
	lab_marker "$label begin"
	"$@" 2>&1
	rc=$?
	lab_marker "$label end rc=$rc"
	return $rc
}

crash_loaded() { lab_marker "kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"; }
# Whether the kernel updates the loaded image's elfcorehdr on hotplug (absent: no CRASH_HOTPLUG).
sysfs_value() { cat "$1" 2> /dev/null || echo absent; }
hotplug_state() {
	lab_marker "crash_hotplug memory=$(sysfs_value /sys/devices/system/memory/crash_hotplug) cpu=$(sysfs_value /sys/devices/system/cpu/crash_hotplug) elfcorehdr_size=$(sysfs_value /sys/kernel/crash_elfcorehdr_size)"
}

crash_now() {
	lab_marker "crashing"
	lab_drain
	echo c > /proc/sysrq-trigger
}

case $(arg kdk_stage) in
capture)
	lab_marker "capture kernel up"
	echo 1 > /proc/sys/kernel/printk
	lab_marker "vmcore header begin"
	head -c 16384 /proc/vmcore | gzip -c | base64
	lab_marker "vmcore header end"
	# dd in 1 MiB reads, then the bytes after its last whole MiB counted apart: busybox's wc -c
	# counts a pipe byte by byte, which took a minute under TCG for 800 MB (dd: 4 s)
	records=$(dd if=/proc/vmcore of=/dev/null bs=1M 2>&1 | sed -n 's/^\([0-9]*\)+[0-9]* records in$/\1/p')
	rest=$(dd if=/proc/vmcore bs=1M skip="${records:-0}" 2> /dev/null | wc -c)
	bytes=$((${records:-0} * 1048576 + rest))
	lab_marker "vmcore read end to end: $bytes bytes"
	poweroff -f
	;;
second)
	lab_marker "second kernel up via kexec -e"
	poweroff -f
	;;
esac

run iomem cat /proc/iomem
case $(arg kdk_scenario) in
ref-s)
	# -d output against the reference loader's, --status and -u on the way, then a real crash
	# through kexec_file_load.
	run status-before $KEXEC --status
	run ours-d $KEXEC -c -p -d /vmlinuz --initrd=/capture.img --append="$CAPTURE_APPEND"
	crash_loaded
	run status-loaded $KEXEC -S
	run unload $KEXEC -u -p
	crash_loaded
	run status-unloaded $KEXEC -S
	run reference-d $REF_KEXEC -c -p -d /vmlinuz --initrd=/capture.img --append="$CAPTURE_APPEND"
	run reference-unload $KEXEC -u -p
	crash_loaded
	run load-s $KEXEC -s -p /vmlinuz --initrd=/capture.img --append="$CAPTURE_APPEND"
	crash_loaded
	hotplug_state
	crash_now
	;;
crash-c)
	append=$CAPTURE_APPEND
	# The capture kernel must not take the hot-added DIMM as its own memory (ACPI memory
	# hotplug at its boot): it would then refuse to read it from /proc/vmcore (EFAULT, "ioremap
	# on RAM"). kdumpctl's default capture command line has acpi_no_memhotplug for this.
	[ "$(arg kdk_hotplug)" = 1 ] && append="$append acpi_no_memhotplug"
	run load-c $KEXEC -c -p /vmlinuz --initrd=/capture.img --append="$append"
	crash_loaded
	hotplug_state
	if [ "$(arg kdk_hotplug)" = 1 ]; then
		# The host adds a DIMM (QMP) now; the kernel onlines it (memhp_default_state=online)
		# and, the image loaded with KEXEC_UPDATE_ELFCOREHDR, rewrites our elfcorehdr.
		before=$(grep -c 'System RAM' /proc/iomem)
		lab_marker "hotplug: waiting for memory"
		i=0
		while [ "$(grep -c 'System RAM' /proc/iomem)" -le "$before" ] && [ $i -lt 600 ]; do
			sleep 0.2
			i=$((i + 1))
		done
		sleep 1
		lab_marker "hotplug: memory blocks online $(grep -l online /sys/devices/system/memory/memory*/state | wc -l)"
		run iomem-hotplugged cat /proc/iomem
		hotplug_state
	fi
	crash_now
	;;
corrupt)
	# Errors first: a region too small for what is asked, through both syscalls.
	head -c 300000000 /dev/zero > /tmp/big.img
	run too-small-c $KEXEC -c -p /vmlinuz --initrd=/tmp/big.img --append="$CAPTURE_APPEND"
	run too-small-s $KEXEC -s -p /vmlinuz --initrd=/tmp/big.img --append="$CAPTURE_APPEND"
	rm -f /tmp/big.img
	run load-corrupt $KEXEC -c -p --test-corrupt-digest --console-serial /vmlinuz \
		--initrd=/capture.img --append="$CAPTURE_APPEND"
	crash_loaded
	crash_now
	;;
exec-l)
	# Booted without crashkernel=: the errors a user meets, then kexec -l and -e.
	run no-region-c $KEXEC -c -p /vmlinuz --initrd=/capture.img --append="$CAPTURE_APPEND"
	run no-region-s $KEXEC -s -p /vmlinuz --initrd=/capture.img --append="$CAPTURE_APPEND"
	run exec-nothing $KEXEC -e
	run load-l $KEXEC -c -l /vmlinuz --initrd=/capture.img --append="$SECOND_APPEND"
	lab_marker "kexec_loaded=$(cat /sys/kernel/kexec_loaded)"
	run status-l $KEXEC -l -S
	run exec $KEXEC -e
	;;
*)
	lab_marker "no kdk_scenario on the command line"
	;;
esac
