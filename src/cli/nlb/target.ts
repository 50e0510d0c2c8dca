/**
 * Which handler a command talks to: a connection of a connections file, created in this process by
 * the same registry `nlbkit serve` uses, or a connection of a running `nlbkit serve` (`--server`).
 */
import { type Command, Option } from 'commander';
import { NLBError } from '../../interfaces/errors.js';
import type { NLBHandler } from '../../interfaces/handler.js';
import { quoteInput } from '../../interfaces/input-text.js';
import { createConnectionRegistry } from '../../server/connections/connection-registry.js';
import { loadConnectionsFile } from '../../server/connections/connections-file.js';
import { TOKEN_ENV } from '../serve-command.js';
import type { CliIO } from './cli-io.js';
import { createRemoteHandler, listRemoteConnections } from './remote-handler.js';

/** The connections file read when `--config` is not given. */
export const DEFAULT_CONFIG = 'nlbkit.yaml';

/** The target options, as commander parses them. */
export interface TargetOptions {
  config?: string | undefined;
  connection?: string | undefined;
  server?: string | undefined;
}

/** An open target: the handler, what it is, and how to let it go. */
export interface Target {
  handler: NLBHandler;
  /** The connection's name. */
  connection: string;
  /** The connection's driver (`mock`, `native`, `aws`, ...). */
  driver: string;
  /** True over `--server`. */
  remote: boolean;
  close(): Promise<void>;
}

/** Adds `--config`, `--connection` and `--server` to a command. */
export function addTargetOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--config <file>', `the connections file (docs/server.md)`).default(DEFAULT_CONFIG))
    .option('--connection <name>', 'the connection to use (default: the only one there is)')
    .addOption(
      new Option(
        '--server <url>',
        `talk to a running 'nlbkit serve' instead of creating the connection here; the token is read from ${TOKEN_ENV}`,
      ).conflicts('config'),
    );
}

const usage = (message: string) =>
  new NLBError({ code: 'INVALID_ARGUMENT', driver: 'cli', operation: 'connection', message });

/** The connection's name: the one given, or the only one there is. */
function pick(names: readonly string[], given: string | undefined, where: string): string {
  if (given !== undefined) return given;
  if (names.length === 1) return names[0] as string;
  throw usage(`${where} has ${names.length} connections (${names.join(', ')}): name one with --connection`);
}

/** Opens the target the options name. */
export async function openTarget(opts: TargetOptions, io: CliIO): Promise<Target> {
  if (opts.server !== undefined) return openRemote(opts.server, opts.connection, io);
  const loaded = await loadConnectionsFile(opts.config ?? DEFAULT_CONFIG);
  const registry = createConnectionRegistry(loaded.file, {
    baseDir: loaded.baseDir,
    env: io.env,
    create: io.createConnection,
  });
  try {
    const connection = pick(registry.names(), opts.connection, 'the connections file');
    const driver = registry.driverOf(connection);
    const handler = await registry.handler(connection);
    return { handler, connection, driver, remote: false, close: () => registry.close() };
  } catch (e) {
    await registry.close();
    throw e;
  }
}

async function openRemote(server: string, given: string | undefined, io: CliIO): Promise<Target> {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw usage(`--server ${quoteInput(server, 200)} is not a URL (e.g. http://127.0.0.1:7480)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw usage('--server must be an http:// or https:// URL');
  const remote = { url: url.href, token: io.env[TOKEN_ENV] || undefined };
  const connections = await listRemoteConnections(remote);
  const connection = pick(
    connections.map((c) => c.name),
    given,
    'the server',
  );
  // An unknown name: the server's own NOT_FOUND, from the capabilities request.
  const handler = await createRemoteHandler(remote, connection);
  const driver = connections.find((c) => c.name === connection)?.driver ?? handler.capabilities.driver;
  return { handler, connection, driver, remote: true, close: async () => {} };
}
