# Command-line test: dumpsave on synthetic ELF vmcores (tests/tools/gen-elf-vmcore) — bad input
# ends with a clear message naming the file and the fault, a non-zero exit, no crash and nothing
# under the output name; a missing VMCOREINFO refuses only the levels that need it; a full disk
# leaves OUTPUT.incomplete marked incomplete and exits non-zero.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
build=${KDK_BUILD:-$top/build}
dumpsave=$build/dumpsave gen=$build/tests/tools/gen-elf-vmcore inspect=$build/tests/tools/dump-inspect
[ -x "$dumpsave" ] && [ -x "$gen" ] && [ -x "$inspect" ] || bail "build dumpsave and tests/tools (make)"
work=$(mktemp -d "${TMPDIR:-/tmp}/dumpsave-inputs-XXXX")
trap 'cd / && rm -rf "$work"' EXIT
TAP_KEEP_DIRS+=("$work")
cd "$work" || bail "cd $work"

# expect_refusal NAME MESSAGE-REGEX DUMPSAVE-ARGS... : non-zero, the message, no output left,
# and no crash (a signal gives a status above 128).
expect_refusal() {
	local name=$1 regex=$2; shift 2
	rm -f out out.incomplete
	"$dumpsave" "$@" out > stdout 2> stderr
	local status=$?
	[ $status -ne 0 ] && [ $status -lt 128 ] && grep -qE -- "$regex" stderr && [ ! -e out ]
	ok $? "$name: refused with \"$(head -c 160 stderr | tr '\n' ' ')\" (exit $status)"
}

"$gen" good.elf --load 0:0x400000 --load 0x1000000:0x200000:0 --prstatus 2 --phoff 192 || bail "generate good.elf"
"$dumpsave" -l -d 1 good.elf good.kdump 2> err
ok $? "a well-formed vmcore without VMCOREINFO saves at -d 1"
info=$("$inspect" info good.kdump)
grep -q 'prstatus 2' <<< "$info" && grep -q 'incomplete no' <<< "$info"
ok $? "its notes are carried (2 NT_PRSTATUS) and it is complete"
"$inspect" compare good.kdump good.elf > cmp.out 2>&1
ok $? "every page it holds is the source's ($(cat cmp.out))"
[ "$(stat -c %a good.kdump)" = 600 ]
ok $? "the output is created mode 0600"
"$dumpsave" -d 0 good.elf good.d0 2> err
ok $? "-d 0 works without VMCOREINFO"
# makedumpfile's step lines at --message-level 31 (report bit 16): every step, seconds as %.6f
"$dumpsave" -f -l -d 1 --message-level 31 good.elf steps.kdump 2> steps.err
for step in "Excluding unnecessary pages" "Writing bitmaps" "Copying data" "Syncing and renaming"; do
	grep -qE "^STEP \[$step *\] : [0-9]+\.[0-9]{6} seconds$" steps.err || { echo "# no step \"$step\""; false; }
done
ok $? "--message-level 31 reports each step's time as makedumpfile does: $(grep -c '^STEP' steps.err) STEP lines"
"$dumpsave" -f -E -d 1 --message-level 31 good.elf steps.elf 2> steps-elf.err
grep -q '^STEP \[Copying data' steps-elf.err && ! grep -q '^STEP \[Writing bitmaps' steps-elf.err
ok $? "an ELF output has no bitmap step: $(grep -c '^STEP' steps-elf.err) STEP lines"
"$dumpsave" --dry-run -d 1 --message-level 31 good.elf steps.dry 2> steps-dry.err
[ "$(grep -c '^STEP' steps-dry.err)" = 1 ] && grep -q '^STEP \[Excluding unnecessary pages\]' steps-dry.err
ok $? "--dry-run reports the one step it runs"
"$dumpsave" -f -l -d 1 good.elf quiet.kdump 2> quiet.err
! grep -q '^STEP' quiet.err
ok $? "the default message level (7) prints no step lines"
for codec in -c -l -z -p; do
	"$dumpsave" $codec -d 1 good.elf one$codec 2> /dev/null &&
		"$dumpsave" $codec -d 1 --num-threads 3 good.elf three$codec 2> /dev/null &&
		cmp -s one$codec three$codec
	ok $? "$codec with --num-threads 3 writes the same bytes as one thread"
