# Lab test: how small crashkernel= can be with kdumpkit's capture path (our kexec, mkdumprd
# initramfs, static capture /init, dumpsave -l -d 31), and whether `kdumpctl estimate` covers it.
#   1. The smallest size that captures on the 6.1 cloud kernel, 1 GiB guest, ext4 target, with
#      kexec_file_load and with kexec_load: from 64M down in 4M steps until one fails (if 64M
#      fails, up until one works), so the record says where the limit is. Target: 60M or less with
#      each (the reference busybox + kexec-tools + makedumpfile initramfs runs out of memory at
#      64M: ../shared/lab-facts.md); the check holds 64M, the diag says whether 60M was reached.
#      Then, in 1M steps, our smallest exactly, and the kernel's own floor: the smallest size at
#      which the same capture kernel, command line and syscall reach a /init of 9 KB with no C
#      library (tests/lab/guest/floor-init.c, the probe), from 60M up until it reaches /init or
#      down until it does not. The check: ours captures within its image's cost of that floor (the
#      capture image's compressed size plus its unpacked size, less the probe image's, rounded up,
#      + 1M for the step, + 1M for the floor's spread from boot to boot). Where the probe itself
#      fails at 60M, issue 18's 60M target lies below what the kernel needs to reach user space,
#      whatever the initramfs (found 2026-12-05 on 6.1 cloud: floor 60–62M over four runs, the
#      same region each time; ours 63–64M).
#      Recorded in $KDK_RUNS/crashkernel-<release>.txt.
#   2. The estimate's calibration: on every lab kernel (KDK_LAB_KERNELS), a 1 and a 2 GiB guest, a
#      local (ext4) and an ssh target, `kdumpctl estimate` is asked on the host about that kernel and
#      that capture image, and the guest crashes with crashkernel = recommended − margin. Each must
#      capture: then the measured minimum is at most recommended − margin, i.e. the recommendation
#      is at least the minimum plus the stated margin. With KDK_CALIBRATE=1 each configuration also
#      steps down 4M at a time to its first failure and the table says where each minimum lies.
# The oracle is the capture itself: vmcore complete on the target (the target's file system read on
# the host, or the private sshd's directory).
. "$(dirname "$0")/../lab.sh"
. "$LAB_DIR/sshd.sh"

for tool in kexec kdump-init kdump-init-ssh; do
	[ -x "$KDK_BUILD/static/$tool" ] || bail "$KDK_BUILD/static/$tool not built (make)"
done
[ -x "$KDK_BUILD/mkdumprd" ] && [ -x "$KDK_BUILD/kdumpctl" ] || bail "mkdumprd, kdumpctl not built (make)"
command -v busybox > /dev/null || bail "busybox (busybox-static) is needed for QEMU's guestfwd command"

srv=$(lab_run_dir ck-sshd)
remote=$srv/collector
mkdir -p "$remote"
sshd_setup "$srv" || bail "set up the private sshd"
sshd_start "$srv" || bail "start the private sshd"
trap 'sshd_stop "$srv"' EXIT
mac=52:54:00:4b:44:4b
ip_arg="ip=10.0.2.15::10.0.2.2:255.255.255.0::$mac:none"

# conf_for RELEASE TARGET — the kdump.conf of a configuration (local: an ext4 disk by label).
conf_for() {
	local release=$1 target=$2 nic="virtio_net"
	case $release in 6.1.*) nic="virtio_net virtio_pci" ;; esac
	case $target in
	local)
		printf '%s\n' "ext4 LABEL=kdktarget" "path /var/crash" "core_collector dumpsave -l --message-level 7 -d 31" \
			"extra_modules virtio_blk virtio_pci" "failure_action poweroff" ;;
	ssh)
		printf '%s\n' "ssh $(sshd_user)@10.0.2.100" "sshkey $srv/client/id" "path $remote" \
			"core_collector dumpsave -l --message-level 7 -d 31" "extra_modules $nic" \
			"failure_action poweroff" "final_action poweroff" ;;
	esac
}

# The floor probe (floor-init.c), built once per run of this test.
probe=$KDK_RUNS/ck-floor-init-$$
mkdir -p "$KDK_RUNS"
gcc -Os -static -nostdlib -ffreestanding -fno-tree-loop-distribute-patterns -fno-stack-protector \
	-fno-asynchronous-unwind-tables -s -o "$probe" \
	"$LAB_DIR/guest/floor-init.c" || bail "build the floor probe (tests/lab/guest/floor-init.c)"
