/**
 * Child process of the contention test: one native driver (store-only) on a shared store, creating
 * `count` NLBs once the parent says go (a line on stdin), so every writer process races the others.
 * Prints one JSON line per create: the NLB's listener, or the error's code and message.
 *
 * argv: <file dir | postgres URL> <schema> <writer name> <count>
 */
import { createInterface } from 'node:readline';
import { createNativeDriver } from '../../src/drivers/native/native-driver.js';
import { isNLBError } from '../../src/interfaces/errors.js';
import { createFileStore } from '../../src/native/store/file-store.js';
import { createPostgresStore } from '../../src/native/store/postgres-store.js';

const [where, schema, writer, count] = process.argv.slice(2) as [string, string, string, string];
const store = where.startsWith('postgres://')
  ? createPostgresStore({ connection: { connectionString: where }, schema })
  : createFileStore(where);
const driver = createNativeDriver({
  store,
  vipPool: { ranges: ['10.99.0.0/24'] },
  vmInventory: { vm1: { ipv4: '10.0.0.11' } },
});

process.stdout.write('ready\n');
await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));
for (let i = 0; i < Number(count); i++) {
  const line = await driver
    .createNLB({
      iid: { nameId: `${writer}-${i}` },
      listener: { protocol: 'TCP', port: 80 },
      vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm1' }] },
      healthChecker: { protocol: 'TCP' },
    })
    .then(
      (nlb) => ({ ok: `${nlb.listener.ip}:${nlb.listener.port}` }),
      (e: unknown) => ({ code: isNLBError(e) ? e.code : 'ERROR', message: String(e) }),
    );
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
await store.close();
process.exit(0);
