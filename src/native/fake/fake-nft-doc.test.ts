/**
 * The example in docs/native.md ("Testing your code without root") runs as written: its code block,
 * importing this checkout's nlbkit/native, prints what its comments say.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

it('the fake nft example of docs/native.md prints what it says', async () => {
  const doc = await readFile(join(root, 'docs/native.md'), 'utf8');
  const block = doc.split('## Testing your code without root')[1]?.match(/```ts\n([\s\S]*?)```/)?.[1];
  expect(block).toContain("from 'nlbkit/native'");
  const dir = await mkdtemp(join(tmpdir(), 'nlbk-fake-doc-'));
  try {
    const entry = join(root, 'src/drivers/native/index.ts');
    const file = join(dir, 'example.mts');
    await writeFile(file, (block as string).replace("'nlbkit/native'", JSON.stringify(entry)));
    const tsx = join(root, 'node_modules/tsx/dist/esm/index.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', tsx, file], { cwd: dir });
    expect(stdout.trim().split('\n')).toEqual(['true', 'false', "[ '10.99.0.1' ]", '""']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
