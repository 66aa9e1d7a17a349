#!/bin/bash
# The end-to-end scenarios, run inside the booted container (test/e2e/e2e.test.ts) by a oneshot
# unit. sshd on 127.0.0.1:22 is the relay; the same machine is the device that phones home.
# Every check writes "ok - NAME" or "not ok - NAME # detail" to /results/log; "done" ends it.
. "$(dirname "$0")/checks.sh"
: >"$LOG"
tunnelc() { node "$TUNNELC" "$@"; }

socks_banner() { # through the SOCKS proxy on PORT to the relay's sshd
  local got
  got=$(timeout 5 nc -w 3 -X 5 -x "127.0.0.1:$1" 127.0.0.1 22 </dev/null 2>&1 | head -c 7)
  [ "$got" = "SSH-2.0" ] || { echo "got '$got' through SOCKS on $1"; return 1; }
}
restarted_since() { [ "$(prop "$1" MainPID)" != "$2" ] && [ "$(prop "$1" MainPID)" != 0 ] && is_active "$1"; }

# ---- the relay: an account that accepts the device's key ----------------------------------
setup() {
  set -e
  relay_account device
  HOSTKEY=$(cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)
  WRONGKEY="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICrEM716nxe4LfvKB6vD0AJ/7XlaayCe0GE1zFcdYHA3"
  # The seed form's account keeps key and known_hosts in its own ~/.ssh.
  useradd -m -s /bin/bash tunnel
  install -d -m 0700 -o tunnel -g tunnel /home/tunnel/.ssh
  install -m 0600 -o tunnel -g tunnel /etc/tunnelc/keys/device /home/tunnel/.ssh/id_ed25519
  echo "127.0.0.1 $HOSTKEY" >/home/tunnel/.ssh/known_hosts
  chown tunnel:tunnel /home/tunnel/.ssh/known_hosts
  mkdir -p /specs
  set +e
}

spec_v1() { # spec_v1 NAME FORWARD-JSON [HOSTKEY]
  cat >"/specs/$1.json" <<JSON
{
  "name": "$1",
  "server": { "host": "127.0.0.1", "user": "relay", "hostKeys": ["${3:-$HOSTKEY}"] },
  "identity": "/etc/tunnelc/keys/device",
  "forwards": [$2],
  "restart": { "delaySec": 1 }
}
JSON
}

# ---- one tunnel through its whole life ----------------------------------------------------
# lifecycle NAME SPEC PROBE...: install, bytes, kill → restart, status, reinstall, uninstall.
lifecycle() {
  local name=$1 spec=$2 unit="$1.service" path="/etc/systemd/system/$1.service"
  shift 2
  check "$name: install --enable --now" tunnelc install "$spec" --enable --now
  check "$name: enabled" is_enabled "$unit"
  # Readiness: install --now returned, so the tunnel is up and carries bytes, with no wait.
  check "$name: active" is_active "$unit"
  check "$name: bytes through the forward at once" "$@"
  check "$name: runs unprivileged" bash -c "[ \"\$(ps -o user= -p \$(systemctl show $unit -p MainPID --value))\" != root ]"
  check "$name: MainPID is the forked ssh" test "$(ps -o comm= -p "$(prop "$unit" MainPID)")" = ssh
  check "$name: systemctl status names ssh" bash -c "systemctl status $unit --no-pager | grep -qE 'Main PID: [0-9]+ \(ssh\)'"
  local pid before
  pid=$(prop "$unit" MainPID)
  systemctl kill -s KILL "$unit"
  check "$name: restarted after kill (new MainPID)" wait_for restarted_since "$unit" "$pid"
  check "$name: NRestarts counted" bash -c "[ \$(systemctl show $unit -p NRestarts --value) -ge 1 ]"
  check "$name: bytes again once restarted, no wait" "$@"
  pid=$(prop "$unit" MainPID)
  check "$name: systemctl restart returns" systemctl restart "$unit"
  check "$name: bytes at once after restart" "$@"
  check "$name: restart made a new ssh" test "$(prop "$unit" MainPID)" != "$pid"
  check "$name: status --json: up, since, restarts" bash -c "node $TUNNELC status $name --json | grep -q '\"up\": true' && node $TUNNELC status $name --json | grep -qE '\"since\": \"[A-Z][a-z]{2} ' && node $TUNNELC status $name --json | grep -qE '\"restarts\": [0-9]'"
  before=$(stat -c %Y.%i "$path")
  pid=$(prop "$unit" MainPID)
  local again
  again=$(tunnelc install "$spec" --enable --now 2>&1)
  check "$name: reinstall reports unchanged" grep -q "^unchanged $path" <<<"$again"
  check "$name: reinstall leaves the file alone" test "$(stat -c %Y.%i "$path")" = "$before"
  check "$name: reinstall restarts nothing" test "$(prop "$unit" MainPID)" = "$pid"
  check "$name: uninstall" tunnelc uninstall "$name"
  check "$name: unit file gone" test ! -e "$path"
  check "$name: enable symlink gone" test ! -e "/etc/systemd/system/multi-user.target.wants/$unit"
  check "$name: stopped" bash -c "! systemctl is-active --quiet $unit"
  check "$name: stop leaves no ssh" bash -c "! pgrep -f '^/usr/bin/ssh -f -y'"
}

