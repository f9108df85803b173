# Command-line test: an SFTP server whose fsync fails. dumpsave sends a synthetic vmcore to a
# private sshd on 127.0.0.1 (tests/lab/sshd.sh) whose SFTP subsystem is OpenSSH's sftp-server
# behind tests/tools/sftp-fsync-fault, which answers fsync@openssh.com itself: with
# SSH_FX_FAILURE the save fails and only the -incomplete file is there; with
# SSH_FX_OP_UNSUPPORTED (a server without the extension) the save completes.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
. "$top/tests/lab/sshd.sh"
build=${KDK_BUILD:-$top/build}
dumpsave=$build/dumpsave gen=$build/tests/tools/gen-elf-vmcore
[ -x "$dumpsave" ] && [ -x "$gen" ] || bail "build dumpsave and tests/tools (make)"
work=$(mktemp -d "${TMPDIR:-/tmp}/sftp-fsync-XXXX")
TAP_KEEP_DIRS+=("$work")
cd "$work" || bail "cd $work"
sshd_setup "$work/srv" > setup.log 2>&1 || bail "set up the private sshd ($(cat setup.log))"
sed -i "s|^Subsystem sftp .*|Subsystem sftp $top/tests/tools/sftp-fsync-fault $work/fsync-code|" "$work/srv/sshd_config"
echo CODE=4 > fsync-code
sshd_start "$work/srv" > start.log 2>&1 || bail "start the private sshd ($(cat start.log))"
trap 'sshd_stop "$work/srv"; rm -rf "$work"' EXIT
"$gen" good.elf --load 0:0x400000 --prstatus 1 || bail "generate good.elf"
mkdir -p remote/failed remote/unsupported
send() { # DIR
	"$dumpsave" -l -d 0 --ssh-retries 0 --ssh-key "$work/srv/client/id" \
		--known-hosts "$work/srv/client/known_hosts" good.elf \
		"ssh://$(sshd_user)@127.0.0.1:$SSHD_PORT$work/remote/$1/vmcore" > "$1.out" 2> "$1.err"
}

send failed
status=$?
[ $status -ne 0 ] && [ $status -lt 128 ] && grep -q 'fsync' failed.err && [ ! -e remote/failed/vmcore ] &&
	ls remote/failed | grep -q incomplete
ok $? "fsync answered SSH_FX_FAILURE: the save fails (exit $status, \"$(head -c 200 failed.err | tr '\n' ' ')\"), remote has only: $(ls remote/failed | tr '\n' ' ')"

echo CODE=8 > fsync-code
send unsupported
status=$?
[ $status -eq 0 ] && [ -s remote/unsupported/vmcore ] && ! ls remote/unsupported | grep -q incomplete
ok $? "fsync answered SSH_FX_OP_UNSUPPORTED (no extension): the save completes (exit $status), remote has: $(ls remote/unsupported | tr '\n' ' ')"
done_testing
