# Lab test: mkdumprd builds the capture initramfs from kdump.conf for each lab kernel's modules:
# /init and kdump.conf inside, the target's modules in dependency order (compared with
# lib/module_deps' tool, itself checked against modprobe in 05-module-deps), busybox only when a
# shell is needed, extra_bins with their libraries, and a broken kdump.conf refused by line.
. "$(dirname "$0")/../lab.sh"

mkdumprd=$KDK_BUILD/mkdumprd
[ -x "$mkdumprd" ] || bail "build $mkdumprd (make)"
run=$(lab_run_dir mkdumprd)
echo "a stand-in capture /init" > "$run/init"
list() { zcat "$1" | cpio -t --quiet 2>/dev/null; }
extract() { zcat "$1" | cpio -i --quiet --to-stdout "${2#/}" 2>/dev/null; }

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" || bail "fetch $release"
	moddir=$(lab_kernel_dir "$release")/root/lib/modules/$release
	printf 'ext4 LABEL=dumps\nextra_modules virtio_blk virtio_pci\n' > "$run/plain.conf"
	out=$("$mkdumprd" --moddir "$moddir" -c "$run/plain.conf" --init "$run/init" "$run/plain-$release.img" 2>&1)
	ok $? "$release: mkdumprd builds an image ($(grep -o 'wrote.*' <<< "$out"))"
	img=$run/plain-$release.img
	cmp -s <(extract "$img" /init) "$run/init" && cmp -s <(extract "$img" /etc/kdump.conf) "$run/plain.conf"
	ok $? "$release: /init and /etc/kdump.conf are in it, unchanged"
	want=$("$KDK_BUILD/tests/tools/module-deps" "$moddir" ext4 virtio_blk virtio_pci |
		awk '$1 != "builtin" {n = split($2, p, "/"); print $1 " /lib/modules/" p[n]}')
	is "$(extract "$img" /etc/kdumpkit/modules)" "$want" "$release: the module list is the dependency closure in load order"
	missing=0
	while read -r _ path; do list "$img" | grep -qx "${path#/}" || missing=1; done <<< "$want"
	ok $missing "$release: every listed module file is in the image"
	! list "$img" | grep -q '^bin/busybox$'
	ok $? "$release: no busybox when nothing needs a shell"
	grep -q "LABEL=dumps is not on this machine" <<< "$out"
	ok $? "$release: a target disk not on this machine is reported"

	printf 'failure_action shell\nextra_bins /usr/bin/stat\nkdump_post /bin/true\n' > "$run/shell.conf"
	"$mkdumprd" --moddir "$moddir" -c "$run/shell.conf" --init "$run/init" "$run/shell-$release.img" > /dev/null 2>&1
	contents=$(list "$run/shell-$release.img")
	grep -qx 'bin/busybox' <<< "$contents" && grep -qx 'usr/bin/stat' <<< "$contents" &&
		grep -qx 'lib/x86_64-linux-gnu/libc.so.6' <<< "$contents" && grep -qx 'bin/true' <<< "$contents"
	ok $? "$release: failure_action shell brings busybox; extra_bins and kdump_post come with their libraries"
done

printf 'path /var/crash\nfailure_action rebot\n' > "$run/bad.conf"
out=$("$mkdumprd" --moddir "$moddir" -c "$run/bad.conf" --init "$run/init" "$run/bad.img" 2>&1)
[ $? -ne 0 ] && grep -q "$run/bad.conf:2: failure_action \"rebot\"" <<< "$out" && [ ! -e "$run/bad.img" ] && [ ! -e "$run/bad.img.part" ]
ok $? "a broken kdump.conf is refused with file:line and no image is left: $out"
done_testing
