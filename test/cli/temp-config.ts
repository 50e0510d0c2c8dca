/** A temporary directory holding a connections file, for the CLI tests. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The directory, the file (`nlbkit.yaml` in it) and how to remove both. */
export interface TempConfig {
  dir: string;
  config: string;
  remove(): Promise<void>;
}

/** Writes `yaml` to `nlbkit.yaml` in a new temporary directory named after `tag`. */
export async function tempConfig(tag: string, yaml: string): Promise<TempConfig> {
  const dir = await mkdtemp(join(tmpdir(), `nlbkit-cli-${tag}-`));
  const config = join(dir, 'nlbkit.yaml');
  await writeFile(config, yaml);
  return { dir, config, remove: () => rm(dir, { recursive: true, force: true }) };
}
