/**
 * A small typed client for the OpenStack services the driver uses, over `fetch` (no SDK: the npm
 * OpenStack clients are unmaintained; see docs/drivers/openstack.md). It authenticates with Keystone v3,
 * picks endpoints from the catalog by service type, interface and region, authenticates again on a
 * 401 or an expiring token, and turns every failure into an NLBError without secrets.
 */
import { z } from 'zod';
import { untilAborted } from '../../common/abort.js';
import type { ProgressReporter } from '../../common/progress.js';
import { parseAnswer } from '../../common/provider-answer.js';
import { NLBError } from '../../interfaces/errors.js';
import { httpError, OPENSTACK_CREDENTIALS_HINT, providerError, transportError } from './openstack-errors.js';
import { OPENSTACK_DRIVER_NAME, type ResolvedOpenStackOptions } from './openstack-options.js';

/** The service types of the catalog the driver calls. */
export type OpenStackService = 'load-balancer' | 'network' | 'compute';
const SERVICES: OpenStackService[] = ['load-balancer', 'network', 'compute'];

/** What a call knows about the NLB operation it serves. */
export interface CallContext {
  operation: string;
  signal?: AbortSignal;
  /** Tells the caller's onProgress a step (absent on clean-up calls). */
  progress?: ProgressReporter | undefined;
}

interface Session {
  token: string;
  expiresAt: number;
  endpoints: Map<OpenStackService, string>;
}

const CatalogEntry = z.looseObject({
  type: z.string().optional(),
  endpoints: z
    .array(
      z.looseObject({
        interface: z.string().optional(),
        region: z.string().nullish(),
        region_id: z.string().nullish(),
        url: z.string().optional(),
      }),
    )
    .optional(),
});
type CatalogEntry = z.infer<typeof CatalogEntry>;

/** What the driver reads of Keystone's token answer (the token itself is in a header). */
const TokenAnswer = z.looseObject({
  token: z.looseObject({ expires_at: z.string().optional(), catalog: z.array(CatalogEntry).optional() }),
});

const ANSWER_FROM = { driver: OPENSTACK_DRIVER_NAME, cloud: 'OpenStack' };

/** Re-authenticate this long before the token expires. */
const EXPIRY_MARGIN_MS = 60_000;

/** The OpenStack client of one driver; see the module comment. */
export class OpenStackApi {
  #session: Session | undefined;
  #authenticating: Promise<Session> | undefined;

  constructor(private readonly options: ResolvedOpenStackOptions) {}

