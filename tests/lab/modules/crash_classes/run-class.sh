# /lab/run for a crash class of the crash_classes module (tests/lab/make-fixture prepends
# CLASS=…): start the workload, set the sysctls that make the class a panic, crash in a child
# process (never in PID 1), and for "nmi" wait for the NMI QEMU injects.
lab_workload
case $CLASS in
softirq|workqueue|stackoverflow) echo 1 > /proc/sys/kernel/panic_on_oops ;;
softlockup) echo 1 > /proc/sys/kernel/softlockup_panic; echo 2 > /proc/sys/kernel/watchdog_thresh ;;
hungtask) echo 1 > /proc/sys/kernel/hung_task_panic; echo 2 > /proc/sys/kernel/hung_task_timeout_secs ;;
nmi) echo 1 > /proc/sys/kernel/unknown_nmi_panic ;;
esac
lab_marker "crashing: $CLASS"
lab_drain
case $CLASS in
nmi) lab_marker "waiting for an NMI" ;;
*) sh -c "echo $CLASS > /proc/crash_classes" & ;;
esac
sleep 600