done
# --direct-io (the capture /init's writes: whole blocks around the page cache where the file system
# takes O_DIRECT) changes how the bytes reach the disk, never which: the pages of pages.elf differ,
# so -d 0 and -c write large runs at odd offsets.
python3 -c "
import sys
sys.stdout.buffer.write(b''.join(bytes([(pfn * 7 + i // 512) & 255]) * 512 for pfn in range(2048) for i in range(0, 4096, 512)))" > pages.bin
"$gen" pages.elf --load 0:0x800000 --prstatus 1 || bail "generate pages.elf"
pages_off=$(python3 -c "
import struct
b = open('pages.elf','rb').read(4096)
phoff, = struct.unpack_from('<Q', b, 32); n, = struct.unpack_from('<H', b, 56)
print(next(struct.unpack_from('<Q', b, phoff + 56 * i + 8)[0] for i in range(n) if struct.unpack_from('<I', b, phoff + 56 * i)[0] == 1))")
dd if=pages.bin of=pages.elf bs=4096 seek=$((pages_off / 4096)) conv=notrunc status=none || bail "pages into pages.elf"
diag "--direct-io on $(stat -f -c %T .) (direct writes on ext2/ext3, xfs and btrfs; elsewhere the page cache)"
for args in "-d 0" "-c -d 0" "-l -d 0 --num-threads 2" "-E -d 0"; do
	rm -f plain.out direct.out
	"$dumpsave" $args pages.elf plain.out 2> /dev/null && "$dumpsave" --direct-io $args pages.elf direct.out 2> err &&
		cmp -s plain.out direct.out
	ok $? "--direct-io $args writes the same bytes as without ($(stat -c %s direct.out 2>/dev/null) bytes; $(head -c 200 err))"
done

# -d 31 without VMCOREINFO is saved at level 1 (tests/cli/12-dumpsave-degrade.sh).
expect_refusal "--dump-dmesg without VMCOREINFO" 'good.elf has no VMCOREINFO note: the kernel log needs it' --dump-dmesg good.elf

# A vmcore shorter than its PT_LOADs say (a copy that filled its disk) is saved: the pages that
# are there, the rest marked unreadable, exit 3 (tests/cli/44-faults.sh checks the marks).
"$gen" trunc.elf --load 0:0x400000 --prstatus 1 --truncate 20000
"$dumpsave" -d 1 trunc.elf trunc.kdump 2> err
status=$?
[ $status -eq 3 ] && grep -q 'could not be read from the source and are marked unreadable' err &&
	grep -q 'the file ends at 0x4e20 (truncated' err && [ -f trunc.kdump ]
ok $? "a truncated vmcore is saved with the missing pages marked (exit $status: $(head -c 200 err))"
"$gen" past.elf --load 0:0x100000 --load-past-eof
"$dumpsave" -d 0 past.elf past.kdump 2> err
status=$?
[ $status -eq 3 ] && grep -q 'marked unreadable' err && [ -f past.kdump ]
ok $? "a PT_LOAD past the end of the file: saved, its pages marked (exit $status)"
"$gen" note.elf --load 0:0x100000 --bad-note-size
expect_refusal "a note whose size runs past the notes" 'note.elf: note 0 at offset 0x0: name size 5 and desc size 2147483647 run past the end of the notes' -d 0 note.elf
head -c 5000 /dev/urandom > random.bin
expect_refusal "a file that is no vmcore" 'random.bin: not a vmcore' -d 0 random.bin
expect_refusal "a missing vmcore" 'nonexistent.elf: No such file or directory' -d 0 nonexistent.elf
"$dumpsave" -d 0 good.elf good.d0 2> err
[ $? -ne 0 ] && grep -q 'good.d0 exists (use -f to overwrite it)' err
ok $? "an existing output is not overwritten without -f"
expect_refusal "an unknown option" 'unknown option --bogus' --bogus good.elf
expect_refusal "two codecs" 'give one of -c, -l, -z and -p' -c -l good.elf
# Snappy (-p) is loaded by the host's dumpsave at its first snappy page (lib/optional_lib.h), and
# is not in the static one the capture /init carries: that one refuses it before it opens
# anything, and reads snappy pages as unreadable ones.
# The host tools start without libsnappy (and its libstdc++), libssh2 and OpenSSL: none of them
# is a DT_NEEDED of dumpsave, kcrash or kdumpctl; a save that does not use them never maps them.
needed=$(for tool in dumpsave kcrash kdumpctl; do readelf -d "$build/$tool" | grep NEEDED; done)
! grep -qE 'libsnappy|libssh2|libcrypto|libstdc' <<< "$needed" && [ -n "$needed" ]
ok $? "dumpsave, kcrash and kdumpctl do not link libsnappy, libssh2 or libcrypto ($(grep -oE 'lib(snappy|ssh2|crypto|stdc)[^]]*' <<< "$needed" | sort -u | tr '\n' ' '))"
maps=$(LD_DEBUG=files "$dumpsave" -f -l -d 1 good.elf good.lzo 2>&1 | grep -oE 'file=lib[a-z0-9]+' | sort -u | tr '\n' ' ')
# (libcrypto is not looked for here: the sanitizer build links libkmod, which brings it)
[ -n "$maps" ] && ! grep -qE 'snappy|ssh2' <<< "$maps"
ok $? "an -l save maps neither libsnappy nor libssh2 (loaded: $maps)"
maps=$(LD_DEBUG=files "$dumpsave" -f -p -d 1 good.elf good.snappy 2>&1 | grep -oE 'file=lib[a-z0-9]+' | sort -u | tr '\n' ' ') &&
	"$inspect" compare good.snappy good.elf > cmp.out 2>&1 && grep -q 'file=libsnappy' <<< "$maps"
ok $? "-p loads libsnappy and every page of the snappy dump is the source's ($(cat cmp.out); loaded: $maps)"
# (the sanitizer build has no static tools: the plain build's, as tests/cli/40 does)
dumpsave_host=$dumpsave dumpsave=$build/static/dumpsave
[ -x "$dumpsave" ] || dumpsave=$top/build/static/dumpsave
expect_refusal "-p in the static dumpsave" 'this is the static build for the capture /init, which links no snappy: use -l, -c or -z' -p -d 1 good.elf
"$dumpsave" -l -d 0 good.snappy from-snappy 2> err
status=$?
[ $status -eq 3 ] && grep -q 'snappy-compressed page: this is the static build for the capture /init' err
ok $? "the static dumpsave reading a snappy dump: saved, its snappy pages marked unreadable (exit $status)"
dumpsave=$dumpsave_host
# The capture /init for dumps without -z carries no libzstd (lib/zstd_api.h; mkdumprd picks
# kdump-init-zstd for -z): told by one of libzstd's own messages, in the builds that have it only.
zstd_text="Frame requires too much memory for decoding"
static=$build/static
[ -x "$static/kdump-init" ] || static=$top/build/static
! grep -qa "$zstd_text" "$static/kdump-init" && grep -qa "$zstd_text" "$static/kdump-init-zstd" &&
	grep -qa "$zstd_text" "$static/kdump-init-ssh" && grep -qa "$zstd_text" "$static/dumpsave"
ok $? "libzstd is in kdump-init-zstd, kdump-init-ssh and the static dumpsave, not in kdump-init ($(stat -c '%n %s' "$static"/kdump-init* | sed "s|$static/||" | paste -sd, -))"

# A full disk: a 4 MiB tmpfs in a private mount namespace (nothing outside this test sees it).
mkdir -p full
"$gen" big.elf --load 0:0x1000000 --prstatus 1 || bail "generate big.elf"
unshare -m --propagation private sh -c '
	mount -t tmpfs -o size=4m kdk-full full || exit 99
	'"$dumpsave"' -d 0 big.elf full/vmcore > stdout 2> stderr
	echo $? > status
	cp stderr full.stderr
	ls full > listing
	'"$inspect"' info full/vmcore.incomplete > incomplete.info 2>&1
' || true
[ "$(cat status 2>/dev/null)" != 99 ] && [ -s listing ] || bail "mount a tmpfs in a private mount namespace (unshare -m needs CAP_SYS_ADMIN)"
[ "$(cat status)" -ne 0 ] && [ "$(cat status)" -lt 128 ]
ok $? "a full disk makes dumpsave exit non-zero (exit $(cat status))"
grep -q 'No space left on device' full.stderr && grep -q 'vmcore.incomplete (marked incomplete)' full.stderr
ok $? "it says the disk is full and where the partial dump is: $(head -c 200 full.stderr)"
is "$(cat listing)" "vmcore.incomplete" "nothing under the final name; vmcore.incomplete is kept"
grep -q 'incomplete yes' incomplete.info
ok $? "the partial dump is readable and marked incomplete"

# The same full disk with the page pipeline (a writer thread, two compression threads): the
# writer's failure stops the reader and the workers — an exit, not a hang — and the partial dump
# is kept marked incomplete.
unshare -m --propagation private sh -c '
	mount -t tmpfs -o size=4m kdk-full full || exit 99
	timeout 60 '"$dumpsave"' -d 0 --num-threads 2 big.elf full/vmcore > stdout 2> stderr
	echo $? > status
	cp stderr full.stderr
	'"$inspect"' info full/vmcore.incomplete > incomplete.info 2>&1
' || true
[ "$(cat status)" -ne 0 ] && [ "$(cat status)" -lt 124 ] && grep -q 'No space left on device' full.stderr &&
	grep -q 'incomplete yes' incomplete.info
ok $? "with --num-threads 2 a full disk ends the save too (exit $(cat status); wanted 1-123: $(head -c 200 full.stderr))"
for codec in -c -l -z -p; do
	"$dumpsave" $codec -d 0 --num-threads 2 big.elf two$codec 2> /dev/null &&
		"$inspect" compare two$codec big.elf > cmp.out 2>&1
	ok $? "$codec -d 0 --num-threads 2: every page is the source's ($(cat cmp.out))"
done
done_testing
