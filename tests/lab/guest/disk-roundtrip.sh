# /lab/run for the boot test: read a file the host put on the disk, write one back.
mkdir -p /mnt/disk
if lab_wait_dev /dev/vda && mount -t ext4 /dev/vda /mnt/disk; then
	lab_marker "host file sha: $(sha256sum /mnt/disk/from-host.bin | cut -d' ' -f1)"
	uname -r > /mnt/disk/from-guest.txt
	umount /mnt/disk
	lab_marker "disk written"
else
	lab_marker "mount /dev/vda failed"
fi
