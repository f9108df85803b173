# Lab test: kcrash over damaged dumps, built with ASan and UBSan (make asan-build): a dump is
# damaged input by nature. From each lab kernel's sysrq fixture, our -l -d 31 copy is damaged in
# the ways real dumps are — header bytes, page data overwritten, truncation — and kcrash runs
# sys, ps, log, bt -a, mod, mach (-m, -c), kmem -V, kmem -z, sys -i, sig 1, bt -F, bt -c 0 and
# dev -p on each, from the dump alone: no sanitizer report, no hang (60 s).
# Where only page data is damaged, ps and log (with the vmlinux: from the dump alone a damaged
# page of the kallsyms tables leaves no symbols, said in one line) still answer for what is readable:
# ps at least 9 in 10 of the tasks it lists on the undamaged copy (the direct map is translated
# without the page tables, so a damaged page-table page hides no task; a damaged task_struct page
# may hide its own).
. "$(dirname "$0")/../lab.sh"

asan=$KDK_TOP/build-asan
if [ ! -x "$asan/kcrash" ]; then
	make -s -C "$KDK_TOP" asan-build > /dev/null 2>&1 || bail "make asan-build failed"
fi
[ -x "$asan/kcrash" ] || bail "$asan/kcrash not built (make asan-build)"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# damage IN OUT KIND SEED — a damaged copy: header (32 bytes in the first 8 KiB), pages (a 64 KiB
# run past the header and bitmaps overwritten), cut (the file truncated at SEED percent).
damage() {
	python3 - "$@" <<'PY'
import random, shutil, sys
src, out, kind, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
shutil.copyfile(src, out)
rng = random.Random(seed)
with open(out, "r+b") as f:
    f.seek(0, 2)
    size = f.tell()
    if kind == "header":
        for _ in range(32):
            f.seek(rng.randrange(0, min(8192, size)))
            f.write(bytes([rng.randrange(256)]))
    elif kind == "pages":
        start = rng.randrange(size // 4, size - 65536)
        f.seek(start)
        f.write(bytes(rng.randrange(256) for _ in range(65536)))
    else:
        f.truncate(size * seed // 100)
PY
}

for release in $KDK_LAB_KERNELS; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	lab_fixture "$release" sysrq > /dev/null || bail "$release: sysrq fixture"
	fx=$KDK_CACHE/fixtures/$release/sysrq
	work=$(lab_run_dir "damaged-$release")
	"$KDK_BUILD/dumpsave" -f -l -d 31 "$fx/vmcore.elf" "$work/base.kdump" 2> /dev/null ||
		bail "$release: dumpsave the fixture"
	count_tasks() { grep -cE '^[ >] *[0-9]+ +[0-9]+ +[0-9]+ +[0-9a-f]{16} ' "$1"; }
	timeout 60 "$asan/kcrash" "$vmlinux" "$work/base.kdump" -c ps > "$work/out-base" 2> "$work/err-base"
	base_tasks=$(count_tasks "$work/out-base")
	[ "$base_tasks" -gt 10 ] || bail "$release: ps lists $base_tasks tasks on the undamaged copy"
	for mutant in header:1 header:2 header:3 pages:4 pages:5 pages:6 cut:50 cut:90; do
		kind=${mutant%:*} seed=${mutant#*:}
		damage "$work/base.kdump" "$work/m.kdump" "$kind" "$seed" || bail "damage $mutant"
		timeout 60 "$asan/kcrash" "$work/m.kdump" -c 'sys; ps; log; bt -a; mod; mach; mach -m; mach -c; kmem -V; kmem -z; sys -i; sig 1; bt -F; bt -c 0; dev -p' \
			> "$work/out-$mutant" 2> "$work/err-$mutant"
		rc=$?
		report=$(grep -m 1 -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$work/err-$mutant")
		[ $rc != 124 ] && [ $rc -lt 128 ] && [ -z "$report" ]
		ok $? "$release $kind damage ($seed): kcrash exit $rc, no sanitizer report, no hang${report:+: $report}"
		if [ "$kind" = pages ]; then
			timeout 60 "$asan/kcrash" "$vmlinux" "$work/m.kdump" -c 'ps; log' > "$work/out-$mutant" 2>> "$work/err-$mutant"
			tasks=$(count_tasks "$work/out-$mutant")
			lines=$(grep -cE '^\[ *[0-9]+\.[0-9]{6}\] ' "$work/out-$mutant")
			[ $((tasks * 10)) -ge $((base_tasks * 9)) ] && [ "$lines" -gt 100 ]
			ok $? "$release $kind damage ($seed): with the vmlinux ps and log still answer ($tasks of $base_tasks tasks, $lines log lines)"
		fi
	done
	rm -f "$work/m.kdump" "$work/base.kdump"
done
done_testing
