/**
 * docs/cli.md's sessions, run as written (bash, with `nlbkit` on PATH running src/cli/main.ts) in a
 * temporary directory holding a byte-for-byte copy of examples/server/nlbkit.yaml, so the native
 * connection's store is made there. The second session runs against `nlbkit serve` on that file; and
 * the README's command-line quick start runs in a project whose node_modules/nlbkit is this checkout.
 */
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nlbInfoSchema, nlbListSchema } from '../../src/server/v1/v1-response-schemas.js';
import { blockAfter, startServeProcess } from '../docs-session.js';

const ROOT = join(import.meta.dirname, '../..');
const TOKEN = 'docs-cli-session-token-0123456789';
let dir: string;
let env: Record<string, string | undefined>;
let doc: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nlbkit-docs-cli-'));
  await copyFile(join(ROOT, 'examples/server/nlbkit.yaml'), join(dir, 'nlbkit.yaml'));
  await mkdir(join(dir, 'bin'));
  const tsx = fileURLToPath(import.meta.resolve('tsx'));
  const main = join(ROOT, 'src/cli/main.ts');
  await writeFile(
    join(dir, 'bin/nlbkit'),
    `#!/bin/sh\nexec "${process.execPath}" --import "${tsx}" "${main}" "$@"\n`,
  );
  await chmod(join(dir, 'bin/nlbkit'), 0o755);
  env = { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, NLBKIT_TOKEN: TOKEN };
  doc = await readFile(join(ROOT, 'docs/cli.md'), 'utf8');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// Ten, five and four runs of the CLI, each starting Node and tsx: slow on a busy machine.
const SESSION_TIMEOUT_MS = 180_000;

const bash = (script: string, extra: Record<string, string> = {}) =>
  promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd: dir, env: { ...env, ...extra } });

it(
  'the session of docs/cli.md works as written, on the native connection',
  async () => {
    const { stdout } = await bash(blockAfter(doc, '<!-- cli-session -->', 'sh'));
    expect(stdout).toMatch(/^connection: +lab \(driver native\)$/m);
    // The `nlb list` output the docs show is the one printed.
    expect(stdout).toContain(blockAfter(doc, '`nlb list` prints:', 'text'));
    expect(stdout).toMatch(/^0 healthy, 0 unhealthy, 3 unknown$/m);
    expect(stdout).toMatch(
      /^dry run: changeHealthCheckerInfo on lab \(native\) passes the checks; nothing was called/m,
    );
    expect(stdout).toContain('exit 11');
    expect(stdout.trimEnd().endsWith('deleted NLB web')).toBe(true);
    const web = nlbInfoSchema.parse(JSON.parse(await readFile(join(dir, 'web.json'), 'utf8')));
    expect(web.vmGroup.vms.map((vm) => vm.nameId)).toEqual(['web1', 'web2', 'web3']);
  },
  SESSION_TIMEOUT_MS,
);

it(
  "the README's command-line quick start works as written (npx: the nlbkit on PATH)",
  async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const block = blockAfter(readme, '## Quick start (the command line)', 'sh');
    const project = join(dir, 'project');
    await mkdir(join(project, 'node_modules'), { recursive: true });
    await symlink(ROOT, join(project, 'node_modules/nlbkit'));
    // `npx nlbkit` runs the package's bin; here that is the nlbkit on PATH (src/cli/main.ts).
    const { stdout } = await bash(`cd ${project}\nnpx() { "$@"; }\n${block}`);
    expect(stdout).toMatch(
      /^web +TCP 198\.51\.100\.1:80 +TCP :8080 +ROUND_ROBIN +web1,web2,web3 +TCP every 10s$/m,
    );
    expect(stdout).toMatch(/^dry run: changeHealthCheckerInfo on lab \(native\) passes the checks/m);
    expect(stdout.trimEnd().endsWith('deleted NLB web')).toBe(true);
  },
  SESSION_TIMEOUT_MS,
);

it(
  'the --server session of docs/cli.md works against nlbkit serve on the same file',
  async () => {
    const server = await startServeProcess(join(dir, 'nlbkit.yaml'), env);
    try {
      const { stdout } = await bash(blockAfter(doc, '<!-- cli-server-session -->', 'sh'), {
        NLBKIT_URL: server.url,
      });
      const listed = nlbListSchema.parse(
        JSON.parse(stdout.slice(stdout.indexOf('\n['), stdout.lastIndexOf(']') + 1)),
      );
      expect(
        listed.map((n) => [n.iid.nameId, n.listener.protocol, n.vmGroup.vms.map((vm) => vm.nameId)]),
      ).toEqual([['api', 'UDP', ['web3']]]);
      expect(stdout.trimEnd().endsWith('deleted NLB api')).toBe(true);
    } finally {
      await server.stop();
    }
  },
  SESSION_TIMEOUT_MS,
);
