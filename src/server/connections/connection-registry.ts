/**
 * The connections of a running server: names from the connections file, each handler created on
 * first use and kept; a connection that cannot be created fails alone, and is tried again next time
 * (a variable set or a package installed later then takes effect without a restart).
 */
import { NLBError } from '../../interfaces/errors.js';
import type { NLBHandler } from '../../interfaces/handler.js';
import { quoteInput } from '../../interfaces/input-text.js';
import { type CreatedConnection, createConnection } from './connection-factory.js';
import type { ConnectionConfig, ConnectionsFile } from './connections-schema.js';
import type { SecretSources } from './secret-ref.js';

/** The connections of a running server, each created on first use. */
export interface ConnectionRegistry {
  /** The connection names, in the file's order. */
  names(): readonly string[];
  /** The driver a connection uses ('aws' | 'azure' | 'gcp' | 'openstack' | 'mock' | 'native'); NOT_FOUND NLBError for an unknown name. */
  driverOf(name: string): string;
  /** The connection's handler, created on first use; NOT_FOUND for an unknown name; a connection that cannot be created throws its NLBError and never affects the others. */
  handler(name: string): Promise<NLBHandler>;
  /** Closes every handler created so far. */
  close(): Promise<void>;
}

/** Options of {@link createConnectionRegistry}. */
export interface ConnectionRegistryOptions {
  /** Where `fromEnv` references are read. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** The directory relative paths (file stores, `fromFile`, key files) start from. Default: the working directory. */
  baseDir?: string | undefined;
  /** Creates a connection; a seam for tests. Default: the driver's own factory. */
  create?: ((config: ConnectionConfig, sources: SecretSources) => Promise<CreatedConnection>) | undefined;
}

/**
 * A registry over a parsed connections file.
 *
 * @example
 * const registry = createConnectionRegistry(parseConnections('connections: {test: {driver: mock}}'));
 * const nlbs = await (await registry.handler('test')).listNLB();
 */
export function createConnectionRegistry(
  file: ConnectionsFile,
  options: ConnectionRegistryOptions = {},
): ConnectionRegistry {
  const configs = new Map(Object.entries(file.connections));
  const sources: SecretSources = {
    env: options.env ?? process.env,
    baseDir: options.baseDir ?? process.cwd(),
  };
  const create = options.create ?? createConnection;
  const created = new Map<string, Promise<CreatedConnection>>();
  let closed = false;

  const configOf = (name: string): ConnectionConfig => {
    const config = typeof name === 'string' ? configs.get(name) : undefined;
    if (!config)
      throw new NLBError({
        code: 'NOT_FOUND',
        driver: 'server',
        operation: 'connection',
        message: `no connection named ${quoteInput(name)}`,
      });
    return config;
  };

  return {
    names: () => [...configs.keys()],
    driverOf: (name) => configOf(name).driver,
    async handler(name) {
      const config = configOf(name);
      if (closed)
        throw new NLBError({
          code: 'UNAVAILABLE',
          driver: config.driver,
          operation: 'connection',
          message: 'the server is shutting down',
        });
      let attempt = created.get(name);
      if (!attempt) {
        attempt = create(config, sources);
        created.set(name, attempt);
        // A failure is not kept: the next request tries again.
        attempt.catch(() => {
          if (created.get(name) === attempt) created.delete(name);
        });
      }
      return (await attempt).handler;
    },
    async close() {
      closed = true;
      const all = [...created.values()];
      created.clear();
      // A connection whose creation failed has nothing to close.
      const made = await Promise.all(all.map((c) => c.catch(() => undefined)));
      const results = await Promise.allSettled(made.map((c) => c?.close()));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    },
  };
}