setup
check "setup: sshd is up" is_active ssh

spec_v1 e2e-remote '{ "remote": 2222, "to": "localhost:22" }'
check "doctor: all checks pass before install" tunnelc doctor /specs/e2e-remote.json
lifecycle e2e-remote /specs/e2e-remote.json banner 2222
check "e2e-remote: port closed after uninstall" wait_for closed 2222

spec_v1 e2e-local '{ "local": 2223, "to": "localhost:22" }'
lifecycle e2e-local /specs/e2e-local.json banner 2223
check "e2e-local: port closed after uninstall" wait_for closed 2223

spec_v1 e2e-dynamic '{ "dynamic": 1080 }'
lifecycle e2e-dynamic /specs/e2e-dynamic.json socks_banner 1080
check "e2e-dynamic: port closed after uninstall" wait_for closed 1080

cat >/specs/seed.json <<JSON
{ "enable": true, "localUser": "tunnel", "remoteHostname": "127.0.0.1", "remotePort": 22, "remoteUser": "relay", "bindPort": 2224 }
JSON
lifecycle ssh-phone-home /specs/seed.json banner 2224
check "seed: port closed after uninstall" wait_for closed 2224

# Jump hosts get the tunnel's options (BatchMode, the pinned known_hosts, the identity) through
# ssh -F: with the right key known to the system's known_hosts but a wrong pin for the jump,
# the jump must fail. The jump is "localhost", the server "127.0.0.1": ssh refuses a jump to
# the very host and port it jumps to ("jumphost loop").
jump_spec() { # jump_spec NAME PORT JUMPKEY
  cat >"/specs/$1.json" <<JSON
{ "name": "$1", "server": { "host": "127.0.0.1", "user": "relay", "hostKeys": ["$HOSTKEY"],
    "jump": [{ "host": "localhost", "user": "relay", "hostKeys": ["$3"] }] },
  "identity": "/etc/tunnelc/keys/device", "forwards": [{ "remote": $2, "to": "localhost:22" }], "restart": { "delaySec": 1 } }
JSON
}
jump_spec e2e-jump 2260 "$HOSTKEY"
check "jump: install" tunnelc install /specs/e2e-jump.json --enable --now
check "jump: bytes through a tunnel that jumps" banner 2260
# The hand-over (docs/unit.md): the key, the pins and the config in the run's own directory,
# owned by the run's dynamic account, 0600, the key byte for byte; gone once the run stops.
handed() {
  # The directory's owner is the run's account: not root, and the one its ssh runs as.
  local d=/run/tunnelc-e2e-jump owner
  owner=$(stat -c %u "$d")
  [ "$owner" -gt 0 ] && [ "$(stat -c %a "$d")" = 700 ] && pgrep -u "$owner" -x ssh >/dev/null || return 1
  for f in ssh-identity ssh-known-hosts ssh-config; do [ "$(stat -c %u:%a "$d/$f")" = "$owner:600" ] || return 1; done
  cmp -s /etc/tunnelc/keys/device "$d/ssh-identity" &&
    [ "$(cat "$d/ssh-known-hosts")" = "$(printf '127.0.0.1 %s\nlocalhost %s' "$HOSTKEY" "$HOSTKEY")" ] &&
    grep -qx 'UserKnownHostsFile ${RUNTIME_DIRECTORY}/ssh-known-hosts' "$d/ssh-config" &&
    [ ! -e /run/credentials/e2e-jump.service ]
}
check "jump: key, pins and config handed over in the run's directory, the run's own, 0600" handed
check "jump: uninstall" tunnelc uninstall e2e-jump
check "jump: the run's directory, with the copied key, is gone once it stops" test ! -e /run/tunnelc-e2e-jump

