# tests/lab/crashkernel.sh — one crash with a given crashkernel= on the lab's capture path, and the
# images it needs (sourced by tests/lab/t/55-crashkernel.sh and tests/bench/18-crashkernel.sh,
# after lab.sh). A ssh TARGET needs the caller's private sshd: srv, remote, mac and ip_arg set.
# The oracle is the capture itself: vmcore complete on the target (the target's file system read
# on the host, or the private sshd's directory); the floor probe's marker on the console.

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

# The floor probe (tests/lab/guest/floor-init.c: a 9 KB /init with no C library that says a
# marker and MemTotal and powers off), built once per run of the caller into $probe.
probe=$KDK_RUNS/ck-floor-init-$$
ck_build_probe() {
	mkdir -p "$KDK_RUNS"
	gcc -Os -static -nostdlib -ffreestanding -fno-tree-loop-distribute-patterns -fno-stack-protector \
		-fno-asynchronous-unwind-tables -s -o "$probe" "$LAB_DIR/guest/floor-init.c" || return 1
	TAP_KEEP_DIRS+=("$probe")
}

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
# that works); 0 when the dump was saved complete. Prints what happened in a few words, then
# where the first kernel reserved the region ("; region 848M-912M", from its console): KASLR
# moves it, and a region across a memory section boundary (128 MiB on x86_64) costs the capture
# kernel a second section's struct pages (2 MiB).
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
	local at where=""
	# "Reserving 64MB of memory at 848MB for crashkernel" (6.1), "crashkernel reserved:
	# 0x0000000079000000 - 0x000000007e800000 (88 MB)" (6.12 on)
	at=$(grep -aoE 'Reserving [0-9]+MB of memory at [0-9]+MB for crashkernel|crashkernel reserved: 0x[0-9a-f]+' \
		"$run/serial.log" | head -n 1 | awk '/^Reserving/ { sub(/MB$/, "", $6); print $6; next } { print $3 }')
	case $at in 0x*) at=$((at / 1048576)) ;; esac
	[ -n "$at" ] && where="; region ${at}M-$((at + ${size%M}))M"
	if [ "$target" = floor ]; then
		rm -f "$run/target.img"
		if grep -aq '^KDK-FLOOR: /init reached' "$run/serial.log"; then
			echo "the probe reached /init ($(grep -ao 'MemTotal: *[0-9]* kB' "$run/serial.log" | tr -s ' ' | head -n 1))$where"
			return 0
		fi
		echo "the probe did not reach /init: $(grep -aoE 'Out of memory.*|Kernel panic.*' "$run/serial.log" | tr -d '\r' | tail -n 1)$where"
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
		echo "saved ($(grep -ao 'saved [^ ]*vmcore in [0-9.]* s' "$run/serial.log" | sed 's|.*/vmcore|vmcore|' | head -n 1))$where"
		return 0
	fi
	if ! grep -aq 'KDK-LAB: kexec -p rc=0' "$run/serial.log"; then
		echo "not loaded: $(grep -a '^kexec:' "$run/serial.log" | head -n 1)$where"
	elif ! grep -aq '^kdump: kdumpkit capture /init' "$run/serial.log"; then
		echo "the capture kernel did not reach /init: $(grep -aoE 'Out of memory.*|Kernel panic.*' "$run/serial.log" | tr -d '\r' | tail -n 1)$where"
	else
		echo "/init ran but saved nothing: $(grep -aE '^kdump: .*(fail|cannot|killed)' "$run/serial.log" | head -n 1 | tr -d '\r')$where"
	fi
	return 1
}
