# tests/lab/frames.sh — call-trace comparisons shared by lab tests: the reliable frames (no "? ")
# the kernel printed on its console, and the frames of kcrash's `bt -s`. Sourced after lab.sh.

# kernel_frames LOG START — the reliable frames of the first Call Trace after a line matching
# START; sysrq: the panic's own trace; oops: the oops's trace, which starts in the interrupted context.
kernel_frames() {
	tr -d '\r' < "$1" | sed 's/^\[[^]]*\] *//' |
		awk -v start="$2" '$0 ~ start { p = 1 } p && /Call Trace:/ { t = 1; next }
		     t && /<\/TASK>/ { exit } t && /^[a-zA-Z_.0-9]+\+0x[0-9a-f]+\/0x[0-9a-f]+/ { print $1 }'
}
# The frames after panic's own.
below_panic() { sed -n '/^panic+/,$p' | tail -n +2; }
# Every frame's name+offset/size in kcrash's `bt -s`.
bt_frames() { awk '/^ ?#[0-9]/ { print $3 }'; }
# The frames after kcrash bt's first [exception RIP: …] block: the interrupted context of an oops.
bt_after_exception() { awk '/\[exception RIP:/ { e = 1 } e && /^ ?#[0-9]/ { print $3 }'; }
# The console's first line that starts an oops report (6.1: "kernel BUG at …"/"invalid opcode";
# 6.12+: "Oops: …"; also "BUG: unable to handle …", "general protection fault").
OOPS_START='Oops: |kernel BUG at|BUG: |general protection fault|invalid opcode:'
