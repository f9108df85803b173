# /lab/run for the diskio fixture (kcrash's dev -d, t/69): block requests in flight at the crash.
# After the workload this says "diskio: throttle"; make-fixture then has QEMU serve the data disk
# one request a second (QMP block_set_io_throttle), so that the O_DIRECT reads and writes started
# next wait in the device, in flight, when the sysrq panic comes. The kernel's own count just
# before it is the marker "diskio: inflight READS WRITES" (/sys/block/vda/inflight).
lab_workload
lab_marker "diskio: throttle"
sleep 5
i=0
while [ $i -lt 4 ]; do
	dd if=/dev/vda of=/dev/null bs=4096 skip=$((i * 1000)) count=100000 iflag=direct 2> /dev/null &
	dd if=/dev/zero of=/mnt/disk/diskio-$i bs=4096 count=100000 oflag=direct 2> /dev/null &
	i=$((i + 1))
done
sleep 3
lab_marker "diskio: inflight $(cat /sys/block/vda/inflight)"
lab_marker "crashing: sysrq"
lab_drain
echo c > /proc/sysrq-trigger
