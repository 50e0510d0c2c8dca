/**
 * nlbkit as a user gets it: `npm pack` of a copy of this repository (its `prepack` builds dist), the
 * tarball unpacked into a fresh project's node_modules, and nlbkit's own dependencies linked from this
 * repository's node_modules (no network, nothing optional). The optional peers are left out.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root. */
export const repoRoot = resolve(import.meta.dirname, '../..');

/** Not copied to the pack staging copy: installed, built or local-only. */
const NOT_COPIED = new Set(['node_modules', '.git', '.cache', 'dist', 'coverage']);

/** A fresh project with the packed nlbkit installed. */
export interface PackedProject {
  /** The project directory (its package.json says `"type": "module"`). */
  dir: string;
  /** The installed package: `<dir>/node_modules/nlbkit`. */
  packageDir: string;
  /** Every path in the tarball, relative to the package root, as `npm pack` lists them. */
  files: string[];
  /** Removes everything this made. */
  remove(): Promise<void>;
}

/**
 * Packs the repository and installs the tarball into a new project under the system's temp directory.
 * `devLinks` are extra packages linked from this repository (e.g. `@types/node`), as a user has them.
 */
export async function packIntoProject(devLinks: readonly string[] = []): Promise<PackedProject> {
  const work = await mkdtemp(join(tmpdir(), 'nlbkit-pack-'));
  try {
    const staging = join(work, 'staging');
    await cp(repoRoot, staging, {
      recursive: true,
      filter: (from) => !NOT_COPIED.has(from.slice(repoRoot.length + 1).split('/')[0] ?? ''),
    });
    const modules = await realpath(join(repoRoot, 'node_modules'));
    await symlink(modules, join(staging, 'node_modules'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: staging,
      env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as {
      filename: string;
      files: { path: string }[];
    }[];
    if (!packed) throw new Error(`npm pack printed no result: ${stdout}`);

    const dir = join(work, 'project');
    const packageDir = join(dir, 'node_modules', 'nlbkit');
    await mkdir(packageDir, { recursive: true });
    await run('tar', ['-xzf', join(work, packed.filename), '-C', packageDir, '--strip-components=1']);
    await cp(join(repoRoot, 'test/package/fixtures/project.package.json'), join(dir, 'package.json'));
    const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const name of [...Object.keys(manifest.dependencies ?? {}), ...devLinks]) {
      await mkdir(join(dir, 'node_modules', name, '..'), { recursive: true });
      await symlink(join(modules, name), join(dir, 'node_modules', name));
    }
    return {
      dir,
      packageDir,
      files: packed.files.map((f) => f.path),
      remove: () => rm(work, { recursive: true, force: true }),
    };
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  }
}
