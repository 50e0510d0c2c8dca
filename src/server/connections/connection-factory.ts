/**
 * Creates one connection's handler from its entry in the connections file. Each driver is imported
 * through its package entry point only when a connection uses it, so the cloud SDKs (which those
 * drivers load lazily in turn) stay unloaded until a request needs them.
 */
import { isAbsolute, resolve } from 'node:path';
import { stripUndefined } from '../../common/strip-undefined.js';
import { isNLBError, NLBError } from '../../interfaces/errors.js';
import type { NLBHandler } from '../../interfaces/handler.js';
import { quoteInput } from '../../interfaces/input-text.js';
import type { ConnectionConfig } from './connections-schema.js';
import { resolveSecret, type SecretRef, type SecretSources } from './secret-ref.js';

/** A created connection: its handler and how to release what was made for it. */
export interface CreatedConnection {
  handler: NLBHandler;
  close(): Promise<void>;
}

type Of<D extends ConnectionConfig['driver']> = Extract<ConnectionConfig, { driver: D }>;

/**
 * Creates the handler a connection describes. Every failure is an NLBError (a missing variable, a bad
 * option, a driver package that cannot be loaded), and secrets are resolved only here.
 */
export async function createConnection(
  config: ConnectionConfig,
  sources: SecretSources,
): Promise<CreatedConnection> {
  try {
    return await create(config, sources);
  } catch (e) {
    if (isNLBError(e)) throw e;
    throw new NLBError({
      code: 'INVALID_ARGUMENT',
      driver: config.driver,
      operation: 'createConnection',
      message: `cannot create the connection: ${quoteInput(e instanceof Error ? e.message : String(e), 200)}`,
    });
  }
}

const plain = (handler: NLBHandler): CreatedConnection => ({ handler, close: async () => {} });

async function create(config: ConnectionConfig, sources: SecretSources): Promise<CreatedConnection> {
  const secret = (ref: SecretRef, field: string) => resolveSecret(ref, sources, config.driver, field);
  const { driver: _driver, ...options } = config;
  switch (config.driver) {
    case 'mock': {
      const { createMockDriver } = await import('../../drivers/mock/index.js');
      return plain(createMockDriver(options as Omit<Of<'mock'>, 'driver'>));
    }
    case 'native':
      return createNative(config, sources, secret);
    case 'aws': {
      const { createAwsDriver } = await import('../../drivers/aws/index.js');
      const c = config.credentials;
      const credentials = c && {
        accessKeyId: secret(c.accessKeyId, 'credentials.accessKeyId'),
        secretAccessKey: secret(c.secretAccessKey, 'credentials.secretAccessKey'),
        sessionToken: c.sessionToken && secret(c.sessionToken, 'credentials.sessionToken'),
      };
      return plain(createAwsDriver(stripUndefined({ ...config, driver: undefined, credentials })));
    }
    case 'azure': {
      const { createAzureDriver } = await import('../../drivers/azure/index.js');
      return plain(createAzureDriver(stripUndefined({ ...config, driver: undefined })));
    }
    case 'gcp': {
      const { createGcpDriver } = await import('../../drivers/gcp/index.js');
      const keyFilename = config.keyFilename && inBaseDir(config.keyFilename, sources);
      return plain(createGcpDriver(stripUndefined({ ...config, driver: undefined, keyFilename })));
    }
    case 'openstack': {
      const { createOpenStackDriver } = await import('../../drivers/openstack/index.js');
      const a = config.auth;
      const auth =
        a &&
        (a.type === 'applicationCredential'
          ? { ...a, secret: secret(a.secret, 'auth.secret') }
          : { ...a, password: secret(a.password, 'auth.password') });
      return plain(createOpenStackDriver(stripUndefined({ ...config, driver: undefined, auth })));
    }
  }
}

async function createNative(
  config: Of<'native'>,
  sources: SecretSources,
  secret: (ref: SecretRef, field: string) => string,
): Promise<CreatedConnection> {
  const native = await import('../../drivers/native/index.js');
  const s = config.store;
  const store =
    s.kind === 'memory'
      ? native.createMemoryStore()
      : s.kind === 'file'
        ? native.createFileStore(inBaseDir(s.dir, sources))
        : native.createPostgresStore(
            stripUndefined({
              schema: s.schema,
              connection:
                s.connection &&
                stripUndefined({
                  ...s.connection,
                  password:
                    s.connection.password && secret(s.connection.password, 'store.connection.password'),
                }),
            }),
          );
  const { driver: _driver, store: _store, ...options } = config;
  try {
    const handler = native.createNativeDriver({
      ...stripUndefined(options),
      vipPool: options.vipPool,
      vmInventory: options.vmInventory,
      store,
    });
    return {
      handler,
      close: async () => {
        await handler.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

function inBaseDir(path: string, sources: SecretSources): string {
  return isAbsolute(path) ? path : resolve(sources.baseDir, path);
}
