/**
 * The README's quick start must work when pasted into a new project: build the package, write the
 * code block into a fresh project whose node_modules/nlbkit is the packed package, and run it.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

it('the README quick start runs as written against the packed package', async () => {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const block = readme.split('## Quick start')[1]?.match(/```ts\n([\s\S]*?)```/)?.[1];
  expect(block).toContain("from 'nlbkit/mock'");

  const project = await mkdtemp(join(tmpdir(), 'nlbkit-quickstart-'));
  try {
    const outDir = join(project, 'pkg');
    await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(outDir, 'dist')], { cwd: root });
    await writeFile(join(outDir, 'package.json'), await readFile(join(root, 'package.json')));
    await mkdir(join(project, 'node_modules'));
    await symlink(outDir, join(project, 'node_modules', 'nlbkit'));
    for (const dep of ['zod', 'ipaddr.js', 'commander', 'p-limit', 'yocto-queue'])
      await symlink(join(root, 'node_modules', dep), join(project, 'node_modules', dep)).catch(
        () => undefined,
      );
    await writeFile(join(project, 'package.json'), JSON.stringify({ type: 'module' }));
    await writeFile(join(project, 'quickstart.ts'), block as string);

    const { stdout } = await run(
      process.execPath,
      ['--import', join(root, 'node_modules/tsx/dist/esm/index.mjs'), 'quickstart.ts'],
      { cwd: project },
    );
    expect(stdout).toContain("192.0.2.1 [ 'web1', 'web2' ]");
    expect(stdout).toContain("nameId: 'web2'");
  } finally {
    await rm(project, { recursive: true, force: true });
  }
}, 120_000);
