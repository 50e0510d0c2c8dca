/**
 * CB-Spider's NLB routes over a server's connections: the routes, bodies and answers of
 * cloud-barista/cb-spider api-runtime/rest-runtime/NLBRest.go (registered in CBSpiderRuntime.go), so
 * a CB-Spider client can point at nlbkit unchanged. `regnlb` maps onto the adoption extension where a
 * driver has it, and answers CB-Spider-style with a clear message where not (docs/server-spider.md).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import { HTTPException } from 'hono/http-exception';
import { KeyedSerializer } from '../../common/keyed-serializer.js';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import { nameParam, onNLB, type SpiderRequest, spiderRequest } from './spider-context.js';
import {
  toCreateRequest,
  toHealthChecker,
  toSpiderHealth,
  toSpiderNLB,
  toSpiderResult,
} from './spider-convert.js';
import { type SpiderErrorMode, spiderErrorResponse } from './spider-errors.js';
import { registerListingRoutes } from './spider-listing-routes.js';
import {
  spiderConnectionBodySchema,
  spiderCreateBodySchema,
  spiderDeleteQuerySchema,
  spiderHealthCheckerChangeBodySchema,
  spiderListenerChangeBodySchema,
  spiderReadBodySchema,
  spiderVMGroupChangeBodySchema,
  spiderVMsBodySchema,
} from './spider-schemas.js';

/** Options of {@link spiderRoutes}. */
export interface SpiderRouteOptions {
  /**
   * HTTP Basic credentials, as CB-Spider's `SPIDER_USERNAME` / `SPIDER_PASSWORD`. Default: those two
   * environment variables. Without both, every request is refused with 401 (CB-Spider refuses to start).
   */
  credentials?: { username: string; password: string } | undefined;
  /**
   * `'spider'` (default): every driver error is HTTP 500 `{"message"}`, as CB-Spider answers.
   * `'http'`: the NLBError code's status (the /v1 API's table: 404, 409, 400, 422, 429, 503, 504, 403, ...) and a body with
   * `code`, `retryable` and `violations`. Requests refused before any driver call are 4xx in both.
   */
  errors?: SpiderErrorMode | undefined;
  /** The largest request body accepted, in bytes (413 beyond). Default 1 MiB. */
  maxBodyBytes?: number | undefined;
}

/** Basic auth answering CB-Spider's 401 `{"message":"Unauthorized"}` (CBSpiderRuntime.go). */
function spiderAuth(credentials: SpiderRouteOptions['credentials']): MiddlewareHandler {
  const unauthorized = async (c: Context) => c.json({ message: 'Unauthorized' }, 401);
  if (!credentials?.username || !credentials.password) return unauthorized;
  const check = basicAuth({ username: credentials.username, password: credentials.password });
  return async (c: Context, next: () => Promise<void>) => {
    try {
      await check(c, next);
    } catch (e) {
      if (e instanceof HTTPException && e.status === 401) return unauthorized(c);
      throw e;
    }
  };
}

const fromEnv = () => {
  const { SPIDER_USERNAME: username, SPIDER_PASSWORD: password } = process.env;
  return username && password ? { username, password } : undefined;
};

/**
 * CB-Spider's NLB routes, every one under `/spider` (mount the returned app at `/`).
 *
 * @example
 * const app = new Hono();
 * app.route('/', spiderRoutes(registry, { credentials: { username: 'admin', password: 'secret' } }));
 */