TAP_KEEP_DIRS+=("$probe")

# images RELEASE TARGET — the capture and first-kernel images of a configuration, made once per
# run of this test (callers run in subshells: the directory itself says it is made); prints it.
# TARGET floor: the local configuration's image (its modules) with the probe as /init.
images() {
	local dir="$KDK_RUNS/ck-img-$1-$2-$$" init=kdump-init conf_target=$2
	case $2 in
	ssh) init=kdump-init-ssh ;;
	floor) init=$probe conf_target=local ;;
	esac
	if [ ! -s "$dir/first.img" ]; then
		mkdir -p "$dir"
		TAP_KEEP_DIRS+=("$dir")
		conf_for "$1" "$conf_target" > "$dir/kdump.conf"
		LAB_CAPTURE_INIT=$init lab_capture_images "$dir" "$1" "$dir/kdump.conf" || return 1
	fi
	echo "$dir"
}

# image_cost_kib DIR — what a capture image holds in the capture kernel's memory while it is
# unpacked: the compressed image plus what it unpacks to (KiB).
image_cost_kib() {
	echo $((($(stat -c %s "$1/capture.img") + $(gzip -dc "$1/capture.img" | wc -c)) / 1024))
}

# try RELEASE MEM_MIB TARGET SIZE [KEXEC_MODE] — one crash with crashkernel=SIZE, the capture
# kernel loaded with kexec KEXEC_MODE (-s kexec_file_load, -c kexec_load, default -a: the first
# that works); 0 when the dump was saved complete. Prints what happened in a few words.
try() {
	local release=$1 mem=$2 target=$3 size=$4 mode=${5:--a} run img kdir dir before saved append net=()
	img=$(images "$release" "$target") || { echo "no capture images"; return 1; }
	kdir=$(lab_kernel_dir "$release")
	# short: QEMU's QMP socket path in the run directory must stay under 108 bytes
	run=$(lab_run_dir "ck$size-$mem${target:0:1}${mode#-}-${release%%-*}")
	# no5lvl: what kdumpctl appends on this machine (its RAM lies below 64 TiB), which
	# capture-cycle.sh's fixed command line does not have
	append="$(lab_cmdline_base) panic=-1 crashkernel=$size kdk_kexec=$mode kdk_capture_append=no5lvl"
	if [ "$target" != ssh ]; then
		"$LAB_DIR/disk" make "$run/target.img" 256M kdktarget 5e1f0c1e-0000-4000-8000-0000000000d5 > /dev/null
		net=(-drive "file=$run/target.img,if=virtio,format=raw")
	else
		net=(-netdev "user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:22-cmd:busybox nc 127.0.0.1 $SSHD_PORT"
			-device "virtio-net-pci,netdev=n0,mac=$mac")
		before=$(ls "$remote")
		append+=" kdk_capture_append=$ip_arg"
	fi
	KDK_GUEST_MEM=$mem lab_qemu_start "$run" 400 -kernel "$kdir/vmlinuz" -initrd "$img/first.img" -no-reboot \
		-append "$append" "${net[@]}"
	lab_qemu_wait_exit "$run" 390 || lab_qemu_kill "$run"
	if [ "$target" = floor ]; then
		rm -f "$run/target.img"
		if grep -aq '^KDK-FLOOR: /init reached' "$run/serial.log"; then
			echo "the probe reached /init ($(grep -ao 'MemTotal: *[0-9]* kB' "$run/serial.log" | tr -s ' ' | head -n 1))"
			return 0
		fi
		echo "the probe did not reach /init: $(grep -aoE 'Out of memory.*|Kernel panic.*' "$run/serial.log" | tr -d '\r' | tail -n 1)"
		return 1
	fi
	if [ "$target" = local ]; then
		dir=$("$LAB_DIR/disk" ls "$run/target.img" /var/crash 2> /dev/null | grep '^127\.0\.0\.1-' | head -n 1)
		[ -n "$dir" ] && "$LAB_DIR/disk" ls "$run/target.img" "/var/crash/$dir" | grep -qx vmcore
		saved=$?
		rm -f "$run/target.img"
	else
		dir=$(comm -13 <(echo "$before" | sort) <(ls "$remote" | sort) | head -n 1)
		[ -n "$dir" ] && [ -s "$remote/$dir/vmcore" ]
		saved=$?
		[ -n "$dir" ] && rm -rf "${remote:?}/$dir"
	fi
	if [ "$saved" -eq 0 ]; then
		echo "saved ($(grep -ao 'saved [^ ]*vmcore in [0-9.]* s' "$run/serial.log" | sed 's|.*/vmcore|vmcore|' | head -n 1))"
		return 0
	fi
	if ! grep -aq 'KDK-LAB: kexec -p rc=0' "$run/serial.log"; then
		echo "not loaded: $(grep -a '^kexec:' "$run/serial.log" | head -n 1)"
	elif ! grep -aq '^kdump: kdumpkit capture /init' "$run/serial.log"; then
		echo "the capture kernel did not reach /init: $(grep -aoE 'Out of memory.*|Kernel panic.*' "$run/serial.log" | tr -d '\r' | tail -n 1)"
	else
		echo "/init ran but saved nothing: $(grep -aE '^kdump: .*(fail|cannot|killed)' "$run/serial.log" | head -n 1 | tr -d '\r')"
	fi
	return 1
}

