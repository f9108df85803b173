# Helpers for lab guest scripts (busybox sh), sourced by /init before /lab/run.

lab_marker() {
	echo "KDK-LAB: $*"
}

# lab_drain — let the console finish what userspace wrote: a panic prints straight to the
# console and whatever still sits in the serial port's transmit buffer is lost with it.
lab_drain() {
	sleep 1
}

# lab_wait_dev PATH [SECONDS] — block devices appear asynchronously after the driver loads.
lab_wait_dev() {
	n=0
	while [ ! -b "$1" ] && [ $n -lt $((${2:-10} * 10)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -b "$1" ]
}

# A userland worth analysing: a few dozen processes in different states, plus anonymous memory
# and page cache, so ps, bt and page filtering have something real to look at.
lab_workload() {
	i=0
	while [ $i -lt 24 ]; do
		sleep 100000 &
		i=$((i + 1))
	done
	# two busy loops (running or runnable at the crash)
	sh -c 'while :; do :; done' &
	sh -c 'while :; do :; done' &
	# a process blocked in a pipe read: the fifo is opened read-write so open() does not block
	mkfifo /tmp/lab.fifo
	sh -c 'exec cat 0<>/tmp/lab.fifo' &
	# blocked reading a pipe whose writer never writes
	sh -c 'sleep 100000 | cat' &
	# anonymous user memory (about 16 MiB of "a"s held in a shell variable)
	sh -c 'x=$(head -c 16000000 /dev/zero | tr "\000" a); sleep 100000' &
	# tmpfs (shmem) pages with data
	head -c 8000000 /dev/urandom > /tmp/lab.random
	# page cache from the disk, when the test gave one
	if lab_wait_dev /dev/vda 5; then
		mkdir -p /mnt/disk
		if mount -t ext4 /dev/vda /mnt/disk 2>/dev/null; then
			cat /mnt/disk/* > /dev/null 2>&1
		fi
	fi
	sleep 1
	lab_marker "workload started: $(lab_count_user_processes) user processes"
}

# Processes with a command line (kernel threads have none).
lab_count_user_processes() {
	n=0
	for p in /proc/[0-9]*; do
		[ "$(head -c 1 "$p/cmdline" 2>/dev/null | wc -c)" -gt 0 ] && n=$((n + 1))
	done
	echo $n
}
