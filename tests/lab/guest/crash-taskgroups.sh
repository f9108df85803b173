# /lab/run for the taskgroups fixture (kcrash's runq -g, t/69): the workload, then CFS tasks in
# nested cgroup v2 groups with the cpu controller — two busy groups under one parent, a group that
# cpu.max throttles (1 ms in every 100 ms) — and an autogroup (a setsid session: a task group with
# no cgroup), then a sysrq panic.
lab_workload
cg=/sys/fs/cgroup
mount -t cgroup2 none $cg || lab_marker "taskgroups: mount cgroup2 failed"
echo +cpu > $cg/cgroup.subtree_control || lab_marker "taskgroups: no cpu controller"
mkdir -p $cg/kdk-batch/kdk-a $cg/kdk-batch/kdk-b $cg/kdk-capped
echo +cpu > $cg/kdk-batch/cgroup.subtree_control
echo "1000 100000" > $cg/kdk-capped/cpu.max
for group in kdk-batch/kdk-a kdk-batch/kdk-a kdk-batch/kdk-b kdk-capped kdk-capped; do
	sh -c "echo \$\$ > $cg/$group/cgroup.procs && while :; do :; done" &
done
setsid sh -c 'while :; do :; done' &
sleep 2
lab_marker "taskgroups: kdk-capped $(grep nr_throttled $cg/kdk-capped/cpu.stat | tr '\n' ' ')"
lab_marker "crashing: sysrq"
lab_drain
echo c > /proc/sysrq-trigger
