# Command-line test: kexec's checks before any syscall — not root, not a bzImage, a boot protocol
# too old, a 32-bit-only or non-relocatable kernel, a missing initrd, bad options — each with a
# message that says what to do; and a --dry-run of a kexec_load plan on a synthetic bzImage
# (segments placed, boot_params built, purgatory relocated) without loading anything.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
build=${KDK_BUILD:-$top/build}
kexec=$build/kexec
[ -x "$kexec" ] || bail "build kexec (make)"
work=$(mktemp -d "${TMPDIR:-/tmp}/kexec-cli-XXXX")
trap 'cd / && rm -rf "$work"' EXIT
TAP_KEEP_DIRS+=("$work")
cd "$work" || bail "cd $work"

# make_bzimage OUT [version=0x020f] [xloadflags=3] [relocatable=1] — a minimal bzImage: one setup
# sector, a setup header as Documentation/arch/x86/boot.rst lays it out, and 64 KiB of "kernel".
make_bzimage() {
	python3 - "$@" <<'PY'
import struct, sys
out = sys.argv[1]
opts = dict(a.split('=') for a in sys.argv[2:])
version = int(opts.get('version', '0x020f'), 0)
xload = int(opts.get('xloadflags', '3'), 0)
reloc = int(opts.get('relocatable', '1'), 0)
setup = bytearray(2 * 512)
setup[0x1f1] = 1                                   # setup_sects
struct.pack_into('<H', setup, 0x1fe, 0xaa55)       # boot_flag
setup[0x200] = 0xeb; setup[0x201] = 0x6a           # jump: header runs to 0x26c
setup[0x202:0x206] = b'HdrS'
struct.pack_into('<H', setup, 0x206, version)
setup[0x211] = 1                                   # LOADED_HIGH
struct.pack_into('<I', setup, 0x22c, 0x7fffffff)   # initrd_addr_max
struct.pack_into('<I', setup, 0x230, 0x200000)     # kernel_alignment
setup[0x234] = reloc
struct.pack_into('<H', setup, 0x236, xload)
struct.pack_into('<I', setup, 0x238, 2047)         # cmdline_size
struct.pack_into('<Q', setup, 0x258, 0x1000000)    # pref_address
struct.pack_into('<I', setup, 0x260, 0x800000)     # init_size
open(out, 'wb').write(bytes(setup) + b'\x90' * 65536)
PY
}

# refused NAME REGEX ARGS... — kexec exits 1 (no crash) with a message matching REGEX.
refused() {
	local name=$1 regex=$2; shift 2
	"$@" > stdout 2> stderr
	local status=$?
	[ $status -eq 1 ] && grep -qE -- "$regex" stderr
	ok $? "$name: exit $status, \"$(head -c 200 stderr | tr '\n' ' ')\""
}

make_bzimage good.bz
make_bzimage old.bz version=0x0204
make_bzimage k32.bz xloadflags=0
make_bzimage fixed.bz relocatable=0
printf 'not a kernel\n' > notakernel
head -c 512 good.bz > truncated.bz

refused "not root" 'needs root' setpriv --reuid=65534 --regid=65534 --clear-groups "$kexec" -c -l good.bz
refused "not a bzImage" 'notakernel: not a bzImage' "$kexec" -c -l --dry-run notakernel
refused "truncated bzImage" 'truncated.bz: not a bzImage' "$kexec" -c -l --dry-run truncated.bz
refused "boot protocol 2.04" 'boot protocol 2.04 is too old' "$kexec" -c -l --dry-run old.bz
refused "no 64-bit entry" 'not a 64-bit kernel' "$kexec" -c -l --dry-run k32.bz
refused "not relocatable" 'not relocatable' "$kexec" -c -l --dry-run fixed.bz
refused "initrd missing" 'initrd /nonexistent/initrd.img: No such file' "$kexec" -c -l --dry-run --initrd=/nonexistent/initrd.img good.bz
refused "kernel missing" 'missing.bz: No such file' "$kexec" -c -l --dry-run missing.bz
refused "-l without a kernel" 'no kernel image given' "$kexec" -l
refused "unknown option" 'Usage: kexec' "$kexec" --frobnicate good.bz
refused "--command-line with --reuse-cmdline" 'use one' "$kexec" -l --reuse-cmdline --command-line=x good.bz

# The kexec_load plan for a normal kexec, built and shown but not loaded.
head -c 100000 /dev/urandom > initrd.img
"$kexec" -c -l --dry-run -d good.bz --initrd=initrd.img --command-line="console=ttyS0 root=/dev/vda" > plan 2> stderr
ok $? "kexec -c -l --dry-run -d builds a plan for a synthetic bzImage ($(head -c 200 stderr))"
grep -q '^command line: console=ttyS0 root=/dev/vda$' plan
ok $? "the plan carries the command line as given"
for seg in kernel initrd boot_params purgatory; do
	grep -qE "^segment\[[0-9]\] $seg +mem 0x[0-9a-f]+" plan
	ok $? "the plan places a $seg segment"
done
kernel_mem=$(sed -n 's/^segment\[[0-9]\] kernel *mem 0x\([0-9a-f]*\)-.*/\1/p' plan)
[ -n "$kernel_mem" ] && [ $((0x$kernel_mem % 0x200000)) -eq 0 ] && [ $((0x$kernel_mem)) -ge $((0x1000000)) ]
ok $? "the kernel sits at 0x$kernel_mem: kernel_alignment (2 MiB) aligned, at or above 16 MiB"
grep -q 'purgatory .*(not hashed)' plan && ! grep -q -E '(kernel|initrd|boot_params) .*not hashed' plan
ok $? "every segment but purgatory's own is covered by the digest"
grep -qE '^entry \(purgatory\) = 0x[0-9a-f]+$' plan
ok $? "the entry point is purgatory's"
grep -q 'e820 map for the new kernel' plan
ok $? "the plan includes the e820 map for the new kernel"
done_testing
