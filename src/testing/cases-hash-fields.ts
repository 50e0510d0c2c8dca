/**
 * Conformance cases: the hash fields a VM group change leaves in force. A request that names an
 * algorithm without `hashFields` gets that algorithm's documented default, whatever was in force
 * before; a request without `algorithm` keeps the algorithm and its hash fields.
 */
import { defaultHashFields } from '../interfaces/capabilities.js';
import type { Algorithm, HashFields, VMGroupInfo } from '../interfaces/types.js';
import { check, checkEqual } from './assertions.js';
import type { ConformanceCase } from './case.js';
import { baseRequest, uniqueName } from './world.js';

const ALL_HASH_FIELDS: HashFields[] = ['SOURCE_IP', 'SOURCE_IP_PORT', 'FIVE_TUPLE'];

type Setting = { algorithm: Algorithm; hashFields?: HashFields };
const text = (s: Setting) => (s.hashFields ? `${s.algorithm}(${s.hashFields})` : s.algorithm);

/** Hash-field defaults on changeVMGroupInfo. */
export const hashFieldCases: ConformanceCase[] = [
  {
    name: 'changeVMGroupInfo without hashFields: the named algorithm gets its default, whatever came before',
    async run(world) {
      const { driver } = world;
      const caps = driver.capabilities;
      const hashing = caps.algorithms.filter((a) => a !== 'ROUND_ROBIN');
      const first = hashing[0];
      if (first === undefined) return 'skipped';
      const fields = caps.hashFields ?? ALL_HASH_FIELDS;
      const req = baseRequest(caps, world, uniqueName('hash'), world.vms.slice(0, 2));
      req.vmGroup.algorithm = first;
      const nlb = await driver.createNLB(req);
      const { protocol, port, vms } = req.vmGroup;
      const group = (s: Partial<Setting>): VMGroupInfo => ({ protocol, port, vms, ...s });
      // The settings before the change that history could leak from: every hashing algorithm (only
      // the created one where it is fixed), on fields other than the target's default.
      const algorithms = hashing.filter((a) => caps.changes.algorithm || a === first);
      for (const target of caps.changes.algorithm ? hashing : [first]) {
        const expected = defaultHashFields(target, caps);
        const otherFields = fields.find((h) => h !== expected);
        const starts: Setting[] = algorithms.map((a) =>
          otherFields ? { algorithm: a, hashFields: otherFields } : { algorithm: a },
        );
        for (const start of starts) {
          await driver.changeVMGroupInfo(nlb.iid, group(start));
          const got = await driver.changeVMGroupInfo(nlb.iid, group({ algorithm: target }));
          const what = `from ${text(start)} to ${target} without hashFields`;
          checkEqual(
            { algorithm: got.vmGroup.algorithm, hashFields: got.vmGroup.hashFields },
            { algorithm: target, hashFields: expected },
            `${what}: the result`,
          );
          checkEqual(
            (await driver.getNLB(nlb.iid)).vmGroup.hashFields,
            expected,
            `${what}: getNLB afterwards`,
          );
        }
      }
      // Without `algorithm`, the algorithm in force stays, with its hash fields.
      const other = fields.find((h) => h !== defaultHashFields(first, caps));
      const before: Setting = { algorithm: first, hashFields: other ?? defaultHashFields(first, caps) };
      await driver.changeVMGroupInfo(nlb.iid, group(before));
      const kept = await driver.changeVMGroupInfo(nlb.iid, group({}));
      check(
        kept.vmGroup.algorithm === before.algorithm && kept.vmGroup.hashFields === before.hashFields,
        `a change without algorithm keeps ${text(before)}, got ${kept.vmGroup.algorithm}(${kept.vmGroup.hashFields})`,
      );
    },
  },
];
