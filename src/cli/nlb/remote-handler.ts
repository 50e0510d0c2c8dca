/**
 * An NLBHandler over a running `nlbkit serve` (`--server URL`): each method is the `/v1` route that
 * serves it (found in V1_OPERATIONS, the routes' one description), and each error answer becomes the
 * NLBError the server's driver threw (code, message, violations, retryable).
 */

import type { AdoptableNLBHandler, AdoptOperation } from '../../interfaces/adoption.js';
import { NLBError, type NLBErrorCode } from '../../interfaces/errors.js';
import type { NLBHandler, NLBOperation } from '../../interfaces/handler.js';
import { quoteInput } from '../../interfaces/input-text.js';
import type { CallOptions, IID } from '../../interfaces/types.js';
import { errorBodySchema } from '../../server/http/error-response.js';
import { V1_OPERATIONS } from '../../server/v1/v1-operations.js';
import { connectionListSchema } from '../../server/v1/v1-response-schemas.js';

const DRIVER = 'server';
type RemoteOperation = NLBOperation | AdoptOperation;

/** Where the server is and how to reach it. */
export interface RemoteOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:7480`. */
  url: string;
  /** The bearer token, when the server requires one. */
  token?: string | undefined;
  /** The fetch to use (a seam for tests). Default: the global fetch. */
  fetch?: typeof fetch | undefined;
}

/** Sends one request; an error answer becomes its NLBError, and no answer at all UNAVAILABLE. */
async function send(
  opts: RemoteOptions,
  operation: string,
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(new URL(path, opts.url), {
      method: method.toUpperCase(),
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (e) {
    const aborted = signal?.aborted === true;
    throw new NLBError({
      code: aborted ? 'ABORTED' : 'UNAVAILABLE',
      driver: DRIVER,
      operation,
      message: aborted
        ? 'the call was aborted'
        : `cannot reach ${quoteInput(opts.url, 200)} (${(e as { cause?: { code?: string } }).cause?.code ?? 'no answer'})`,
    });
  }
  const text = await res.text();
  const data: unknown = text ? safeJson(text) : undefined;
  if (res.ok) return data;
  const parsed = errorBodySchema.safeParse(data);
  if (!parsed.success)
    throw new NLBError({
      code: 'PROVIDER_ERROR',
      driver: DRIVER,
      operation,
      message: `the server answered HTTP ${res.status} without an nlbkit error body`,
    });
  throw remoteError(parsed.data, operation);
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The server's error as an NLBError; its message already names the driver and operation. */
function remoteError(
  body: { code: NLBErrorCode; message: string; violations: NLBError['violations']; retryable: boolean },
  operation: string,
): NLBError {
  const prefixed = /^\[nlbkit\] \[([^\]]+)\] ([A-Za-z]+): ([\s\S]*)$/.exec(body.message);
  return new NLBError({
    code: body.code,
    driver: prefixed?.[1] ?? DRIVER,
    operation: prefixed?.[2] ?? operation,
    message: prefixed?.[3] ?? body.message,
    violations: [...body.violations],
    retryable: body.retryable,
  });
}

/** The field a body is to the library, which names it in violation paths (`healthChecker.interval`). */
const BODY_ROOT: Partial<Record<NLBOperation, string>> = {
  changeListener: 'listener',
  changeVMGroupInfo: 'vmGroup',
  changeHealthCheckerInfo: 'healthChecker',
  addVMs: 'vms',
  removeVMs: 'vms',
};

/**
 * The server checks a body before its driver does, and names fields from the body's top (`interval`);
 * the library names them from the argument (`healthChecker.interval`). Rooted here so that a command
 * prints the same paths whichever way it went.
 */
function rooted(e: unknown, root: string | undefined): unknown {
  if (!root || !(e instanceof NLBError) || e.violations.length === 0) return e;
  const under = (p: string) => p === root || p.startsWith(`${root}.`) || p.startsWith(`${root}[`);
  if (e.violations.every((v) => under(v.path))) return e;
  const violations = e.violations.map((v) =>
    under(v.path)
      ? v
      : {
          ...v,
          path: v.path === '' ? root : v.path.startsWith('[') ? `${root}${v.path}` : `${root}.${v.path}`,
        },
  );
  return new NLBError({
    code: e.code,
    driver: e.driver,
    operation: e.operation,
    message: e.message.replace(/^\[nlbkit\] \[[^\]]+\] [A-Za-z]+: /, ''),
    violations,
    retryable: e.retryable,
  });
}

/** The server's connections and their drivers (`GET /v1/connections`). */
export async function listRemoteConnections(
  opts: RemoteOptions,
): Promise<{ name: string; driver: string }[]> {
  const data = await send(opts, 'connections', 'get', '/v1/connections');
  const parsed = connectionListSchema.safeParse(data);
  if (!parsed.success)
    throw new NLBError({
      code: 'PROVIDER_ERROR',
      driver: DRIVER,
      operation: 'connections',
      message: 'the server did not answer a connection list',
    });
  return parsed.data;
}

/**
 * The handler of `connection` on the server. Its capabilities are read once, here, so that
 * `--dry-run` checks requests against them without another call.
 */
export async function createRemoteHandler(opts: RemoteOptions, connection: string): Promise<NLBHandler> {
  const base = `/v1/connections/${encodeURIComponent(connection)}`;
  const route = (operation: RemoteOperation | 'capabilities') => {
    const op = V1_OPERATIONS.find((o) => o.operation === operation);
    if (!op) throw new Error(`no /v1 route for ${operation}`);
    return op;
  };
  const call = async (operation: RemoteOperation, iid: IID | undefined, body: unknown, o?: CallOptions) => {
    const op = route(operation);
    let path = `${base}${op.path}`;
    if (iid) {
      path = path.replace('{name}', encodeURIComponent(iid.nameId));
      if (iid.systemId !== undefined) path += `?systemId=${encodeURIComponent(iid.systemId)}`;
    }
    try {
      return (await send(opts, operation, op.method, path, body, o?.signal)) as never;
    } catch (e) {
      throw rooted(e, BODY_ROOT[operation as NLBOperation]);
    }
  };
  const capabilities = (await send(
    opts,
    'capabilities',
    'get',
    `${base}${route('capabilities').path}`,
  )) as NLBHandler['capabilities'];
  // The adoption extension where the server's driver has it (isAdoptable reads the same capability).
  const adoption: Partial<AdoptableNLBHandler> = capabilities.adoption
    ? {
        adoptNLB: (systemId, iid, o) => call('adoptNLB', iid, { systemId }, o),
        releaseNLB: async (iid, o) => {
          await call('releaseNLB', iid, undefined, o);
          return true;
        },
      }
    : {};
  return {
    ...adoption,
    capabilities,
    listIID: (o) => call('listIID', undefined, undefined, o),
    listNLB: (o) => call('listNLB', undefined, undefined, o),
    getNLB: (iid, o) => call('getNLB', iid, undefined, o),
    createNLB: (req, o) => call('createNLB', undefined, req, o),
    deleteNLB: async (iid, o) => {
      await call('deleteNLB', iid, undefined, o);
      return true;
    },
    changeListener: (iid, l, o) => call('changeListener', iid, l, o),
    changeVMGroupInfo: (iid, g, o) => call('changeVMGroupInfo', iid, g, o),
    changeHealthCheckerInfo: (iid, hc, o) => call('changeHealthCheckerInfo', iid, hc, o),
    addVMs: (iid, vms, o) => call('addVMs', iid, vms, o),
    removeVMs: async (iid, vms, o) => {
      await call('removeVMs', iid, vms, o);
      return true;
    },
    getVMGroupHealthInfo: (iid, o) => call('getVMGroupHealthInfo', iid, undefined, o),
  };
}
