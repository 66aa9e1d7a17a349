#!/bin/bash
# The network of the boot test (test/e2e/faults.test.ts), brought up at boot by a oneshot unit
# ordered before network-online.target, so a tunnel that waits for network-online.target finds
# its relays and one that does not would start too early. Relay namespace ra (192.0.2.1) is
# reachable; rb (192.0.2.5) is not: the device's packets arrive but every answer is dropped
# (a blackhole route in rb), until boot-check.sh removes that route. The device is the
# container itself (192.0.2.2 and .6); its tunnels run unchanged, as tunnelc install --root
# wrote them.
. /tunnelc/test/e2e/netlib.sh
set -e
mkdir -p /run/sshd
useradd -m -s /bin/bash fleet
install -d -m 0700 -o fleet -g fleet /home/fleet/.ssh
tunnelc relay /etc/tunnelc/boot.json >/home/fleet/.ssh/authorized_keys
chown fleet:fleet /home/fleet/.ssh/authorized_keys
for r in a b; do
  netns r$r
  relay_conf /etc/ssh/relay-r$r.conf r$r
  tunnelc relay /etc/tunnelc/boot.json --sshd-config >>/etc/ssh/relay-r$r.conf
  if tunnelc relay /etc/tunnelc/boot.json --sysctl >/etc/ssh/relay-r$r.sysctl 2>/dev/null; then
    ip netns exec r$r sysctl -q -p /etc/ssh/relay-r$r.sysctl
  fi
done
# One end of each link stays in the container's own namespace: the device.
ip link add ua type veth peer name da && ip link set ua netns ra
ip link add ub type veth peer name db && ip link set ub netns rb
ip -n ra addr add 192.0.2.1/30 dev ua && ip -n ra link set ua up
ip -n rb addr add 192.0.2.5/30 dev ub && ip -n rb link set ub up
ip addr add 192.0.2.2/30 dev da && ip link set da up
ip addr add 192.0.2.6/30 dev db && ip link set db up
ip -n rb route add blackhole 192.0.2.6/32
relay_sshd ra /etc/ssh/relay-ra.conf
relay_sshd rb /etc/ssh/relay-rb.conf
