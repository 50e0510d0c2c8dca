/**
 * `import 'nlbkit'` and `import 'nlbkit/mock'` must load no cloud SDK, nor may making a cloud driver.
 * Checked in a fresh Node process with a module resolve hook that records every module it imports.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SDK = /node_modules\/(@aws-sdk|@smithy|@azure|@google-cloud|google-gax|googleapis)\//;

async function modulesImportedBy(code: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'nlbkit-trace-'));
  const trace = join(dir, 'trace.txt');
  try {
    await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './test/unit/fixtures/trace-imports.mjs',
        '--input-type=module',
        '-e',
        code,
      ],
      { env: { ...process.env, NLBKIT_TRACE_FILE: trace } },
    );
    return (await readFile(trace, 'utf8')).trim().split('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('importing nlbkit loads no cloud SDK', () => {
  for (const entry of ['./src/index.ts', './src/drivers/mock/index.ts']) {
    it(entry, async () => {
      const loaded = await modulesImportedBy(
        `const m = await import(${JSON.stringify(entry)}); if (typeof m.createMockDriver !== 'function') process.exit(3);`,
      );
      expect(loaded.some((u) => u.includes('/node_modules/zod/'))).toBe(true); // the probe sees dependencies
      expect(loaded.filter((u) => SDK.test(u))).toEqual([]);
    });
  }

  // A cloud driver loads its SDK on the first call, not on import or construction.
  it('./src/drivers/azure/index.ts (import and createAzureDriver)', async () => {
    const loaded = await modulesImportedBy(
      `const m = await import('./src/drivers/azure/index.ts');
       m.createAzureDriver({ subscriptionId: '00000000-1111-2222-3333-444444444444', resourceGroup: 'rg',
         credential: { getToken: async () => null } });`,
    );
    expect(loaded.some((u) => u.includes('/src/drivers/azure/azure-driver.ts'))).toBe(true);
    expect(loaded.filter((u) => SDK.test(u))).toEqual([]);
  });

  it('./src/drivers/gcp/index.ts (import and createGcpDriver)', async () => {
    const loaded = await modulesImportedBy(
      `const m = await import('./src/drivers/gcp/index.ts');
       m.createGcpDriver({ projectId: 'my-project-1', region: 'europe-west1' });`,
    );
    expect(loaded.some((u) => u.includes('/src/drivers/gcp/gcp-driver.ts'))).toBe(true);
    expect(loaded.filter((u) => SDK.test(u) || u.includes('/google-auth-library/'))).toEqual([]);
  });

  // nlbkit serve: a connection's driver is imported through its entry point when first used.
  it('a server connection (aws) loads its driver only when used, and no SDK even then', async () => {
    const loaded = await modulesImportedBy(
      `const { createConnectionRegistry } = await import('./src/server/connections/connection-registry.ts');
       const { parseConnections } = await import('./src/server/connections/connections-file.ts');
       const r = createConnectionRegistry(parseConnections('connections: {eu: {driver: aws, region: eu-west-1}, t: {driver: mock}}'));
       await (await r.handler('t')).listNLB();
       (await import('node:fs')).appendFileSync(process.env.NLBKIT_TRACE_FILE, 'MARK\\n');
       await r.handler('eu');`,
    );
    const mark = loaded.indexOf('MARK');
    expect(mark).toBeGreaterThan(0);
    expect(loaded.findIndex((u) => u.includes('/src/drivers/aws/index.ts'))).toBeGreaterThan(mark);
    expect(loaded.filter((u) => SDK.test(u))).toEqual([]);
  });

  it('the probe sees an SDK when one is imported', async () => {
    const loaded = await modulesImportedBy(`await import('@aws-sdk/client-elastic-load-balancing-v2');`);
    expect(loaded.some((u) => SDK.test(u))).toBe(true);
  });
});