# ---- 1. the smallest crashkernel= on 6.1, 1 GiB, ext4, through each syscall -------------------
# From 64M down in 4M steps until one fails (if 64M fails, up until one works), so the record
# says where the limit is; each syscall places the kernel and initramfs its own way.
release=${KDK_CRASHKERNEL_KERNEL:-$KDK_KERNEL_61}
lab_kernel_fetch "$release" > /dev/null || bail "fetch $release"
record=
for mode in -s -c; do
	syscall=$([ "$mode" = -s ] && echo kexec_file_load || echo kexec_load)
	smallest=
	for size in 64M 60M 56M 52M 48M 44M 40M; do
		outcome=$(try "$release" 1024 local "$size" "$mode") && smallest=$size
		record+="$syscall crashkernel=$size: $outcome"$'\n'
		diag "$syscall crashkernel=$size: $outcome"
		[ "$smallest" = "$size" ] || break
	done
	if [ -z "$smallest" ]; then
		for size in 72M 80M 96M 128M; do
			outcome=$(try "$release" 1024 local "$size" "$mode") && smallest=$size
			record+="$syscall crashkernel=$size: $outcome"$'\n'
			diag "$syscall crashkernel=$size: $outcome"
			[ -n "$smallest" ] && break
		done
	fi
	record+="$syscall: smallest that captured: ${smallest:-none}"$'\n'
	diag "$syscall: smallest crashkernel that captured: ${smallest:-none}"
	# Issue 18's target is 60M; what holds today is 64M (at 60M the 6.1 capture kernel runs out
	# of memory unpacking the initramfs: docs/benchmarks.md). The check keeps 64M from slipping;
	# the diag says whether 60M was reached.
	[ -n "$smallest" ] && [ "${smallest%M}" -le 64 ]
	ok $? "$release, $syscall: the smallest crashkernel= that captures is ${smallest:-none} (64M or less)"
	[ -n "$smallest" ] && [ "${smallest%M}" -le 60 ] && diag "$syscall: the 60M target is met" ||
		diag "$syscall: the 60M target is NOT met (smallest ${smallest:-none})"
	[ -n "$smallest" ] || continue
	# Ours in 1M steps below the 4M result, then the kernel's floor with the probe.
	ours=${smallest%M}
	while [ "$ours" -gt 40 ]; do
		outcome=$(try "$release" 1024 local "$((ours - 1))M" "$mode") || {
			record+="$syscall crashkernel=$((ours - 1))M: $outcome"$'\n'
			break
		}
		record+="$syscall crashkernel=$((ours - 1))M: $outcome"$'\n'
		ours=$((ours - 1))
	done
	# The probe from 60M (the target; below ours): up until it reaches /init, or down until it
	# does not — two boots where the floor lies just above 60M, as on 6.1.
	floor= step=$((ours - 1 < 60 ? ours - 1 : 60))
	if outcome=$(try "$release" 1024 floor "${step}M" "$mode"); then
		floor=$step
		while [ "$step" -gt 40 ]; do
			record+="$syscall probe crashkernel=${step}M: $outcome"$'\n'
			step=$((step - 1))
			outcome=$(try "$release" 1024 floor "${step}M" "$mode") || break
			floor=$step
		done
	fi
	record+="$syscall probe crashkernel=${step}M: $outcome"$'\n'
	while [ -z "$floor" ] && [ "$step" -lt "$ours" ]; do
		step=$((step + 1))
		outcome=$(try "$release" 1024 floor "${step}M" "$mode") && floor=$step
		record+="$syscall probe crashkernel=${step}M: $outcome"$'\n'
	done
	ours_img=$(images "$release" local) && probe_img=$(images "$release" floor) || bail "capture images"
	cost=$(($(image_cost_kib "$ours_img") - $(image_cost_kib "$probe_img")))
	# Allowed: the image's cost rounded up, + 1M for the step, + 1M for the floor's own run-to-run
	# spread (the same size reaches /init in one boot and not the next: 60–62M seen on 6.1).
	allowed=$(((cost + 1023) / 1024 + 2))
	floor_text=${floor:+${floor}M}
	record+="$syscall: ours ${ours}M, the kernel's floor ${floor_text:-not found}, our image's cost ${cost} KiB"$'\n'
	[ -n "$floor" ] && [ $((ours - floor)) -le "$allowed" ]
	ok $? "$release, $syscall: ours captures at ${ours}M, ${floor:+$((ours - floor))M above }the kernel's floor ${floor_text:-(not found)} (a 9 KB /init); at most ${allowed}M (our image: $cost KiB more than the probe's, + 1M step, + 1M spread)"
	if [ -n "$floor" ] && [ "$floor" -gt 60 ]; then
		diag "$syscall: 60M is below this kernel's own floor here (${floor}M): no capture image reaches /init there"
	elif [ -n "$floor" ]; then
		diag "$syscall: the kernel alone reaches /init at ${floor}M here; a capture image needs its own size on top"
	fi
