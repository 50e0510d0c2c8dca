/**
 * Conformance cases: input that fights back. A throwing getter or a Proxy anywhere in the input is
 * INVALID_ARGUMENT naming where (never a raw Error); unknown fields are named in `violations[].path`;
 * whatever a caller sends, an error's message stays one short line.
 */
import type { NLBErrorCode } from '../interfaces/errors.js';
import type { NLBHandler } from '../interfaces/handler.js';
import { check, checkEqual, checkRejects } from './assertions.js';
import { type ConformanceCase, createBase, snapshot } from './case.js';
import {
  MESSAGE_LIMIT,
  revoked,
  throwingAt,
  transparent,
  trapping,
  UNSAFE_IN_MESSAGE,
} from './hostile-values.js';
import { baseRequest, essence, uniqueName } from './world.js';

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

/** Hostile objects and options: getters, proxies, and the calls they reach. */
export const hostileInputCases: ConformanceCase[] = [
  {
    name: 'a throwing getter or a Proxy in the input is INVALID_ARGUMENT naming where, and nothing changes',
    async run(world) {
      const { driver } = world;
      const nlb = await createBase(world, 'trap');
      const req = () => baseRequest(driver.capabilities, world, uniqueName('trap'), world.vms.slice(0, 2));
      const vm = { nameId: world.vms[3]!.nameId };
      const before = await snapshot(driver);
      const calls: [string, (d: NLBHandler) => Promise<unknown>, string | undefined][] = [
        [
          'createNLB: getter on iid.nameId',
          (d) => d.createNLB({ ...req(), iid: throwingAt({ nameId: 'x' }, 'nameId') }),
          'iid.nameId',
        ],
        ['createNLB: a revoked proxy as the request', (d) => d.createNLB(revoked()), undefined],
        [
          'createNLB: a revoked proxy as vmGroup',
          (d) => d.createNLB({ ...req(), vmGroup: revoked() }),
          'vmGroup',
        ],
        [
          'createNLB: an array with a throwing getter as vmGroup.vms',
          (d) => {
            const r = req();
            return d.createNLB({ ...r, vmGroup: { ...r.vmGroup, vms: throwingAt(r.vmGroup.vms, 0) } });
          },
          'vmGroup.vms',
        ],
        [
          'createNLB: listener whose ownKeys trap throws',
          (d) => d.createNLB({ ...req(), listener: trapping(req().listener, 'ownKeys') }),
          'listener',
        ],
        [
          'createNLB: healthChecker whose get trap throws',
          (d) => d.createNLB({ ...req(), healthChecker: trapping(req().healthChecker, 'get') }),
          'healthChecker',
        ],
        [
          'createNLB: a getter that throws a revoked proxy',
          (d) => d.createNLB({ ...req(), listener: throwingAt(req().listener, 'port', revoked()) }),
          'listener.port',
        ],
        [
          'getNLB: getter on iid.nameId',
          (d) => d.getNLB(throwingAt({ nameId: nlb.iid.nameId }, 'nameId')),
          'iid.nameId',
        ],
        ['getNLB: a revoked proxy as iid', (d) => d.getNLB(revoked()), 'iid'],
        [
          'deleteNLB: getter on iid.systemId',
          (d) => d.deleteNLB(throwingAt({ ...nlb.iid }, 'systemId')),
          'iid.systemId',
        ],
        [
          'changeListener: a revoked proxy as listener',
          (d) => d.changeListener(nlb.iid, revoked()),
          'listener',
        ],
        [
          'changeVMGroupInfo: vms whose get trap throws',
          (d) => d.changeVMGroupInfo(nlb.iid, { ...req().vmGroup, vms: trapping([vm], 'get') }),
          'vmGroup.vms',
        ],
        ['addVMs: an array with a throwing getter', (d) => d.addVMs(nlb.iid, throwingAt([vm], 0)), 'vms'],
        ['removeVMs: a revoked proxy as the list', (d) => d.removeVMs(nlb.iid, revoked()), 'vms'],
        [
          'getVMGroupHealthInfo: getter on iid.nameId',
          (d) => d.getVMGroupHealthInfo(throwingAt({ nameId: 'x' }, 'nameId')),
          'iid.nameId',
        ],
        [
          'changeHealthCheckerInfo: getter on a setting',
          (d) =>
            d.changeHealthCheckerInfo(
              nlb.iid,
              throwingAt({ ...req().healthChecker, interval: 10 }, 'interval'),
            ),
          'healthChecker.interval',
        ],
        [
          'listNLB: options whose signal getter throws',
          (d) => d.listNLB(throwingAt({ signal: undefined }, 'signal')),
          'opts.signal',
        ],
        ['listIID: a revoked proxy as options', (d) => d.listIID(revoked()), 'opts'],
        [
          'getNLB: a revoked proxy as the signal',
          (d) => d.getNLB(nlb.iid, { signal: revoked() }),
          'opts.signal',
        ],
      ];
      for (const [what, call, path] of calls)
        await checkRejects(call(driver), 'INVALID_ARGUMENT', what, path);
      checkEqual(await snapshot(driver), before, 'nothing changed');
      // A Proxy that only passes through is just another way to hold the same data.
      const proxied = req();
      const created = await driver.createNLB(transparent(proxied));
      checkEqual(
        essence(await driver.getNLB(transparent(created.iid))),
        essence(created),
        'a request made of well-behaved proxies is served like its target',
      );
    },
  },
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
