#!/bin/sh
# kill-collector.sh — a kdump_pre hook for the lab (t/50, t/58). It leaves behind a process that
# kills the capture /init's collector (the child named "kdump-save") with SIGSEGV once it is
# writing the dump, standing in for a collector that crashes on a kernel or memory it does not
# understand. "Writing the dump": the collector has vmcore-incomplete open (a file target), or
# has /proc/vmcore open with its stdout not the console (the raw target's stream; the raw target
# saves no kernel log first), or has a socket open once the network interfaces have sent more than
# 4 MiB (an SSH target: the kernel log is far less; /proc/net/dev, as libssh2's send(2) is not in
# /proc/PID/io's wchar). Only the first collector is killed: the
# /init's next one (dump level 0) is left to finish. Runs in the capture initramfs: busybox only.
bb=/bin/busybox
# the capture /init restarts itself with GLIBC_TUNABLES and removes it again: hooks see none (t/50)
echo "kill-collector: GLIBC_TUNABLES ${GLIBC_TUNABLES:-unset}"
(
	tries=0
	while [ "$tries" -lt 3000 ]; do # 3000 polls, ~60 s
		tries=$((tries + 1))
		for comm in /proc/[0-9]*/comm; do
			{ read -r name < "$comm"; } 2> /dev/null || continue
			[ "$name" = kdump-save ] || continue
			pid=${comm#/proc/}
			pid=${pid%/comm}
			writing=no
			socket=no
			for fd in /proc/"$pid"/fd/*; do
				case $($bb readlink "$fd" 2> /dev/null) in
				*/vmcore-incomplete) writing=yes ;;
				/proc/vmcore)
					case $($bb readlink /proc/"$pid"/fd/1 2> /dev/null) in
					/dev/console) ;;
					*) writing=yes ;;
					esac ;;
				socket:*) socket=yes ;;
				esac
			done
			if [ "$socket" = yes ]; then
				sent=0
				while read -r iface _ _ _ _ _ _ _ _ tx _; do
					case $iface in
					lo:) ;;
					*:) sent=$((sent + tx)) ;;
					esac
				done < /proc/net/dev
				[ "$sent" -gt 4194304 ] && writing=yes
			fi
			[ "$writing" = yes ] || continue
			$bb sleep 0.3
			kill -SEGV "$pid" &&
				echo "kill-collector: sent SIGSEGV to kdump-save (pid $pid) while it wrote the dump"
			exit 0
		done
		$bb sleep 0.02
	done
	echo "kill-collector: no kdump-save writing a dump within ~60 s"
) < /dev/null &
exit 0