done
printf '%s, 1024 MiB guest, %s\n%s' "$release" "$(date -u +%Y-%m-%d)" "$record" > "$KDK_RUNS/crashkernel-$release.txt"
diag "recorded in $KDK_RUNS/crashkernel-$release.txt"

# ---- 2. kdumpctl estimate against captures -----------------------------------------------------
# estimate_of RELEASE TARGET MEM — "RECOMMENDED_MIB MARGIN_MIB" from kdumpctl estimate on the host,
# pointed at that kernel and capture image; the estimate's whole output in $est_out.
estimate_of() {
	local release=$1 target=$2 mem=$3 img dir
	img=$(images "$release" "$target") || return 1
	dir=$(lab_run_dir "ck-est-${release%%-*}-$target-$mem")
	mkdir -p "$dir/proc" "$dir/sys/kernel"
	printf 'MemTotal: %d kB\n' $((mem * 1024 - 60000)) > "$dir/proc/meminfo"
	printf '%s\n' "KDUMP_KERNEL=$(lab_kernel_dir "$release")/vmlinuz" "KDUMP_INITRD=$img/capture.img" \
		"KDUMP_KERNELVER=$release" > "$dir/kdump.settings"
	est_out=$dir/estimate.out
	"$KDK_BUILD/kdumpctl" --settings "$dir/kdump.settings" --proc "$dir/proc" --sysfs "$dir/sys" estimate \
		> "$est_out" 2>&1 || { cat "$est_out" >&2; return 1; }
	echo "$(sed -n 's/^Recommended crashkernel: \([0-9]*\)M$/\1/p' "$est_out") $(sed -n 's/^margin: \([0-9]*\) MiB.*/\1/p' "$est_out")"
}

table="release mem target: recommended margin tried result"$'\n'
for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" > /dev/null || bail "fetch $release"
	for mem in 1024 2048; do
		for target in local ssh; do
			est_out=
			estimate_of "$release" "$target" "$mem" > "$srv/estimate.now" || true
			read -r rec margin < "$srv/estimate.now" || true
			if [ -z "${rec:-}" ] || [ -z "${margin:-}" ]; then
				ok 1 "$release ${mem} MiB $target: kdumpctl estimate gave a recommendation and a margin ($est_out)"
				continue
			fi
			size=$((rec - margin))
			outcome=$(try "$release" "$mem" "$target" "${size}M")
			ok $? "$release, ${mem} MiB guest, $target target: estimate ${rec}M − margin ${margin}M = ${size}M captures: $outcome"
			line="$release $mem $target: ${rec}M ${margin}M ${size}M $outcome"
			if [ "${KDK_CALIBRATE:-0}" = 1 ]; then
				low=$size
				while [ "$low" -gt 40 ]; do
					low=$((low - 4))
					below=$(try "$release" "$mem" "$target" "${low}M") || { line+="; ${low}M: $below"; break; }
					line+="; ${low}M: saved"
				done
			fi
			diag "$line"
			table+="$line"$'\n'
		done
	done
done
printf '%s' "$table" > "$KDK_RUNS/crashkernel-estimate.txt"
diag "table in $KDK_RUNS/crashkernel-estimate.txt"
done_testing
