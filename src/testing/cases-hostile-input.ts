/**
 * Conformance cases: input that fights back. Unknown fields are named in `violations[].path`; whatever
 * a caller sends, an error's message stays one short line.
 */
import type { NLBErrorCode } from '../interfaces/errors.js';
import { check, checkEqual, checkRejects } from './assertions.js';
import { type ConformanceCase, createBase, snapshot } from './case.js';
import { MESSAGE_LIMIT, UNSAFE_IN_MESSAGE } from './hostile-values.js';
import { baseRequest, uniqueName } from './world.js';

/** Rejects with `code`, and the message and every violation are short and on one line. */
async function checkTidy(promise: Promise<unknown>, code: NLBErrorCode, what: string, path?: string) {
  const e = await checkRejects(promise, code, what, path);
  const texts = [e.message, ...e.violations.flatMap((v) => [v.path, v.message, v.allowed ?? ''])];
  for (const t of texts) {
    check(
      !UNSAFE_IN_MESSAGE.test(t),
      `${what}: a control character reached the error: ${JSON.stringify(t.slice(0, 200))}`,
    );
  }
  check(e.message.length <= MESSAGE_LIMIT, `${what}: a message of ${e.message.length} characters`);
  return e;
}

/** Hostile input: unknown fields, long and control-laden strings. */
export const hostileInputCases: ConformanceCase[] = [
  {
    name: 'unknown fields are named in violations, and messages show input quoted, short and on one line',
    async run(world) {
      const { driver } = world;
      const nlb = await createBase(world, 'tidy');
      const before = await snapshot(driver);
      const req = () => baseRequest(driver.capabilities, world, uniqueName('tidy'), world.vms.slice(0, 2));
      const hostileKey = `k\n[nlbkit] forged\r\u001b[31m\u2028\u202e${'x'.repeat(1_000_000)}`;
      const base = req();
      await checkTidy(
        driver.createNLB({ ...base, helthChecker: base.healthChecker } as never),
        'INVALID_ARGUMENT',
        'a misspelt field',
        'helthChecker',
      );
      await checkTidy(
        driver.createNLB({ ...base, listener: { ...base.listener, bogus: 1 } } as never),
        'INVALID_ARGUMENT',
        'an unknown listener field',
        'listener.bogus',
      );
      await checkTidy(
        driver.changeVMGroupInfo(nlb.iid, {
          ...base.vmGroup,
          vms: [{ ...base.vmGroup.vms[0]!, wieght: 2 }],
        } as never),
        'INVALID_ARGUMENT',
        'an unknown VM field',
        'vmGroup.vms[0].wieght',
      );
      const huge = await checkTidy(
        driver.createNLB({ ...base, [hostileKey]: 1 } as never),
        'INVALID_ARGUMENT',
        'a 1 MB field name with newlines',
      );
      check(
        huge.violations.some((v) => v.path !== '' && v.path.includes('forged')),
        `the 1 MB field is named in a violation's path: ${JSON.stringify(huge.violations).slice(0, 300)}`,
      );
      const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`field${i}`, i]));
      await checkTidy(
        driver.createNLB({ ...base, ...many } as never),
        'INVALID_ARGUMENT',
        '10,000 unknown fields',
      );
      await checkTidy(
        driver.getNLB({ nameId: `web\n${'y'.repeat(100_000)}` }),
        'INVALID_ARGUMENT',
        'a long name with a newline',
        'iid.nameId',
      );
      await checkTidy(
        driver.createNLB({ ...base, listener: { ...base.listener, ip: `10.0.0.1\n${'z'.repeat(100_000)}` } }),
        'INVALID_ARGUMENT',
        'a long address with a newline',
        'listener.ip',
      );
      await checkTidy(
        driver.addVMs(nlb.iid, [{ nameId: `vm\u2028${'v'.repeat(100_000)}` }]),
        'INVALID_ARGUMENT',
        'a long VM name with a line separator',
        'vms[0].nameId',
      );
      checkEqual(await snapshot(driver), before, 'nothing changed');
    },
  },
];
