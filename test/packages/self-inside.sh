#!/bin/bash
# Inside the booted container (test/self-package.test.ts): tunnelc's own .deb, built offline from
# the release tarball by docs/packaging.md's recipe, installed with dpkg -i; its generator turns a
# spec in /etc/tunnelc into a unit at daemon-reload, and the tunnel comes up (sshd on 127.0.0.1:22
# is the relay); dpkg -r removes it, dpkg --purge its cache too. VERSION comes from the runner unit.
. "$(dirname "$0")/checks.sh"
: >"$LOG"
UNIT=office-reverse.service
GEN=/usr/lib/systemd/system-generators/tunnelc-generator

setup() {
  set -e
  relay_account office
  set +e
}

# The rootfs has no nodejs package: the host's node is bound in at /usr/bin/node, and a stand-in
# package of its version tells dpkg that Depends: nodejs (>= 18.19) holds.
stand_in_nodejs() {
  set -e
  local d
  d=$(mktemp -d)
  mkdir "$d/DEBIAN"
  printf '%s\n' "Package: nodejs" "Version: $(node -p process.versions.node)" "Architecture: all" \
    "Maintainer: tunnelc tests <tests@example.net>" "Description: the node bound in at /usr/bin/node" \
    >"$d/DEBIAN/control"
  dpkg-deb -b "$d" /tmp/nodejs.deb >/dev/null
  dpkg -i /tmp/nodejs.deb
}

version() { [ "$(tunnelc --version)" = "$VERSION" ] || { tunnelc --version; return 1; }; }
generated() {
  systemctl daemon-reload &&
    [ "$(prop "$UNIT" LoadState)" = loaded ] &&
    [ "$(prop "$UNIT" SourcePath)" = /etc/tunnelc/office.json ] &&
    [ "$(prop "$UNIT" FragmentPath)" = "/run/systemd/generator/$UNIT" ] ||
    systemctl status "$UNIT"
}
# man(1) as a user runs it (man-db, in the rootfs for this): the installed page found by name and
# rendered, its NAME and SYNOPSIS sections there.
man_page() {
  local out
  out=$(MANPAGER=cat MANWIDTH=80 man tunnelc 2>&1) &&
    grep -q '^NAME' <<<"$out" && grep -q '^SYNOPSIS' <<<"$out" &&
    grep -q 'tunnelc - ' <<<"$out" || { echo "$out" | head -20; return 1; }
}
no_man_page() { ! man -w tunnelc; }
gone() { systemctl daemon-reload && [ "$(prop "$UNIT" LoadState)" = not-found ]; }

check "setup: relay account and key" setup
check "a stand-in nodejs package for the bound-in node" stand_in_nodejs
check "dpkg -i installs tunnelc" dpkg -i /pkg/tunnelc.deb
check "tunnelc --version is the package's" version
check "the man page is installed" test -s /usr/share/man/man1/tunnelc.1.gz
check "man tunnelc renders it" man_page
check "the generator is installed" test -x "$GEN"
check "a spec in /etc/tunnelc" install -m 0644 /pkg/office.json /etc/tunnelc/office.json
check "daemon-reload: the generator writes the tunnel's unit" generated
check "the generated unit is enabled" test -L "/run/systemd/generator/multi-user.target.wants/$UNIT"
check "systemctl start brings the tunnel up" systemctl start "$UNIT"
check "bytes through the -R forward" wait_for banner 2222
check "tunnelc status lists the generated tunnel" bash -c "tunnelc status | grep -q office-reverse"
check "systemctl stop ends the tunnel" systemctl stop "$UNIT"
KEPT=/var/cache/tunnelc/generator.memo
check "the keeper unit keeps the generator's memo" bash -c "systemctl start tunnelc-generator-keep.service && test -s $KEPT"
check "dpkg -r removes tunnelc" dpkg -r tunnelc
check "... and leaves the memo, a cache for the next install" test -s "$KEPT"
check "dpkg --purge purges tunnelc" dpkg --purge tunnelc
check "... and removes the memo (postrm purge)" test ! -e /var/cache/tunnelc
check "the generator is gone" test ! -e "$GEN"
check "man tunnelc finds no page" no_man_page
check "daemon-reload: the unit is gone" gone
say done
