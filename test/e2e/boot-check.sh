#!/bin/bash
# The boot test's checks, run inside the container once it has booted (test/e2e/faults.test.ts).
# Nothing here starts a tunnel: tunnelc install --enable --root on the host staged the units,
# their wants links and keys, and the container booted with that tree laid over /etc.
. /tunnelc/test/e2e/netlib.sh
: >"$LOG"
uptime_s() { cut -d' ' -f1 /proc/uptime; }
booted=$(awk -v m="$(prop init.scope ActiveEnterTimestampMonotonic)" 'BEGIN { printf "%.1f", m / 1e6 }')

check "boot: the staged units are enabled" bash -c \
  "[ \"\$(systemctl is-enabled boot-up.service boot-late.service | sort -u)\" = enabled ]"
check "boot: network-online.target is ordered before the tunnel" bash -c \
  "systemctl show boot-up.service -p After --value | tr ' ' '\n' | grep -qx network-online.target"
check "boot: the tunnel wants network-online.target" bash -c \
  "systemctl show boot-up.service -p Wants --value | tr ' ' '\n' | grep -qx network-online.target"
check "boot: network-online.target is reached" bash -c "[ \"\$(systemctl is-active network-online.target)\" = active ]"
if check "boot: bytes through the reachable relay, no manual start" wait_banner ra 2222 60; then
  say "figure boot reachable $(awk -v a="$booted" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }') after the container's systemd started"
fi
check "boot: the relays' network was up before the tunnel started" bash -c \
  "[ \$(systemctl show tunnelc-boot-net.service -p ExecMainExitTimestampMonotonic --value) -gt 0 ] &&
   [ \$(systemctl show tunnelc-boot-net.service -p ExecMainExitTimestampMonotonic --value) -le \$(systemctl show boot-up.service -p ExecMainStartTimestampMonotonic --value) ]"

# The unreachable relay: the tunnel keeps trying; once the relay answers, bytes flow within the
# restart delay (plus what one try that began before may still spend waiting for SYN answers).
check "boot: with the relay unreachable the tunnel keeps retrying" bash -c \
  "for i in \$(seq 90); do [ \"\$(systemctl show boot-late.service -p NRestarts --value)\" -ge 2 ] && exit 0; sleep 1; done; exit 1"
silent() { ! banner_at rb 2222 >/dev/null; }
check "boot: nothing listens on the unreachable relay" silent
ip -n rb route del blackhole 192.0.2.6/32
t0=$(now)
t=""
for i in $(seq 60); do t=$(banner_at rb 2222) && break; t=""; sleep 1; done
if [ -n "$t" ]; then
  say "figure boot late $(elapsed "$t0" "$t") restart=$(prop boot-late.service RestartUSec) NRestarts=$(prop boot-late.service NRestarts)"
else
  say "figure boot late >60 restart=$(prop boot-late.service RestartUSec)"
fi
journalctl -u boot-up.service -u boot-late.service -o short-monotonic --no-pager >/results/journal-boot.txt
say "done"
