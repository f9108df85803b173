# /lab/run for a sysrq crash: start the workload, then panic through the sysrq trigger.
lab_workload
lab_marker "crashing: sysrq"
lab_drain
echo c > /proc/sysrq-trigger
