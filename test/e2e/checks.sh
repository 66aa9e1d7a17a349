# Sourced by every scenario script run inside a booted container (inside.sh, generator.sh,
# netlib.sh for faults.sh and boot-*.sh, packages/deb-inside.sh): the reporting protocol that
# test/e2e/checks.ts reads ("ok - NAME", "not ok - NAME # detail", "note …", "done" in
# /results/log) and the probes they share.
set -u
LOG=/results/log
export NO_COLOR=1
say() { echo "$*" >>"$LOG"; }

# check NAME COMMAND...: one reported check.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then say "ok - $name"; else say "not ok - $name # $(echo "$out" | tail -n 4 | tr '\r\n' '  ')"; fi
}

# wait_for COMMAND...: up to WAIT_TRIES × 0.2 s (15 s unless the script sets it).
wait_for() {
  local i
  for i in $(seq 1 "${WAIT_TRIES:-75}"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  "$@"
}

banner() { # banner PORT [nc options...]: the sshd banner arrives through the forward
  local port=$1 got
  shift
  got=$(timeout 5 nc -w 3 "$@" 127.0.0.1 "$port" </dev/null 2>&1 | head -c 7)
  [ "$got" = "SSH-2.0" ] || { echo "got '$got' on port $port"; return 1; }
}
closed() { ! timeout 3 nc -z -w 2 127.0.0.1 "$1"; }
prop() { systemctl show "$1" --property="$2" --value; }
is_active() { [ "$(systemctl is-active "$1")" = active ]; }
is_enabled() { [ "$(systemctl is-enabled "$1")" = enabled ]; }

# relay_account KEY: sshd running, and a "relay" account that accepts a new key pair made at
# /etc/tunnelc/keys/KEY (where the scenario's spec names its identity).
relay_account() {
  systemctl start ssh &&
    wait_for systemctl is-active ssh &&
    useradd -m -s /bin/bash relay &&
    install -d -m 0700 /etc/tunnelc/keys &&
    ssh-keygen -q -t ed25519 -N '' -C "$1" -f "/etc/tunnelc/keys/$1" &&
    install -d -m 0700 -o relay -g relay /home/relay/.ssh &&
    install -m 0600 -o relay -g relay "/etc/tunnelc/keys/$1.pub" /home/relay/.ssh/authorized_keys
}
