# Command-line test: faults injected into dumpsave by the LD_PRELOAD shim (tests/fault, docs/faults.md)
# on synthetic vmcores — EIO on a range of the input, a truncated input, ENOSPC at each stage, the
# disk vanishing, a rerun over NAME.incomplete and links planted at the output; what is on disk after each.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
build=${KDK_BUILD:-$top/build}
dumpsave=$build/dumpsave gen=$build/tests/tools/gen-elf-vmcore inspect=$build/tests/tools/dump-inspect
# The shim is never sanitized (it is preloaded into the sanitizer build's tools too): the plain build's.
shim=${KDK_FAULT_SHIM:-$top/build/tests/fault/libkdk-fault.so}
[ -x "$dumpsave" ] && [ -x "$gen" ] && [ -x "$inspect" ] || bail "build dumpsave and tests/tools (make)"
[ -f "$shim" ] || bail "build the fault shim $shim (make)"
work=$(mktemp -d "${TMPDIR:-/tmp}/dumpsave-faults-XXXX")
trap 'cd / && rm -rf "$work"' EXIT
TAP_KEEP_DIRS+=("$work")
cd "$work" || bail "cd $work"

# faulty ENV... -- DUMPSAVE-ARGS: dumpsave under the shim; status in $status, stderr in err, the
# shim's log (one line per fault injected) in fault.log.
faulty() {
	local env=()
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	rm -f fault.log
	env "${env[@]}" KDK_FAULT_LOG="$work/fault.log" LD_PRELOAD="$shim" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		timeout 60 "$dumpsave" "$@" 2> err
	status=$?
	touch fault.log
}

# What is on disk: names, sizes, modes; and what the dump-inspect reader says of a dump.
on_disk() {
	diag "on disk after $1: $(ls -l --time-style=+ "${@:2}" 2>&1 | sed 's/^/  /')"
}

# 16 MiB, every page different (a page's bytes are its pfn), so compare proves each page's place.
python3 - <<'EOF' || bail "python3 to write the page contents"
import struct
with open("pages.bin", "wb") as f:
    for pfn in range(4096):
        f.write(struct.pack("<Q", pfn) * 512)
