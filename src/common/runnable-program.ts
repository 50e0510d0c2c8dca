/**
 * Finds a file `node` can run for a helper program that nlbkit spawns as a child process (the demo's lab
 * programs, the health worker inside a network namespace). Built (dist), the program is plain `.js`
 * beside the module that spawns it. Run from source (tsx, vitest) it is `.ts`, which Node 20 cannot
 * run, and loading tsx in every spawned program costs ~1 s of CPU; so instead the program and every
 * local module it imports are transpiled once with TypeScript into a cache directory named by a hash
 * of their sources (safe to share between parallel test processes). Bare imports (`zod`) resolve
 * through a `node_modules` link to the source tree's own.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const cache = new Map<string, Promise<string>>();

/**
 * Resolves the path of program `name`, a module beside `fromUrl` (pass `import.meta.url`), ready for
 * `node <path>`; transpiles it first when `fromUrl` is a `.ts` source.
 *
 * @example
 * const file = await runnableProgram(import.meta.url, 'netns-worker-main');
 * spawn(process.execPath, [file]);
 */
export async function runnableProgram(fromUrl: string, name: string): Promise<string> {
  const here = dirname(fileURLToPath(fromUrl));
  if (!fromUrl.endsWith('.ts')) return join(here, `${name}.js`);
  const entry = join(here, `${name}.ts`);
  let compiled = cache.get(entry);
  if (!compiled) {
    compiled = transpileGraph(entry);
    cache.set(entry, compiled);
    // A failure (say, a syntax error being fixed) must not stick for the life of the process.
    compiled.catch(() => cache.delete(entry));
  }
  return compiled;
}

interface Source {
  path: string;
  js: string;
}

async function transpileGraph(entry: string): Promise<string> {
  const ts = (await import('typescript')).default;
  const sources = new Map<string, Source>();
  const pending = [entry];
  while (pending.length > 0) {
    const path = pending.pop() as string;
    if (sources.has(path)) continue;
    const out = ts.transpileModule(await readFile(path, 'utf8'), {
      fileName: path,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    sources.set(path, { path, js: out.outputText });
    // Imports are read from the output, so type-only imports (erased) do not drag in their modules.
    for (const { fileName } of ts.preProcessFile(out.outputText, true, true).importedFiles) {
      if (!fileName.startsWith('./') && !fileName.startsWith('../')) continue;
      pending.push(resolve(dirname(path), fileName).replace(/\.js$/, '.ts'));
    }
  }
  const root = commonDir([...sources.keys()]);
  const files = [...sources.values()]
    .map((s) => ({ rel: relative(root, s.path).replace(/\.ts$/, '.js'), js: s.js }))
    .sort((a, b) => (a.rel < b.rel ? -1 : 1));
  // The node_modules the programs' bare imports resolve through is part of the key: a cache made by
  // another checkout (since moved or deleted) must not be reused with its link pointing there.
  const modules = await nearestNodeModules(dirname(entry));
  const hash = createHash('sha256');
  hash.update(`${modules ?? ''}\0`);
  for (const f of files) hash.update(`${f.rel}\0${f.js}\0`);
  const dir = join(tmpdir(), `nlbkit-programs-${hash.digest('hex').slice(0, 16)}`);
  const target = join(dir, relative(root, entry).replace(/\.ts$/, '.js'));
  if (await trusted(dir)) return target;

  // An unpredictable, private staging directory, renamed into place whole: readers never see half a tree.
  const staging = await mkdtemp(`${dir}.tmp-`);
  for (const f of files) {
    await mkdir(dirname(join(staging, f.rel)), { recursive: true });
    await writeFile(join(staging, f.rel), f.js);
  }
  if (modules) await symlink(modules, join(staging, 'node_modules'), 'dir');
  await writeFile(join(staging, 'package.json'), '{"type":"module"}\n');
  try {
    await rename(staging, dir);
  } catch {
    // Another process got there first with the same sources: use theirs if it is ours to trust.
    await rm(staging, { recursive: true, force: true });
    if (!(await trusted(dir))) throw new Error(`[nlbkit] ${dir} exists but is not owned by this user`);
  }
  return target;
}

/**
 * Whether `dir` is a finished cache we may run code from: the temp directory is shared, and these
 * programs may run as root, so a directory someone else created (or can write to) is never used.
 */
async function trusted(dir: string): Promise<boolean> {
  try {
    const [d] = await Promise.all([stat(dir), stat(join(dir, 'package.json'))]);
    const uid = process.getuid?.();
    return d.isDirectory() && (uid === undefined || d.uid === uid) && (d.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function commonDir(paths: string[]): string {
  let common = dirname(paths[0] as string);
  for (const p of paths)
    while (!p.startsWith(common.endsWith(sep) ? common : common + sep)) common = dirname(common);
  return common;
}

async function nearestNodeModules(from: string): Promise<string | undefined> {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      if ((await stat(join(dir, 'node_modules'))).isDirectory()) return join(dir, 'node_modules');
    } catch {
      // not here; look one level up
    }
    if (dirname(dir) === dir) return undefined;
  }
}
