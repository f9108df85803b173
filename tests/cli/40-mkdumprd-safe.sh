# Command-line test: mkdumprd creates the image 0600 from its first byte (it may hold the SSH
# private key) — under umask 000, strace shows the open with O_EXCL|O_NOFOLLOW and mode 0600,
# then fsync, rename, fsync of the directory; a symlink planted at <image>.part is not followed;
# kdump.conf settings the capture /init could not carry out are refused with kdump.conf:LINE:.
# Needs the 6.1 lab kernel's modules (fetched into the cache, tests/lab/kernel) and strace.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
build=${KDK_BUILD:-$top/build}
mkdumprd=$build/mkdumprd
[ -x "$mkdumprd" ] || bail "build mkdumprd (make)"
# The 6.1 lab kernel's modules, fetched into the per-user cache if they are not there yet (a
# fresh machine runs this before any lab test has fetched anything).
. "$top/tests/lab/lab.conf"
"$top/tests/lab/kernel" fetch "$KDK_KERNEL_61" > /dev/null || bail "fetch the $KDK_KERNEL_61 kernel into $KDK_CACHE"
moddir=$KDK_CACHE/kernels/$KDK_KERNEL_61/root/lib/modules/$KDK_KERNEL_61
[ -d "$moddir" ] || bail "no $moddir after tests/lab/kernel fetch"
work=$(mktemp -d "${TMPDIR:-/tmp}/mkdumprd-cli-XXXX")
trap 'rm -rf "$work"' EXIT
TAP_KEEP_DIRS+=("$work")
cd "$work" || bail "cd $work"
# The capture /init is a static binary: the sanitizer build (make check-asan) has none, so it
# takes the plain build's.
init=$build/static/kdump-init
[ -x "$init" ] || init=$top/build/static/kdump-init
[ -x "$init" ] || bail "build the static capture /init (make)"
build_image() { "$mkdumprd" --moddir "$moddir" -c kdump.conf --init "$init" "$@" > out 2> err; status=$?; }

printf 'path /var/crash\n' > kdump.conf
if command -v strace > /dev/null; then
	(umask 000; strace -f -e trace=openat,fsync,rename -o trace "$mkdumprd" --moddir "$moddir" -c kdump.conf \
		--init "$init" img > out 2> err)
	grep -q 'openat(AT_FDCWD, "img.part", O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0600) = \([0-9]*\)' trace
	ok $? "umask 000: img.part created with O_EXCL|O_NOFOLLOW, mode 0600: $(grep -o 'openat(AT_FDCWD, "img.part".*' trace)"
	fd=$(sed -n 's/.*openat(AT_FDCWD, "img.part", .* = \([0-9]*\)$/\1/p' trace)
	seq=$(grep -E "fsync|rename" trace | sed 's/^[0-9]* *//; s/ *= 0$//' | tr '\n' '|')
	case "$seq" in "fsync($fd)|rename(\"img.part\", \"img\")|fsync("*")|") ok 0 "fsync of the image, rename, fsync of the directory: $seq" ;;
	*) ok 1 "fsync of the image, rename, fsync of the directory"; diag "got: $seq" ;; esac
else
	TAP_COUNT=$((TAP_COUNT + 1)); echo "ok $TAP_COUNT # SKIP strace not installed: the open flags are not checked"
fi
is "$(stat -c %a img)" 600 "the finished image is 0600"

echo secret > victim
ln -s victim img2.part
build_image img2
[ $status -eq 0 ] && [ "$(cat victim)" = secret ] && [ ! -L img2.part ] && [ "$(stat -c %a img2)" = 600 ]
ok $? "a symlink planted at img2.part is removed, not followed: victim unchanged, exit $status"

# The hook outside /tmp (the capture /init mounts a tmpfs there; hooks under it are refused).
hooks=$(mktemp -d /var/tmp/mkdumprd-hooks-XXXX) || bail "mktemp under /var/tmp (hooks must not be under /tmp)"
trap 'rm -rf "$work" "$hooks"' EXIT
printf '%s\n' '#!/bin/bash' 'true' > "$hooks/bash-hook"
chmod +x "$hooks/bash-hook"
printf '%s\n' "path /var/crash" "core_collector dumpsave -d 31" "kdump_pre $hooks/bash-hook" > kdump.conf
build_image img3
[ $status -ne 0 ] && grep -qF "kdump.conf:3: kdump_pre $hooks/bash-hook: its interpreter /bin/bash is not in the capture image" err && [ ! -e img3 ]
ok $? "mkdumprd refuses a #!/bin/bash kdump_pre: exit $status, \"$(cat err)\""
printf '%s\n' "path /var/crash" "core_collector dumpsave --num-threads x" > kdump.conf
build_image img4
[ $status -ne 0 ] && grep -qF 'kdump.conf:2: core_collector "dumpsave --num-threads x"' err && [ ! -e img4 ]
ok $? "mkdumprd refuses a core_collector dumpsave rejects: exit $status, \"$(cat err)\""
done_testing
