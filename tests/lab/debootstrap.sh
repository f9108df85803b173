# tests/lab/debootstrap.sh — debootstrap for the lab's cached roots (tests/lab/rootfs, build-env),
# safe against a run killed half-way. Sourced; the caller defines die().
#   lab_debootstrap_clear DIR                    unmount anything left mounted at or below DIR, then
#                                                remove DIR (an unfinished root, before it is remade)
#   lab_debootstrap_recipe INCLUDE SUITE MIRROR  the recipe a cached root is keyed by (its hash)
#   lab_debootstrap DIR INCLUDE SUITE MIRROR     remake DIR/root: debootstrap minbase + INCLUDE
#                                                (comma-separated), in a mount namespace of its own;
#                                                DIR/recipe, DIR/debootstrap.log; apt's downloads and
#                                                lists removed (no network in a guest or chroot)
# debootstrap mounts /proc and /sys inside the root it makes. Run in the caller's namespace, a
# debootstrap killed before its end (a machine restart, a SIGKILL, a test's timeout) leaves them
# mounted, and rm -rf of that root then fails on /proc's files — every later run with it. In a
# private mount namespace its mounts end with it. Roots made before this, or by hand, are cleared
# by lab_debootstrap_clear.

lab_debootstrap_clear() {
	local dir mounts m
	dir=$(realpath -m "$1")
	# /proc/self/mountinfo, field 5: the mount point (a space would be \040; no cache path has one)
	mounts=$(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
	if [ -n "$mounts" ]; then
		echo "${0##*/}: unmounting what an earlier debootstrap left mounted under $dir: $(tr '\n' ' ' <<< "$mounts")" >&2
		while read -r m; do
			umount "$m" 2> /dev/null || umount -l "$m" || die "cannot unmount $m (left mounted under $dir)"
		done <<< "$mounts"
	fi
	rm -rf "$dir" || die "cannot remove the unfinished $dir"
}

lab_debootstrap_recipe() {
	echo "debootstrap --variant=minbase --include=$1 $2 $3"
}

lab_debootstrap() {
	local dir=$1 include=$2 suite=$3 mirror=$4
	command -v debootstrap > /dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
	lab_debootstrap_clear "$dir"
	mkdir -p "$dir"
	lab_debootstrap_recipe "$include" "$suite" "$mirror" > "$dir/recipe"
	echo "${0##*/}: $(cat "$dir/recipe")" >&2
	unshare --mount --propagation private debootstrap --variant=minbase --include="$include" "$suite" \
		"$dir/root" "$mirror" > "$dir/debootstrap.log" 2>&1 ||
		die "debootstrap failed ($dir/debootstrap.log): $(tail -n 3 "$dir/debootstrap.log" | tr '\n' ' ')"
	rm -rf "$dir/root/var/cache/apt/archives/"*.deb "$dir/root/var/lib/apt/lists/"*
}
