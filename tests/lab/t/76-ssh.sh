# Lab test (issue "6 · Dumping over SSH"), host side: dumpsave sends the lab fixtures to a private
# OpenSSH server on 127.0.0.1 (tests/lab/sshd.sh: its own config, keys and /run, nothing
# system-wide), through `dumpsave … ssh://user@127.0.0.1:PORT/path`.
#  - SFTP: the remote vmcore is byte-identical to a local dumpsave with the same options, and
#    the reference opens it (Debian's crash on 6.1; drgn on 6.12, where crash aborts at random:
#    lab_release);
#  - a server without SFTP gets PATH.flat through an exec channel, and `dumpsave -R` rebuilds the
#    same bytes; --ssh-flat forces that path;
#  - a wrong host key is refused with the host and both fingerprints named (checked against
#    ssh-keygen -l) and nothing written; an unknown host likewise; a wrong client key fails as an
#    authentication error; a server that comes up late is reached by the retries;
#  - a server killed mid-transfer leaves PATH.incomplete, marked incomplete, and a non-zero exit;
#  - three dumps sent at once land intact in three directories.
. "$(dirname "$0")/../lab.sh"
. "$LAB_DIR/sshd.sh"

dumpsave=$KDK_BUILD/dumpsave
inspect=$KDK_BUILD/tests/tools/dump-inspect
[ -x "$dumpsave" ] && [ -x "$inspect" ] || bail "build dumpsave and tests/tools (make)"

work=$(lab_run_dir ssh)
srv=$work/server
remote=$work/remote
mkdir -p "$remote"
sshd_setup "$srv" || bail "set up the private sshd"
sshd_start "$srv" || bail "start the private sshd"
trap 'sshd_stop "$srv"' EXIT
user=$(sshd_user)
url="ssh://$user@127.0.0.1:$SSHD_PORT"
keys=(--ssh-key "$srv/client/id" --known-hosts "$srv/client/known_hosts")
diag "private sshd on 127.0.0.1:$SSHD_PORT (pid $SSHD_PID), user $user, files in $work"

# One directory per case on the "collector": what it holds, sorted.
remote_files() { ls -A "$1" 2> /dev/null | sort | tr '\n' ' '; }

# The network targets do not depend on the kernel beyond its NIC driver: KDK_LAB_KERNELS_SHORT
# (time budget of make check, docs/lab.md).
for release in $KDK_LAB_KERNELS_SHORT; do
	lab_kernel_fetch "$release" --dbg || bail "fetch $release"
	lab_fixture "$release" sysrq > /dev/null || bail "$release: make the sysrq fixture"
	vmlinux=$(lab_kernel_dir "$release")/vmlinux
	src=$KDK_CACHE/fixtures/$release/sysrq/vmcore.elf
	local_dir=$work/local-$release
	mkdir -p "$local_dir" "$remote/$release"

	# ---- SFTP: byte-identical to a local save, and crash opens it --------------------------
	"$dumpsave" -l -d 31 "$src" "$local_dir/vmcore" 2> /dev/null
	started=$(date +%s%N)
	"$dumpsave" -l -d 31 "${keys[@]}" "$src" "$url$remote/$release/vmcore" 2> "$work/sftp.err"
	rc=$?
	took_ms=$((($(date +%s%N) - started) / 1000000))
	ok $rc "$release: dumpsave -l -d 31 to $url$remote/$release/vmcore over SFTP ($took_ms ms)"
	[ $rc -eq 0 ] || diag "$(cat "$work/sftp.err")"
	cmp -s "$local_dir/vmcore" "$remote/$release/vmcore"
	ok $? "$release: the remote vmcore is byte-identical to a local dumpsave of the same input ($(stat -c %s "$remote/$release/vmcore" 2> /dev/null) bytes)"
	is "$(stat -c %a "$remote/$release/vmcore" 2> /dev/null)" 600 "$release: the remote vmcore is mode 0600"
	is "$(remote_files "$remote/$release")" "vmcore " "$release: no partial file is left beside it"
	got=$(lab_release "$release" "$vmlinux" "$remote/$release/vmcore")
	[[ "$got" == "RELEASE: $release "* ]]
	ok $? "$release: the reference (crash on 6.1, drgn elsewhere) opens the vmcore that came over SSH: $got"

	# ---- --dump-dmesg over SFTP ---------------------------------------------------------------
	"$dumpsave" --dump-dmesg "$src" "$local_dir/dmesg.txt" 2> /dev/null
	"$dumpsave" --dump-dmesg "${keys[@]}" "$src" "$url$remote/$release/vmcore-dmesg.txt" 2> /dev/null &&
		cmp -s "$local_dir/dmesg.txt" "$remote/$release/vmcore-dmesg.txt"
	ok $? "$release: --dump-dmesg over SFTP gives the local kernel log ($(wc -l < "$remote/$release/vmcore-dmesg.txt" 2> /dev/null) lines)"

	# ---- no SFTP: the flattened stream through an exec channel --------------------------------
	"$dumpsave" -l -d 31 --ssh-flat "${keys[@]}" "$src" "$url$remote/$release/flat" 2> /dev/null
	ok $? "$release: --ssh-flat sends the dump through 'cat' on an exec channel"
	"$dumpsave" -R "$work/rebuilt-$release" < "$remote/$release/flat.flat" 2> /dev/null &&
		cmp -s "$local_dir/vmcore" "$work/rebuilt-$release"
	ok $? "$release: dumpsave -R rebuilds flat.flat into the bytes of the local vmcore"
	rm -f "$work/rebuilt-$release" "$remote/$release/flat.flat"
