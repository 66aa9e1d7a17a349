#!/bin/bash
# Network faults and the three hosts, run inside the booted container (test/e2e/faults.test.ts).
# Each case gets its own relay namespace rN (sshd on 192.0.2.1) and device namespace dN
# (192.0.2.2, its own sshd on 127.0.0.1:22, the tunnel's unit joined to dN by a drop-in), and
# all cases run at once. A case's figure is the seconds from the fault's end until the device
# sshd's banner arrives through 127.0.0.1:2222 in the relay namespace, probed every second
# during and after the fault (a laptop that keeps trying: each probe wakes a stale relay
# session, docs/reliability.md). Lines "figure CONFIG FAULT SECONDS" carry them; the test
# judges them against its targets. ">CAP" means no bytes CAP seconds after the fault's end.
. /tunnelc/test/e2e/netlib.sh
: >"$LOG"
CAP=${CAP:-330}
CONFIGS=${CONFIGS:-"tunnelc seed stock"}
FAULTS=${FAULTS:-"link30 link240 addr5 addr30 kill drop120"}

setup() {
  set -e
  mkdir -p /run/sshd /etc/tunnelc/keys /specs
  ssh-keygen -q -t ed25519 -N '' -C device -f /etc/tunnelc/keys/device
  HOSTKEY=$(cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)
  useradd -m -s /bin/bash fleet
  install -d -m 0700 -o fleet -g fleet /home/fleet/.ssh
  # The seed form's account keeps its key and known_hosts in ~/.ssh.
  useradd -m -s /bin/bash tunnel
  install -d -m 0700 -o tunnel -g tunnel /home/tunnel/.ssh
  install -m 0600 -o tunnel -g tunnel /etc/tunnelc/keys/device /home/tunnel/.ssh/id_ed25519
  echo "192.0.2.1 $HOSTKEY" >/home/tunnel/.ssh/known_hosts
  chown tunnel:tunnel /home/tunnel/.ssh/known_hosts
  # One device key for every case: the relay account's authorized_keys from tunnelc relay.
  v1_spec device fleet
  tunnelc relay /specs/device.json >/home/fleet/.ssh/authorized_keys
  chown fleet:fleet /home/fleet/.ssh/authorized_keys
  cat >/specs/seed.json <<JSON
{ "localUser": "tunnel", "remoteHostname": "192.0.2.1", "remoteUser": "fleet", "bindPort": 2222 }
JSON
  set +e
}

v1_spec() { # v1_spec NAME USER [PORT]: the v1 defaults, nothing tuned
  cat >"/specs/$1.json" <<JSON
{ "name": "$1", "server": { "host": "192.0.2.1", "user": "$2", "hostKeys": ["$HOSTKEY"] },
  "identity": "/etc/tunnelc/keys/device", "forwards": [{ "remote": ${3:-2222}, "to": "localhost:22" }] }
JSON
}

# relay_for N CONFIG SPEC: the relay namespace's sshd_config (and sysctls) for a configuration.
relay_for() {
  local conf=/etc/ssh/relay-r$1.conf
  relay_conf "$conf" "r$1"
  case $2 in
    stock) ;; # sshd's defaults: no ClientAliveInterval, the kernel's tcp_retries2
    *)
      tunnelc relay "$3" --sshd-config >>"$conf"
      # tunnelc relay --sysctl, where this tunnelc has it, applied to the relay namespace only.
      if tunnelc relay "$3" --sysctl >"/etc/ssh/relay-r$1.sysctl" 2>/dev/null; then
        ip netns exec "r$1" sysctl -q -p "/etc/ssh/relay-r$1.sysctl"
      fi
      ;;
  esac
  ip netns exec "r$1" /usr/sbin/sshd -t -f "$conf"
}

