# /lab/run for the capture-cycle tests (t/50-capture.sh, make demo), busybox sh: load the capture
# kernel with our kexec and the initramfs from our mkdumprd, then crash. The first kernel's command
# line says how:
#   kdk_kexec=-c|-s|-a   which syscall kexec uses (default -a)
#   kdk_crash=sysrq|oops  how to crash (default sysrq)
#   kdk_root=SPEC         root=SPEC on the capture command line (dump_to_rootfs's root filesystem)
#   kdk_wait=N            kdumpkit.wait=N: how long the capture /init waits for its target
#   kdk_capture_append=W  W appended to the capture command line as it is (ip=… for ssh
#                         targets); may be given more than once
#   kdk_capture_cpus=N    nr_cpus=N for the capture kernel instead of 1 (and, as kdumpctl does,
#                         disable_cpu_apicid= where the kernel has it); the crash is then made on
#                         CPU 0, so that the capture kernel starts on the boot CPU and has N
cmdline=$(cat /proc/cmdline)
arg() {
	for w in $cmdline; do
		case $w in "$1"=*) echo "${w#*=}" ;; esac
	done
}
# The capture command line: kdumpctl's default words (/lab/capture-words, from systemd/ctl.h):
# one CPU, devices reset, and the memory-hungry features off (what
# kdump distributions append: no memory cgroup, MCE, NUMA, THP, HEST or CMA), and no tracefs:
# before eventfs (6.6) its event directories take ~8 MiB of dentries at boot, which is what
# made a 6.1 capture kernel run out of memory at crashkernel=64M; nor the crypto self-tests,
# whose allocations at boot were the next to run it out; nor kernel-memory accounting
# (cgroup.memory=nokmem: cgroup_disable=memory leaves it on, and then the first dynamic per-CPU
# chunk carries a 4 MiB array of cgroup pointers — the unit is 2 MiB on x86_64; off, a 6.1
# capture kernel captures at crashkernel=60M).
append="console=ttyS0,115200 $(cat /lab/capture-words) panic=-1"
[ -n "$(arg kdk_root)" ] && append="$append root=$(arg kdk_root)"
[ -n "$(arg kdk_wait)" ] && append="$append kdumpkit.wait=$(arg kdk_wait)"
for w in $(arg kdk_capture_append); do append="$append $w"; done
mode=$(arg kdk_kexec)
cpus=$(arg kdk_capture_cpus)
crash_on=
if [ "${cpus:-1}" -gt 1 ]; then
	append=$(echo "$append" | sed "s/ nr_cpus=1 / nr_cpus=$cpus /; s/ maxcpus=1 / /")
	if grep -q ' apic_set_disabled_cpu_apicid$' /proc/kallsyms; then
		apicid=$(awk '$1 == "processor" { cpu = $3 } cpu == "0" && /^initial apicid/ { print $NF; exit }' /proc/cpuinfo)
		append="$append disable_cpu_apicid=${apicid:-0}"
	fi
	crash_on="taskset 1"
fi

# A userland worth looking at in the dump: sleepers, a busy loop, a pipe.
i=0
while [ $i -lt 16 ]; do
	sleep 100000 &
	i=$((i + 1))
done
sh -c 'while :; do :; done' &
sh -c 'sleep 100000 | cat' &
lab_marker "workload started"

/kdk/kexec ${mode:--a} -p /vmlinuz --initrd=/capture.img --append="$append"
lab_marker "kexec -p rc=$? kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
case $(arg kdk_crash) in
oops)
	echo 1 > /proc/sys/kernel/panic_on_oops
	lab_marker "crashing (oops)"
	lab_drain
	$crash_on sh -c 'echo 1 > /proc/oops_test'
	;;
*)
	lab_marker "crashing (sysrq)"
	lab_drain
	if [ -n "$crash_on" ]; then
		$crash_on sh -c 'echo c > /proc/sysrq-trigger'
	else
		echo c > /proc/sysrq-trigger
	fi
	;;
esac
