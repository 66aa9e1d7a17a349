#!/bin/bash
# The generator's scenarios, run inside the booted container (test/e2e/generator.test.ts) by a
# oneshot unit. PHASE=boot: the generator and two specs (one broken) were bind-mounted before the
# boot. PHASE=live: tunnelc generator install, specs dropped into /etc/tunnelc, daemon-reload.
# sshd on 127.0.0.1:22 is the relay. Every check writes "ok - NAME" or "not ok - NAME # detail"
# to /results/log; "done" ends it.
. "$(dirname "$0")/checks.sh"
: >"$LOG"
WAIT_TRIES=100 # 20 s: a daemon-reload runs the generator first
GEN=/run/systemd/generator
tunnelc() { node "$TUNNELC" "$@"; }
same_process() { is_active "$1" && [ "$(prop "$1" MainPID)" = "$2" ]; }
journal_has() { journalctl -b -t tunnelc-generator -p warning -o cat | grep -qE "$1"; }
unit_log_has() { journalctl -b -u "$1" -o cat | grep -qE "$2"; }

relay() { # relay PUBKEY: the relay account accepts this key
  systemctl start ssh
  wait_for systemctl is-active ssh
  id relay >/dev/null 2>&1 || useradd -m -s /bin/bash relay
  install -d -m 0700 -o relay -g relay /home/relay/.ssh
  install -m 0600 -o relay -g relay "$1" /home/relay/.ssh/authorized_keys
}

BROKEN_AT='gen-broken\.json:1:[0-9]+: /server/host: must not start with "-"'

# The generator's memo (docs/generator.md "Speed"): a compiled run leaves it in the normal-dir,
# the keeper unit copies it to the cache for the next boot, and a run that replays it writes none.
KEPT=/var/cache/tunnelc/generator.memo
KEEPER=tunnelc-generator-keep.service
kept() { # the keeper copied this boot's memo, root's alone
  [ -s $KEPT ] && cmp -s $KEPT $GEN/tunnelc-generator.memo &&
    [ "$(stat -c '%a %u' $KEPT)" = "600 0" ] && [ "$(stat -c %a /var/cache/tunnelc)" = 700 ]
}
keeper_ran() { [ "$(prop $KEEPER ExecMainExitTimestampMonotonic)" != 0 ] && [ "$(prop $KEEPER Result)" = success ]; }
replayed() { [ ! -e $GEN/tunnelc-generator.memo ] && [ -f $GEN/gen-boot.service ]; }
# systemd's line when the generator's #! interpreter (node) is not there (systemd 252).
exec_failed() { journalctl -b -o cat | grep -qF 'Failed to execute /etc/systemd/system-generators/tunnelc-generator: No such file or directory'; }
# (starting: this script is a unit of the boot transaction, which ends when it does.)
manager_runs() { systemctl is-system-running | grep -qE '^(starting|running|degraded)$'; }

if [ "${PHASE:-}" = boot ]; then
  relay /etc/tunnelc/keys/boot.pub
  check "boot: the generator ran: the unit is in $GEN" test -f $GEN/gen-boot.service
  check "boot: [Install] became a .wants link" test -L $GEN/multi-user.target.wants/gen-boot.service
  check "boot: systemd calls the unit generated" bash -c "[ \"\$(systemctl is-enabled gen-boot.service)\" = generated ]"
  check "boot: the tunnel is up" wait_for is_active gen-boot.service
  check "boot: bytes through the tunnel" wait_for banner 2240
  # systemd-nspawn(1) gives a container no kernel log and journald does not run yet when the
  # generator does: at boot here the message reaches the journal through the broken spec's unit.
  check "boot: the broken spec's unit failed, its log says why" wait_for unit_log_has gen-broken.service "$BROKEN_AT"
  check "boot: tunnelc status shows the broken spec and why" bash -c "node $TUNNELC status | grep -qE '$BROKEN_AT'"
  check "boot: tunnelc status shows the tunnel as generated" bash -c "node $TUNNELC status | grep -qE '^gen-boot\\.service .* generated$'"
  check "boot: the keeper unit ran once the file systems were up" wait_for keeper_ran
  check "boot: it kept the generator's memo in /var/cache/tunnelc, root's alone" kept
  # For the next boot (test/e2e/generator.test.ts): what this one compiled, and the memo kept.
  cp $KEPT /results/kept.memo
  cp $GEN/gen-boot.service /results/gen-boot.service
  pid=$(prop gen-boot.service MainPID)
  systemctl daemon-reload
  check "boot: daemon-reload replays the kept memo: no memo written, the unit the same" bash -c "$(declare -f replayed); GEN=$GEN replayed && cmp -s $GEN/gen-boot.service /results/gen-boot.service"
  check "boot: the tunnel keeps its process through the reload" same_process gen-boot.service "$pid"
  check "boot: its status and the broken spec's problem are there as compiled" bash -c "node $TUNNELC status | grep -qE '$BROKEN_AT'"
  say done
  exit 0