done

# The rest is about the transport: the 6.1 fixture serves as the input.
release=${KDK_LAB_KERNELS%% *}
src=$KDK_CACHE/fixtures/$release/sysrq/vmcore.elf
local_vmcore=$work/local-$release/vmcore

# ---- a server with no SFTP subsystem: dumpsave falls back by itself -----------------------------
nosftp=$work/server-nosftp
SSHD_PORT_MAIN=$SSHD_PORT SSHD_PID_MAIN=$SSHD_PID
SSHD_PORT=$(sshd_free_port)
sshd_setup "$nosftp" && sed -i '/^Subsystem/d' "$nosftp/sshd_config" && sshd_start "$nosftp" ||
	bail "start the sshd without SFTP"
mkdir -p "$remote/nosftp"
"$dumpsave" -l -d 31 --ssh-key "$nosftp/client/id" --known-hosts "$nosftp/client/known_hosts" "$src" \
	"ssh://$user@127.0.0.1:$SSHD_PORT$remote/nosftp/vmcore" 2> "$work/nosftp.err"
ok $? "a server without SFTP still gets the dump: $(grep -o 'no SFTP.*' "$work/nosftp.err" | head -c 100)"
is "$(remote_files "$remote/nosftp")" "vmcore.flat " "it holds vmcore.flat (nothing under a partial name)"
"$dumpsave" -R "$work/rebuilt-nosftp" < "$remote/nosftp/vmcore.flat" 2> /dev/null &&
	cmp -s "$local_vmcore" "$work/rebuilt-nosftp"
ok $? "dumpsave -R rebuilds it into the local vmcore's bytes"
sshd_stop "$nosftp"
rm -f "$work/rebuilt-nosftp"
SSHD_PORT=$SSHD_PORT_MAIN SSHD_PID=$SSHD_PID_MAIN

# ---- a wrong host key: refused, both fingerprints named, nothing written -----------------------
ssh-keygen -q -t ed25519 -N '' -C impostor -f "$work/impostor" < /dev/null
echo "[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$work/impostor.pub")" > "$work/known_hosts.wrong"
mkdir -p "$remote/wrong-host"
"$dumpsave" -l -d 31 --ssh-key "$srv/client/id" --known-hosts "$work/known_hosts.wrong" "$src" \
	"$url$remote/wrong-host/vmcore" 2> "$work/wrong-host.err"
rc=$?
msg=$(cat "$work/wrong-host.err")
real_fp=$(ssh-keygen -lf "$srv/host_ed25519.pub" | cut -d' ' -f2)
known_fp=$(ssh-keygen -lf "$work/impostor.pub" | cut -d' ' -f2)
[ $rc -ne 0 ]
ok $? "a wrong host key is refused (exit $rc)"
[[ "$msg" == *"HOST KEY MISMATCH"* && "$msg" == *"127.0.0.1"* && "$msg" == *"$real_fp"* && "$msg" == *"$known_fp"* ]]
ok $? "the message names the host and both fingerprints ($real_fp offered, $known_fp recorded)"
diag "$msg"
is "$(remote_files "$remote/wrong-host")" "" "nothing was written on the server"

# ---- an unknown host -------------------------------------------------------------------------------
: > "$work/known_hosts.empty"
"$dumpsave" -l -d 31 --ssh-key "$srv/client/id" --known-hosts "$work/known_hosts.empty" "$src" \
	"$url$remote/wrong-host/vmcore" 2> "$work/unknown-host.err"
rc=$?
[ $rc -ne 0 ] && grep -q "is not in $work/known_hosts.empty" "$work/unknown-host.err" &&
	grep -qF "$real_fp" "$work/unknown-host.err"
