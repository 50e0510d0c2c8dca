/**
 * docs/server.md's curl session, run as written (bash, curl) against `nlbkit serve --config
 * examples/server/nlbkit.yaml`. The file is copied byte for byte to a temporary directory first, so
 * the native connection's store (`./state`, relative to the file) is made there, not in the repository.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { blockAfter, type ServeProcess, startServeProcess } from '../docs-session.js';

const ROOT = join(import.meta.dirname, '../..');
const TOKEN = 'docs-session-token-0123456789abcdef';
let dir: string;
let server: ServeProcess;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nlbkit-docs-session-'));
  await copyFile(join(ROOT, 'examples/server/nlbkit.yaml'), join(dir, 'nlbkit.yaml'));
  server = await startServeProcess(join(dir, 'nlbkit.yaml'), { ...process.env, NLBKIT_TOKEN: TOKEN });
  url = server.url;
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('the curl session of docs/server.md works as written', async () => {
  const doc = await readFile(join(ROOT, 'docs/server.md'), 'utf8');
  const session = blockAfter(doc, '<!-- curl-session -->', 'sh');
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', session], {
    env: { ...process.env, NLBKIT_URL: url, NLBKIT_TOKEN: TOKEN },
  });
  expect(stdout).toContain('[{"name":"test","driver":"mock"},{"name":"lab","driver":"native"}]');
  expect(stdout).toMatch(/"vms":\[\{"nameId":"web1"\},\{"nameId":"web2"\},\{"nameId":"web3"\}\]/);
  expect(stdout).toContain('HTTP 409');
  // The 409 answer shown in the docs is the one the server gives.
  expect(stdout).toContain(blockAfter(doc, 'The 409 answer:', 'json').trim());
  expect(stdout.trim().endsWith('{"status":"ok"}')).toBe(true);
  // The native connection's store was made next to the copied file, by the first write.
  expect(await readdir(join(dir, 'state'))).not.toEqual([]);
});
