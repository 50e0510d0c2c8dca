/**
 * The native TCP prober: one long-lived helper process (native/tcp-checker.c, an epoll loop with
 * non-blocking connects and RST close) runs the checks; this side writes one short line per check and
 * reads one back, batched per event-loop turn. When the helper is missing or dies, the checks in flight
 * and every later one move to the JavaScript prober, so a broken helper never fails a check.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import net from 'node:net';
import { constants as osConstants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJsTcpProber } from './js-tcp-prober.js';
import { type ProbeDone, type TcpProber, timeoutReason } from './tcp-prober.js';

/** Where `npm run build:native` (and scripts/setup.sh) puts the helper, from the package root. */
const BUILT = join('native', 'build', 'nlbkit-tcp-checker');

/**
 * The helper's path when it is built and executable: `$NLBKIT_TCP_CHECKER`, else the package's own
 * `native/build/nlbkit-tcp-checker` (the same from src/ and dist/). Undefined when there is none.
 */
export function locateTcpChecker(): string | undefined {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
  const path = process.env.NLBKIT_TCP_CHECKER || join(root, BUILT);
  try {
    accessSync(path, fsConstants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

const errnoNames = new Map(Object.entries(osConstants.errno).map(([name, n]) => [n, name]));

interface Pending {
  address: string;
  port: number;
  timeoutMs: number;
  done: ProbeDone;
  /** Set when the check moved to the JavaScript prober (the helper died). */
  jsToken?: number;
}

/** Options of {@link createTcpProber}. */
export interface TcpProberOptions {
  /** `auto` (default): the native helper when built, else JavaScript. `js` forces JavaScript. */
  mode?: 'auto' | 'js';
  /** The helper to run. Default: {@link locateTcpChecker}. */
  helperPath?: string;
  /** Told once when the helper cannot be used and checks fall back to JavaScript. */
  onFallback?: (why: string) => void;
}

/**
 * Creates the monitor's TCP prober: the native helper when it is available (and `mode` is not `js`),
 * with the JavaScript prober as the automatic fallback.
 *
 * @example
 * const prober = createTcpProber();
 * prober.probe('127.0.0.1', 80, 1000, (ok, reason) => console.log(prober.kind, ok, reason));
 */
export function createTcpProber(opts: TcpProberOptions = {}): TcpProber {
  const js = createJsTcpProber();
  const helperPath = opts.mode === 'js' ? undefined : (opts.helperPath ?? locateTcpChecker());
  if (helperPath === undefined) return js;

  const pending = new Map<number, Pending>();
  let next = 1;
  let child: ChildProcess | undefined;
  let failed = false;
  let closed = false;
  let outbox = '';
  let inbox = '';
  let flushQueued = false;

  const flush = () => {
    flushQueued = false;
    if (!child || outbox === '') return;
    child.stdin?.write(outbox);
    outbox = '';
  };

  const onResult = (token: number, code: number) => {
    const p = pending.get(token);
    if (!p || p.jsToken !== undefined) return;
    pending.delete(token);
    if (code === 0) return p.done(true);
    if (code === -1) return p.done(false, timeoutReason(p.timeoutMs));
    const name = errnoNames.get(code) ?? `errno ${code}`;
    p.done(false, `${name}: connect ${name} ${p.address}:${p.port}`);
  };

  const onData = (chunk: string) => {
    inbox += chunk;
    let from = 0;
    for (let nl = inbox.indexOf('\n'); nl >= 0; nl = inbox.indexOf('\n', from)) {
      const space = inbox.indexOf(' ', from);
      if (space > from && space < nl)
        onResult(Number(inbox.slice(from, space)), Number(inbox.slice(space + 1, nl)));
      from = nl + 1;
    }
    inbox = inbox.slice(from);
  };

  /** The helper is unusable: its checks in flight, and every later one, go to JavaScript. */
  const fallBack = (why: string) => {
    if (failed) return;
    failed = true;
    child = undefined;
    if (!closed) opts.onFallback?.(`nlbkit TCP checker ${helperPath} ${why}: using JavaScript checks`);
    for (const [token, p] of pending) {
      if (closed) break;
      p.jsToken = js.probe(p.address, p.port, p.timeoutMs, (ok, reason) => {
        pending.delete(token);
        p.done(ok, reason);
      });
    }
  };

  const start = () => {
    const proc = spawn(helperPath, [], { stdio: ['pipe', 'pipe', 'ignore'] });
    proc.on('error', (err) => fallBack(`failed: ${err.message}`));
    proc.on('exit', (code, signal) => {
      if (!closed) fallBack(`exited (${signal ?? `code ${code}`})`);
    });
    proc.stdin?.on('error', () => undefined); // EPIPE from a dead helper: its exit says what happened
    proc.stdout?.setEncoding('utf8');
    proc.stdout?.on('data', onData);
    child = proc;
  };

  return {
    get kind() {
      return failed ? 'js' : 'native';
    },
    probe(address, port, timeoutMs, done) {
      // Only IP literals and whole ports reach the helper's line protocol; anything else (a name) is
      // JavaScript's to resolve.
      if (failed || closed || net.isIP(address) === 0 || !Number.isInteger(port))
        return -js.probe(address, port, timeoutMs, done);
      if (!child) start();
      const token = next++;
      pending.set(token, { address, port, timeoutMs, done });
      outbox += `${token} ${address} ${port} ${Math.max(1, Math.round(timeoutMs))}\n`;
      if (!flushQueued) {
        flushQueued = true;
        setImmediate(flush);
      }
      return token;
    },
    cancel(token) {
      if (token < 0) return js.cancel(-token);
      const p = pending.get(token);
      if (!p) return;
      pending.delete(token);
      if (p.jsToken !== undefined) js.cancel(p.jsToken);
      else p.done(false, 'aborted');
    },
    close() {
      closed = true;
      for (const token of [...pending.keys()]) this.cancel(token);
      child?.stdin?.end(); // the helper exits when its input ends
      child = undefined;
      js.close();
    },
  };
}