fi

# ---- PHASE=next-boot: a boot with the first boot's kept memo in /var/cache/tunnelc -----------
if [ "${PHASE:-}" = next-boot ]; then
  relay /etc/tunnelc/keys/boot.pub
  check "next boot: the generator replayed the kept memo: none in $GEN" replayed
  check "next boot: the unit is byte for byte the one the first boot compiled" cmp $GEN/gen-boot.service /prev/gen-boot.service
  check "next boot: .wants link and the keeper's unit are there too" test -L $GEN/multi-user.target.wants/gen-boot.service -a -f $GEN/$KEEPER
  check "next boot: the keeper found nothing new to keep (its condition)" bash -c "[ \"\$(systemctl show $KEEPER -p ConditionResult --value)\" = no ]"
  check "next boot: the tunnel is up" wait_for is_active gen-boot.service
  check "next boot: bytes through the tunnel" wait_for banner 2240
  check "next boot: the broken spec's unit failed, its log says why" wait_for unit_log_has gen-broken.service "$BROKEN_AT"
  say done
  exit 0
fi

# ---- PHASE=no-node-boot: the generator's #! names a node that is not there ------------------
if [ "${PHASE:-}" = no-node-boot ]; then
  # At boot systemd's line goes to the kernel log, which a container has not (systemd-nspawn(1)):
  # the reload in PHASE=live finds it in the journal.
  check "no node at boot: the generator was there, its first line naming the missing node" bash -c "[ -x /etc/systemd/system-generators/tunnelc-generator ] && [ \"\$(head -n1 /etc/systemd/system-generators/tunnelc-generator)\" = '#!/nonexistent/node /tunnelc/bin/tunnelc.cjs' ] && [ ! -e /nonexistent/node ]"
  check "no node at boot: the boot went on, the manager runs" manager_runs
  check "no node at boot: no tunnel unit generated" test ! -e $GEN/gen-boot.service
  check "no node at boot: sshd accepts connections" wait_for banner 22
  say done
  exit 0
fi

# ---- PHASE=live ----------------------------------------------------------------------------
install -d -m 0700 /etc/tunnelc/keys
ssh-keygen -q -t ed25519 -N '' -C device -f /etc/tunnelc/keys/device
relay /etc/tunnelc/keys/device.pub
HOSTKEY=$(cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)
spec() { # spec NAME PORT [HOST]
  cat <<JSON
{ "name": "$1", "server": { "host": "${3:-127.0.0.1}", "user": "relay", "hostKeys": ["$HOSTKEY"] },
  "identity": "/etc/tunnelc/keys/device", "forwards": [{ "remote": $2, "to": "localhost:22" }],
  "restart": { "delaySec": 1 } }
JSON
}

check "live: generator install" tunnelc generator install
check "live: the generator is an executable in /etc/systemd/system-generators" test -x /etc/systemd/system-generators/tunnelc-generator
spec gen-live 2242 >/etc/tunnelc/gen-live.json
systemctl daemon-reload
check "live: after daemon-reload the unit is in $GEN" test -f $GEN/gen-live.service
check "live: and its .wants link" test -L $GEN/multi-user.target.wants/gen-live.service
check "live: systemctl start brings the tunnel up" bash -c "systemctl start gen-live && sleep 0.5 && systemctl is-active gen-live"
check "live: bytes through the tunnel" wait_for banner 2242
check "live: the generator compiled: its memo in $GEN, the keeper's unit beside it" test -f $GEN/tunnelc-generator.memo -a -f $GEN/$KEEPER
check "live: systemctl start of the keeper keeps the memo (as at boot)" bash -c "systemctl start $KEEPER && $(declare -f kept); GEN=$GEN KEPT=$KEPT kept"
pid=$(prop gen-live.service MainPID)
cp $GEN/gen-live.service /tmp/gen-live.before
systemctl daemon-reload
check "live: the next reload replays it: no memo, the same unit" bash -c "[ ! -e $GEN/tunnelc-generator.memo ] && cmp -s $GEN/gen-live.service /tmp/gen-live.before"
check "live: the tunnel keeps its process through it" same_process gen-live.service "$pid"
chmod 0644 $KEPT
chmod g+w $KEPT
systemctl daemon-reload
check "live: a kept memo its group may write is not used, and the journal says so" wait_for journal_has "generator\.memo: refused: the file $KEPT .* writable by its group.*; not used, the specs are compiled"
check "live: ... the specs were compiled: the memo is written again, the unit the same" bash -c "[ -f $GEN/tunnelc-generator.memo ] && cmp -s $GEN/gen-live.service /tmp/gen-live.before"
chmod 0600 $KEPT
pid=$(prop gen-live.service MainPID)