# pair N CONFIG: relay rN + device dN, the tunnel unit tun-N in dN.
pair() {
  local n=$1 unit="tun-$1.service"
  netns "r$n" && netns "d$n" || return 1
  veth "r$n" 192.0.2.1/24 "d$n" 192.0.2.2/24 "v$n" || return 1
  v1_spec "tun-$n" fleet
  relay_for "$n" "$2" "/specs/tun-$n.json" || return 1
  relay_sshd "r$n" "/etc/ssh/relay-r$n.conf" || return 1
  device_sshd "d$n" || return 1
  case $2 in
    seed) tunnelc compile /specs/seed.json >"/etc/systemd/system/$unit" ;;
    *) tunnelc compile "/specs/tun-$n.json" >"/etc/systemd/system/$unit" ;;
  esac || return 1
  netns_unit "$unit" "d$n"
}

fault() { # fault N KIND: runs it; the time it ended goes to /run/fault-end-N
  local n=$1
  case $2 in
    link*) # the device's link goes down: its peer loses carrier, nothing gets through
      ip -n "d$n" link set "v${n}b" down
      sleep "${2#link}"
      ip -n "d$n" link set "v${n}b" up ;;
    addr*) # down, and back with another address: the relay's old session has no one to reset it
      ip -n "d$n" link set "v${n}b" down
      ip -n "d$n" addr flush dev "v${n}b"
      ip -n "d$n" addr add 192.0.2.3/24 dev "v${n}b"
      sleep "${2#addr}"
      ip -n "d$n" link set "v${n}b" up ;;
    kill) # every sshd of the relay, sessions too, and 10 s later a new one
      kill_sshd_in "r$n"
      sleep 10
      relay_sshd "r$n" "/etc/ssh/relay-r$n.conf" ;;
    drop*) # packets silently dropped both ways, the links stay up (no netem or nft in the rootfs)
      ip -n "d$n" route add blackhole 192.0.2.1/32
      ip -n "r$n" route add blackhole 192.0.2.2/32
      sleep "${2#drop}"
      ip -n "d$n" route del blackhole 192.0.2.1/32
      ip -n "r$n" route del blackhole 192.0.2.2/32 ;;
  esac
  now >"/run/fault-end-$n"
}

measure() { # measure N CONFIG FAULT
  local n=$1 end="" t result=">$CAP"
  fault "$n" "$3" &
  while :; do
    [ -z "$end" ] && [ -f "/run/fault-end-$n" ] && end=$(cat "/run/fault-end-$n")
    if [ -n "$end" ]; then
      # Only a probe that starts after the fault's end counts.
      if t=$(banner_at "r$n" 2222); then result=$(elapsed "$end" "$t"); break; fi
      [ "$(elapsed "$end" "$(now)" | cut -d. -f1)" -ge "$CAP" ] && break
    else
      banner_at "r$n" 2222 >/dev/null
    fi
    sleep 1
  done
  wait
  say "figure $2 $3 $result NRestarts=$(prop "tun-$n.service" NRestarts)"
  journalctl -u "tun-$n.service" -o short-monotonic --no-pager >"/results/journal-tun-$n.txt"
}

