#!/usr/bin/env bash
# Sets up a fresh machine for nlbkit: the Debian packages the native driver and its tests need
# (when run as root on Debian/Ubuntu), then the npm dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev) # builds the native TCP health checker (native/)
command -v openssl >/dev/null 2>&1 || need+=(openssl) # HTTPS health-check tests make a certificate
command -v ipvsadm >/dev/null 2>&1 || need+=(ipvsadm) # the IPVS data plane (its test runs in the VM, on this userspace)
command -v sysctl >/dev/null 2>&1 || need+=(procps) # sysctl: the IPVS data plane sets net.ipv4.vs.expire_nodest_conn
command -v conntrack >/dev/null 2>&1 || need+=(conntrack) # connection draining: ends a drained VM's flows
# High availability (docs/native-ha.md): BIRD 2 announces VIPs by BGP; gratuitous ARP (arping -U) and
# unsolicited NA (na6 from ipv6toolkit; Debian's ndisc6 has no ndsend) announce them on layer 2.
command -v bird >/dev/null 2>&1 || need+=(bird2)
command -v arping >/dev/null 2>&1 || need+=(iputils-arping)
command -v na6 >/dev/null 2>&1 || need+=(ipv6toolkit)
# The PostgreSQL store's tests start a throwaway server (initdb + postgres from Debian's package).
command -v curl >/dev/null 2>&1 || need+=(curl) # docs/server.md's curl session is run by a test
command -v tmux >/dev/null 2>&1 || need+=(tmux) # the CLI's terminal test reads what a person sees in tmux
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# The server's status page is tested in headless Chromium (Debian's, driven by playwright-core).
[ -x /usr/bin/chromium ] || need+=(chromium)
# npm run bench:dataplane (by hand, not in CI): nginx and HAProxy in the lab, wrk as a client, and
# ethtool for the LB-node CPU phase (threaded NAPI on the lab's veths).
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v ethtool >/dev/null 2>&1 || need+=(ethtool)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: the native driver and its tests need ${need[*]}: run this script as root, or: sudo apt-get install ${need[*]}" >&2
  fi
fi

npm ci --no-audit --no-fund
# The health monitor's TCP checker (epoll, RST close); without it checks run in JavaScript, slower.
npm run build:native

# The VM with Debian's kernel (kernel features this host may lack: nftables flowtables, IPVS) for
# test/vm and the flowtable benchmark: needs root and apt; elsewhere those tests skip (CI fails).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  ./scripts/vm/prepare.sh
else
  echo "setup: skipping the test VM (needs root on Debian/Ubuntu: ./scripts/vm/prepare.sh)" >&2
fi
