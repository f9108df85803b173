# /lab/run for the diskio fixture (kcrash's dev -d, t/69): block requests in flight at the crash.
# After the workload this says "diskio: throttle"; make-fixture then has QEMU serve the data disk
# one request a second (QMP block_set_io_throttle), so that the O_DIRECT reads and writes started
# next wait in the device, in flight, when the sysrq panic comes. The kernel's own count just
# before it is the marker "diskio: inflight READS WRITES" (/sys/block/vda/inflight).
# The files written are made whole first: an O_DIRECT write into blocks the file already has goes
# to the device at once, where writing a new file first waits for the filesystem's own reads of
# its block bitmaps — behind the throttled reads (a fixture made so had 5 reads and no write in
# flight). The marker waits, up to 20 s, until the kernel counts both in flight.
lab_workload
i=0
while [ $i -lt 4 ]; do
	dd if=/dev/zero of=/mnt/disk/diskio-$i bs=4096 count=1000 2> /dev/null
	i=$((i + 1))
done
sync
lab_marker "diskio: throttle"
sleep 5
i=0
while [ $i -lt 4 ]; do
	dd if=/dev/vda of=/dev/null bs=4096 skip=$((i * 1000)) count=100000 iflag=direct 2> /dev/null &
	dd if=/dev/zero of=/mnt/disk/diskio-$i bs=4096 count=1000 conv=notrunc oflag=direct 2> /dev/null &
	i=$((i + 1))
done
sleep 3
waited=0
while read -r reads writes < /sys/block/vda/inflight && [ "$reads" -eq 0 -o "$writes" -eq 0 ] && [ $waited -lt 20 ]; do
	sleep 1
	waited=$((waited + 1))
done
lab_marker "diskio: inflight $(cat /sys/block/vda/inflight)"
lab_marker "crashing: sysrq"
lab_drain
echo c > /proc/sysrq-trigger
