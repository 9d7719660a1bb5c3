#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make demo`: narrate the smoke livepatch at work, for someone who has
# never seen livepatch.  Runs in the guest; the host shows this output.

. /tests/functions.sh

P=klpsv_smoke_patch
V=klpsv_smoke_victim
seen=$(dmesg | wc -l)

say() { printf '\n%s\n' "$*"; }
run() {
	echo "  \$ $*"
	sh -c "$*" 2>&1 | sed 's/^/    /'
}
# Show what the kernel logged since the last call.
kernel_said() {
	dmesg | sed 's/^\[[ 0-9.]*\] //' | tail -n +$((seen + 1)) |
		grep -e '^livepatch: ' -e '^klpsv' | grep -v 'klp_try_switch_task' |
		sed 's/^/    kernel: /'
	seen=$(dmesg | wc -l)
}

echo "== klpsv demo: a live kernel patch, on Linux $KVER under qemu =="
say "1. A kernel module is running.  Reading /proc/klpsv_smoke calls its
   function klpsv_smoke_describe(), which has a \"bug\": it says too little."
load_mod $V >/dev/null
kernel_said >/dev/null
run cat /proc/klpsv_smoke

say "2. We load a livepatch: a module that replaces klpsv_smoke_describe()
   in the running kernel, without a reboot.  Tasks switch to the new code
   one by one (the \"transition\"); then the patch is fully applied."
run insmod /lib/klpsv/$P.ko
wait_transition $P
kernel_said
run cat /sys/kernel/livepatch/$P/enabled

say "3. The same file now runs the new code.  It counts reads of the item
   in a shadow variable: extra data the patch attaches to an existing
   kernel object, since the object's own struct cannot grow."
run cat /proc/klpsv_smoke
run cat /proc/klpsv_smoke

say "4. Disabling the patch switches every task back to the original code."
run "echo 0 > /sys/kernel/livepatch/$P/enabled"
while [ -d /sys/kernel/livepatch/$P ]; do sleep 0.1; done
kernel_said
run cat /proc/klpsv_smoke

say "5. Both modules unload cleanly."
unload_mod $P
unload_mod $V
run "lsmod | grep klpsv || echo '(no klpsv module loaded)'"

say "klpsv keeps shadow data like that counter safe when a newer cumulative
patch replaces this one: see README.md and Documentation/."