# A static account (a real one, which may have processes of its own) keeps systemd's
# credentials: root never writes into a directory that account owns (docs/unit.md).
useradd -r -s /usr/sbin/nologin tunnelacct
cat >/specs/e2e-static.json <<JSON
{ "name": "e2e-static", "user": "tunnelacct",
  "server": { "host": "127.0.0.1", "user": "relay", "hostKeys": ["$HOSTKEY"] },
  "identity": "/etc/tunnelc/keys/device", "forwards": [{ "remote": 2262, "to": "localhost:22" }],
  "restart": { "delaySec": 1 } }
JSON
check "static account: install --now" tunnelc install /specs/e2e-static.json --enable --now
check "static account: bytes through the forward" banner 2262
check "static account: runs as that account" bash -c "[ \"\$(ps -o user= -p \$(systemctl show e2e-static.service -p MainPID --value))\" = tunnelacct ]"
check "static account: key and pins as credentials, not in a directory it owns" bash -c \
  "grep -q '^LoadCredential=ssh-identity:' /etc/systemd/system/e2e-static.service && ! grep -q '^ExecStartPre=' /etc/systemd/system/e2e-static.service && [ -e /run/credentials/e2e-static.service/ssh-identity ]"
check "static account: uninstall" tunnelc uninstall e2e-static
printf "127.0.0.1 %s\nlocalhost %s\n" "$HOSTKEY" "$HOSTKEY" >/etc/ssh/ssh_known_hosts
jump_spec e2e-jump-wrong 2261 "$WRONGKEY"
check "jump: a wrong pin for the jump host: install --now fails (exit 3) with ssh's error" bash -c "out=\$(node $TUNNELC install /specs/e2e-jump-wrong.json --enable --now 2>&1); [ \$? -eq 3 ] && grep -q 'e2e-jump-wrong.service did not come up' <<<\"\$out\""
check "jump: the pinned file, not the system's, judges the jump: never connects" closed 2261
check "jump: the jump's refusal is in the log" bash -c "journalctl _SYSTEMD_UNIT=e2e-jump-wrong.service -o cat | grep -qi 'host key verification failed'"
tunnelc uninstall e2e-jump-wrong >/dev/null 2>&1
rm /etc/ssh/ssh_known_hosts

# The other two hardening profiles tunnel too.
port=2250
for profile in basic none; do
  sed "s/\"name\": \"e2e-remote\"/\"name\": \"e2e-$profile\", \"hardening\": \"$profile\"/; s/2222/$port/" /specs/e2e-remote.json >/specs/e2e-$profile.json
  check "$profile profile: install" tunnelc install /specs/e2e-$profile.json --enable --now
  check "$profile profile: bytes through the forward" banner $port
  check "$profile profile: uninstall" tunnelc uninstall e2e-$profile
  port=$((port + 1))
done

# A wrong pinned host key never connects: the forward never listens.
spec_v1 e2e-wrongkey '{ "remote": 2225, "to": "localhost:22" }' "$WRONGKEY"
check "wrong host key: install --now fails (exit 3) naming the tunnel" bash -c "out=\$(node $TUNNELC install /specs/e2e-wrongkey.json --enable --now 2>&1); [ \$? -eq 3 ] && grep -q 'e2e-wrongkey.service did not come up' <<<\"\$out\""
sleep 2
check "wrong host key: port never opens" closed 2225
check "wrong host key: ssh keeps failing and restarting" wait_for bash -c "[ \$(systemctl show e2e-wrongkey.service -p NRestarts --value) -ge 1 ]"
check "wrong host key: status shows the error line" bash -c "node $TUNNELC status e2e-wrongkey | grep -qi 'host key'"
check "wrong host key: uninstall" tunnelc uninstall e2e-wrongkey

