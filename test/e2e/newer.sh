#!/bin/bash
# What only newer systemd and OpenSSH have, inside a booted Debian 13 container (systemd 257,
# OpenSSH 10.0): test/e2e/newer.test.ts. Three scenarios at once, each in its own namespaces
# (addresses from 192.0.2.0/24 only):
#  - nat MODE: HEALTHY devices and REVOKED ones (keys taken out of authorized_keys, retrying for
#    ever) behind one source address, as behind a carrier-grade NAT, to one relay sshd; every
#    relay sshd process killed and started again (a herd); seconds until every healthy device's
#    forward carries bytes; then one healthy device drops and reconnects while the revoked ones
#    keep failing. MODE tunnelc: the relay's --sshd-limits printed with --openssh
#    (PerSourcePenalties for fleets); MODE stock: the same file without it (OpenSSH's penalties).
#  - backoff: a tunnel with restart.maxDelaySec (RestartSteps=, RestartMaxDelaySec=) whose link
#    is down 75 s: the delays between its restarts, the seconds to bytes after the link is back,
#    and after a later drop.
# Lines "figure …" carry the figures; the test judges them.
. /tunnelc/test/e2e/netlib.sh
: >"$LOG"
HEALTHY=${HEALTHY:-8}
REVOKED=${REVOKED:-4}
CAP=${CAP:-90}

nat_names() { # h1… healthy, v1… revoked
  local i
  for i in $(seq 1 "$HEALTHY"); do echo "h$i"; done
  for i in $(seq 1 "$REVOKED"); do echo "v$i"; done
}
# nat_spec FILE PREFIX ACCOUNT: the fleet behind one address, PREFIXh1… healthy, PREFIXv1… revoked.
nat_spec() {
  local names
  mapfile -t names < <(nat_names)
  {
    printf '{ "defaults": { "server": { "host": "192.0.2.1", "user": "%s", "hostKeys": ["%s"] },\n' "$3" "$HOSTKEY"
    printf '    "forwards": [{ "remote": "auto", "to": "localhost:22" }] },\n'
    printf '  "ports": { "from": 21000, "to": 21999 },\n  "tunnels": [\n'
    local sep=""
    for n in "${names[@]}"; do
      printf '%s    { "name": "%s%s", "identity": "/etc/tunnelc/keys/%s" }' "$sep" "$2" "$n" "$n"
      sep=$',\n'
    done
    printf '\n  ] }\n'
  } >"$1"
}

setup() {
  set -e
  mkdir -p /run/sshd /etc/tunnelc/keys /specs
  HOSTKEY=$(cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)
  local i
  for i in $(seq 1 "$HEALTHY"); do ssh-keygen -q -t ed25519 -N '' -C "h$i" -f "/etc/tunnelc/keys/h$i"; done
  for i in $(seq 1 "$REVOKED"); do ssh-keygen -q -t ed25519 -N '' -C "v$i" -f "/etc/tunnelc/keys/v$i"; done
  ssh-keygen -q -t ed25519 -N '' -C bo -f /etc/tunnelc/keys/bo
  set +e
}

# nat_setup MODE RELAYNS DEVNS ACCOUNT PREFIX
nat_setup() {
  set -e
  local mode=$1 rns=$2 dns=$3 acct=$4 prefix=$5 spec=/specs/nat-$1.json conf=/etc/ssh/relay-$1.conf
  accounts "$acct"
  nat_spec "$spec" "$prefix" "$acct"
  # The revoked devices' keys taken out of the relay's authorized_keys, as an operator removing
  # devices would; they keep retrying (StartLimitIntervalSec=0).
  tunnelc relay "$spec" | grep -v -F -f <(cut -d' ' -f2 /etc/tunnelc/keys/v*.pub) >"/home/$acct/.ssh/authorized_keys"
  chown "$acct:$acct" "/home/$acct/.ssh/authorized_keys"
  [ "$(grep -c '^[^#]' "/home/$acct/.ssh/authorized_keys")" -eq "$HEALTHY" ]
  if [ "$mode" = tunnelc ]; then
    tunnelc relay "$spec" --sshd-limits --openssh "$(/usr/sbin/sshd -V 2>&1)" >"$conf"
  else
    tunnelc relay "$spec" --sshd-limits >"$conf"
  fi
  relay_conf "$conf.main" "$rns"
  cat "$conf.main" >>"$conf"
  tunnelc relay "$spec" --sshd-config >>"$conf"
  /usr/sbin/sshd -t -f "$conf"
  netns "$rns" && netns "$dns"
  veth "$rns" 192.0.2.1/30 "$dns" 192.0.2.2/30 "x$mode"
  ip netns exec "$rns" /usr/sbin/sshd -f "$conf" -E "/results/sshd-$mode.log"
  device_sshd "$dns"
  tunnelc compile "$spec" -o /etc/systemd/system >/dev/null
  local n
  for n in $(nat_names); do netns_unit "$prefix$n.service" "$dns"; done
  set +e
}

