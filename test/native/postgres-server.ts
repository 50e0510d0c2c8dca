/**
 * A throwaway PostgreSQL server for the PostgreSQL store's tests: a fresh cluster in a temporary
 * directory (initdb, trust authentication on 127.0.0.1 only, fsync off), on a free port, removed by
 * stop(). Debian's `postgresql` package provides the programs; scripts/setup.sh installs it in CI.
 * PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` (or `nobody`) user.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running server: where to connect, and how to stop it. */
export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  database: string;
  /** `postgres://user@127.0.0.1:port/database` (trust authentication: no password). */
  url: string;
  /** Shuts the server down (fast shutdown), keeping its data; resume() starts it again on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** The directory holding initdb and postgres, or undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (which) {
    const real = spawnSync('readlink', ['-f', which], { encoding: 'utf8' }).stdout.trim();
    const dir = real.slice(0, real.lastIndexOf('/'));
    if (existsSync(join(dir, 'postgres'))) return dir;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** The user to run the cluster as (undefined: this process's own user, when not root). */
function runAsUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const id = (flag: string) => Number(spawnSync('id', [flag, name], { encoding: 'utf8' }).stdout.trim());
    const uid = id('-u');
    if (Number.isInteger(uid) && uid > 0) return { name, uid, gid: id('-g') };
  }
  throw new Error('running as root, but neither a postgres nor a nobody user exists to run PostgreSQL');
}

/**
 * Starts a server; throws with PostgreSQL's own output if it does not come up within 30 s. Tests run it
 * with fsync off (fast); `durable: true` keeps PostgreSQL's default (every commit reaches the disk), as
 * a benchmark must.
 */
export async function startPostgres(bin: string, opts: { durable?: boolean } = {}): Promise<PostgresServer> {
  const user = runAsUser();
  const dir = mkdtempSync(join(tmpdir(), 'nlbk-pg-'));
  const data = join(dir, 'data');
  if (user) chownSync(dir, user.uid, user.gid);
  const as = (argv: string[]) => (user ? ['runuser', '-u', user.name, '--', ...argv] : argv);
  const run = (argv: string[]) => {
    const [file, ...args] = as(argv);
    return spawnSync(file as string, args, { encoding: 'utf8', timeout: 60_000 });
  };
  const init = run([
    join(bin, 'initdb'),
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'nlbkit',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  const pidFile = join(data, 'postmaster.pid');
  let running: { exited: Promise<void>; log(): string; dead(): boolean } | undefined;
  const launch = () => {
    const [file, ...args] = as([
      join(bin, 'postgres'),
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `fsync=${opts.durable ? 'on' : 'off'}`,
      '-c',
      'max_connections=50',
    ]);
    const child = spawn(file as string, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (c: Buffer) => {
      log = (log + c.toString('utf8')).slice(-4000);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    running = { exited, log: () => log, dead: () => child.exitCode !== null || child.signalCode !== null };
  };
  const shutdown = async () => {
    // The postmaster's own pid (runuser may not forward signals): SIGINT is a fast shutdown.
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : undefined;
    if (pid) {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
    await Promise.race([running?.exited, new Promise((r) => setTimeout(r, 10_000))]);
    running = undefined;
  };
  const stop = async () => {
    await shutdown();
    rmSync(dir, { recursive: true, force: true });
  };

  const url = `postgres://nlbkit@127.0.0.1:${port}/postgres`;
  const waitReady = async () => {
    const pg = (await import('pg')).default;
    const end = Date.now() + 30_000;
    for (;;) {
      const client = new pg.Client({ connectionString: url });
      try {
        await client.connect();
        await client.end();
        return;
      } catch (e) {
        await client.end().catch(() => undefined);
        if (running?.dead() || Date.now() > end)
          throw new Error(`PostgreSQL did not start: ${(e as Error).message}\n${running?.log() ?? ''}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  const server: PostgresServer = {
    host: '127.0.0.1',
    port,
    user: 'nlbkit',
    database: 'postgres',
    url,
    pause: shutdown,
    resume: async () => {
      launch();
      await waitReady();
    },
    stop,
  };
  try {
    await server.resume();
  } catch (e) {
    await stop();
    throw e;
  }
  return server;
}