# trust: the relay's keys fetched with ssh-keyscan and pinned in the spec, then used.
cat >/specs/e2e-trust.json <<JSON
// keys to be pinned by tunnelc trust
{
  "name": "e2e-trust",
  "server": { "host": "127.0.0.1", "user": "relay" },
  "hostKeyPolicy": "pinned",
  "identity": "/etc/tunnelc/keys/device",
  "forwards": [{ "remote": 2228, "to": "localhost:22" }],
  "restart": { "delaySec": 1 }
}
JSON
check "trust: the spec needs keys first" bash -c "node $TUNNELC validate /specs/e2e-trust.json; [ \$? -eq 1 ]"
check "trust: fetches and pins the relay's keys" tunnelc trust /specs/e2e-trust.json
check "trust: shows the ed25519 fingerprint" bash -c "node $TUNNELC trust /specs/e2e-trust.json --dry-run | grep -qF \"\$(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub | cut -d' ' -f2)\""
check "trust: comments kept" grep -q '^// keys to be pinned by tunnelc trust' /specs/e2e-trust.json
check "trust: pinned tunnel comes up" tunnelc install /specs/e2e-trust.json --enable --now
check "trust: bytes through the pinned tunnel" banner 2228
check "trust: uninstall" tunnelc uninstall e2e-trust

# hostKeyPolicy "yes" with no pins trusts the system's known_hosts, and nothing else.
cat >/specs/e2e-system-kh.json <<JSON
{ "name": "e2e-system-kh", "server": { "host": "127.0.0.1", "user": "relay" }, "identity": "/etc/tunnelc/keys/device",
  "forwards": [{ "remote": 2229, "to": "localhost:22" }], "restart": { "delaySec": 1 } }
JSON
check "system known_hosts: install --now fails (exit 3): unknown host key" bash -c "node $TUNNELC install /specs/e2e-system-kh.json --enable --now; [ \$? -eq 3 ]"
check "system known_hosts: unknown host key, no tunnel" closed 2229
printf "127.0.0.1 %s\nlocalhost %s\n" "$HOSTKEY" "$HOSTKEY" >/etc/ssh/ssh_known_hosts
check "system known_hosts: once the key is known, bytes flow" wait_for banner 2229
check "system known_hosts: uninstall" tunnelc uninstall e2e-system-kh
rm /etc/ssh/ssh_known_hosts

# accept-new: trust on first use, recorded in the tunnel's state directory.
cat >/specs/e2e-tofu.json <<JSON
{ "name": "e2e-tofu", "hostKeyPolicy": "accept-new", "server": { "host": "127.0.0.1", "user": "relay" },
  "identity": "/etc/tunnelc/keys/device", "forwards": [{ "remote": 2230, "to": "localhost:22" }], "restart": { "delaySec": 1 } }
JSON
check "accept-new: install" tunnelc install /specs/e2e-tofu.json --enable --now
check "accept-new: bytes flow on first use" banner 2230
check "accept-new: the key is recorded in the state directory" grep -qF "$HOSTKEY" /var/lib/tunnelc/e2e-tofu/known_hosts
check "accept-new: uninstall" tunnelc uninstall e2e-tofu

