import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runnableProgram } from './runnable-program.js';

/** A checkout with one program importing a package that answers `marker`, from its own node_modules. */
async function checkout(marker: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'nlbk-runnable-'));
  const pkg = join(root, 'node_modules', 'nlbk-marker');
  await mkdir(pkg, { recursive: true });
  await writeFile(join(pkg, 'package.json'), '{"name":"nlbk-marker","type":"module","main":"index.js"}');
  await writeFile(join(pkg, 'index.js'), `export const marker = ${JSON.stringify(marker)};`);
  await mkdir(join(root, 'src'));
  // The same source in every checkout: only where its bare import resolves differs.
  await writeFile(
    join(root, 'src', 'prog.ts'),
    "import { marker } from 'nlbk-marker';\nconsole.log(marker);\n",
  );
  return root;
}

describe('runnableProgram', () => {
  const roots: string[] = [];
  afterAll(async () => {
    for (const r of roots) await rm(r, { recursive: true, force: true });
  });

  it("resolves a program's packages through its own checkout, even when another with the same sources is gone", async () => {
    const [a, b] = [await checkout('A'), await checkout('B')];
    roots.push(a, b);
    const from = (root: string) => pathToFileURL(join(root, 'src', 'spawner.ts')).href;
    const progA = await runnableProgram(from(a), 'prog');
    const progB = await runnableProgram(from(b), 'prog');
    expect(progA).not.toBe(progB);
    expect(execFileSync(process.execPath, [progA], { encoding: 'utf8' }).trim()).toBe('A');
    await rm(a, { recursive: true, force: true });
    expect(execFileSync(process.execPath, [progB], { encoding: 'utf8' }).trim()).toBe('B');
  });
});
