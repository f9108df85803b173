# Lab test: lib/module_deps (libkmod) resolves the modules a capture initramfs needs, on the real
# module directories of both lab kernels, to the same files in a valid load order as kmod's own
# `modprobe --show-depends` (the reference), and names unknown modules.
. "$(dirname "$0")/../lab.sh"

tool=$KDK_BUILD/tests/tools/module-deps
[ -x "$tool" ] || bail "build $tool (make)"
for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" || bail "fetch $release"
	root=$(lab_kernel_dir "$release")/root
	moddir=$root/lib/modules/$release
	for mods in "virtio_blk virtio_pci" "virtio_net" "ext4" "xfs"; do
		got=$("$tool" "$moddir" $mods 2>&1)
		want=$(for m in $mods; do modprobe --show-depends -d "$root" -S "$release" "$m"; done |
			awk '$1 == "insmod" && !seen[$2]++ {print $2} $1 == "builtin" {print "builtin " $2}')
		# Same set of files, and each module after everything modprobe loads before it.
		is "$(awk '$1 != "builtin" {print $2}' <<< "$got" | sort)" \
		   "$(grep -v '^builtin' <<< "$want" | sort)" "$release [$mods]: the files modprobe would load"
		order_ok=0
		prev=-1
		while read -r path; do
			pos=$(awk -v p="$path" '$2 == p {print NR; exit}' <<< "$got")
			if [ -z "$pos" ] || [ "$pos" -le "$prev" ]; then order_ok=1; fi
			prev=${pos:-$prev}
		done < <(grep -v '^builtin' <<< "$want")
		ok $order_ok "$release [$mods]: dependencies come first"
		is "$(grep '^builtin' <<< "$got" | sort)" "$(grep '^builtin' <<< "$want" | sort)" \
		   "$release [$mods]: built-in modules recognised"
	done
	out=$("$tool" "$moddir" no_such_module 2>&1)
	[ $? -ne 0 ] && grep -q "module no_such_module: not found in $moddir" <<< "$out"
	ok $? "$release: an unknown module is refused by name"
done
done_testing
