#!/bin/bash
# Load on one relay (issue 18 §1), run inside the booted container by test/e2e/load.test.ts.
# DEVICES device namespaces dI (192.0.2.(10+I), each with its own sshd on 127.0.0.1:22) hang off
# one bridge in the relay namespace (sshd on 192.0.2.1, configured exactly as `tunnelc relay`
# prints it: authorized_keys, --sshd-limits, --sshd-config, --sysctl; LIMITS=no leaves sshd's
# own MaxStartups, for the comparison in docs/reliability.md; SPREAD=N sets every tunnel's
# restart.spreadSec, SPREAD=0 has them all retry after the same delay). One fleet spec of
# DEVICES × PER tunnels, each with its own key and relay port 20000+K, every forward to its
# device's own sshd; each unit joined to its device's namespace by a drop-in. Three events, each
# measured as the seconds from its end until every relay port carries the device sshd's banner
# (test/e2e/probe-ports.cjs):
#   cold    all units started at once;
#   herd    every relay sshd process killed (listener and sessions), sshd started again;
#   outage  the relay unreachable for OUTAGE seconds (its bridge down: packets vanish);
#   host    the same units with their whole sandbox started together on this one systemd
#           (seconds until all are active: the many-tunnels-on-one-host figure).
#   floor   (first) the same logins by plain ssh processes, no units: this machine's own pace,
#           which the targets scale with (load.test.ts).
# Lines "figure EVENT SECONDS key=value…" carry them; load.test.ts judges them. LOGIND=yes keeps
# pam_systemd in the relay's PAM sessions, for the comparison in docs/reliability.md.
. /tunnelc/test/e2e/netlib.sh
: >"$LOG"
DEVICES=${DEVICES:-10}
PER=${PER:-20}
N=$((DEVICES * PER))
OUTAGE=${OUTAGE:-60}
LIMIT=${LIMIT:-120}
FIRST_PORT=20001
RELAY_LOG=/results/sshd-relay.log

