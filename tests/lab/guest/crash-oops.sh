# /lab/run for a module oops: start the workload, make every oops a panic, then have a child
# process (not init: an oops in PID 1 ends as "Attempted to kill init") write to the oops_test
# module's proc file, whose handler writes through a NULL pointer.
lab_workload
echo 1 > /proc/sys/kernel/panic_on_oops
lab_marker "crashing: oops"
lab_drain
sh -c 'echo 1 > /proc/oops_test'
