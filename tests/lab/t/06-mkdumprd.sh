# Lab test: mkdumprd builds the capture initramfs from kdump.conf for each lab kernel's modules:
# /init and kdump.conf inside, the target's modules in dependency order (compared with
# lib/module_deps' tool, itself checked against modprobe in 05-module-deps), busybox only when a
# shell is needed, extra_bins with their libraries, and a broken kdump.conf refused by line;
# for an ssh target the key (0600), its .pub and known_hosts under /etc/kdumpkit/ssh, and a missing
# key or known_hosts refused with the file's name and the kdumpctl propagate hint.
. "$(dirname "$0")/../lab.sh"

mkdumprd=$KDK_BUILD/mkdumprd
[ -x "$mkdumprd" ] || bail "build $mkdumprd (make)"
run=$(lab_run_dir mkdumprd)
echo "a stand-in capture /init" > "$run/init"
echo "a stand-in capture /init with SSH" > "$run/kdump-init-ssh"
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

# ---- ssh target: the key, its .pub and known_hosts baked in, modes and contents kept ----------
mkdir -p "$run/ssh" && chmod 700 "$run/ssh"
rm -f "$run/ssh/kdump_id_ed25519" "$run/ssh/kdump_id_ed25519.pub"
ssh-keygen -q -t ed25519 -N '' -C kdk-t06 -f "$run/ssh/kdump_id_ed25519" || bail "ssh-keygen"
echo "10.0.2.100 $(cut -d' ' -f1,2 "$run/ssh/kdump_id_ed25519.pub")" > "$run/ssh/known_hosts"
printf 'ssh kdump@10.0.2.100\nsshkey %s\nextra_modules virtio_net\n' "$run/ssh/kdump_id_ed25519" > "$run/ssh.conf"
out=$("$mkdumprd" --moddir "$moddir" -c "$run/ssh.conf" --init "$run/init" "$run/ssh.img" 2>&1)
ok $? "ssh target: mkdumprd builds an image ($(grep -o 'wrote.*' <<< "$out"))"
modes=$(zcat "$run/ssh.img" | cpio -itv --quiet 2>/dev/null | awk '$NF ~ /^etc\/kdumpkit\/ssh\// {print $1, $NF}')
is "$modes" "-rw------- etc/kdumpkit/ssh/id
-rw-r--r-- etc/kdumpkit/ssh/known_hosts
-rw-r--r-- etc/kdumpkit/ssh/id.pub" "ssh target: key 0600, known_hosts and id.pub 0644 under /etc/kdumpkit/ssh"
cmp -s <(extract "$run/ssh.img" /etc/kdumpkit/ssh/id) "$run/ssh/kdump_id_ed25519" &&
	cmp -s <(extract "$run/ssh.img" /etc/kdumpkit/ssh/id.pub) "$run/ssh/kdump_id_ed25519.pub" &&
	cmp -s <(extract "$run/ssh.img" /etc/kdumpkit/ssh/known_hosts) "$run/ssh/known_hosts"
ok $? "ssh target: the three files are the sshkey, its .pub and the known_hosts beside it, unchanged"
cmp -s <(extract "$run/ssh.img" /init) "$run/kdump-init-ssh"
ok $? "ssh target: /init is kdump-init-ssh from beside --init (the plain kdump-init has no SSH)"
grep -q ' /lib/modules/virtio_net\.ko' <<< "$(extract "$run/ssh.img" /etc/kdumpkit/modules)"
ok $? "ssh target: extra_modules virtio_net is in the module list"
grep -q 'warning: .*dump target 10.0.2.100\|warning: no route to 10.0.2.100' <<< "$out"
ok $? "ssh target: mkdumprd reports what the route to 10.0.2.100 here gave: $(grep -o 'warning: .*10.0.2.100.*' <<< "$out" | head -c 160)"
# A host this machine reaches through loopback: no NIC driver to find, and mkdumprd says so.
printf 'ssh kdump@127.0.0.1\nsshkey %s\n' "$run/ssh/kdump_id_ed25519" > "$run/ssh-lo.conf"
echo "127.0.0.1 $(cut -d' ' -f1,2 "$run/ssh/kdump_id_ed25519.pub")" >> "$run/ssh/known_hosts"
out=$("$mkdumprd" --moddir "$moddir" -c "$run/ssh-lo.conf" --init "$run/init" "$run/ssh-lo.img" 2>&1)
grep -q 'warning: dump target 127.0.0.1 is reached through lo' <<< "$out"
ok $? "ssh target over loopback: mkdumprd warns that the route has no NIC driver: $(grep -o 'warning: .*127.0.0.1.*' <<< "$out" | head -c 120)"
echo "10.0.2.100 ssh-ed25519 AAAAother" > "$run/other_known_hosts"
"$mkdumprd" --moddir "$moddir" -c "$run/ssh.conf" --init "$run/init" --known-hosts "$run/other_known_hosts" "$run/ssh2.img" > /dev/null 2>&1 &&
	cmp -s <(extract "$run/ssh2.img" /etc/kdumpkit/ssh/known_hosts) "$run/other_known_hosts"
ok $? "ssh target: --known-hosts FILE is the one put in the image"

printf 'ssh kdump@10.0.2.100\nsshkey %s\n' "$run/ssh/no_such_key" > "$run/nokey.conf"
out=$("$mkdumprd" --moddir "$moddir" -c "$run/nokey.conf" --init "$run/init" "$run/nokey.img" 2>&1)
[ $? -ne 0 ] && grep -qF "mkdumprd: ssh key $run/ssh/no_such_key (kdump.conf sshkey) for kdump@10.0.2.100: No such file or directory; run \`kdumpctl propagate\`" <<< "$out" &&
	[ ! -e "$run/nokey.img" ] && [ ! -e "$run/nokey.img.part" ]
ok $? "ssh target: a missing key is refused, naming it and kdumpctl propagate, no image left: $out"
mv "$run/ssh/known_hosts" "$run/ssh/known_hosts.away"
out=$("$mkdumprd" --moddir "$moddir" -c "$run/ssh.conf" --init "$run/init" "$run/nokh.img" 2>&1)
[ $? -ne 0 ] && grep -qF "mkdumprd: known_hosts $run/ssh/known_hosts (the host key of kdump@10.0.2.100): No such file or directory; run \`kdumpctl propagate\`" <<< "$out" &&
	[ ! -e "$run/nokh.img" ]
ok $? "ssh target: a missing known_hosts is refused the same way: $out"
mv "$run/ssh/known_hosts.away" "$run/ssh/known_hosts"

printf 'path /var/crash\nfailure_action rebot\n' > "$run/bad.conf"
out=$("$mkdumprd" --moddir "$moddir" -c "$run/bad.conf" --init "$run/init" "$run/bad.img" 2>&1)
[ $? -ne 0 ] && grep -q "$run/bad.conf:2: failure_action \"rebot\"" <<< "$out" && [ ! -e "$run/bad.img" ] && [ ! -e "$run/bad.img.part" ]
ok $? "a broken kdump.conf is refused with file:line and no image is left: $out"
done_testing
