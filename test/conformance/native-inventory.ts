/** The VMs the native conformance runs use: four backends on 10.0.0.11-14. */
export const vmInventory = {
  vm1: { ipv4: '10.0.0.11' },
  vm2: { ipv4: '10.0.0.12' },
  vm3: { ipv4: '10.0.0.13' },
  vm4: { ipv4: '10.0.0.14' },
};

/** The inventory's VMs as IIDs, in order. */
export const vms = Object.keys(vmInventory).map((nameId) => ({ nameId }));

/** The same four VMs with IPv6 addresses too (fd00::11-14), for runs whose kernel takes IPv6 VIPs. */
export const dualStackInventory = Object.fromEntries(
  Object.entries(vmInventory).map(([name, a]) => [name, { ...a, ipv6: `fd00::${a.ipv4.split('.')[3]}` }]),
);