  /** Every string that must never appear in an error. */
  get secrets(): string[] {
    const a = this.options.auth;
    const out = a.type === 'applicationCredential' ? [a.secret] : [a.password];
    if (this.#session) out.push(this.#session.token);
    return out;
  }

  /**
   * Sends one request; returns its JSON body (undefined for 204) parsed with `answer` (the fields the
   * caller reads), or as it is, unread, without one. A body that does not match is UNAVAILABLE.
   */
  async request<S extends z.ZodType = z.ZodUnknown>(
    service: OpenStackService,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    ctx: CallContext,
    answer?: S,
  ): Promise<z.output<S>> {
    const what = `${method} ${service} ${path.split('?')[0]}`;
    for (let attempt = 0; ; attempt++) {
      // The token request is shared and runs without the caller's signal; the caller stops waiting
      // for it as soon as its own signal fires.
      const session = await untilAborted(
        this.#currentSession(ctx),
        ctx.signal,
        OPENSTACK_DRIVER_NAME,
        ctx.operation,
      );
      const base = session.endpoints.get(service) as string;
      const res = await this.#fetch(
        `${base}${path}`,
        method,
        body,
        { 'X-Auth-Token': session.token },
        what,
        ctx,
      );
      const parsed = await readBody(res);
      if (res.status === 401 && attempt === 0) {
        // The token was revoked or expired early: authenticate once more, then give up.
        if (this.#session === session) this.#session = undefined;
        continue;
      }
      if (!res.ok) throw httpError(res.status, parsed, what, ctx.operation, this.secrets);
      // Without a schema the caller reads nothing of the answer: S is z.ZodUnknown then.
      if (!answer) return parsed as z.output<S>;
      return parseAnswer(answer, parsed, { ...ANSWER_FROM, operation: ctx.operation, call: what });
    }
  }

  async #fetch(
    url: string,
    method: string,
    body: unknown,
    headers: Record<string, string>,
    what: string,
    ctx: CallContext,
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
    try {
      // The user's fetch (proxies, mTLS, fakes) for every service, Keystone included.
      const send = this.options.fetch ?? globalThis.fetch;
      return await send(url, {
        method,
        headers: {
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (e) {
      throw transportError(
        signal.aborted && !ctx.signal?.aborted
          ? Object.assign(new Error('timeout'), { name: 'TimeoutError' })
          : e,
        what,
        ctx.operation,
        ctx.signal,
        this.secrets,
      );
    }
  }

  #currentSession(ctx: CallContext): Promise<Session> {
    const s = this.#session;
    if (s && s.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return Promise.resolve(s);
    if (!this.#authenticating) {
      const attempt = this.#authenticate(ctx).then((fresh) => {
        this.#session = fresh;
        return fresh;
      });
      const clear = () => {
        if (this.#authenticating === attempt) this.#authenticating = undefined;
      };
      attempt.then(clear, clear);
      this.#authenticating = attempt;
    }
    return this.#authenticating;
  }

  async #authenticate(ctx: CallContext): Promise<Session> {
    const root = this.options.authUrl.replace(/\/+$/, '');
    const url = `${/\/v3$/.test(root) ? root : `${root}/v3`}/auth/tokens`;
    const what = 'POST identity /v3/auth/tokens';
    // Without the caller's signal: a shared token must not fail for everyone because one call was aborted.
    const res = await this.#fetch(url, 'POST', authBody(this.options.auth), {}, what, {
      operation: ctx.operation,
    });
    const body = await readBody(res);
    if (!res.ok)
      throw httpError(
        res.status,
        body,
        'Keystone authentication',
        ctx.operation,
        this.secrets,
        OPENSTACK_CREDENTIALS_HINT,
      );
    const token = res.headers.get('x-subject-token');
    if (!token) throw providerError(ctx.operation, 'Keystone answered without a token');
    const { token: about } = parseAnswer(TokenAnswer, body, {
      ...ANSWER_FROM,
      operation: ctx.operation,
      call: what,
    });
    const expiresAt = Date.parse(about.expires_at ?? '') || Date.now() + 3_600_000;
    return { token, expiresAt, endpoints: this.#endpoints(about.catalog ?? [], ctx.operation) };
  }

  /** The URL of each service, for the configured interface and region. */
  #endpoints(catalog: CatalogEntry[], operation: string): Map<OpenStackService, string> {
    const { region, interface: iface } = this.options;
    const out = new Map<OpenStackService, string>();
    for (const service of SERVICES) {
      const all = catalog
        .filter((c) => c.type === service)
        .flatMap((c) => c.endpoints ?? [])
        .filter((e) => e.interface === iface && e.url);
      const inRegion = region ? all.filter((e) => (e.region_id ?? e.region) === region) : all;
      const regions = new Set(inRegion.map((e) => e.region_id ?? e.region));
      if (inRegion.length === 0)
        throw new NLBError({
          code: 'UNAVAILABLE',
          driver: OPENSTACK_DRIVER_NAME,
          operation,
          retryable: false,
          message: `the service catalog has no ${iface} '${service}' endpoint${region ? ` in region ${region}` : ''}${service === 'load-balancer' ? ' (is Octavia deployed?)' : ''}`,
        });
      if (regions.size > 1)
        throw providerError(
          operation,
          `the catalog has '${service}' endpoints in several regions (${[...regions].join(', ')}): set the region option or OS_REGION_NAME`,
          'INVALID_ARGUMENT',
        );
      out.set(service, String(inRegion[0]?.url).replace(/\/+$/, ''));
    }
    return out;
  }
}

function authBody(auth: ResolvedOpenStackOptions['auth']): unknown {
  if (auth.type === 'applicationCredential')
    return {
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { id: auth.id, secret: auth.secret },
        },
      },
    };
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: {
            name: auth.username,
            domain: { name: auth.userDomainName ?? 'Default' },
            password: auth.password,
          },
        },
      },
      // A name is unique only within its domain; an id is unique (a name, when given, wins: it is what users read).
      scope: {
        project: auth.projectName
          ? { name: auth.projectName, domain: { name: auth.projectDomainName ?? 'Default' } }
          : { id: auth.projectId },
      },
    },
  };
}

async function readBody(res: Response): Promise<unknown> {
  const raw = await res.text();
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
