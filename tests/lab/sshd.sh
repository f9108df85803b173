# tests/lab/sshd.sh — a private OpenSSH server on 127.0.0.1 for the SSH tests, sourced by them.
# Nothing system-wide changes: its own config, host key, authorized_keys and pid file under DIR,
# and it runs in a private mount namespace with a tmpfs on /run (sshd insists on /run/sshd).
#   sshd_setup DIR      keys and config: DIR/host_ed25519, DIR/client/id (the dump key),
#                       DIR/client/known_hosts (the server's key for 127.0.0.1:PORT and for
#                       10.0.2.100, the guests' address of it), DIR/authorized_keys
#   sshd_start DIR      start it; SSHD_PORT, SSHD_PID; its log in DIR/sshd.log
#   sshd_stop DIR       stop it (and every session it forked)
#   sshd_user           the user it lets in with DIR/client/id (the one running the test)

sshd_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

sshd_user() {
	id -un
}

sshd_setup() {
	local dir=$1
	command -v /usr/sbin/sshd > /dev/null || { echo "sshd_setup: /usr/sbin/sshd missing (openssh-server)" >&2; return 1; }
	mkdir -p "$dir/client" && chmod 700 "$dir" "$dir/client"
	rm -f "$dir/host_ed25519" "$dir/host_ed25519.pub" "$dir/client/id" "$dir/client/id.pub"
	ssh-keygen -q -t ed25519 -N '' -C kdk-test-host -f "$dir/host_ed25519" || return 1
	ssh-keygen -q -t ed25519 -N '' -C kdk-test-client -f "$dir/client/id" || return 1
	cp "$dir/client/id.pub" "$dir/authorized_keys" && chmod 600 "$dir/authorized_keys"
	SSHD_PORT=${SSHD_PORT:-$(sshd_free_port)}
	{
		echo "[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$dir/host_ed25519.pub")"
		echo "10.0.2.100 $(cut -d' ' -f1,2 "$dir/host_ed25519.pub")"
	} > "$dir/client/known_hosts"
	cat > "$dir/sshd_config" <<CONF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
MaxStartups 50
MaxSessions 50
Subsystem sftp internal-sftp
LogLevel VERBOSE
CONF
}

sshd_start() {
	local dir=$1 ns=(unshare -m --propagation private) i
	[ "$(id -u)" -eq 0 ] || ns=(unshare -r -m --propagation private)
	rm -f "$dir/sshd.pid"
	setsid "${ns[@]}" sh -c 'mount -t tmpfs tmpfs /run && mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e -f "$1"' \
		sh "$dir/sshd_config" > "$dir/sshd.log" 2>&1 &
	SSHD_PID=$!
	for i in $(seq 1 100); do
		if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$SSHD_PORT),1)" 2> /dev/null; then
			return 0
		fi
		kill -0 "$SSHD_PID" 2> /dev/null || break
		sleep 0.1
	done
	echo "sshd_start: sshd did not start on 127.0.0.1:$SSHD_PORT:" >&2
	cat "$dir/sshd.log" >&2
	return 1
}

# The pids under $1, deepest first (sshd's per-connection children start sessions of their own,
# so a process-group kill misses them).
sshd_descendants() {
	local child
	for child in $(ps -o pid= --ppid "$1" 2> /dev/null); do
		sshd_descendants "$child"
		echo "$child"
	done
}

# sshd_stop DIR [SIGNAL] — the server and every connection it serves (SIGNAL default TERM; KILL
# plays a collector dying mid-transfer).
sshd_stop() {
	local dir=$1 sig=${2:-TERM} pids
	[ -n "${SSHD_PID:-}" ] || return 0
	pids=$(sshd_descendants "$SSHD_PID")
	# shellcheck disable=SC2086
	kill -"$sig" $pids "$SSHD_PID" 2> /dev/null
	wait "$SSHD_PID" 2> /dev/null
	SSHD_PID=
}
