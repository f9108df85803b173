# tests/lab/lock.sh — one writer at a time for what lab scripts make in shared places (the cache,
# build/lab-modules): the lab runs its test files two at a time (run-tests), and two clones may share a cache.
# lab_lock FILE — wait for an exclusive flock on FILE (created, with its folder) and hold it until
# this shell exits. Scripts take one lock for one thing they make; none takes a second while
# holding the first, except lab_fixture (lab.sh), whose make-fixture runs kernel and build-module.
lab_lock() {
	local fd
	mkdir -p "$(dirname "$1")"
	exec {fd}> "$1"
	flock "$fd"
}
