# /lab/run of the systemd guest's first-stage initramfs (busybox sh, sourced by the lab /init after
# it loaded the virtio modules): mount root= read-write and hand over to its systemd. The cloud
# kernel has virtio_blk and virtio_pci as modules, so it cannot mount the disk by itself.
root=
for w in $(cat /proc/cmdline); do
	case $w in root=*) root=${w#root=} ;; esac
done
i=0
while [ ! -b "$root" ] && [ $i -lt 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
mkdir -p /newroot
if ! mount -t ext4 -o rw "$root" /newroot; then
	lab_marker "cannot mount root $root"
	poweroff -f
fi
lab_marker "switching to systemd on $root"
umount /tmp
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/init
