/**
 * What a TypeScript user of the published package sees. Packs nlbkit once (`npm pack`, whose prepack
 * builds it), installs the tarball into a fresh project that has none of the optional peers (cloud
 * SDKs, pg, vitest), and checks: the declarations compile under `tsc --strict` with
 * `skipLibCheck: false`, with and without `exactOptionalPropertyTypes`, for a module importing every
 * subpath and for every public `@example`; source maps resolve inside the tarball; README links too.
 *
 * `nlbkit/testing` is compiled without vitest as well: its declarations must not need it (only its
 * runtime does, when a user's test file registers the suite).
 */
import { execFile } from 'node:child_process';
import { cp, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PackedProject, packIntoProject, repoRoot } from './packed-project.js';
import { readPublicExamples, type TsdocExample, writeExampleModules } from './tsdoc-examples.js';

const run = promisify(execFile);
const SUBPATHS = [
  'nlbkit',
  'nlbkit/mock',
  'nlbkit/testing',
  'nlbkit/native',
  'nlbkit/aws',
  'nlbkit/azure',
  'nlbkit/gcp',
  'nlbkit/openstack',
  'nlbkit/driver-kit',
];
const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

let project: PackedProject;
let examples: TsdocExample[];
let unparsable: string[];

beforeAll(async () => {
  project = await packIntoProject(['@types/node']);
  for (const f of ['consumer.ts', 'tsconfig.json'])
    await cp(join(repoRoot, 'test/package/fixtures', f), join(project.dir, f));
  const read = await readPublicExamples(project.dir, SUBPATHS);
  examples = read.examples;
  ({ unparsable } = await writeExampleModules(join(project.dir, 'tsdoc-examples'), examples, read.exportsOf));
}, 300_000);

afterAll(() => project?.remove());

/** Runs this repository's tsc on the project; its output lists every error. */
async function tsc(exactOptionalPropertyTypes: boolean): Promise<string> {
  const bin = join(repoRoot, 'node_modules/typescript/bin/tsc');
  const args = ['-p', project.dir, '--exactOptionalPropertyTypes', String(exactOptionalPropertyTypes)];
  return run(process.execPath, [bin, ...args], { cwd: project.dir }).then(
    (r) => r.stdout,
    (e: { stdout?: string; message: string }) => e.stdout || e.message,
  );
}

it('the test covers every subpath the package exports, and the project has no optional peer', () => {
  expect(Object.keys(manifest.exports).filter((k) => k !== './package.json')).toEqual(
    expect.arrayContaining(SUBPATHS.map((s) => s.replace(/^nlbkit/, '.'))),
  );
  expect(Object.keys(manifest.exports)).toHaveLength(SUBPATHS.length + 1);
  const require = createRequire(join(project.dir, 'package.json'));
  const peers = Object.keys(manifest.peerDependenciesMeta);
  expect(peers).toEqual(
    expect.arrayContaining(['@aws-sdk/client-ec2', '@google-cloud/compute', 'pg', 'vitest']),
  );
  for (const peer of peers) expect(() => require.resolve(peer), peer).toThrow(/Cannot find module/);
  expect(require.resolve('zod')).toContain('/zod/'); // nlbkit's own dependencies are there
});

it('reads every public @example from the packed declarations, and each parses', () => {
  const names = examples.map((e) => e.name);
  expect(names).toEqual(
    expect.arrayContaining([
      'nlbkit: NLBHandler',
      'nlbkit: NLBError',
      'nlbkit: createMockDriver',
      'nlbkit/testing: nlbHandlerConformance',
      'nlbkit/native: createNativeDriver',
      'nlbkit/aws: createAwsDriver',
      'nlbkit/azure: createAzureDriver',
      'nlbkit/gcp: createGcpDriver',
      'nlbkit/openstack: createOpenStackDriver',
      'nlbkit/driver-kit: createGuardedHandler',
      'nlbkit/driver-kit: DriverBackend',
    ]),
  );
  expect(examples.find((e) => e.name === 'nlbkit: NLBHandler')?.source).toBe('src/interfaces/handler.ts');
  expect(unparsable).toEqual([]);
});

// About 8 s of CPU each; the timeout leaves room for a busy machine.
describe.concurrent('the declarations and every public @example compile with skipLibCheck: false', () => {
  it('with strict', async () => {
    expect(await tsc(false)).toBe('');
  }, 240_000);
  it('with strict and exactOptionalPropertyTypes', async () => {
    expect(await tsc(true)).toBe('');
  }, 240_000);
});

it('every source map in the tarball carries its sources or points at files in it', async () => {
  const files = new Set(project.files);
  const maps = project.files.filter((f) => f.endsWith('.js.map'));
  expect(maps.length).toBeGreaterThan(50);
  const missing: string[] = [];
  for (const map of maps) {
    const { sources, sourcesContent, sourceRoot } = JSON.parse(
      await readFile(join(project.packageDir, map), 'utf8'),
    ) as { sources: string[]; sourcesContent?: (string | null)[]; sourceRoot?: string };
    sources.forEach((source, i) => {
      const inTarball = files.has(normalize(join(dirname(map), sourceRoot ?? '', source)));
      if (typeof sourcesContent?.[i] !== 'string' && !inTarball) missing.push(`${map}: ${source}`);
    });
  }
  expect(missing).toEqual([]);
  for (const js of project.files.filter((f) => f.endsWith('.js'))) {
    const url = (await readFile(join(project.packageDir, js), 'utf8')).match(
      /\/\/# sourceMappingURL=(\S+)\s*$/,
    )?.[1];
    if (url) expect(files.has(normalize(join(dirname(js), url))), `${js} -> ${url}`).toBe(true);
  }
});

it('every relative link in the packed README resolves inside the tarball', async () => {
  const readme = await readFile(join(project.packageDir, 'README.md'), 'utf8');
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => (m[1] as string).split('#')[0] as string)
    .filter((l) => l !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(l));
  expect(links).toEqual(expect.arrayContaining(['examples/aws', 'docs/native.md']));
  const resolves = (link: string) => {
    const path = normalize(link).replace(/\/$/, '');
    return project.files.some((f) => f === path || f.startsWith(`${path}/`));
  };
  expect(links.filter((l) => !resolves(l))).toEqual([]);
});