# all_up NS PREFIX: every healthy device's forward carries the device sshd's banner.
all_up() {
  local i
  for i in $(seq 1 "$HEALTHY"); do
    banner_at "$1" "$(relay_port "$2h$i.service")" >/dev/null || return 1
  done
}

nat_run() { # MODE RELAYNS PREFIX
  local mode=$1 rns=$2 prefix=$3 t0 result=">$CAP" i
  local end=$((SECONDS + 90))
  until all_up "$rns" "$prefix"; do
    [ $SECONDS -lt $end ] || { say "not ok - nat $mode: the healthy devices up before the herd # not all up in 90 s"; return; }
    sleep 1
  done
  say "ok - nat $mode: the healthy devices up before the herd"
  sleep 15 # the revoked devices keep failing meanwhile
  kill_sshd_in "$rns"
  ip netns exec "$rns" /usr/sbin/sshd -f "/etc/ssh/relay-$mode.conf" -E "/results/sshd-$mode.log"
  t0=$(now)
  while [ "$(elapsed "$t0" "$(now)" | cut -d. -f1)" -lt "$CAP" ]; do
    if all_up "$rns" "$prefix"; then result=$(elapsed "$t0" "$(now)"); break; fi
    sleep 1
  done
  local log=/results/sshd-$mode.log
  say "figure nat $mode $result activated=$(grep -c "activating .* penalty" "$log") dropped=$(grep -c "drop connection .*penalty" "$log") refused-keys=$(grep -c "Connection closed by authenticating user" "$log")"
  nat_drop "$mode" "$rns" "$prefix"
}

# nat_drop MODE RELAYNS PREFIX: one healthy device drops and reconnects while its revoked
# neighbours keep failing: with OpenSSH's own penalties, right after sshd activates the next one
# against the shared address; with tunnelc's none ever is, so after the same wait (up to 60 s).
nat_drop() {
  local mode=$1 rns=$2 unit="${3}h1.service" log=/results/sshd-$1.log before waited=0 port t0 t1 result=">$CAP"
  port=$(relay_port "$unit")
  before=$(grep -c "activating .* penalty" "$log")
  while [ $waited -lt 60 ] && [ "$(grep -c "activating .* penalty" "$log")" -le "$before" ]; do
    sleep 1
    waited=$((waited + 1))
  done
  systemctl stop "$unit"
  wait_for bash -c "! ip netns exec $rns timeout 3 nc -z -w 2 127.0.0.1 $port"
  systemctl start --no-block "$unit"
  t0=$(now)
  while [ "$(elapsed "$t0" "$(now)" | cut -d. -f1)" -lt "$CAP" ]; do
    if t1=$(banner_at "$rns" "$port"); then result=$(elapsed "$t0" "$t1"); break; fi
    sleep 0.5
  done
  say "figure natdrop $mode $result waited=$waited NRestarts=$(prop "$unit" NRestarts)"
}

# ---- back-off: RestartSteps= and RestartMaxDelaySec= ----------------------------------------
backoff_setup() {
  set -e
  accounts boa
  cat >/specs/bo.json <<JSON
{ "name": "bo", "server": { "host": "192.0.2.1", "user": "boa", "hostKeys": ["$HOSTKEY"] },
  "identity": "/etc/tunnelc/keys/bo",
  "restart": { "delaySec": 5, "spreadSec": 0, "maxDelaySec": 20, "steps": 3 },
  "forwards": [{ "remote": 2222, "to": "localhost:22" }] }
JSON
  tunnelc relay /specs/bo.json >/home/boa/.ssh/authorized_keys
  chown boa:boa /home/boa/.ssh/authorized_keys
  relay_conf /etc/ssh/relay-bo.conf ba
  tunnelc relay /specs/bo.json --sshd-config >>/etc/ssh/relay-bo.conf
  netns ba && netns bd
  veth ba 192.0.2.1/30 bd 192.0.2.2/30 xbo
  ip netns exec ba /usr/sbin/sshd -f /etc/ssh/relay-bo.conf -E /results/sshd-bo.log
  device_sshd bd
  tunnelc compile /specs/bo.json -o /etc/systemd/system >/dev/null
  netns_unit bo.service bd
  set +e
}

