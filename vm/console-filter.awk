# pinfork VM mode: filters the guest's serial console for vm/boot.sh.
# Variables: state (a folder for the files below), t0_us (qemu start, in
# microseconds since the epoch), verbose (1: show boot messages on stderr).
#   before the ready marker: lines go to state/boot.log (boot noise)
#   after it: lines go to stdout, flushed one by one (the command's output)
#   markers are consumed: state/ready, state/exit-marker, state/guest-error,
#   and state/panic when the kernel panics while the command runs.

function now_us(   cmd, t) {
	cmd = "date +%s%6N"
	cmd | getline t
	close(cmd)
	return t
}

function note(file, text) {
	print text > (state "/" file)
	close(state "/" file)
}

{ sub(/\r$/, "") }

index($0, "<<pinfork-vm-ready>>") {
	if (!ready) {
		ready = 1
		note("ready", 1)
		printf "# vm: guest ready after %.1fs\n", (now_us() - t0_us) / 1e6 > "/dev/stderr"
		fflush("/dev/stderr")
	}
	next
}

(i = index($0, "<<pinfork-vm-exit:")) && /<<pinfork-vm-exit:[0-9]+>>$/ {
	code = substr($0, i + 18)
	sub(/>>$/, "", code)
	# A command whose output did not end in a newline leaves it here.
	if (i > 1) { print substr($0, 1, i - 1); fflush() }
	note("exit-marker", code)
	ready = 2	# what follows is the guest powering off
	next
}

(i = index($0, "<<pinfork-vm-error:")) {
	msg = substr($0, i + 19)
	sub(/>>$/, "", msg)
	note("guest-error", msg)
	next
}

ready == 1 {
	print
	fflush()
	if (index($0, "Kernel panic - not syncing"))
		note("panic", 1)
	next
}

{
	print >> (state "/boot.log")
	fflush(state "/boot.log")
	if (verbose) {
		print > "/dev/stderr"
		fflush("/dev/stderr")
	}
}
