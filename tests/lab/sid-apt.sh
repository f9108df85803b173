# tests/lab/sid-apt.sh — Debian unstable (sid) through a private apt state under $KDK_CACHE/apt-sid,
# for packages bookworm's apt does not know (sid's kernels and their headers); sourced, after lab.conf.
# The same Debian registry as the host's (its first mirror), Suites sid; the host's apt lists are never
# touched. sid_update refreshes the lists at most once a day; sid_apt_opts are apt's options for it.
SID_STATE=$KDK_CACHE/apt-sid

# The host's mirror, so sid comes from the registry bookworm already uses.
sid_host_mirror() {
	local uri
	uri=$(grep -hs -m1 -E '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
		grep -v security | head -n 1 | sed -E 's/^URIs:[[:space:]]*//; s/^deb (\[[^]]*\] )?//; s/[[:space:]].*//')
	echo "${uri:-http://deb.debian.org/debian}"
}

sid_apt_opts() {
	echo "-o Dir::Etc::sourcelist=$SID_STATE/sources.list -o Dir::Etc::sourceparts=/dev/null" \
	     "-o Dir::State::Lists=$SID_STATE/lists -o Dir::Cache=$SID_STATE/cache -o Dir::State::status=/dev/null" \
	     "-o APT::Sandbox::User=root"
}

# Refresh sid's package lists at most once a day (the lists are small; the .debs are cached apart).
# Returns 1 (apt's message on stderr) when the update fails.
sid_update() {
	mkdir -p "$SID_STATE/lists/partial" "$SID_STATE/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(sid_host_mirror) sid main" > "$SID_STATE/sources.list"
	if [ -z "$(find "$SID_STATE/lists" -maxdepth 1 -name '*_sid_InRelease' -mtime -1 2>/dev/null)" ]; then
		# shellcheck disable=SC2046
		apt-get $(sid_apt_opts) update -q >&2 || return 1
	fi
}

# sid_has PACKAGE — whether sid's lists (as they are; no update) know PACKAGE.
sid_has() {
	# shellcheck disable=SC2046
	[ -d "$SID_STATE/lists" ] && apt-cache $(sid_apt_opts) show "$1" > /dev/null 2>&1
}