ok $? "a host missing from known_hosts is refused, never trusted on first use: $(head -c 150 "$work/unknown-host.err")"
is "$(remote_files "$remote/wrong-host")" "" "nothing was written for the unknown host either"

# ---- a wrong client key: an authentication error, named as such ---------------------------------
ssh-keygen -q -t ed25519 -N '' -C stranger -f "$work/stranger" < /dev/null
"$dumpsave" -l -d 31 --ssh-key "$work/stranger" --known-hosts "$srv/client/known_hosts" "$src" \
	"$url$remote/wrong-host/vmcore" 2> "$work/wrong-key.err"
rc=$?
[ $rc -ne 0 ] && grep -q "authentication refused" "$work/wrong-key.err"
ok $? "a key the server does not accept fails as an authentication error: $(head -c 150 "$work/wrong-key.err")"

# ---- retries: nothing listening, then a server that comes up late ------------------------------
dead=$(sshd_free_port)
"$dumpsave" -l -d 31 --ssh-retries 2 --ssh-retry-time 30 "${keys[@]}" "$src" \
	"ssh://$user@127.0.0.1:$dead$remote/wrong-host/vmcore" 2> "$work/dead.err"
rc=$?
[ $rc -ne 0 ] && grep -q "after 3 attempts" "$work/dead.err" && [ "$(grep -c 'trying again' "$work/dead.err")" -eq 2 ]
ok $? "with nothing listening, dumpsave tries 3 times with backoff, then says so: $(tail -n 1 "$work/dead.err" | head -c 140)"
late=$work/server-late
SSHD_PORT=$(sshd_free_port)
sshd_setup "$late" || bail "set up the late sshd"
mkdir -p "$remote/late"
"$dumpsave" -l -d 31 --ssh-retries 6 --ssh-key "$late/client/id" --known-hosts "$late/client/known_hosts" \
	"$src" "ssh://$user@127.0.0.1:$SSHD_PORT$remote/late/vmcore" 2> "$work/late.err" &
late_pid=$!
sleep 2.5
sshd_start "$late" || bail "start the late sshd"
wait $late_pid
rc=$?
ok $rc "a server that starts 2.5 s late is reached by the retries ($(grep -c 'trying again' "$work/late.err") retries)"
cmp -s "$local_vmcore" "$remote/late/vmcore"
ok $? "and the dump it got is intact"
sshd_stop "$late"
SSHD_PORT=$SSHD_PORT_MAIN SSHD_PID=$SSHD_PID_MAIN

# ---- three dumps at once, three directories ----------------------------------------------------
pids=()
for n in 1 2 3; do
	mkdir -p "$remote/host$n"
	"$dumpsave" -l -d 31 "${keys[@]}" "$src" "$url$remote/host$n/vmcore" 2> "$work/concurrent-$n.err" &
	pids+=($!)
done
fails=0
for pid in "${pids[@]}"; do wait "$pid" || fails=$((fails + 1)); done
is "$fails" 0 "three dumps sent at once all succeed"
same=0
for n in 1 2 3; do cmp -s "$local_vmcore" "$remote/host$n/vmcore" && same=$((same + 1)); done
is "$same" 3 "each of the three directories holds an intact vmcore"

# ---- the server killed mid-transfer: PATH.incomplete stays, marked incomplete ------------------
# -d 0 without compression: the whole 1 GiB guest goes over, long enough to kill sshd under it.
mkdir -p "$remote/killed"
"$dumpsave" -d 0 "${keys[@]}" "$src" "$url$remote/killed/vmcore" 2> "$work/killed.err" &
pid=$!
size=0
for _ in $(seq 1 400); do
	size=$(stat -c %s "$remote/killed/vmcore.incomplete" 2> /dev/null || echo 0)
	[ "$size" -gt 100000000 ] && break
	kill -0 $pid 2> /dev/null || break
	sleep 0.05
done
sshd_stop "$srv" KILL
wait $pid
rc=$?
diag "killed sshd with $size bytes on the server; dumpsave said: $(head -c 300 "$work/killed.err")"
[ $rc -ne 0 ] && [ "$size" -gt 100000000 ]
ok $? "dumpsave exits non-zero (exit $rc) when the server dies mid-transfer"
is "$(remote_files "$remote/killed")" "vmcore.incomplete " "the remote file stays vmcore.incomplete (no vmcore)"
"$inspect" info "$remote/killed/vmcore.incomplete" 2>&1 | grep -q 'incomplete yes'
ok $? "and its header says incomplete"
grep -q "incomplete" "$work/killed.err"
ok $? "the message says the dump is incomplete and where it is"
rm -rf "$remote" "$work"/local-*
done_testing
