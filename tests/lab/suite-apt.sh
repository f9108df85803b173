# tests/lab/suite-apt.sh — Debian suites the host's apt does not know, each through a private apt
# state under $KDK_CACHE/apt-SUITE: unstable (sid: its kernels and their headers) and the others of
# KDK_LAB_OTHER_SUITES (bullseye-security's 5.10 kernels, experimental's next series); sourced,
# after lab.conf. The host's apt lists are never touched. suite_update refreshes a suite's lists at
# most once a day; suite_apt_opts are apt's options for it; suite_has asks its lists.

# The host's mirror, so sid comes from the registry bookworm already uses.
host_mirror() {
	local uri
	uri=$(grep -hs -m1 -E '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
		grep -v security | head -n 1 | sed -E 's/^URIs:[[:space:]]*//; s/^deb (\[[^]]*\] )?//; s/[[:space:]].*//')
	echo "${uri:-http://deb.debian.org/debian}"
}

# The one sources line of SUITE: security suites from Debian's security archive, the rest from
# the host's mirror.
suite_source() {
	local keyring="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]"
	case $1 in
	*-security) echo "deb $keyring http://security.debian.org/debian-security $1 main" ;;
	*) echo "deb $keyring $(host_mirror) $1 main" ;;
	esac
}

suite_apt_opts() {
	local state=$KDK_CACHE/apt-$1
	echo "-o Dir::Etc::sourcelist=$state/sources.list -o Dir::Etc::sourceparts=/dev/null" \
	     "-o Dir::State::Lists=$state/lists -o Dir::Cache=$state/cache -o Dir::State::status=/dev/null" \
	     "-o APT::Sandbox::User=root"
}

# Refresh SUITE's package lists at most once a day (the lists are small; the .debs are cached
# apart). Returns 1 (apt's message on stderr) when the update fails.
suite_update() {
	local state=$KDK_CACHE/apt-$1
	mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
	suite_source "$1" > "$state/sources.list"
	if [ -z "$(find "$state/lists" -maxdepth 1 -name "*_${1}_InRelease" -mtime -1 2>/dev/null)" ]; then
		# shellcheck disable=SC2046
		apt-get $(suite_apt_opts "$1") update -q >&2 || return 1
	fi
}

# suite_has SUITE PACKAGE — whether SUITE's lists (as they are; no update) know PACKAGE.
suite_has() {
	# shellcheck disable=SC2046
	[ -d "$KDK_CACHE/apt-$1/lists" ] && apt-cache $(suite_apt_opts "$1") show "$2" > /dev/null 2>&1
}