# ---- the three hosts: device, relay and laptop --------------------------------------------
# Relay r0 joins device d0 (192.0.2.0/25) and laptop l0 (192.0.2.128/25). The relay's
# authorized_keys and Match block come from tunnelc relay, the laptop's Host block from
# tunnelc ssh-config: "ssh dev" on the laptop lands in the device's sshd.
three_hosts() {
  set -e
  accounts relay0 laptop devuser
  runuser -u laptop -- ssh-keygen -q -t ed25519 -N '' -C laptop -f /home/laptop/.ssh/id_ed25519
  for u in laptop devuser; do
    install -m 0600 -o $u -g $u /home/laptop/.ssh/id_ed25519.pub /home/$u/.ssh/authorized_keys
  done
  netns r0 && netns d0 && netns l0
  veth r0 192.0.2.1/25 d0 192.0.2.2/25 v0
  veth r0 192.0.2.129/25 l0 192.0.2.130/25 w0
  ip -n l0 route add default via 192.0.2.129
  v1_spec dev relay0
  v1_spec greedy relay0 2223 # the same device key, a port the relay did not grant
  tunnelc relay /specs/dev.json >/home/relay0/.ssh/authorized_keys
  chown relay0:relay0 /home/relay0/.ssh/authorized_keys
  relay_conf /etc/ssh/relay-r0.conf r0
  tunnelc relay /specs/dev.json --sshd-config >>/etc/ssh/relay-r0.conf
  relay_sshd r0 /etc/ssh/relay-r0.conf
  device_sshd d0
  for t in dev greedy; do
    tunnelc compile /specs/$t.json >/etc/systemd/system/$t.service
    netns_unit $t.service d0
  done
  tunnelc ssh-config /specs/dev.json --relay-user laptop >/home/laptop/.ssh/config
  printf 'Host *\n    User devuser\n    StrictHostKeyChecking yes\n    BatchMode yes\n' >>/home/laptop/.ssh/config
  printf '192.0.2.1 %s\ndev %s\n' "$HOSTKEY" "$HOSTKEY" >/home/laptop/.ssh/known_hosts
  chown laptop:laptop /home/laptop/.ssh/config /home/laptop/.ssh/known_hosts
  set +e
}
three_hosts_checks() {
  check "three hosts: the device's tunnel listens on the relay" wait_banner r0 2222 30
  check "three hosts: the laptop's one command, ssh dev, lands in the device's sshd" bash -c \
    "[ \"\$(ip netns exec l0 runuser -u laptop -- timeout 20 ssh dev 'echo reached-\$USER' 2>&1)\" = reached-devuser ]"
  check "three hosts: the device asking for a port not granted is refused, it never listens" \
    bash -c "sleep 10; ! ip netns exec r0 timeout 3 nc -z -w 2 127.0.0.1 2223"
  check "three hosts: the refusal is in the device's log" bash -c \
    "journalctl -u greedy.service -o cat | grep -q 'remote port forwarding failed for listen port 2223'"
  check "three hosts: the refused tunnel keeps retrying" bash -c \
    "[ \"\$(systemctl show greedy.service -p NRestarts --value)\" -ge 1 ]"
  # What an idle tunnel costs on the wire: both directions of the device's link for 120 s,
  # with nothing but the keep-alives and the relay's probes crossing it: the v1 device "dev"
  # and the seed form's device of case "idle", both with tunnelc's relay config.
  systemctl stop greedy.service
  sleep 3
  local b0 p0 b1 p1 s0 q0 s1 q1
  read -r b0 p0 < <(link_bytes d0 v0b)
  read -r s0 q0 < <(link_bytes didle vidleb)
  sleep 120
  read -r b1 p1 < <(link_bytes d0 v0b)
  read -r s1 q1 < <(link_bytes didle vidleb)
  say "figure idle v1 $((b1 - b0)) bytes-per-120s packets=$((p1 - p0))"
  say "figure idle seed $((s1 - s0)) bytes-per-120s packets=$((q1 - q0))"
}
# ---- two relays, one device, one laptop (issue 18 §4) ----------------------------------------
# Relays ma (192.0.2.9) and mb (192.0.2.17) each join device md and laptop ml, which reaches
# each relay's device-side address through its own link. One fleet spec with "relays": the
# device runs multi.a and multi.b; each relay's files come from tunnelc relay --relay; the
# laptop's one Host block from tunnelc ssh-config. Relay A's sshd is killed and its host cut
# off: "ssh multi" on the laptop, config unchanged, gets a shell through B (figure failover
# via-b); A back, its tunnel carries bytes again (figure failover a-back).
two_relays() {
  set -e
  accounts mra mrb laptop2
  runuser -u laptop2 -- ssh-keygen -q -t ed25519 -N '' -C laptop2 -f /home/laptop2/.ssh/id_ed25519
  install -m 0600 -o laptop2 -g laptop2 /home/laptop2/.ssh/id_ed25519.pub /home/laptop2/.ssh/authorized_keys
  cat /home/laptop2/.ssh/id_ed25519.pub >>/home/devuser/.ssh/authorized_keys
  netns ma && netns mb && netns md && netns ml
  veth ma 192.0.2.9/29 md 192.0.2.10/29 xa
  veth mb 192.0.2.17/29 md 192.0.2.18/29 xb
  veth ma 192.0.2.25/29 ml 192.0.2.26/29 ya
  veth mb 192.0.2.33/29 ml 192.0.2.34/29 yb
  ip -n ml route add 192.0.2.8/29 via 192.0.2.25
  ip -n ml route add 192.0.2.16/29 via 192.0.2.33
  cat >/specs/two.json <<JSON
{ "relays": {
    "a": { "host": "192.0.2.9", "user": "mra", "hostKeys": ["$HOSTKEY"] },
    "b": { "host": "192.0.2.17", "user": "mrb", "hostKeys": ["$HOSTKEY"] } },
  "ports": { "from": 20000, "to": 20999 },
  "tunnels": [{ "name": "multi", "identity": "/etc/tunnelc/keys/device",
                "forwards": [{ "remote": "auto", "to": "localhost:22" }] }] }
JSON
  for r in a b; do
    tunnelc relay /specs/two.json --relay $r >/home/mr$r/.ssh/authorized_keys
    chown mr$r:mr$r /home/mr$r/.ssh/authorized_keys
    relay_conf /etc/ssh/relay-m$r.conf m$r
    tunnelc relay /specs/two.json --relay $r --sshd-limits >/etc/ssh/relay-m$r.limits
    # The whole-sshd settings first, before any Match line (sshd_config(5)).
    cat /etc/ssh/relay-m$r.limits /etc/ssh/relay-m$r.conf >/etc/ssh/relay-m$r.tmp
    tunnelc relay /specs/two.json --relay $r --sshd-config >>/etc/ssh/relay-m$r.tmp
    mv /etc/ssh/relay-m$r.tmp /etc/ssh/relay-m$r.conf
    ip netns exec m$r /usr/sbin/sshd -t -f /etc/ssh/relay-m$r.conf
    relay_sshd m$r /etc/ssh/relay-m$r.conf
  done
  device_sshd md
  tunnelc compile /specs/two.json -o /etc/systemd/system >/dev/null
  for r in a b; do netns_unit multi.$r.service md; done
  tunnelc ssh-config /specs/two.json --relay-user laptop2 >/home/laptop2/.ssh/config
  printf 'Host *\n    User devuser\n    StrictHostKeyChecking yes\n    BatchMode yes\n' >>/home/laptop2/.ssh/config
  printf '192.0.2.9 %s\n192.0.2.17 %s\nmulti %s\n' "$HOSTKEY" "$HOSTKEY" "$HOSTKEY" >/home/laptop2/.ssh/known_hosts
  chown laptop2:laptop2 /home/laptop2/.ssh/config /home/laptop2/.ssh/known_hosts
  set +e
}
laptop_ssh() { # the laptop's one command, with the generated config as it is
  ip netns exec ml runuser -u laptop2 -- timeout 20 ssh multi 'echo reached-$USER' 2>>/results/laptop2.log
}
two_relays_checks() {
  local pa pb t0 t1 out
  pa=$(relay_port multi.a.service) pb=$(relay_port multi.b.service)
  check "two relays: the device's tunnel to relay A listens there (port $pa)" wait_banner ma "$pa" 60
  check "two relays: the device's tunnel to relay B listens there (port $pb)" wait_banner mb "$pb" 60
  check "two relays: the laptop's ssh multi lands in the device's sshd" bash -c \
    "[ \"\$(ip netns exec ml runuser -u laptop2 -- timeout 20 ssh multi 'echo reached-\$USER' 2>&1)\" = reached-devuser ]"
  check "two relays: with both up, the laptop went through relay A, the first" \
    grep -q "Accepted publickey for laptop2" /results/sshd-ma.log
  # Relay A's sshd killed, sessions too, and its host cut off from everyone.
  kill_sshd_in ma
  ip -n ma link set xaa down
  ip -n ma link set yaa down
  t0=$(now)
  out=$(laptop_ssh)
  t1=$(now)
  say "figure failover via-b $(elapsed "$t0" "$t1") output=$out"
  check "two relays: relay A gone, the laptop's ssh multi still lands in the device's sshd" \
    test "$out" = reached-devuser
  check "two relays: ... through relay B" grep -q "Accepted publickey for laptop2" /results/sshd-mb.log
  sleep 20 # the device's tunnel to A keeps failing and retrying meanwhile
  ip -n ma link set xaa up
  ip -n ma link set yaa up
  relay_sshd ma /etc/ssh/relay-ma.conf
  t0=$(now)
  local result=">120"
  while [ "$(elapsed "$t0" "$(now)" | cut -d. -f1)" -lt 120 ]; do
    if t1=$(banner_at ma "$pa"); then result=$(elapsed "$t0" "$t1"); break; fi
    sleep 1
  done
  say "figure failover a-back $result NRestarts=$(prop multi.a.service NRestarts)"
  local before
  before=$(grep -c "Accepted publickey for laptop2" /results/sshd-ma.log)
  check "two relays: A back, the laptop's ssh multi goes through A again" bash -c \
    "[ \"\$(ip netns exec ml runuser -u laptop2 -- timeout 20 ssh multi 'echo reached-\$USER' 2>&1)\" = reached-devuser ] &&
     [ \$(grep -c 'Accepted publickey for laptop2' /results/sshd-ma.log) -gt $before ]"
  journalctl -u multi.a.service -o short-monotonic --no-pager >/results/journal-multi-a.txt
}