# A user unit, run by a lingering user's own manager.
user_scope() {
  useradd -m -s /bin/bash me
  install -d -m 0700 -o me -g me /home/me/.ssh
  runuser -u me -- ssh-keygen -q -t ed25519 -N '' -C me -f /home/me/.ssh/id_ed25519
  cat /home/me/.ssh/id_ed25519.pub >>/home/relay/.ssh/authorized_keys
  loginctl enable-linger me
  wait_for test -S "/run/user/$(id -u me)/systemd/private"
  cat >/home/me/laptop.json <<JSON
{ "name": "e2e-user", "scope": "user", "server": { "host": "127.0.0.1", "user": "relay", "hostKeys": ["$HOSTKEY"] },
  "identity": "/home/me/.ssh/id_ed25519", "forwards": [{ "local": 2401, "to": "localhost:22" }], "restart": { "delaySec": 1 } }
JSON
  chown me:me /home/me/laptop.json
  cp /home/me/laptop.json /specs/laptop.json
}
asme() { runuser -u me -- env XDG_RUNTIME_DIR="/run/user/$(id -u me)" HOME=/home/me "$@"; }
user_scope >/dev/null 2>&1
check "user unit: install --user --enable --now" asme node "$TUNNELC" install --user /home/me/laptop.json --enable --now
check "user unit: in ~/.config/systemd/user" test -f /home/me/.config/systemd/user/e2e-user.service
check "user unit: active in the user manager" asme systemctl --user is-active e2e-user
check "user unit: bytes through the local forward at once" banner 2401
pid=$(asme systemctl --user show e2e-user -p MainPID --value)
asme systemctl --user kill -s KILL e2e-user
user_restarted() { local now; now=$(asme systemctl --user show e2e-user -p MainPID --value); [ "$now" != "$pid" ] && [ "$now" != 0 ] && asme systemctl --user is-active --quiet e2e-user; }
check "user unit: restarted after kill" wait_for user_restarted
check "user unit: bytes again" banner 2401
check "user unit: status --user" bash -c "runuser -u me -- env XDG_RUNTIME_DIR=/run/user/$(id -u me) HOME=/home/me node $TUNNELC status --user | grep -qE 'e2e-user.service +yes +enabled'"
check "user unit: uninstall --user" asme node "$TUNNELC" uninstall --user e2e-user
check "user unit: port closed" wait_for closed 2401
check "user unit: no lingering, a warning" bash -c "runuser -u relay -- env HOME=/home/relay node $TUNNELC install --user /specs/laptop.json --dry-run 2>&1 | grep -q 'lingering is off for relay'"

