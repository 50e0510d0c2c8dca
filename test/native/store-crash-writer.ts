/**
 * Child process of the kill -9 test: writes to a file store in a loop and prints each revision once
 * its put has resolved, so the parent knows what was acknowledged before it kills us.
 * Usage: store-crash-writer.ts <dir> [compactSlackBytes]
 */
import { createFileStore } from '../../src/native/store/file-store.js';
import { makeRecord } from './store-record.js';

const dir = process.argv[2] as string;
// Optional: the log's compaction slack (0: compact every few writes, so kills land in compactions too).
const slack = process.argv[3];
const store = createFileStore(dir, slack === undefined ? {} : { compactSlackBytes: Number(slack) });
// As the driver does before its first write: a kill -9 may land inside this too.
await store.create();
let i = 0;
for (;;) {
  i++;
  const name = `nlb-${i % 7}`;
  // A payload whose every character must agree with the record's port: a torn write would show.
  const port = 1 + (i % 60000);
  const payload = String(port % 10).repeat(200);
  let rev: number;
  if (i % 5 === 0) {
    await store.delete(name);
    rev = await store.revision();
  } else rev = await store.put(makeRecord(name, { port, payload }));
  // An agent's report, replaced the same way: it must never be lost or torn either.
  await store.putNodeReport({
    node: 'lb1',
    appliedRevision: rev,
    attemptedRevision: rev,
    updatedAt: new Date().toISOString(),
    vips: [],
    health: {},
  });
  process.stdout.write(`${rev}\n`);
}
