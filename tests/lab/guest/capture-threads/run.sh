# /lab/run of tests/bench/14-capture-threads.sh (busybox sh): fill kdk_fill_mib MiB of tmpfs with
# text-like data (base64 of random bytes: about as compressible as code and logs), load the
# capture kernel with nr_cpus=kdk_cpus (our kexec, kexec_file_load) and crash. The capture /init
# saves with the core_collector of the image's kdump.conf and says how long the vmcore took.
# As kdumpctl does for more than one CPU, the boot CPU's APIC ID is given as disable_cpu_apicid=
# where the kernel has that parameter (the capture kernel must not send it an INIT; 6.9 on see
# to it themselves); the crash is made on CPU kdk_crash_cpu (default
# 0, taskset), so that the capture kernel starts on the boot CPU and brings up the others (on
# another CPU it comes up with one CPU fewer, the boot CPU left asleep).
cmdline=$(cat /proc/cmdline)
arg() {
	for w in $cmdline; do
		case $w in "$1"=*) echo "${w#*=}" ;; esac
	done
}
cpus=$(arg kdk_cpus)
fill=$(arg kdk_fill_mib)
head -c $((fill * 786432)) /dev/urandom | base64 > /tmp/fill.txt
lab_marker "filled $(du -m /tmp/fill.txt | cut -f1) MiB"
# the lab's capture words (kdumpctl's default) with this run's CPU count
append="console=ttyS0,115200 $(sed -e 's/ *nr_cpus=[^ ]*//' -e 's/ *maxcpus=[^ ]*//' /lab/capture-words) nr_cpus=${cpus:-1} panic=-1"
if [ "${cpus:-1}" -gt 1 ] && grep -q ' apic_set_disabled_cpu_apicid$' /proc/kallsyms; then
	apicid=$(awk '$1 == "processor" { cpu = $3 } cpu == "0" && /^initial apicid/ { print $NF; exit }' /proc/cpuinfo)
	append="$append disable_cpu_apicid=${apicid:-0}"
fi
/kdk/kexec -s -p /vmlinuz --initrd=/capture.img --append="$append"
lab_marker "kexec -p rc=$? kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
lab_drain
crash_cpu=$(arg kdk_crash_cpu)
taskset $((1 << ${crash_cpu:-0})) sh -c 'echo c > /proc/sysrq-trigger'