# The three ends: the relay's authorized_keys and sshd_config from tunnelc relay, the device's
# tunnel, and a laptop reaching the device's sshd through the relay with tunnelc ssh-config.
three_ends_setup() {
  set -e
  useradd -m -s /bin/bash fleet
  useradd -m -s /bin/bash laptop
  useradd -m -s /bin/bash devuser
  ssh-keygen -q -t ed25519 -N '' -C laptop -f /root/laptop-key
  for u in laptop devuser; do
    install -d -m 0700 -o $u -g $u /home/$u/.ssh
    install -m 0600 -o $u -g $u /root/laptop-key.pub /home/$u/.ssh/authorized_keys
  done
  cat >/specs/e2e-dev.json <<JSON
{ "name": "e2e-dev", "server": { "host": "127.0.0.1", "user": "fleet", "hostKeys": ["$HOSTKEY"] },
  "identity": "/etc/tunnelc/keys/device", "forwards": [{ "remote": 2240, "to": "localhost:22" }], "restart": { "delaySec": 1 } }
JSON
  sed 's/"e2e-dev"/"e2e-greedy"/; s/2240/2241/' /specs/e2e-dev.json >/specs/e2e-greedy.json
  install -d -m 0700 -o fleet -g fleet /home/fleet/.ssh
  set +e
}
three_ends_setup >/dev/null 2>&1
check "relay: authorized_keys from tunnelc relay" bash -c "node $TUNNELC relay /specs/e2e-dev.json >/home/fleet/.ssh/authorized_keys && chown fleet:fleet /home/fleet/.ssh/authorized_keys && grep -q 'permitlisten=\"localhost:2240\"' /home/fleet/.ssh/authorized_keys"
check "relay: sshd_config block accepted by sshd -t" bash -c "node $TUNNELC relay /specs/e2e-dev.json --sshd-config >/etc/ssh/sshd_config.d/tunnelc.conf && sshd -t && systemctl reload ssh"
check "relay: the device's tunnel comes up" tunnelc install /specs/e2e-dev.json --enable --now
check "relay: bytes through the allowed port" banner 2240
greedy=$(tunnelc install /specs/e2e-greedy.json --enable --now 2>&1)
check "relay: a refused forward fails install --now (exit 3)" test $? -eq 3
check "relay: install names the refusal and the relay fix" bash -c "grep -q 'e2e-greedy.service did not come up.*remote port forwarding failed for listen port 2241' <<<\"\$1\" && grep -q 'relay SPEC --sysctl' <<<\"\$1\"" _ "$greedy"
check "relay: systemctl start of the refused tunnel fails too" bash -c "! systemctl restart e2e-greedy.service"
check "relay: status explains the held port" bash -c "node $TUNNELC status e2e-greedy --json | grep -q '\"refusedRelayPort\": 2241'"
check "relay: sshd refuses the other port, it never listens" closed 2241
check "relay: the refused tunnel fails and restarts" wait_for bash -c "[ \$(systemctl show e2e-greedy.service -p NRestarts --value) -ge 1 ]"
check "relay: the refusal is in the tunnel's log" bash -c "journalctl _SYSTEMD_UNIT=e2e-greedy.service -o cat | grep -qi 'remote port forwarding failed'"
tunnelc uninstall e2e-greedy >/dev/null 2>&1
check "laptop: ssh-config output" bash -c "node $TUNNELC ssh-config /specs/e2e-dev.json --relay-user laptop >/root/laptop.conf && printf 'Host *\n    User devuser\n    IdentityFile /root/laptop-key\n    UserKnownHostsFile /root/laptop-kh\n    StrictHostKeyChecking yes\n    BatchMode yes\n' >>/root/laptop.conf"
printf '127.0.0.1 %s\ne2e-dev %s\n' "$HOSTKEY" "$HOSTKEY" >/root/laptop-kh
check "laptop: ssh -G resolves the device through the relay" bash -c "ssh -F /root/laptop.conf -G e2e-dev | grep -qE '^proxyjump laptop@\\[?127.0.0.1\\]?$' && ssh -F /root/laptop.conf -G e2e-dev | grep -qx 'port 2240' && ssh -F /root/laptop.conf -G e2e-dev | grep -qx 'hostkeyalias e2e-dev'"
check "laptop: reaches the device's sshd through the relay" bash -c "[ \"\$(timeout 20 ssh -F /root/laptop.conf e2e-dev echo reached-\\\$USER)\" = reached-devuser ]"
tunnelc uninstall e2e-dev >/dev/null 2>&1
rm -f /etc/ssh/sshd_config.d/tunnelc.conf && systemctl reload ssh

# A key others can read is reported at install.
chmod 0644 /etc/tunnelc/keys/device
spec_v1 e2e-keymode '{ "remote": 2227, "to": "localhost:22" }'
check "loose key: install warns" bash -c "node $TUNNELC install /specs/e2e-keymode.json --dry-run 2>&1 | grep -q 'readable by everyone (mode 0644): chmod 600'"
chmod 0600 /etc/tunnelc/keys/device

# A unit tunnelc did not write is never overwritten or removed.
printf '[Service]\nExecStart=/bin/sleep 1000\n' >/etc/systemd/system/e2e-foreign.service
spec_v1 e2e-foreign '{ "remote": 2226, "to": "localhost:22" }'
check "foreign unit: install refuses (exit 1)" bash -c "node $TUNNELC install /specs/e2e-foreign.json; [ \$? -eq 1 ]"
check "foreign unit: left as it was" grep -qx 'ExecStart=/bin/sleep 1000' /etc/systemd/system/e2e-foreign.service
check "foreign unit: uninstall refuses (exit 1)" bash -c "node $TUNNELC uninstall e2e-foreign; [ \$? -eq 1 ]"
check "foreign unit: still there" test -e /etc/systemd/system/e2e-foreign.service

