/**
 * docs/server.md's curl session, run as written (bash, curl) against `nlbkit serve --config
 * examples/server/nlbkit.yaml`. The file is copied byte for byte to a temporary directory first, so
 * the native connection's store (`./state`, relative to the file) is made there, not in the repository.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const TOKEN = 'docs-session-token-0123456789abcdef';
let dir: string;
let server: ReturnType<typeof spawn>;
let url: string;

/** The fenced block after a marker comment in a markdown file. */
function blockAfter(markdown: string, marker: string, lang: string): string {
  const at = markdown.indexOf(marker);
  const m = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(markdown.slice(at));
  if (at < 0 || !m) throw new Error(`no ${lang} block after ${marker}`);
  return m[1] as string;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nlbkit-docs-session-'));
  await copyFile(join(ROOT, 'examples/server/nlbkit.yaml'), join(dir, 'nlbkit.yaml'));
  server = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src/cli/main.ts'),
      'serve',
      '--config',
      join(dir, 'nlbkit.yaml'),
      '--listen',
      '127.0.0.1:0',
    ],
    { env: { ...process.env, NLBKIT_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    server.on('exit', (code) => reject(new Error(`nlbkit serve exited ${code}: ${out}`)));
  });
});
afterAll(async () => {
  if (server?.exitCode === null) {
    const exited = new Promise((r) => server.on('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
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
