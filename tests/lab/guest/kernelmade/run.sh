# /lab/run of make-kernelmade, both kernels (busybox sh). First kernel: fill memory the way a used
# machine's is (page cache, tmpfs with compressible and random data, freed pages still holding
# data, the usual processes), load the capture kernel (this initramfs again) and panic. Capture
# kernel: copy /proc/vmcore as it is onto the raw target disk and say how many bytes it holds.
if [ -e /proc/vmcore ]; then
	size=$(stat -c %s /proc/vmcore)
	# The target is the raw disk of the size the host said (kdk_target_mib); the data disk is ext4.
	want=$(( $(sed -n 's/.*kdk_target_mib=\([0-9]*\).*/\1/p' /proc/cmdline) * 2048 ))
	target=
	for n in 0 1 2 3 4 5 6 7 8 9; do
		for b in /sys/block/vd*; do
			[ "$(cat "$b/size" 2>/dev/null)" = "$want" ] && target=/dev/${b##*/}
		done
		[ -n "$target" ] && [ -b "$target" ] && break
		sleep 0.5
	done
	[ -n "$target" ] || { lab_marker "kernelmade: no target disk of $want sectors"; poweroff -f; }
	lab_marker "kernelmade: copying /proc/vmcore ($size bytes) to $target"
	dd if=/proc/vmcore of="$target" bs=1M conv=fsync 2>/tmp/dd.err
	rc=$?
	sync
	lab_marker "kernelmade: copied rc=$rc size=$size"
	poweroff -f
fi

lab_workload
# The data disk (mounted by lab_workload at /mnt/disk): text.bin (code and text, compressible)
# and random.bin (incompressible). Pages freed with data in them first, then kept tmpfs copies.
cp /mnt/disk/text.bin /tmp/freed.bin && rm /tmp/freed.bin
cp /mnt/disk/text.bin /mnt/disk/random.bin /tmp/
# Anonymous memory holding compressible data: a process keeps text in a shell variable.
sh -c 'x=$(head -c 24000000 /mnt/disk/text.bin | tr "\000" " "); sleep 100000' &
sleep 2
lab_marker "kernelmade: memory $(grep -E '^(MemFree|Cached|Shmem):' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
append="console=ttyS0,115200 irqpoll nr_cpus=1 reset_devices maxcpus=1 panic=-1 $(sed -n 's/.*\(kdk_target_mib=[0-9]*\).*/\1/p' /proc/cmdline)"
/kdk/kexec -s -p /vmlinuz --initrd=/capture.img --append="$append"
lab_marker "kernelmade: kexec -p rc=$? kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
lab_drain
echo c > /proc/sysrq-trigger