units() { local k; for k in $(seq 1 "$N"); do echo "t$k.service"; done; }
device_of() { echo $(((($1 - 1) / PER) + 1)); } # device_of K
# Sums of what systemd counts for the tunnels, and what sshd logged.
restarts() { units | xargs systemctl show -p NRestarts --value | awk '{ s += $1 } END { print s + 0 }'; }
failed() { systemctl list-units --state=failed --plain --no-legend 't*.service' | wc -l; }
drops() { grep -c 'past MaxStartups' "$RELAY_LOG" 2>/dev/null || true; }
relay_pids() { ip netns pids relay; }
# cpu_s: CPU seconds of the relay's sshd processes, with the sessions its listener has reaped
# (proc(5) /proc/PID/stat utime, stime, cutime, cstime, in clock ticks).
cpu_s() {
  local p t=0
  for p in $(relay_pids); do
    t=$((t + $(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  awk -v t="$t" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}
# pss_kib PID…: proportional set size, the fair share of pages shared between processes.
pss_kib() {
  local p t=0 v
  for p in "$@"; do
    v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
per_tunnel() { awk -v k="$1" -v n="$N" 'BEGIN { printf "%.0f", k / n }'; } # KiB per tunnel

setup() {
  set -e
  mkdir -p /run/sshd /etc/tunnelc/keys /specs
  HOSTKEY=$(cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)
  useradd -m -s /bin/bash fleet
  install -d -m 0700 -o fleet -g fleet /home/fleet/.ssh
  netns relay
  ip -n relay link add br0 type bridge
  ip -n relay addr add 192.0.2.1/24 dev br0
  ip -n relay link set br0 up
  local i k
  for i in $(seq 1 "$DEVICES"); do
    netns "d$i"
    ip link add "vd$i" type veth peer name "vr$i"
    ip link set "vd$i" netns "d$i"
    ip link set "vr$i" netns relay
    ip -n relay link set "vr$i" master br0 up
    ip -n "d$i" addr add "192.0.2.$((10 + i))/24" dev "vd$i"
    ip -n "d$i" link set "vd$i" up
    device_sshd "d$i"
  done
  # One key per tunnel, as a fleet has; the spec names each tunnel's relay port.
  {
    printf '{ "defaults": { "server": { "host": "192.0.2.1", "user": "fleet", "hostKeys": ["%s"] }%s },\n  "tunnels": [\n' \
      "$HOSTKEY" "$([ "${SPREAD:-default}" = default ] || printf ', "restart": { "spreadSec": %d }' "$SPREAD")"
    for k in $(seq 1 "$N"); do
      ssh-keygen -q -t ed25519 -N '' -C "t$k" -f "/etc/tunnelc/keys/t$k"
      printf '    { "name": "t%d", "identity": "/etc/tunnelc/keys/t%d", "forwards": [{ "remote": %d, "to": "localhost:22" }] }%s\n' \
        "$k" "$k" $((FIRST_PORT + k - 1)) "$([ "$k" -lt "$N" ] && echo ,)"
    done
    printf '  ]\n}\n'
  } >/specs/fleet.json
  tunnelc relay /specs/fleet.json >/home/fleet/.ssh/authorized_keys
  chown fleet:fleet /home/fleet/.ssh/authorized_keys
  # sshd_config as Debian lays it out: the whole-sshd settings first, then the Match blocks.
  relay_conf /etc/ssh/relay.conf relay
  # PAM as Debian has it, less pam_systemd: here the relay's logind sessions would be made by
  # the same PID 1 that starts the 200 device units, which a real relay's never does; with it,
  # each login waits on that PID 1, slow logins miss the devices' keep-alives, and the retries
  # feed the queue (docs/reliability.md has the figures with it).
  if [ "${LOGIND:-no}" = no ]; then sed -i '/pam_systemd/s/^/# /' /etc/pam.d/common-session; fi
  echo "192.0.2.1 $HOSTKEY" >/etc/ssh/load-known-hosts
  if [ "${LIMITS:-yes}" = yes ]; then tunnelc relay /specs/fleet.json --sshd-limits >>/etc/ssh/relay.conf; fi
  tunnelc relay /specs/fleet.json --sshd-config >>/etc/ssh/relay.conf
  tunnelc relay /specs/fleet.json --sysctl >/etc/ssh/relay.sysctl
  ip netns exec relay sysctl -q -p /etc/ssh/relay.sysctl
  ip netns exec relay /usr/sbin/sshd -t -f /etc/ssh/relay.conf
  # The relay's sshd as a service of its own, started and restarted with systemctl; its CPU
  # time and memory are read from its processes in the relay namespace (cpu_s, pss_kib).
  cat >/etc/systemd/system/relay-sshd.service <<UNIT
[Service]
NetworkNamespacePath=/run/netns/relay
ExecStart=/usr/sbin/sshd -D -f /etc/ssh/relay.conf -E $RELAY_LOG
UNIT
  tunnelc compile /specs/fleet.json -o /etc/systemd/system
  useradd -r -s /usr/sbin/nologin dev
  for k in $(seq 1 "$N"); do
    netns_unit "t$k.service" "d$(device_of "$k")"
    if [ "${SANDBOX:-no}" != yes ]; then separate_host "$k"; fi
  done
  systemctl daemon-reload
  systemctl start relay-sshd.service
  set +e
}

# separate_host K (SANDBOX=no): tunnel K's unit without its mount namespace, as a static
# account, for a comparison: each device is one systemd on its own kernel, while here 200 units
# share one systemd and one kernel, and each start's sandbox costs some of that shared kernel
# (docs/reliability.md "Many tunnels on one host"). The same ssh command line, the same
# Restart=, RestartSec=, TimeoutStartSec= and keep-alives, which are what the relay sees.
separate_host() {
  cat >>"/etc/systemd/system/t$1.service.d/netns.conf" <<DROPIN
DynamicUser=no
User=dev
PrivateMounts=no
ProtectSystem=no
ProtectHome=no
PrivateTmp=no
PrivateDevices=no
ProtectKernelTunables=no
ProtectKernelModules=no
ProtectKernelLogs=no
ProtectControlGroups=no
ProtectProc=default
ProcSubset=all
PrivateUsers=no
PrivateIPC=no
ProtectClock=no
ProtectHostname=no
DROPIN
}

# measure EVENT SINCE R0 D0 C0: probes every port, then reports the figure with what it cost.
measure() {
  local r last
  r=$(ip netns exec relay node /tunnelc/test/e2e/probe-ports.cjs "$2" "$LIMIT" "$FIRST_PORT" "$N")
  last=$(echo "$r" | sed -n 's/.*"last":\([0-9.]*\).*/\1/p')
  [ -n "$last" ] || last=">$LIMIT"
  local back
  back=$(echo "$r" | sed -n 's/.*"back":\([0-9]*\).*/\1/p')
  sleep 3 # what the last start leaves running settles
  say "figure $1 $last back=$back/$N restarts=$(($(restarts) - $3)) drops=$(($(drops) - $4)) failed=$(failed) relay_cpu_s=$(awk -v a="$(cpu_s)" -v b="$5" 'BEGIN { printf "%.2f", a - b }') device_pss_kib_per_tunnel=$(per_tunnel "$(pss_kib $(pgrep -x ssh))") relay_pss_kib_per_tunnel=$(per_tunnel "$(pss_kib $(relay_pids))")"
  [ "$back" = "$N" ]
}

if out=$(setup 2>&1); then say "ok - setup: $N tunnels from $DEVICES device namespaces to one relay"; else
  say "not ok - setup # $(echo "$out" | tail -n 4 | tr '\n' ' ')"
  say done
  exit 0
fi
say "note relay: $(grep -c '^restrict' /home/fleet/.ssh/authorized_keys) authorized_keys lines, $(grep '^MaxStartups' /etc/ssh/relay.conf || echo 'MaxStartups: default'), sshd_config $(wc -l </etc/ssh/relay.conf) lines, sysctl: $(grep -v '^#' /etc/ssh/relay.sysctl | tr '\n' ' ')"

# floor: what this machine takes for N logins to this relay with plain ssh, all at once, no units:
# the same keys, ports and forwards, no keep-alives to give up on a slow login. The targets scale
# with it (load.test.ts): the events' seconds are the relay's work on this machine plus tunnelc's.
floor_event() {
  local k t0 r last back pids=()
  t0=$(now)
  for k in $(seq 1 "$N"); do
    ip netns exec "d$(device_of "$k")" ssh -F /dev/null -i "/etc/tunnelc/keys/t$k" \
      -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes \
      -o UserKnownHostsFile=/etc/ssh/load-known-hosts -o ExitOnForwardFailure=yes \
      -N -R "$((FIRST_PORT + k - 1)):localhost:22" -l fleet 192.0.2.1 </dev/null >/dev/null 2>&1 &
    pids+=($!)
  done
  r=$(ip netns exec relay node /tunnelc/test/e2e/probe-ports.cjs "$t0" "$LIMIT" "$FIRST_PORT" "$N")
  last=$(echo "$r" | sed -n 's/.*"last":\([0-9.]*\).*/\1/p')
  back=$(echo "$r" | sed -n 's/.*"back":\([0-9]*\).*/\1/p')
  kill "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  say "figure floor ${last:->$LIMIT} back=$back/$N relay_cpu_s=$(cpu_s)"
  sleep 3 # the relay's sessions gone, their ports free
  [ "$back" = "$N" ]
}
check "floor: $N plain ssh logins to the relay at once" floor_event

# cold: every unit at once (systemctl queues all 200 start jobs; systemd runs them in parallel).
d0=$(drops) c0=$(cpu_s)
t0=$(now)
units | xargs systemctl start --no-block
check "cold: every forward carries bytes" measure cold "$t0" 0 "$d0" "$c0"

# herd: every relay sshd process killed at once, then the service started again.
r0=$(restarts) d0=$(drops)
# Every sshd process of the relay: the listener, and each device's session, which pam_systemd
# has moved into a login session scope of its own (so killing the service alone leaves them).
kill -KILL $(relay_pids)
wait_for sh -c '[ -z "$(ip netns pids relay)" ] && ! systemctl is-active -q relay-sshd.service'
systemctl reset-failed relay-sshd.service 2>/dev/null
t0=$(now)
systemctl start relay-sshd.service
check "herd: every forward carries bytes after the relay's sshd restarts" measure herd "$t0" "$r0" "$d0" 0

# outage: the relay's bridge down for OUTAGE seconds, nothing said to either side.
r0=$(restarts) d0=$(drops) c0=$(cpu_s)
ip -n relay link set br0 down
sleep "$OUTAGE"
ip -n relay link set br0 up
t0=$(now)
check "outage: every forward carries bytes after ${OUTAGE} s unreachable" measure outage "$t0" "$r0" "$d0" "$c0"

check "no tunnel given up" test "$(failed)" = 0

# host: the same N units as tunnelc compiled them, sandbox and all, started together on this one
# systemd, as on a host given a fleet's worth of tunnels (docs/reliability.md "Many tunnels on
# one host"): seconds until every unit is active, and how many starts failed on the way.
host_event() {
  local k t0 a=0 i
  units | xargs systemctl stop
  for k in $(seq 1 "$N"); do netns_unit "t$k.service" "d$(device_of "$k")"; done
  systemctl daemon-reload
  units | xargs systemctl reset-failed 2>/dev/null
  local r0 mounts0
  r0=$(restarts)
  mounts0=$(grep -c . /proc/self/mountinfo)
  t0=$(now)
  units | xargs systemctl start --no-block
  for i in $(seq 1 "$LIMIT"); do
    a=$(systemctl list-units --state=active --plain --no-legend 't*.service' | wc -l)
    [ "$a" = "$N" ] && break
    sleep 0.5
  done
  local took
  took=$(elapsed "$t0" "$(now)")
  [ "$a" = "$N" ] || took=">$LIMIT"
  say "figure host $took active=$a/$N restarts=$(($(restarts) - r0)) mounts_before=$mounts0 mounts_after=$(grep -c . /proc/self/mountinfo) sandboxed=$(systemctl show t1.service -p ProtectSystem --value)"
  [ "$a" = "$N" ]
}
check "host: all $N units, sandbox and all, active after starting together" host_event

journalctl -u 't*.service' -o short-monotonic --no-pager >/results/journal-tunnels.txt 2>&1
say done
