/**
 * Conformance cases: listener address families (dual stack). Every family the driver's capabilities
 * offer is created and read back; the others are refused with UNSUPPORTED before anything changes;
 * a change of family happens where the capabilities say it can, and is refused, changing nothing,
 * elsewhere.
 */
import { addressFamiliesOf } from '../interfaces/capabilities.js';
import { parseAddress } from '../interfaces/schemas.js';
import type { AddressFamily, ListenerInfo } from '../interfaces/types.js';
import { check, checkEqual, checkRejects } from './assertions.js';
import { type ConformanceCase, createBase, snapshot } from './case.js';
import { baseRequest, essence, uniqueName } from './world.js';

const ALL_FAMILIES: AddressFamily[] = ['IPV4', 'IPV6', 'DUAL_STACK'];

/** The listener's addresses fit its family, where the driver reports addresses (AWS gives a DNS name). */
function checkAddresses(l: ListenerInfo, family: AddressFamily, what: string) {
  check(l.addressFamily === family, `${what}: addressFamily is ${family}, got ${l.addressFamily}`);
  const ip = l.ip === undefined ? undefined : parseAddress(l.ip);
  const ipv6 = l.ipv6 === undefined ? undefined : parseAddress(l.ipv6);
  if (l.ip !== undefined)
    check(ip?.family === (family === 'IPV6' ? 6 : 4), `${what}: ip ${l.ip} is the primary of ${family}`);
  if (l.ipv6 !== undefined) {
    check(ipv6?.family === 6, `${what}: ipv6 ${l.ipv6} is an IPv6 address`);
    check(family !== 'IPV4', `${what}: an IPV4 listener has no ipv6 address (${l.ipv6})`);
  }
  if (family !== 'IPV4' && l.ip !== undefined)
    check(l.ipv6 !== undefined, `${what}: a listener with an address reports its IPv6 one as ipv6`);
}

/** Dual-stack cases. */
export const addressFamilyCases: ConformanceCase[] = [
  {
    name: 'listener.addressFamily: each family the driver offers is created, read back and deleted',
    async run(world) {
      const { driver } = world;
      const caps = addressFamiliesOf(driver.capabilities);
      const plain = await createBase(world, 'af0');
      const reported = plain.listener.addressFamily;
      if (caps.default !== undefined)
        check(reported === caps.default, `no family given: ${caps.default} (the default), got ${reported}`);
      else
        check(reported !== undefined && caps.families.includes(reported), `no family given: got ${reported}`);
      for (const family of caps.families) {
        const req = baseRequest(driver.capabilities, world, uniqueName('af'), world.vms.slice(0, 2));
        req.listener.addressFamily = family;
        const created = await driver.createNLB(req);
        checkAddresses(created.listener, family, `createNLB ${family}`);
        const got = await driver.getNLB(req.iid);
        checkAddresses(got.listener, family, `getNLB ${family}`);
        checkEqual(essence(got), essence(created), `getNLB matches createNLB (${family})`);
        checkEqual(
          [got.listener.ip, got.listener.ipv6],
          [created.listener.ip, created.listener.ipv6],
          `getNLB reports createNLB's addresses (${family})`,
        );
        const listed = (await driver.listNLB()).find((n) => n.iid.nameId === req.iid.nameId);
        check(listed?.listener.addressFamily === family, `listNLB reports ${family}`);
        check((await driver.deleteNLB(req.iid)) === true, `deleteNLB of a ${family} NLB`);
        await checkRejects(driver.getNLB(req.iid), 'NOT_FOUND', `getNLB after deleting a ${family} NLB`);
      }
    },
  },
  {
    name: 'listener.addressFamily the driver does not offer is UNSUPPORTED and changes nothing',
    async run(world) {
      const { driver } = world;
      const caps = addressFamiliesOf(driver.capabilities);
      const refused = ALL_FAMILIES.filter((f) => !caps.families.includes(f));
      await createBase(world, 'afx');
      const before = await snapshot(driver);
      for (const family of refused) {
        const req = baseRequest(driver.capabilities, world, uniqueName('afx'), world.vms.slice(0, 2));
        req.listener.addressFamily = family;
        await checkRejects(
          driver.createNLB(req),
          'UNSUPPORTED',
          `createNLB ${family}`,
          'listener.addressFamily',
        );
      }
      // A requested address must be of the named family (drivers that take a listener IP).
      const offered = caps.families.find((f) => f !== 'DUAL_STACK');
      if (driver.capabilities.listenerIP && offered) {
        const req = baseRequest(driver.capabilities, world, uniqueName('afip'), world.vms.slice(0, 2));
        req.listener.addressFamily = offered;
        req.listener.ip = offered === 'IPV4' ? '2001:db8::10' : '192.0.2.10';
        await checkRejects(
          driver.createNLB(req),
          'INVALID_ARGUMENT',
          `createNLB ${offered} with an address of the other family`,
          'listener.ip',
        );
      } else if (refused.length === 0) return 'skipped';
      checkEqual(await snapshot(driver), before, 'the refused creates changed nothing');
    },
  },
  {
    name: 'changeListener addressFamily: changed where the driver can, else UNSUPPORTED and unchanged',
    async run(world) {
      const { driver } = world;
      const caps = addressFamiliesOf(driver.capabilities);
      const nlb = await createBase(world, 'afc');
      const current = nlb.listener.addressFamily as AddressFamily;
      const { protocol, port } = nlb.listener;
      const target = caps.families.find((f) => f !== current);
      if (!caps.change || target === undefined) {
        const other = ALL_FAMILIES.find((f) => f !== current) as AddressFamily;
        await checkRejects(
          driver.changeListener(nlb.iid, { protocol, port, addressFamily: other }),
          'UNSUPPORTED',
          `changeListener to ${other}`,
          'listener.addressFamily',
        );
        checkEqual(essence(await driver.getNLB(nlb.iid)), essence(nlb), 'nothing changed');
        check(
          (await driver.getNLB(nlb.iid)).listener.addressFamily === current,
          `the family is still ${current}`,
        );
        return;
      }
      const changed = await driver.changeListener(nlb.iid, { protocol, port, addressFamily: target });
      checkAddresses(changed.listener, target, `changeListener to ${target}`);
      const got = await driver.getNLB(nlb.iid);
      checkAddresses(got.listener, target, `getNLB after changing to ${target}`);
      check(got.listener.port === port, 'the port is kept');
      checkEqual(essence(got).vmGroup, essence(nlb).vmGroup, 'the VM group is untouched');
      // Back again: a change of family is not one-way.
      const back = await driver.changeListener(nlb.iid, { protocol, port, addressFamily: current });
      checkAddresses(back.listener, current, `changeListener back to ${current}`);
    },
  },
];
