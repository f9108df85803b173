# Command-line test: a raw dump target's next boot — `kdumpctl save-raw` (and start, which runs it)
# on a partition image holding a flattened stream written as the capture /init writes it
# (dumpsave -F over the partition's start, old bytes after it): the dump becomes
# path/127.0.0.1-<date>/vmcore, byte for byte what makedumpfile -R (the reference) makes of the
# same stream; the signature is cleared, so a second run finds nothing; a cut stream is kept as
# vmcore.incomplete with the reason, and cleared too.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
build=${KDK_BUILD:-$top/build}
kdumpctl=$build/kdumpctl dumpsave=$build/dumpsave gen=$build/tests/tools/gen-elf-vmcore
[ -x "$kdumpctl" ] && [ -x "$dumpsave" ] && [ -x "$gen" ] || bail "build kdumpctl, dumpsave and tests/tools (make)"
command -v makedumpfile > /dev/null || bail "makedumpfile (the reference reassembler) not installed"
work=$(mktemp -d "${TMPDIR:-/tmp}/raw-save-cli-XXXX")
trap 'rm -rf "$work"' EXIT
TAP_KEEP_DIRS+=("$work")
cd "$work" || bail "cd $work"

"$gen" vmcore.elf --load 0:0x400000 --load 0x1000000:0x200000:0 --prstatus 2 > /dev/null || bail "generate vmcore.elf"
# the partition: 16 MiB of old bytes, the stream over its start
head -c $((16 << 20)) /dev/urandom > part.img
"$dumpsave" -F -l -d 0 vmcore.elf > stream 2> dumpsave.err || bail "dumpsave -F: $(cat dumpsave.err)"
dd if=stream of=part.img conv=notrunc status=none
makedumpfile -R reference.vmcore < stream > /dev/null 2>&1 || bail "makedumpfile -R"
printf '%s\n' "raw $work/part.img" "path $work/crash" "core_collector dumpsave -l -d 0" > kdump.conf
export KDUMP_CONF=$work/kdump.conf
unset JOURNAL_STREAM

"$kdumpctl" save-raw > out 2>&1
status=$?
dir=$(ls crash 2> /dev/null | grep '^127\.0\.0\.1-' | head -n 1)
[ $status -eq 0 ] && [ -n "$dir" ] && [ -f "crash/$dir/vmcore" ]
ok $? "save-raw: exit $status, crash/$dir/vmcore made ($(tail -n 1 out))"
cmp -s "crash/$dir/vmcore" reference.vmcore
ok $? "it is what makedumpfile -R makes of the stream ($(stat -c %s "crash/$dir/vmcore" 2> /dev/null) and $(stat -c %s reference.vmcore) bytes)"
is "$(head -c 4096 part.img | tr -d '\0' | wc -c)" 0 "the stream's header block on the partition is zeroed"
cmp -s <(tail -c +4097 part.img) <(tail -c +4097 stream; tail -c +$(( $(stat -c %s stream) + 1 )) part.img) 2> /dev/null
ok $? "the rest of the partition is left as it was"
"$kdumpctl" save-raw > out 2>&1
[ $? -eq 0 ] && grep -q 'no dump stream on it' out && [ "$(ls crash | wc -l)" = 1 ]
ok $? "a second save-raw finds nothing and saves nothing: \"$(cat out)\""

# A stream cut short (the capture died): reassembled as far as it goes, kept as incomplete, cleared.
rm -rf crash
head -c $((16 << 20)) /dev/zero > part.img
head -c $(( $(stat -c %s stream) / 2 )) stream | dd of=part.img conv=notrunc status=none
"$kdumpctl" save-raw > out 2>&1
status=$?
dir=$(ls crash 2> /dev/null | head -n 1)
[ $status -ne 0 ] && [ -f "crash/$dir/vmcore.incomplete" ] && [ ! -e "crash/$dir/vmcore" ] && grep -q 'vmcore.incomplete kept as it was reassembled' out
ok $? "a cut stream: exit $status, vmcore.incomplete kept, no vmcore: \"$(tail -n 1 out)\""
is "$(head -c 4096 part.img | tr -d '\0' | wc -c)" 0 "…and its header cleared all the same"

# start saves it before loading (here: no reservation, so start fails after saving)
rm -rf crash
dd if=stream of=part.img conv=notrunc status=none
mkdir -p sys/kernel proc && echo 0 > sys/kernel/kexec_crash_loaded && echo 0 > sys/kernel/kexec_crash_size
echo "root=UUID=1234" > proc/cmdline
KDUMPCTL_SYSFS=$work/sys KDUMPCTL_PROC=$work/proc "$kdumpctl" start > out 2>&1
ls crash/127.0.0.1-*/vmcore > /dev/null 2>&1
ok $? "start saves the raw stream too: $(grep -o 'saved .*' out | head -n 1)"
done_testing
