/**
 * The lab client: runs inside the client network namespace and opens connections on request, so
 * thousands of connections cost one process, not thousands.
 *
 * Prints `{"ready":true}`, then takes JSON-line jobs on stdin and answers each with `{"id":…,…}`:
 * - `batch`: opens `count` connections (TCP, UDP or HTTP) and returns one result per connection;
 * - `hold`: opens one long-lived TCP connection that sends a numbered line every `intervalMs` and
 *   checks the echo; `holdStatus` reports it, `release` closes it and reports.
 */
import readline from 'node:readline';
import { type BatchJob, runBatch } from './lab-client-batch.js';
import { type HoldJob, type HoldSession, openHold } from './lab-client-hold.js';

const sessions = new Map<number, HoldSession>();
let nextSession = 1;

function reply(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

type Job =
  | ({ id: number; cmd: 'batch' } & BatchJob)
  | ({ id: number; cmd: 'hold' } & HoldJob)
  | { id: number; cmd: 'holdStatus' | 'release'; session: number };

async function handle(job: Job): Promise<object> {
  if (job.cmd === 'batch') return { results: await runBatch(job) };
  if (job.cmd === 'hold') {
    const session = await openHold(job);
    const id = nextSession++;
    sessions.set(id, session);
    return { session: id, ...session.status() };
  }
  const session = sessions.get(job.session);
  if (!session) throw new Error(`no session ${job.session}`);
  if (job.cmd === 'release') {
    sessions.delete(job.session);
    await session.close();
  }
  return session.status();
}

reply({ ready: true });
const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  const job = JSON.parse(line) as Job;
  handle(job).then(
    (result) => reply({ id: job.id, ok: true, ...result }),
    (error: unknown) => reply({ id: job.id, ok: false, error: String(error) }),
  );
});
input.on('close', () => process.exit(0));
