#!/usr/bin/env bash
# Runs a command as root inside a throwaway VM booted with Debian's kernel (scripts/vm/prepare.sh first)
# and this machine's own userspace, from the repository's directory, and exits with the command's status.
# Usage: scripts/vm/run.sh [--cpus N] [--mem MB] -- command args...
# KVM is used when it can boot the kernel (checked once: some hosts' /dev/kvm cannot run a stock kernel,
# e.g. PVM); otherwise qemu emulates the CPU (TCG), which is correct but many times slower.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
cache=.cache/vm
cpus=$(nproc)
mem=4096
while [ $# -gt 0 ]; do
  case "$1" in
  --cpus) cpus=$2; shift 2 ;;
  --mem) mem=$2; shift 2 ;;
  --) shift; break ;;
  *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: scripts/vm/run.sh [--cpus N] [--mem MB] -- command..." >&2; exit 2; }
[ -f "$cache/version" ] || { echo "vm: run scripts/vm/prepare.sh first" >&2; exit 2; }
ver=$(cat "$cache/version")

# The job: the command, quoted as given, in a directory of this run's own (several VMs may run at once).
job=$(mktemp -d "$cache/job.XXXXXX")
trap 'rm -rf "$job"' EXIT
{ echo 'set -e'; echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root'; printf '%q ' "$@"; echo; } >"$job/job.sh"

boot() { # $1: accelerator options; the serial console goes to stdout
  qemu-system-x86_64 $1 -smp "$cpus" -m "$mem" -nographic -no-reboot -net none \
    -kernel "$cache/kernel-$ver/boot/vmlinuz-$ver" -initrd "$cache/initrd-$ver.gz" \
    -append "console=ttyS0 quiet panic=-1 nlbkit.repo=$repo nlbkit.job=$job" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$cache/kernel-$ver/lib/modules/$ver,mount_tag=modules,security_model=none,readonly=on" \
    -virtfs "local,path=$repo,mount_tag=repo,security_model=passthrough"
}

# Nehalem (NLBKIT_VM_CPU overrides): SSE4.2 and no AVX. With `-cpu max` node died of SIGILL now and then (TCG's newer vector code).
accel="-accel tcg,thread=multi -cpu ${NLBKIT_VM_CPU:-Nehalem}"
if [ -w /dev/kvm ] && [ "${NLBKIT_VM_ACCEL:-auto}" != tcg ]; then
  # Whether KVM can boot a stock kernel here is probed once per machine (some hosts' /dev/kvm, e.g.
  # PVM, cannot: the kernel hangs after decompression). Under working KVM it prints "Linux version" at once.
  if [ ! -f "$cache/kvm-probe" ]; then
    if timeout 20 qemu-system-x86_64 -accel kvm -cpu host -smp 1 -m 512 -nographic -no-reboot -net none \
      -kernel "$cache/kernel-$ver/boot/vmlinuz-$ver" -append "console=ttyS0 panic=-1" 2>/dev/null |
      grep -q -m1 'Linux version'; then echo ok >"$cache/kvm-probe"; else echo no >"$cache/kvm-probe"; fi
  fi
  if [ "$(cat "$cache/kvm-probe")" = ok ]; then
    accel="-accel kvm -cpu host"
  else
    echo "vm: KVM cannot boot this kernel here; emulating the CPU (TCG)" >&2
  fi
fi
boot "$accel" | sed -u 's/\r$//'
[ -f "$job/job.exit" ] || { echo "vm: the guest stopped before the job finished" >&2; exit 1; }
exit "$(cat "$job/job.exit")"