export function spiderRoutes(registry: ConnectionRegistry, opts: SpiderRouteOptions = {}): Hono {
  const mode = opts.errors ?? 'spider';
  const maxBodyBytes = opts.maxBodyBytes ?? 1024 * 1024;
  // CB-Spider changes a VM group's port and protocol only; nlbkit's change replaces the group, so the
  // VMs are read and written back: operations on one NLB run one at a time here, so no addVMs sent
  // through these routes can land between that read and write.
  const perNLB = new KeyedSerializer();
  /** One operation on one NLB: one at a time per NLB, with CB-Spider's text when the NLB is missing. */
  const onOne = <T>(r: SpiderRequest<unknown, unknown>, nameId: string, fn: () => Promise<T>) =>
    perNLB.run(`${r.connection}/${nameId}`, () => onNLB(r, nameId, fn));
  const app = new Hono();
  app.use('/spider/*', spiderAuth(opts.credentials ?? fromEnv()));

  type Handler = (c: Context) => Promise<Response>;
  const route =
    (fn: Handler): Handler =>
    async (c) => {
      try {
        return await fn(c);
      } catch (e) {
        return spiderErrorResponse(c, e, mode);
      }
    };
  const req = <B extends Parameters<typeof spiderRequest>[1]['body']>(
    c: Context,
    operation: string,
    body: B,
  ) => spiderRequest(c, { operation, body, maxBodyBytes, registry });

  app.post(
    '/spider/nlb',
    route(async (c) => {
      const r = await req(c, 'createNLB', spiderCreateBodySchema);
      const nlb = await r.handler.createNLB(toCreateRequest(r.body.ReqInfo), { signal: r.signal });
      return c.json(toSpiderNLB(nlb));
    }),
  );
  app.get(
    '/spider/nlb',
    route(async (c) => {
      const r = await req(c, 'listNLB', spiderReadBodySchema);
      return c.json({ nlb: (await r.handler.listNLB({ signal: r.signal })).map(toSpiderNLB) });
    }),
  );
  app.get(
    '/spider/nlb/:Name',
    route(async (c) => {
      const nameId = nameParam(c, 'getNLB');
      const r = await req(c, 'getNLB', spiderReadBodySchema);
      return c.json(
        toSpiderNLB(await onOne(r, nameId, () => r.handler.getNLB({ nameId }, { signal: r.signal }))),
      );
    }),
  );
  app.delete(
    '/spider/nlb/:Name',
    route(async (c) => {
      const nameId = nameParam(c, 'deleteNLB');
      const r = await spiderRequest(c, {
        operation: 'deleteNLB',
        body: spiderConnectionBodySchema,
        query: spiderDeleteQuerySchema,
        maxBodyBytes,
        registry,
      });
      return c.json(
        toSpiderResult(await onOne(r, nameId, () => r.handler.deleteNLB({ nameId }, { signal: r.signal }))),
      );
    }),
  );
  app.post(
    '/spider/nlb/:Name/vms',
    route(async (c) => {
      const nameId = nameParam(c, 'addVMs');
      const r = await req(c, 'addVMs', spiderVMsBodySchema);
      const vms = r.body.ReqInfo.VMs.map((vm) => ({ nameId: vm }));
      const nlb = await onOne(r, nameId, () => r.handler.addVMs({ nameId }, vms, { signal: r.signal }));
      return c.json(toSpiderNLB(nlb));
    }),
  );
  app.delete(
    '/spider/nlb/:Name/vms',
    route(async (c) => {
      const nameId = nameParam(c, 'removeVMs');
      const r = await req(c, 'removeVMs', spiderVMsBodySchema);
      const vms = r.body.ReqInfo.VMs.map((vm) => ({ nameId: vm }));
      const ok = await onOne(r, nameId, () => r.handler.removeVMs({ nameId }, vms, { signal: r.signal }));
      return c.json(toSpiderResult(ok));
    }),
  );
  app.put(
    '/spider/nlb/:Name/listener',
    route(async (c) => {
      const nameId = nameParam(c, 'changeListener');
      const r = await req(c, 'changeListener', spiderListenerChangeBodySchema);
      const { Protocol, Port } = r.body.ReqInfo;
      const listener = { protocol: Protocol.toUpperCase() as 'TCP' | 'UDP', port: Number(Port) };
      return c.json(
        toSpiderNLB(
          await onOne(r, nameId, () => r.handler.changeListener({ nameId }, listener, { signal: r.signal })),
        ),
      );
    }),
  );
  app.put(
    '/spider/nlb/:Name/vmgroup',
    route(async (c) => {
      const nameId = nameParam(c, 'changeVMGroupInfo');
      const r = await req(c, 'changeVMGroupInfo', spiderVMGroupChangeBodySchema);
      const { Protocol, Port } = r.body.ReqInfo;
      const weights = r.handler.capabilities.weights;
      const nlb = await onOne(r, nameId, async () => {
        const current = await r.handler.getNLB({ nameId }, { signal: r.signal });
        const vms = current.vmGroup.vms.map((vm) => ({
          nameId: vm.nameId,
          ...(weights ? { weight: vm.weight } : {}),
        }));
        const protocol = Protocol.toUpperCase() as 'TCP' | 'UDP' | 'HTTP' | 'HTTPS';
        return r.handler.changeVMGroupInfo(
          { nameId },
          { protocol, port: Number(Port), vms },
          { signal: r.signal },
        );
      });
      return c.json(toSpiderNLB(nlb));
    }),
  );
  app.put(
    '/spider/nlb/:Name/healthchecker',
    route(async (c) => {
      const nameId = nameParam(c, 'changeHealthCheckerInfo');
      const r = await req(c, 'changeHealthCheckerInfo', spiderHealthCheckerChangeBodySchema);
      const hc = toHealthChecker(r.body.ReqInfo);
      return c.json(
        toSpiderNLB(
          await onOne(r, nameId, () =>
            r.handler.changeHealthCheckerInfo({ nameId }, hc, { signal: r.signal }),
          ),
        ),
      );
    }),
  );
  app.get(
    '/spider/nlb/:Name/health',
    route(async (c) => {
      const nameId = nameParam(c, 'getVMGroupHealthInfo');
      const r = await req(c, 'getVMGroupHealthInfo', spiderReadBodySchema);
      return c.json(
        toSpiderHealth(
          await onOne(r, nameId, () => r.handler.getVMGroupHealthInfo({ nameId }, { signal: r.signal })),
        ),
      );
    }),
  );
  registerListingRoutes(app, route, req, registry);
  return app;
}
