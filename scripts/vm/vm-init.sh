#!/bin/busybox sh
# /init of the VM's initramfs (built by scripts/vm/prepare.sh). Mounts the host's root read-only over 9p
# under a tmpfs overlay (the guest writes nothing to the host), the kernel's modules at /lib/modules,
# the repository read-write at its own path, then runs the job script run.sh wrote (its directory is on the kernel command line) and powers off.
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sys /sys
$bb mount -t devtmpfs dev /dev
for m in $($bb cat /mods/order); do
  m=$($bb ls /mods | $bb grep "^$m\.ko")
  $bb insmod "/mods/$m" || echo "vm-init: insmod $m failed"
done
opt=trans=virtio,version=9p2000.L,msize=262144
repo=$($bb sed -n 's/.*nlbkit.repo=\([^ ]*\).*/\1/p' /proc/cmdline)
job=$($bb sed -n 's/.*nlbkit.job=\([^ ]*\).*/\1/p' /proc/cmdline)
ver=$($bb uname -r)
$bb mount -t 9p -o "$opt,ro" hostroot /lower
$bb mount -t tmpfs -o size=2g tmpfs /upper
$bb mkdir -p /upper/u /upper/w
$bb mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /newroot
$bb mkdir -p "/newroot/lib/modules/$ver"
$bb mount -t 9p -o "$opt,ro" modules "/newroot/lib/modules/$ver"
for d in proc sys dev run tmp; do $bb mkdir -p "/newroot/$d"; done
$bb mount -t proc proc /newroot/proc
$bb mount -t sysfs sys /newroot/sys
$bb mount -t devtmpfs dev /newroot/dev
$bb mount -t tmpfs tmpfs /newroot/run
$bb mount -t tmpfs tmpfs /newroot/tmp
# Last, so a repository under /tmp or /run is not hidden by the fresh tmpfs.
$bb mkdir -p "/newroot$repo"
$bb mount -t 9p -o "$opt" repo "/newroot$repo"
$bb hostname nlbkit-vm
exec $bb chroot /newroot /bin/sh -c "cd '$repo' && /bin/sh '$job/job.sh'; echo \$? >'$job/job.exit'; sync; echo o >/proc/sysrq-trigger; sleep 10"