# The "Scheduled restart job" lines' monotonic times: the gaps between restarts, to a tenth.
restart_gaps() {
  journalctl -u bo.service -o short-monotonic --no-pager |
    awk -F'[][]' '/Scheduled restart job/ { t = $2 + 0; if (n++) printf "%s%.1f", (n > 2 ? "," : ""), t - p; p = t }'
}

backoff_run() {
  check "backoff: systemd-analyze verify knows RestartSteps= and RestartMaxDelaySec=" bash -c \
    '[ -z "$(systemd-analyze verify /etc/systemd/system/bo.service 2>&1)" ]'
  check "backoff: the unit has them" bash -c \
    '[ "$(systemctl show bo.service -p RestartSteps --value)" = 3 ] && [ "$(systemctl show bo.service -p RestartMaxDelayUSec --value)" = 20s ]'
  check "backoff: bytes before the outage" wait_banner ba 2222 60
  sleep 3
  # The device's link goes down: its ssh notices (keep-alives), then every try fails at once
  # (no route), so the gaps between restarts are the delays themselves.
  ip -n bd link set xbob down
  sleep 75
  ip -n bd link set xbob up
  local t0 t1 result=">120"
  t0=$(now)
  while [ "$(elapsed "$t0" "$(now)" | cut -d. -f1)" -lt 120 ]; do
    if t1=$(banner_at ba 2222); then result=$(elapsed "$t0" "$t1"); break; fi
    sleep 0.5
  done
  say "figure backoff gaps $(restart_gaps)"
  say "figure backoff back $result NRestarts=$(prop bo.service NRestarts)"
  # Up again; one drop later (the relay's sshd killed and started again): what it waits now.
  sleep 5
  kill_sshd_in ba
  ip netns exec ba /usr/sbin/sshd -f /etc/ssh/relay-bo.conf -E /results/sshd-bo.log
  t0=$(now) result=">120"
  sleep 1
  while [ "$(elapsed "$t0" "$(now)" | cut -d. -f1)" -lt 120 ]; do
    if t1=$(banner_at ba 2222); then result=$(elapsed "$t0" "$t1"); break; fi
    sleep 0.5
  done
  say "figure backoff later-drop $result NRestarts=$(prop bo.service NRestarts)"
  journalctl -u bo.service -o short-monotonic --no-pager >/results/journal-bo.txt
}

say "note $(systemctl --version | head -1); $(/usr/sbin/sshd -V 2>&1)"
setup >/dev/null
check "setup: nat tunnelc (relay files with --openssh)" nat_setup tunnelc na nd fleet ""
check "setup: nat stock (relay files without --openssh)" nat_setup stock sa sd fleet2 s
check "setup: backoff" backoff_setup
check "relay --sshd-limits --openssh: sshd -T has the fleet's PerSourcePenalties" bash -c \
  '/usr/sbin/sshd -T -f /etc/ssh/relay-tunnelc.conf | grep -qx "persourcepenalties crash:90 authfail:0 noauth:0 grace-exceeded:0 refuseconnection:10 max:600 min:15 max-sources4:65536 max-sources6:65536 overflow:permissive overflow6:permissive"'
check "relay --sshd-limits without --openssh: OpenSSH's own penalties" bash -c \
  '/usr/sbin/sshd -T -f /etc/ssh/relay-stock.conf | grep -q "^persourcepenalties crash:90 authfail:5 noauth:1 grace-exceeded:10 "'
systemctl daemon-reload
for n in $(nat_names); do systemctl start --no-block "$n.service" "s$n.service"; done
systemctl start --no-block bo.service
nat_run tunnelc na "" &
nat_run stock sa s &
backoff_run &
wait
for m in tunnelc stock; do cp "/etc/ssh/relay-$m.conf" "/results/relay-$m.conf"; done
say "done"
