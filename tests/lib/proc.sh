# tests/lib/proc.sh: process helpers shared by the scripts that start
# servers and clients (bash, sourced): the run command, the netns and qemu
# suites, the capture script.

# kill_pid PID: SIGTERM, wait up to 5 s, then SIGKILL; reaps our children.
kill_pid() {
	local p=$1 i
	kill -0 "$p" 2>/dev/null || return 0
	kill -TERM "$p" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
}