# A broken spec beside it.
echo '{ "name": "gen-broken", "server": { "host": "-oProxyCommand=x", "user": "relay" }, "forwards": [{ "remote": 2243, "to": "localhost:22" }] }' >/etc/tunnelc/gen-broken.json
systemctl daemon-reload
check "broken beside: the tunnel keeps its process" same_process gen-live.service "$pid"
check "broken beside: bytes still flow" banner 2242
check "broken beside: the located message is in the journal, at warning level or above" wait_for journal_has "^/etc/tunnelc/$BROKEN_AT"
check "broken beside: tunnelc status shows the spec and why" bash -c "node $TUNNELC status | grep -qE '$BROKEN_AT'"
systemctl start gen-broken.service
check "broken beside: its unit fails when started" wait_for systemctl is-failed gen-broken.service
check "broken beside: ... in the unit's own log" wait_for unit_log_has gen-broken.service "$BROKEN_AT"
rm /etc/tunnelc/gen-broken.json

# A spec anyone may write, owned by nobody (issue 16): refused with the path and the fix, its
# unit fails loudly, the tunnel beside it keeps running.
spec gen-ww 2244 >/etc/tunnelc/gen-ww.json
chmod 0666 /etc/tunnelc/gen-ww.json
chown 65534 /etc/tunnelc/gen-ww.json
systemctl daemon-reload
check "untrusted spec: refused in the journal, with the path and the fix" wait_for journal_has '^/etc/tunnelc/gen-ww\.json:1:1: /: refused: the file /etc/tunnelc/gen-ww\.json is owned by uid 65534 and is writable by its group and others .*Fix: chown root /etc/tunnelc/gen-ww\.json && chmod go-w'
check "untrusted spec: its unit only reports the refusal" bash -c "systemctl show gen-ww -p Description --value | grep -q 'BROKEN SPEC, not started: /etc/tunnelc/gen-ww.json:1:1: /: refused'"
systemctl start gen-ww.service
check "untrusted spec: its unit fails when started, never runs ssh" wait_for systemctl is-failed gen-ww.service
check "untrusted spec: the tunnel beside it keeps its process" same_process gen-live.service "$pid"
check "untrusted spec: bytes still flow beside it" banner 2242
rm /etc/tunnelc/gen-ww.json

# The running tunnel's own spec broken by an edit: it must not vanish under its process.
cp /etc/tunnelc/gen-live.json /root/gen-live.good
printf '{ "name": "gen-live",\n  "server": ' >/etc/tunnelc/gen-live.json
systemctl daemon-reload
check "edit breaks the spec: the unit is still loaded" bash -c "[ \"\$(systemctl show gen-live -p LoadState --value)\" = loaded ]"
check "edit breaks the spec: the tunnel keeps its process" same_process gen-live.service "$pid"
check "edit breaks the spec: bytes still flow" banner 2242
check "edit breaks the spec: its description says why" bash -c "systemctl show gen-live -p Description --value | grep -q 'BROKEN SPEC, not started: /etc/tunnelc/gen-live.json:2:'"
check "edit breaks the spec: the journal has the location" wait_for journal_has '^/etc/tunnelc/gen-live\.json:2:[0-9]+: /: invalid JSON'
systemctl restart gen-live.service
check "edit breaks the spec: a restart fails loudly instead of running it" wait_for systemctl is-failed gen-live.service
check "edit breaks the spec: ... and the forward is gone" bash -c "! timeout 3 nc -z -w 2 127.0.0.1 2242"
check "edit breaks the spec: ... with the message in its log" wait_for unit_log_has gen-live.service 'gen-live\.json:2:[0-9]+: /: invalid JSON'
cp /root/gen-live.good /etc/tunnelc/gen-live.json
systemctl daemon-reload
check "spec fixed: the tunnel starts again" bash -c "systemctl restart gen-live && sleep 0.5 && systemctl is-active gen-live"
check "spec fixed: bytes through the tunnel" wait_for banner 2242