EOF
"$gen" src.elf --load 0:0x1000000 --prstatus 1 || bail "generate src.elf"
# gen-elf-vmcore fills with one byte; put the distinct pages into the PT_LOAD's file bytes.
data_off=$(python3 -c "
import struct
b = open('src.elf','rb').read(4096)
phoff, = struct.unpack_from('<Q', b, 32); n, = struct.unpack_from('<H', b, 56)
for i in range(n):
    t, = struct.unpack_from('<I', b, phoff + 56 * i)
    if t == 1: print(struct.unpack_from('<Q', b, phoff + 56 * i + 8)[0]); break")
dd if=pages.bin of=src.elf bs=4096 seek=$((data_off / 4096)) conv=notrunc status=none ||
	bail "write pages into src.elf"
[ $((data_off % 4096)) -eq 0 ] || bail "src.elf's PT_LOAD data is not page-aligned ($data_off)"
diag "src.elf: PT_LOAD of 4096 pages at file offset $(printf 0x%x "$data_off")"

# ---- EIO on a range of the input ----
# pfns 0x10-0x17 (file offsets data_off+0x10000 .. +0x17fff) and pfn 0x200: unreadable.
r1=$(printf '0x%x-0x%x' $((data_off + 0x10000)) $((data_off + 0x18000)))
r2=$(printf '0x%x-0x%x' $((data_off + 0x200000)) $((data_off + 0x200001)))
# --num-threads 2: the compression threads read the batches themselves (an ELF file read with
# pread), and the writer enters their unreadable pages in the list.
for fmt in "-d 0:kdump" "-l -d 1:kdump" "--num-threads 2 -l -d 1:kdump" "-E -d 0:elf"; do
	args=${fmt%%:*} kind=${fmt##*:}
	rm -f eio eio.incomplete
	faulty KDK_FAULT_PATH=src.elf KDK_FAULT_READ="EIO:$r1,$r2" -- $args src.elf eio
	on_disk "EIO on input ranges $r1,$r2 ($args)" eio*
	[ "$status" -eq 3 ] && [ -s fault.log ] && [ -f eio ] && [ ! -e eio.incomplete ]
	ok $? "EIO on the input ($args): saved under the final name, exit 3 (got $status; $(wc -l < fault.log) faults injected)"
	grep -q "9 pages in 2 runs could not be read from the source and are marked unreadable in the dump: 0x10000-0x17fff (pfns 0x10-0x17, src.elf offsets $(printf '0x%x-0x%x' $((data_off + 0x10000)) $((data_off + 0x17fff)))): Input/output error; 0x200000-0x200fff (pfns 0x200-0x200" err
	ok $? "the warning names both runs with physical and file offsets: $(head -c 400 err)"
	"$inspect" unreadable eio > unreadable.out 2>&1
	got=$(grep -o '^[0-9a-f]*-[0-9a-f]*' unreadable.out | tr '\n' ' ')
	is "$got" "10-17 200-200 " "$kind ($args): the reader finds exactly those pages marked unreadable"
	diag "$(head -3 unreadable.out)"
	"$inspect" compare-readable eio src.elf > cmp.out 2>&1
	if [ "$kind" = elf ]; then
		# ELF: the unreadable pages are in no PT_LOAD (the KDUMPKIT note lists them), so
		# the file holds 4087 pages.
		is "$(cat cmp.out)" "4087 pages identical, 0 unreadable in eio" "$kind ($args): every other page is the source's"
	else
		is "$(cat cmp.out)" "4087 pages identical, 9 unreadable in eio" "$kind ($args): every other page is the source's"
	fi
done
grep -q 'could not be read when the dump was saved (page descriptor at offset 0x' <(
	faulty KDK_FAULT_PATH=src.elf KDK_FAULT_READ="EIO:$r1" -- -d 0 src.elf eio2; "$inspect" unreadable eio2)
ok $? "kdump-compressed: the mark is a page descriptor (offset 0, size 0) that the reader names"
"$inspect" info eio > info.out
grep -q '^notes 2$' info.out
ok $? "ELF: the KDUMPKIT note listing the unreadable ranges is there beside the source's note ($(tr '\n' ' ' < info.out))"

# ---- A truncated input: the PT_LOAD says 16 MiB, the file holds ~1 MiB of it ----
head -c $((data_off + 0x100000 + 2048)) src.elf > trunc.elf
rm -f trunc.out
timeout 60 "$dumpsave" -d 0 trunc.elf trunc.out 2> err
status=$?
on_disk "a truncated input" trunc.elf trunc.out*
[ "$status" -eq 3 ] && grep -q "3840 pages in 1 runs could not be read from the source and are marked unreadable in the dump: 0x100000-0xffffff (pfns 0x100-0xfff" err &&
	grep -q "the file ends at $(printf 0x%x $((data_off + 0x100000 + 2048))) (truncated" err
ok $? "truncated input: exit 3 (got $status), the missing pages marked and the warning says where the file ends: $(head -c 300 err)"
"$inspect" compare-readable trunc.out src.elf > cmp.out 2>&1
is "$(cat cmp.out)" "256 pages identical, 3840 unreadable in trunc.out" "truncated input: the pages that were there are saved whole"
rm -f trunc.out
timeout 60 "$dumpsave" --num-threads 2 -c -d 0 trunc.elf trunc.out 2> err
status=$?
[ "$status" -eq 3 ] && grep -q "3840 pages in 1 runs could not be read from the source and are marked unreadable in the dump: 0x100000-0xffffff (pfns 0x100-0xfff" err &&
	grep -q "the file ends at $(printf 0x%x $((data_off + 0x100000 + 2048))) (truncated" err
ok $? "truncated input read by two compression threads: the same pages marked, the same warning (exit $status: $(head -c 300 err))"
"$inspect" compare-readable trunc.out src.elf > cmp.out 2>&1
is "$(cat cmp.out)" "256 pages identical, 3840 unreadable in trunc.out" "truncated input, two threads: the pages that were there are saved whole"

# ---- ENOSPC at each stage of a kdump-compressed save (-d 0, raw pages) ----
# Layout for 4096 pfns, 4 KiB blocks: header block 0, sub-header block 1, bitmaps 0x2000 and 0x3000,
# 4096 descriptors from 0x4000, page data from 0x1c000 (docs/formats/kdump-compressed.md).
enospc() {   # NAME SHIM-ENV... : a save under the fault, into out.NAME
	local name=$1; shift
	rm -f "out.$name" "out.$name.incomplete"
	faulty KDK_FAULT_PATH="out.$name" "$@" -- -d 0 src.elf "out.$name"
	on_disk "ENOSPC ($name: $*)" "out.$name"*
}
for stage in "header:KDK_FAULT_WRITE=ENOSPC:0" "sub-header:KDK_FAULT_WRITE=ENOSPC:0x1000" \
	"bitmaps:KDK_FAULT_WRITE=ENOSPC:0x2800" "pages:KDK_FAULT_WRITE=ENOSPC:0x500000" \
	"fsync:KDK_FAULT_FSYNC=ENOSPC"; do
	name=${stage%%:*}
	enospc "$name" "${stage#*:}"
	[ "$status" -eq 1 ] && [ -s fault.log ] && [ ! -e "out.$name" ] && [ -f "out.$name.incomplete" ] &&
		grep -q "No space left on device" err && grep -q "what was saved is in out.$name.incomplete (marked incomplete)" err
	ok $? "ENOSPC at $name: exit 1 (got $status), nothing under the final name, out.$name.incomplete kept, the message says so: $(head -c 300 err)"
	if [ "$name" = fsync ]; then
		# 16 MiB written: the background flush ran after the first 8 MiB and failed; its error
		# (which the file description reports once) is the save's, not lost to the final fsync.
		grep -q "^fdatasync fd" fault.log && grep -q "out.fsync.incomplete: fsync failed: No space left on device" err
		ok $? "ENOSPC at fsync: the background fdatasync met it first and the save failed with it: $(tr '\n' ' ' < fault.log | head -c 200)"
	fi
done
# What stays readable: nothing before the bitmaps are whole; then every page whose descriptor reached the disk.
for name in header sub-header bitmaps; do
	"$inspect" info "out.$name.incomplete" > info.out 2>&1
	[ $? -ne 0 ] && grep -qi 'dump-inspect: out.'"$name"'.incomplete' info.out
	ok $? "ENOSPC at $name: the reader refuses the remains with a message naming the file: $(head -c 200 info.out)"
done
"$inspect" info out.pages.incomplete | grep -q 'incomplete yes'
ok $? "ENOSPC in the pages: the remains open, marked incomplete"
"$inspect" compare-readable out.pages.incomplete src.elf > cmp.out 2>&1
# Page data from 0x1c000 up to 0x500000 is 1252 whole pages. The pages go from the top of memory
# down (no kernel image is known in this synthetic dump), 128 to a descriptor run, and each run's
# data is written before its descriptors: the 9 runs before the failing one are readable.
[ "$(cat cmp.out)" = "1152 pages identical, 2944 unreadable in out.pages.incomplete" ]
ok $? "ENOSPC in the pages: every batch that reached the disk reads back as the source's, the rest as not saved ($(cat cmp.out))"
# The same with the page data's whole blocks written around the page cache (--direct-io, as the
# capture /init writes: lib/direct_write.c); on a file system without O_DIRECT it is the same run.
diag "--direct-io below on $(stat -f -c %T "$work") (direct writes on ext2/ext3, xfs, btrfs only)"
rm -f out.pages-direct out.pages-direct.incomplete
faulty KDK_FAULT_PATH=out.pages-direct KDK_FAULT_WRITE=ENOSPC:0x500000 -- --direct-io -d 0 src.elf out.pages-direct
"$inspect" compare-readable out.pages-direct.incomplete src.elf > cmp.out 2>&1
[ "$status" -eq 1 ] && [ ! -e out.pages-direct ] && grep -q "No space left on device" err &&
	[ "$(cat cmp.out)" = "1152 pages identical, 2944 unreadable in out.pages-direct.incomplete" ]
ok $? "ENOSPC in the pages with --direct-io: exit 1 (got $status), every batch that reached the disk reads back as the source's ($(cat cmp.out); $(head -c 200 err))"
"$inspect" info out.fsync.incomplete | grep -q 'incomplete yes' &&
	[ "$("$inspect" compare-readable out.fsync.incomplete src.elf)" = "4096 pages identical, 0 unreadable in out.fsync.incomplete" ]
ok $? "ENOSPC at fsync (delayed allocation): every page is there, the header still says incomplete"

enospc rename KDK_FAULT_RENAME=ENOSPC
[ "$status" -eq 1 ] && [ -s fault.log ] && [ ! -e out.rename ] &&
	grep -q "the dump is complete in out.rename.incomplete, but not under its final name: rename out.rename.incomplete to out.rename: No space left on device" err
ok $? "ENOSPC at the final rename: exit 1 (got $status), the message says the dump is complete under the partial name: $(head -c 300 err)"
"$inspect" info out.rename.incomplete | grep -q 'incomplete no' &&
	[ "$("$inspect" compare-readable out.rename.incomplete src.elf)" = "4096 pages identical, 0 unreadable in out.rename.incomplete" ]
ok $? "ENOSPC at the final rename: the partial file is the whole dump, header complete"

# A larger dump, ENOSPC half way.
"$gen" big.elf --load 0:0x4000000 --prstatus 1 || bail "generate big.elf"
rm -f out.big out.big.incomplete
faulty KDK_FAULT_PATH=out.big KDK_FAULT_WRITE=ENOSPC:0x2000000 -- -d 0 big.elf out.big
on_disk "ENOSPC at 32 MiB of a 64 MiB dump" out.big*
"$inspect" compare-readable out.big.incomplete big.elf > cmp.out 2>&1
# data from 0x64000: 8092 whole pages fit below 32 MiB, 63 runs of 128 of them reached the disk.
[ "$status" -eq 1 ] && grep -qE '^8064 pages identical, 8320 unreadable' cmp.out
ok $? "ENOSPC at 32 MiB of a 64 MiB dump: the 63 runs written stay readable (exit $status; $(cat cmp.out))"

# ---- The target disk vanishing mid-save: EIO on every write, fsync and rename from 3 MiB on ----
# (--direct-io: a direct write that fails with EIO hands the rest to the page cache, which fails too)
for args in "-d 0" "-E -d 0" "--direct-io -d 0"; do
	rm -f gone gone.incomplete
	faulty KDK_FAULT_PATH=gone KDK_FAULT_WRITE_AFTER=EIO:0x300000 -- $args src.elf gone
	on_disk "the disk vanishing at 3 MiB ($args)" gone*
	[ "$status" -eq 1 ] && [ -s fault.log ] && [ ! -e gone ] && grep -q 'Input/output error' err &&
		grep -q 'gone.incomplete' err
	ok $? "the disk vanishing ($args): exit 1 (got $status) in time, the error and the partial name said: $(head -c 300 err)"
done

# ---- O_EXCL|O_NOFOLLOW: a rerun never truncates NAME.incomplete, a link never receives the image ----
sum_before=$(sha256sum < out.pages.incomplete)
faulty KDK_FAULT_PATH=nothing -- -d 0 src.elf out.pages
on_disk "a rerun over out.pages.incomplete" out.pages*
[ "$status" -eq 1 ] && [ "$(sha256sum < out.pages.incomplete)" = "$sum_before" ] &&
	grep -q 'out.pages.incomplete exists, left by an earlier save that did not finish (it may be the only copy of that crash)' err
ok $? "a rerun refuses to touch an earlier out.pages.incomplete (exit $status, bytes unchanged): $(head -c 250 err)"
faulty KDK_FAULT_PATH=nothing -- -f -d 0 src.elf out.pages
[ "$status" -eq 1 ] && [ "$(sha256sum < out.pages.incomplete)" = "$sum_before" ]
ok $? "-f does not make it overwrite out.pages.incomplete either (exit $status)"

echo precious > victim
ln -s victim planted.incomplete
"$dumpsave" -d 0 src.elf planted 2> err
status=$?
on_disk "a link planted at planted.incomplete" planted* victim
[ "$status" -eq 1 ] && [ "$(cat victim)" = precious ] && [ -L planted.incomplete ] && [ ! -e planted ] &&
	grep -q 'planted.incomplete exists' err
ok $? "a link planted at the partial name never receives the image (exit $status): $(head -c 200 err)"
ln -s victim linked
"$dumpsave" -d 0 src.elf linked 2> err
status=$?
[ "$status" -eq 1 ] && [ "$(cat victim)" = precious ] && grep -q 'linked exists (use -f to overwrite it)' err
ok $? "a link planted at the final name: refused without -f (exit $status)"
"$dumpsave" -f -d 0 src.elf linked 2> err
status=$?
on_disk "dumpsave -f over a link at the final name" linked* victim
[ "$status" -eq 0 ] && [ "$(cat victim)" = precious ] && [ -f linked ] && [ ! -L linked ]
ok $? "with -f the link itself is replaced by the dump; its target is untouched (exit $status)"

done_testing
