# Sourced inside the booted container by faults.sh, newer.sh, load.sh and boot-*.sh: the
# reporting protocol (checks.sh), network namespaces joined by veth pairs, and the relays' and
# devices' accounts and sshd. Only addresses from 192.0.2.0/24 (RFC 5737, documentation) are used.
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
tunnelc() { node /tunnelc/bin/tunnelc.cjs "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; } # elapsed FROM TO

# veth NS1 ADDR1/LEN NS2 ADDR2/LEN NAME: a link between two namespaces, both ends up.
veth() {
  ip link add "$5a" type veth peer name "$5b"
  ip link set "$5a" netns "$1"
  ip link set "$5b" netns "$3"
  ip -n "$1" addr add "$2" dev "$5a"
  ip -n "$3" addr add "$4" dev "$5b"
  ip -n "$1" link set "$5a" up
  ip -n "$3" link set "$5b" up
}
netns() { ip netns add "$1" && ip -n "$1" link set lo up; }

# relay_conf FILE PIDNAME: an sshd of its own for a relay namespace, the account rules appended.
relay_conf() {
  printf '%s\n' "HostKey /etc/ssh/ssh_host_ed25519_key" "PidFile /run/sshd-$2.pid" \
    "PasswordAuthentication no" "KbdInteractiveAuthentication no" "UsePAM yes" \
    "LogLevel VERBOSE" >"$1"
}
relay_sshd() { ip netns exec "$1" /usr/sbin/sshd -f "$2" -E "/results/sshd-$1.log"; } # NS CONF
device_sshd() { ip netns exec "$1" /usr/sbin/sshd -o ListenAddress=127.0.0.1 -o "PidFile=/run/sshd-$1.pid" -E "/results/sshd-$1.log"; }

# banner_at NS PORT: prints the time the device sshd's banner arrived through 127.0.0.1:PORT.
banner_at() {
  ip netns exec "$1" timeout 3 nc -w 2 127.0.0.1 "$2" </dev/null 2>/dev/null |
    { [ "$(head -c 7)" = SSH-2.0 ] && now; }
}
# wait_banner NS PORT SECONDS: up to SECONDS for the banner.
wait_banner() {
  local end=$((SECONDS + $3))
  while [ $SECONDS -lt $end ]; do banner_at "$1" "$2" >/dev/null && return 0; sleep 1; done
  echo "no banner through $1 127.0.0.1:$2 in $3 s"
  return 1
}
# netns_unit UNIT NS: a drop-in that runs the unit in the namespace (systemd.exec(5),
# NetworkNamespacePath=); the strict sandbox is kept.
netns_unit() {
  mkdir -p "/etc/systemd/system/$1.d"
  printf '[Service]\nNetworkNamespacePath=/run/netns/%s\n' "$2" >"/etc/systemd/system/$1.d/netns.conf"
}

accounts() { # USER…: each with a home and a private ~/.ssh
  local u
  for u in "$@"; do
    useradd -m -s /bin/bash "$u" && install -d -m 0700 -o "$u" -g "$u" "/home/$u/.ssh" || return 1
  done
}
relay_port() { # UNIT: the relay port its ssh opens (-R PORT:…, not the Description's "-R PORT to")
  grep -o -m1 -- '-R [0-9]*:' "/etc/systemd/system/$1" | tr -dc 0-9
}
# kill_sshd_in NS: every sshd process of the namespace, the listener and the sessions (OpenSSH
# 10 names them sshd-session and sshd-auth), by PID.
kill_sshd_in() {
  local p
  for p in $(ip netns pids "$1"); do
    case "$(cat "/proc/$p/comm" 2>/dev/null)" in sshd | sshd-*) kill -9 "$p" ;; esac
  done
  return 0
}