# Names that belong to the system (issue 16 §3): a tunnel named ssh must leave OpenSSH's own
# ssh.service the unit systemd loads; a tunnel named root runs as tunnelc's dynamic account, not
# UID 0; a dynamic tunnel without server.user still logs in as its name (ssh -l).
spec root 2245 >/etc/tunnelc/root.json
spec relay 2246 | sed 's/"user": "relay", //' >/etc/tunnelc/relay.json
systemctl daemon-reload
dynamic_uid() { # dynamic_uid UNIT ACCOUNT: its ssh runs as ACCOUNT, neither root nor nobody
  local uid
  uid=$(ps -o uid= -p "$(prop "$1" MainPID)" | tr -d ' ')
  [ -n "$uid" ] && [ "$uid" != 0 ] && [ "$uid" != 65534 ] && [ "$(id -nu "$uid")" = "$2" ] ||
    { echo "uid '$uid' ($(id -nu "$uid" 2>&1))"; return 1; }
}
systemctl start root.service relay.service
check "name root: the tunnel is up" wait_for banner 2245
check "name root: ssh runs as tunnelc-root, not UID 0 or 65534" dynamic_uid root.service tunnelc-root
check "name relay, no server.user: logs in as its name (-l relay), up" wait_for banner 2246
systemctl stop root.service relay.service
rm /etc/tunnelc/root.json /etc/tunnelc/relay.json
spec ssh 2244 >/etc/tunnelc/ssh.json
systemctl daemon-reload
TAKEN='ssh\.json:1:[0-9]+: /name: /(usr/)?lib/systemd/system/ssh\.service exists: .*rename the tunnel'
openssh_loaded() { prop ssh.service FragmentPath | grep -qE '^/(usr/)?lib/systemd/system/ssh\.service$'; }
openssh_restarts() { systemctl restart ssh && wait_for banner 22; }
status_has() { node "$TUNNELC" status | grep -qE "$1"; }
still_up() { is_active "$1" && banner "$2"; }
check "name ssh: nothing generated under OpenSSH's name" test ! -e $GEN/ssh.service
check "name ssh: systemd loads OpenSSH's ssh.service" openssh_loaded
check "name ssh: sshd restarts as OpenSSH and accepts connections" openssh_restarts
check "name ssh: the located problem is in the journal" wait_for journal_has "^/etc/tunnelc/$TAKEN"
check "name ssh: tunnelc status shows it" status_has "$TAKEN"
check "name ssh: the other tunnel keeps running" still_up gen-live.service 2242
rm /etc/tunnelc/ssh.json

# Its node gone (a version manager's node removed under it): node is the generator's #!
# interpreter, so systemd cannot execute it, logs that, and goes on. generator install refuses
# a node that is not there; doctor says so when it went later; generator install with a node
# that is there puts it right.
doctor_says() { node "$TUNNELC" doctor | grep -qF "$1"; }
refused_live() { ! tunnelc generator install --node /nonexistent/node 2>/tmp/refused && grep -q 'not there' /tmp/refused && [ "$(head -n1 /etc/systemd/system-generators/tunnelc-generator)" = "#!/usr/bin/node /tunnelc/bin/tunnelc.cjs" ]; }
check "no node: generator install refuses a node that is not there, and leaves the generator" refused_live
ln -s /usr/bin/node /usr/local/bin/node-gone
tunnelc generator install --node /usr/local/bin/node-gone
rm /usr/local/bin/node-gone
check "no node: doctor names the generator's missing node" doctor_says "✗ generator: /etc/systemd/system-generators/tunnelc-generator: /usr/local/bin/node-gone, its node, is not there"
check "no node: daemon-reload succeeds" systemctl daemon-reload
check "no node: systemd logs that it cannot execute the generator" wait_for exec_failed
check "no node: the manager runs on" manager_runs
check "no node: nothing generated" test ! -e $GEN/gen-live.service
check "no node: sshd accepts connections" banner 22
tunnelc generator install
systemctl daemon-reload
check "node back: the unit is generated again" test -f $GEN/gen-live.service
check "node back: doctor passes the generator" doctor_says "✓ generator: /etc/systemd/system-generators/tunnelc-generator runs /tunnelc/bin/tunnelc.cjs with /usr/bin/node"

check "live: generator uninstall" tunnelc generator uninstall
check "live: the generator is gone" test ! -e /etc/systemd/system-generators/tunnelc-generator
systemctl stop gen-live
systemctl daemon-reload
check "live: after the next reload, no generated unit is left" test ! -e $GEN/gen-live.service
say done
