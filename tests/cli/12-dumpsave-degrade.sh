# Command-line test: dumpsave never loses a dump to a fact it cannot find. A dump level whose
# facts no source gives (a VMCOREINFO without OFFSET(page.compound_head), no kernel memory, no
# VMCOREINFO at all) is saved at the strongest level that can be computed, exit 0, the reason on
# stderr, the level used in the kdump header's dump_level and a KDUMPKIT_DUMP_LEVEL line in its
# VMCOREINFO copy. And a PT_LOAD that ends inside a page (RAM 0x1000-0x9fc00, as kernel-made
# vmcores have) keeps that frame, its uncovered tail as zeros (docs/formats/elf-vmcore.md).
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
build=${KDK_BUILD:-$top/build}
dumpsave=$build/dumpsave gen=$build/tests/tools/gen-elf-vmcore inspect=$build/tests/tools/dump-inspect
[ -x "$dumpsave" ] && [ -x "$gen" ] && [ -x "$inspect" ] || bail "build dumpsave and tests/tools (make)"
work=$(mktemp -d "${TMPDIR:-/tmp}/dumpsave-degrade-XXXX")
trap 'cd / && rm -rf "$work"' EXIT
TAP_KEEP_DIRS+=("$work")
cd "$work" || bail "cd $work"

# The sub-header's dump_level (int32 at block_size + 8; block_size is the int32 at 428).
header_level() {
	local block
	block=$(od -An -t d4 -j 428 -N 4 "$1" | tr -d ' ')
	od -An -t d4 -j $((block + 8)) -N 4 "$1" | tr -d ' '
}

# Every page-layout key a 6.1 kernel exports, except OFFSET(page.compound_head).
cat > no-compound-head.txt <<'VI'
OSRELEASE=6.1.0-test
PAGESIZE=4096
SIZE(page)=64
OFFSET(page.flags)=0
OFFSET(page.mapping)=24
OFFSET(page._mapcount)=48
OFFSET(page.private)=40
OFFSET(page.compound_dtor)=16
NUMBER(PG_lru)=4
NUMBER(PG_private)=13
NUMBER(PG_swapcache)=10
NUMBER(PG_swapbacked)=19
NUMBER(PG_slab)=9
NUMBER(PG_head_mask)=65536
NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129
LENGTH(zone.free_area)=11
VI
"$gen" nohead.elf --load 0:0x400000 --load 0x1000000:0x200000:0 --prstatus 1 --vmcoreinfo no-compound-head.txt ||
	bail "generate nohead.elf"
"$dumpsave" -l -d 31 nohead.elf nohead.kdump > stdout 2> stderr
status=$?
is "$status" 0 "a VMCOREINFO without OFFSET(page.compound_head): -d 31 exits 0"
grep -q '^dumpsave: dump level 31 needs .*OFFSET(page.compound_head).*; saving at level 1 instead$' stderr
ok $? "it says what was missing and the level used: $(head -c 300 stderr)"
is "$(header_level nohead.kdump)" 1 "the kdump header's dump_level is the level used"
grep -aq 'KDUMPKIT_DUMP_LEVEL=1 (requested 31: dump level 31 needs' nohead.kdump
ok $? "its VMCOREINFO copy says level 1 was used instead of 31, and why"
grep -aq 'OFFSET(page.compound_head)=' nohead.kdump
is $? 1 "the reason carries no KEY= that crash or makedumpfile would take for a key"
"$inspect" compare nohead.kdump nohead.elf > cmp.out 2>&1
ok $? "every page it holds is the source's ($(cat cmp.out))"
"$inspect" info nohead.kdump | grep -q 'incomplete no'
ok $? "the dump is complete"

# The whole page layout, but no kernel memory to read struct pages through (no page tables).
{ cat no-compound-head.txt; echo 'OFFSET(page.compound_head)=8'; } > layout-only.txt
"$gen" nomem.elf --load 0:0x400000 --prstatus 1 --vmcoreinfo layout-only.txt || bail "generate nomem.elf"
"$dumpsave" -d 17 nomem.elf nomem.kdump > stdout 2> stderr
status=$?
is "$status" 0 "every page key but no kernel memory: -d 17 exits 0"
grep -q '^dumpsave: dump level 17 needs .*; saving at level 1 instead$' stderr
ok $? "it says so: $(head -c 300 stderr)"
is "$(header_level nomem.kdump)" 1 "the header says level 1"

# No VMCOREINFO at all.
"$gen" bare.elf --load 0:0x400000 --prstatus 1 || bail "generate bare.elf"
"$dumpsave" -d 31 bare.elf bare.kdump > stdout 2> stderr
status=$?
is "$status" 0 "no VMCOREINFO: -d 31 exits 0"
grep -q 'saving at level 1 instead' stderr
ok $? "and says it saved at level 1: $(head -c 300 stderr)"
"$dumpsave" -d 30 bare.elf bare30.kdump > stdout 2> stderr
is "$?:$(header_level bare30.kdump)" "0:0" "-d 30 without VMCOREINFO is saved at level 0 (zero pages are bit 1, not asked for)"
"$dumpsave" -E -d 31 bare.elf bare.elfout > stdout 2> stderr
status=$?
grep -q 'saving at level 1 instead' stderr
ok $? "-E degrades the same way (exit $status): $(head -c 200 stderr)"
"$dumpsave" -d 1 bare.elf bare1.kdump > stdout 2> stderr
is "$?:$(cat stderr)" "0:" "a level that can be computed is saved silently"

# A PT_LOAD ending inside a page, as the kernel's elfcorehdr has for the first 640 KiB.
"$gen" partial.elf --load 0x1000:0x9ec00 --load 0x100000:0x100000 --prstatus 1 || bail "generate partial.elf"
"$dumpsave" -d 0 partial.elf partial.kdump 2> stderr
ok $? "a dump with a partial last frame saves"
is "$("$inspect" kept partial.kdump | head -1)" "1-9f" "the partial frame 0x9f is kept"
"$inspect" compare partial.kdump partial.elf > cmp.out 2>&1
ok $? "it reads the same from the saved dump as from the source, zero tail included ($(cat cmp.out))"
"$dumpsave" -E -d 0 partial.elf partial.elfout 2> stderr && "$inspect" compare partial.elfout partial.elf > cmp.out 2>&1
ok $? "-E keeps it too ($(cat cmp.out))"

done_testing