# Several tunnels in one install: one daemon-reload, one enable.
cat >/specs/batch.json <<JSON
{ "tunnels": [
  { "name": "b1", "server": { "host": "127.0.0.1", "user": "relay", "hostKeys": ["$HOSTKEY"] }, "identity": "/etc/tunnelc/keys/device", "forwards": [{ "remote": 2231, "to": "localhost:22" }] },
  { "name": "b2", "server": { "host": "127.0.0.1", "user": "relay", "hostKeys": ["$HOSTKEY"] }, "identity": "/etc/tunnelc/keys/device", "forwards": [{ "remote": 2232, "to": "localhost:22" }] }
] }
JSON
batch=$(tunnelc install /specs/batch.json --enable --now 2>&1)
check "batch: one daemon-reload" test "$(grep -c 'daemon-reload' <<<"$batch")" = 1
check "batch: one enable for both" grep -qx 'systemctl enable --now b1.service b2.service' <<<"$batch"
check "batch: both forwards carry bytes at once" bash -c "$(declare -f banner); banner 2231 && banner 2232"
check "batch: uninstall by spec" tunnelc uninstall /specs/batch.json
# ---- import: hand-made units, imported, switched over by docs/import.md's block as written ----
# The block runs `tunnelc` from PATH, in a transient unit of its own (systemd-run).
printf '#!/bin/sh\nexec node %s "$@"\n' "$TUNNELC" >/usr/local/bin/tunnelc && chmod 755 /usr/local/bin/tunnelc
awk '/^## Switching over/{f=1} f&&/^```sh$/{b=1;next} b&&/^```$/{exit} b' /tunnelc/docs/import.md >/root/switch.sh
cat >/etc/systemd/system/old-tunnel.service <<'UNIT'
[Unit]
Description=hand-made reverse tunnel
After=network-online.target

[Service]
Environment=RELAY=relay@127.0.0.1
ExecStart=/usr/bin/ssh -N -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ServerAliveInterval=30 -i /etc/tunnelc/keys/device -R 2270:localhost:22 ${RELAY}
Restart=always
RestartSec=3

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload && systemctl enable --now old-tunnel.service
check "import: the hand-made tunnel carries bytes" wait_for banner 2270
check "import: a spec from the running unit" tunnelc import /etc/systemd/system/old-tunnel.service --name imported -o /etc/tunnelc/tunnel.json
check "import: the spec validates" tunnelc validate /etc/tunnelc/tunnel.json
check "import: the switch-over block is there" grep -q 'systemctl stop old-tunnel' /root/switch.sh
check "import: switch over, as docs/import.md says" bash /root/switch.sh
check "import: the switch ran to its end" wait_for bash -c "! systemctl is-active --quiet tunnelc-switch"
check "import: the imported tunnel is up" is_active imported.service
check "import: the old one is stopped and disabled" bash -c "! systemctl is-active --quiet old-tunnel && ! systemctl is-enabled --quiet old-tunnel"
check "import: bytes through the imported tunnel" wait_for banner 2270
tunnelc uninstall imported >/dev/null 2>&1
# The same switch where the new tunnel cannot come up (root's default key, not made yet): the old
# tunnel is started again and the new unit is gone.
install -d -m 0700 /root/.ssh && install -m 0600 /etc/tunnelc/keys/device /root/.ssh/id_ed25519
sed -e 's/old-tunnel/old-two/g' -e 's/2270/2271/' -e 's| -i /etc/tunnelc/keys/device||' \
  /etc/systemd/system/old-tunnel.service >/etc/systemd/system/old-two.service
systemctl daemon-reload && systemctl enable --now old-two.service
check "import fallback: the second hand-made tunnel carries bytes" wait_for banner 2271
check "import fallback: a spec that needs a key of its own" bash -c "node $TUNNELC import /etc/systemd/system/old-two.service --name two -o /etc/tunnelc/two.json 2>&1 | grep -q 'tunnelc keygen two'"
sed -e 's/old-tunnel/old-two/g' -e 's|/etc/tunnelc/tunnel.json|/etc/tunnelc/two.json|g' -e 's/tunnelc-switch/tunnelc-switch2/' /root/switch.sh >/root/switch2.sh
check "import fallback: switch over" bash /root/switch2.sh
check "import fallback: the switch ran to its end" wait_for bash -c "! systemctl is-active --quiet tunnelc-switch2"
check "import fallback: the old tunnel is back" wait_for banner 2271
check "import fallback: still enabled" is_enabled old-two.service
check "import fallback: the new unit is gone" test ! -e /etc/systemd/system/two.service
systemctl disable --now old-two.service >/dev/null 2>&1
say "done"
