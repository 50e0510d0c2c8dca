/**
 * A health {@link Checker} whose checks run inside a network namespace: the agent's health monitor
 * (scheduler, state machine, coalescing) stays in the test process, while every TCP/HTTP/UDP check is
 * made by nlbkit's real checkers in a helper process in the LB node's namespace, so checks take the
 * node's own route to the backends, as they do when the agent runs on the node.
 *
 * @example
 * const checks = await startNetnsChecker(topo.lbNodes[0].ns);
 * const health = createHealthMonitor({ seed: 'lb0', checker: checks.checker });
 * ...
 * await health.close(); await checks.close();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Checker, CheckSpec } from '../../../src/native/health/checkers/types.js';
import type { CheckOutcome } from '../../../src/native/health/state-machine.js';

/** A running checker process in a namespace. */
export interface NetnsChecker {
  /** Pass as `createHealthMonitor({ checker })`. Never rejects. */
  readonly checker: Checker;
  /** Checks answered so far. */
  readonly answered: number;
  /** Ends the helper process (pending checks fail with a reason). */
  close(): Promise<void>;
}

/** HTTP statuses a matcher accepts, listed so they can cross the process boundary. */
function listCodes(spec: CheckSpec): number[] | undefined {
  if (!spec.expectedCodes) return undefined;
  const codes: number[] = [];
  for (let s = 100; s <= 599; s++) if (spec.expectedCodes(s)) codes.push(s);
  return codes;
}

/** Starts the helper in namespace `ns` and resolves once it is ready. */
export async function startNetnsChecker(ns: string): Promise<NetnsChecker> {
  const main = fileURLToPath(new URL('./netns-checker-main.ts', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child: ChildProcess = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', tsx, main], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const pending = new Map<number, (outcome: CheckOutcome) => void>();
  let exited = false;
  let answered = 0;
  let nextId = 1;
  const ready = new Promise<void>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { ready?: boolean; id?: number; ok?: boolean; reason?: string };
      if (msg.ready) return resolve();
      const done = pending.get(msg.id ?? -1);
      if (!done) return;
      pending.delete(msg.id!);
      answered += 1;
      done(msg.reason === undefined ? { ok: msg.ok === true } : { ok: msg.ok === true, reason: msg.reason });
    });
    child.on('exit', (code, signal) => {
      exited = true;
      const reason = `netns checker in ${ns} exited (${code ?? signal}): ${stderr.trim()}`;
      reject(new Error(reason));
      for (const done of pending.values()) done({ ok: false, reason });
      pending.clear();
    });
  });
  await ready;

  const checker: Checker = (spec, signal) => {
    if (exited) return Promise.resolve({ ok: false, reason: `netns checker in ${ns} is gone` });
    const id = nextId++;
    return new Promise<CheckOutcome>((resolve) => {
      // The helper bounds every check by its timeout; this backstop only guards against a stuck helper.
      const backstop = setTimeout(
        () => finish({ ok: false, reason: 'netns checker: no answer' }),
        spec.timeoutMs + 5000,
      );
      const onAbort = () => child.stdin?.write(`${JSON.stringify({ cancel: id })}\n`);
      function finish(outcome: CheckOutcome) {
        clearTimeout(backstop);
        signal?.removeEventListener('abort', onAbort);
        pending.delete(id);
        resolve(outcome);
      }
      pending.set(id, finish);
      signal?.addEventListener('abort', onAbort, { once: true });
      const { expectedCodes: _matcher, udpPayload, ...wire } = spec;
      const sent = { ...wire, codes: listCodes(spec), udpHex: udpPayload?.toString('hex') };
      child.stdin?.write(`${JSON.stringify({ id, spec: sent })}\n`);
    });
  };

  return {
    checker,
    get answered() {
      return answered;
    },
    async close() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await gone;
      clearTimeout(timer);
    },
  };
}