link_bytes() { # NS DEV: "BYTES PACKETS", both directions (ip netns exec remounts /sys)
  ip netns exec "$1" sh -c "cd /sys/class/net/$2/statistics &&
    echo \$((\$(cat rx_bytes) + \$(cat tx_bytes))) \$((\$(cat rx_packets) + \$(cat tx_packets)))"
}


setup >/dev/null
check "setup: three hosts' namespaces, accounts and units" three_hosts
check "setup: two relays, one device, one laptop" two_relays
check "setup: an idle seed-form tunnel" pair idle seed
cases=() n=0
for c in $CONFIGS; do
  for f in $FAULTS; do
    n=$((n + 1))
    check "setup: case $n ($c, $f)" pair $n "$c" && cases+=("$n $c $f")
  done
done
systemctl daemon-reload
for c in "${cases[@]}"; do set -- $c; systemctl start --no-block "tun-$1.service"; done
systemctl start --no-block dev.service greedy.service tun-idle.service multi.a.service multi.b.service
three_hosts_checks &
two_relays_checks &
up=()
for c in "${cases[@]}"; do
  set -- $c
  check "case $1 ($2, $3): bytes flow before the fault" wait_banner "r$1" 2222 60 && up+=("$c")
done
check "the tunnel's ssh runs in the device namespace" bash -c \
  "[ \"\$(readlink /proc/\$(systemctl show tun-1.service -p MainPID --value)/ns/net)\" = \"\$(ip netns exec d1 readlink /proc/self/ns/net)\" ]"
say "note security with the namespace drop-in: $(systemd-analyze security tun-1.service 2>/dev/null | tail -1)"
sleep 5 # every session settled
for c in "${up[@]}"; do set -- $c; measure "$1" "$2" "$3" & done
wait
say "done"
