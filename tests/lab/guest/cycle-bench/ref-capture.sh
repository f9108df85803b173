# /lab/run in the reference capture initramfs of tests/bench/16-capture-cycle.sh (busybox sh, run
# by the lab /init after it loaded the disk modules): what a minimal busybox kdump initramfs with
# Debian's makedumpfile does — find the target by its label, mount it, save with
# `makedumpfile --dump-dmesg` then `makedumpfile -l -d 31`, sync, rename; the lab /init then
# powers off.
lab_wait_dev /dev/vda 20 || lab_marker "ref: no /dev/vda"
dev=$(findfs LABEL=kdktarget 2> /dev/null || echo /dev/vda)
mkdir -p /mnt
mount -t ext4 "$dev" /mnt || lab_marker "ref: mount $dev failed"
dir=/mnt/var/crash/ref-$(date +%Y%m%d%H%M%S)
mkdir -p "$dir"
lab_marker "ref: saving to $dir"
# the kernel's log first, as the capture /init does (vmcore-dmesg.txt): both stacks save the same
/ref/makedumpfile --dump-dmesg /proc/vmcore "$dir/vmcore-dmesg.txt" > /dev/null 2>&1 ||
	lab_marker "ref: --dump-dmesg failed"
# with more than one CPU, one thread per CPU, as kdump-utils gives makedumpfile (--num-threads)
cpus=$(grep -c ^processor /proc/cpuinfo)
threads=
[ "$cpus" -gt 1 ] && threads="--num-threads $cpus"
# glibc loads libgcc_s when a thread first exits (pthread_exit unwinds); in this initramfs that
# load failed now and then ("libgcc_s.so.1 must be installed for pthread_exit to work", abort: 2
# of 8 threaded rounds on 2026-12-05), so it is loaded at the start instead, as the installed
# system's ld.so.cache would find it at once.
preload=
[ -n "$threads" ] && preload=/lib/x86_64-linux-gnu/libgcc_s.so.1
# KDK_BENCH_CYCLE_REF_TUNABLE=1: the glibc tunable our capture /init sets for itself
tunables=
[ -f /ref/tunable ] && tunables=$(cat /ref/tunable)
GLIBC_TUNABLES=$tunables LD_PRELOAD=$preload LIBC_FATAL_STDERR_=1 /ref/makedumpfile $threads -l -d 31 /proc/vmcore "$dir/vmcore-incomplete" > /dev/null 2> /tmp/mdf.err &&
	sync && mv "$dir/vmcore-incomplete" "$dir/vmcore" && sync
rc=$?
[ $rc -eq 0 ] || lab_marker "ref: makedumpfile said: $(tr '\r' '\n' < /tmp/mdf.err | grep -v '%]' | tail -n 4 | tr '\n' ' ')"
lab_marker "ref: saved rc=$rc"
umount /mnt
