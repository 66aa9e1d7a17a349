#!/bin/bash
# Inside the booted container (test/packages.test.ts): the .deb that dpkg-buildpackage built from
# docs/packaging.md's recipe, installed with dpkg -i and purged with dpkg --purge. sshd on
# 127.0.0.1:22 is the relay. Every check writes "ok - NAME" or "not ok - NAME # detail" to
# /results/log; "done" ends it.
. "$(dirname "$0")/checks.sh"
: >"$LOG"
UNIT=office-reverse.service
FILE=/lib/systemd/system/$UNIT

# The relay account accepts the key the spec names (/etc/tunnelc/keys/office), made only after
# the package is installed: a package ships the unit, each machine gets its own key.
setup() {
  set -e
  relay_account office
  set +e
}

# Without its key the unit's start is skipped by ConditionPathExists=: inactive, not failed.
skipped() {
  local state
  state=$(for p in ActiveState Result ConditionResult; do systemctl show -p $p --value "$UNIT"; done)
  [ "$(echo $state)" = "inactive success no" ] || {
    echo "$state"
    return 1
  }
}

# Several times the unit's RestartSec= later, still no restart and no failure.
not_restarted() {
  sleep 4
  skipped && [ "$(systemctl show -p NRestarts --value "$UNIT")" = 0 ]
}

check "dpkg -i installs the package before its key exists" dpkg -i /pkg/tunnels.deb
check "the unit file is installed" test -f "$FILE"
check "postinst enabled the unit" is_enabled "$UNIT"
check "without its key the start is skipped, not failed" skipped
check "without its key no restart follows" not_restarted
check "setup: relay account and key" setup
check "systemctl start brings it up once the key is there" systemctl start "$UNIT"
check "the unit is active" wait_for is_active "$UNIT"
check "bytes through the -R forward" wait_for banner 2222
check "dpkg --purge removes the package" dpkg --purge tunnels
check "the unit is stopped" bash -c "! systemctl is-active --quiet $UNIT"
check "the enable symlink is gone" test ! -e "/etc/systemd/system/multi-user.target.wants/$UNIT"
check "the unit file is gone" test ! -e "$FILE"
check "systemd no longer knows the unit" bash -c "[ \"\$(systemctl show -p LoadState --value $UNIT)\" = not-found ]"
check "the forwarded port is closed" wait_for closed 2222
say done
