/**
 * Finds the lab programs' files for `node` to run. Built (dist) they are plain `.js` beside this module.
 * Run from source (tsx, vitest) they are `.ts`, which Node 20 cannot run: loading tsx in every spawned
 * program costs ~1 s of CPU each, so instead they are transpiled once with TypeScript into a cache
 * directory named by a hash of their sources (safe to share between parallel test processes).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The programs, and every local module they import. */
const SOURCES = ['lab-backend-main', 'lab-client-main', 'lab-client-batch', 'lab-client-hold'] as const;

/** A program that can be started in a namespace. */
export type LabProgram = 'lab-backend-main' | 'lab-client-main';

let compiled: Promise<string> | undefined;

/** Resolves the path of `program`'s entry file, transpiling the sources first when needed. */
export async function programFile(program: LabProgram): Promise<string> {
  const here = fileURLToPath(new URL('.', import.meta.url));
  if (!import.meta.url.endsWith('.ts')) return join(here, `${program}.js`);
  compiled ??= transpileAll(here);
  return join(await compiled, `${program}.js`);
}

async function transpileAll(here: string): Promise<string> {
  const texts = await Promise.all(SOURCES.map((name) => readFile(join(here, `${name}.ts`), 'utf8')));
  const hash = createHash('sha256').update(texts.join('\0')).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `nlbkit-lab-programs-${hash}`);
  if (await exists(join(dir, 'package.json'))) return dir;
  const ts = (await import('typescript')).default;
  const staging = `${dir}.${process.pid}.tmp`;
  await mkdir(staging, { recursive: true });
  await Promise.all(
    SOURCES.map((name, i) => {
      const out = ts.transpileModule(texts[i] as string, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      });
      return writeFile(join(staging, `${name}.js`), out.outputText);
    }),
  );
  await writeFile(join(staging, 'package.json'), '{"type":"module"}\n');
  try {
    await rename(staging, dir);
  } catch {
    // Another process got there first with the same sources: use theirs.
    await rm(staging, { recursive: true, force: true });
  }
  return dir;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
