# tests/lab/ganesha.sh — a private NFS server (Debian's nfs-ganesha with its VFS backend) on
# 127.0.0.1 for the NFS tests, sourced by them. Nothing system-wide changes: its config, pid file,
# log and NFSv4 recovery directory under DIR, in a private mount namespace with a tmpfs on /run.
# NFSv4 over TCP; NFSv3 too with GANESHA_V3=1, which needs an rpcbind ganesha can register
# with (4.3 exits otherwise: "Cannot register NFS V3 on TCP"), i.e. a private network namespace
# (port 111 is system-wide), and MOUNT on MNT_PORT.
#   ganesha_setup DIR EXPORT_DIR  config exporting EXPORT_DIR as /export (root not squashed);
#                                 NFS_PORT, MNT_PORT (free ports unless already set)
#   ganesha_start DIR             start it and wait until it serves; GANESHA_PID; DIR/ganesha.log
#   ganesha_stop                  stop it

ganesha_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

ganesha_setup() {
	local dir=$1 export_dir=$2
	[ -x /usr/bin/ganesha.nfsd ] || { echo "ganesha_setup: /usr/bin/ganesha.nfsd missing (nfs-ganesha, nfs-ganesha-vfs)" >&2; return 1; }
	[ -e /usr/lib/x86_64-linux-gnu/ganesha/libfsalvfs.so ] || { echo "ganesha_setup: the VFS backend is missing (nfs-ganesha-vfs)" >&2; return 1; }
	[ "$(id -u)" -eq 0 ] || { echo "ganesha_setup: nfs-ganesha's VFS backend needs root (open_by_handle_at)" >&2; return 1; }
	mkdir -p "$dir/recovery" "$export_dir"
	NFS_PORT=${NFS_PORT:-$(ganesha_free_port)}
	MNT_PORT=${MNT_PORT:-$(ganesha_free_port)}
	local protocols=4
	[ "${GANESHA_V3:-0}" = 1 ] && protocols="3, 4"
	cat > "$dir/ganesha.conf" <<CONF
NFS_CORE_PARAM {
	Bind_addr = 127.0.0.1;
	NFS_Port = $NFS_PORT;
	MNT_Port = $MNT_PORT;
	Protocols = $protocols;
	Enable_NLM = false;
	Enable_RQUOTA = false;
	Enable_UDP = false;
	Mount_Path_Pseudo = true;
}
NFSV4 {
	Graceless = true;
	RecoveryBackend = fs;
	RecoveryRoot = $dir/recovery;
}
EXPORT {
	Export_Id = 1;
	Path = $export_dir;
	Pseudo = /export;
	Protocols = $protocols;
	Transports = TCP;
	Access_Type = RW;
	Squash = No_Root_Squash;
	SecType = sys;
	FSAL { Name = VFS; }
}
LOG { Default_Log_Level = EVENT; }
CONF
}

ganesha_start() {
	local dir=$1 i
	rm -f "$dir/ganesha.pid"
	# unshare and sh exec: $! is ganesha.nfsd itself
	setsid unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs /run && exec /usr/bin/ganesha.nfsd -F -L "$1/ganesha.log" -f "$1/ganesha.conf" -p "$1/ganesha.pid"' \
		sh "$dir" > "$dir/ganesha.out" 2>&1 &
	GANESHA_PID=$!
	for i in $(seq 1 100); do
		if grep -q 'NFS SERVER INITIALIZED' "$dir/ganesha.log" 2> /dev/null &&
			python3 -c "import socket; socket.create_connection(('127.0.0.1',$NFS_PORT),1)" 2> /dev/null; then
			return 0
		fi
		kill -0 "$GANESHA_PID" 2> /dev/null || break
		sleep 0.1
	done
	echo "ganesha_start: nfs-ganesha did not start on 127.0.0.1:$NFS_PORT:" >&2
	cat "$dir/ganesha.out" "$dir/ganesha.log" >&2
	return 1
}

ganesha_stop() {
	[ -n "${GANESHA_PID:-}" ] || return 0
	kill -TERM "$GANESHA_PID" 2> /dev/null
	for _ in $(seq 1 50); do
		kill -0 "$GANESHA_PID" 2> /dev/null || break
		sleep 0.1
	done
	kill -KILL "$GANESHA_PID" 2> /dev/null
	wait "$GANESHA_PID" 2> /dev/null
	GANESHA_PID=
}
