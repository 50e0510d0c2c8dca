/**
 * CB-Spider's listing and id routes (`allnlb`, `allnlbinfo`, `countnlb`, `cspnlb`, `getnlbowner`;
 * NLBRest.go ListAllNLB, ListAllNLBInfo, CountAllNLBs, DeleteCSPNLB, GetNLBOwnerVPC) over what each
 * connection manages, and `regnlb` (RegisterNLB, UnregisterNLB) over the adoption extension.
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { isAdoptable } from '../../interfaces/adoption.js';
import { NLBError } from '../../interfaces/errors.js';
import type { NLBHandler } from '../../interfaces/handler.js';
import { quoteInput } from '../../interfaces/input-text.js';
import { systemIdSchema } from '../../interfaces/schemas.js';
import type { ConnectionRegistry } from '../connections/connection-registry.js';
import { checkInput, SPIDER } from './spider-body.js';
import type { spiderRequest } from './spider-context.js';
import { nameParam, onNLB } from './spider-context.js';
import { toSpiderIID, toSpiderNLB, toSpiderResult } from './spider-convert.js';
import {
  connectionNameSchema,
  spiderConnectionBodySchema,
  spiderOwnerBodySchema,
  spiderReadBodySchema,
  spiderRegisterBodySchema,
} from './spider-schemas.js';

const noSuchId = (operation: string, connection: string) =>
  new NLBError({
    code: 'NOT_FOUND',
    driver: SPIDER,
    operation,
    message: `connection ${quoteInput(connection)} manages no NLB with that id`,
  });

/** Wraps a route so that whatever it throws is answered by the error convention. */
export type Route = (fn: (c: Context) => Promise<Response>) => (c: Context) => Promise<Response>;
/** Reads and checks a request for `operation` with `body`'s schema. */
export type Req = (
  c: Context,
  operation: string,
  body: Parameters<typeof spiderRequest>[1]['body'],
) => ReturnType<typeof spiderRequest>;

/** The connection's handler with adoptNLB / releaseNLB, or UNSUPPORTED naming its driver. */
function adoptable(r: { handler: NLBHandler; connection: string }, operation: string) {
  if (isAdoptable(r.handler)) return r.handler;
  throw new NLBError({
    code: 'UNSUPPORTED',
    driver: SPIDER,
    operation,
    message: `connection ${quoteInput(r.connection)} (${r.handler.capabilities.driver}) cannot register load balancers it did not create: its driver has no adoption`,
  });
}

/**
 * The listing and id routes (`allnlb`, `allnlbinfo`, `countnlb`, `cspnlb`, `getnlbowner`) over what
 * each connection manages, and `regnlb` over adoptNLB / releaseNLB where the driver adopts.
 */
export function registerListingRoutes(app: Hono, route: Route, req: Req, registry: ConnectionRegistry): void {
  // Every NLB nlbkit sees is its own: "mapped" in CB-Spider's terms; nothing is Spider-only or CSP-only.
  app.get(
    '/spider/allnlb',
    route(async (c) => {
      const r = await req(c, 'listIID', spiderReadBodySchema);
      const mapped = (await r.handler.listIID({ signal: r.signal })).map(toSpiderIID);
      return c.json({ AllList: { MappedList: mapped, OnlySpiderList: [], OnlyCSPList: [] } });
    }),
  );
  app.get(
    '/spider/allnlbinfo',
    route(async (c) => {
      const r = await req(c, 'listNLB', spiderReadBodySchema);
      const mapped = (await r.handler.listNLB({ signal: r.signal })).map(toSpiderNLB);
      return c.json({
        ResourceType: 'nlb',
        AllListInfo: { MappedInfoList: mapped, OnlySpiderList: [], OnlyCSPInfoList: [] },
      });
    }),
  );
  app.get(
    '/spider/countnlb',
    route(async (c) => {
      let count = 0;
      for (const name of registry.names()) {
        const handler = await registry.handler(name);
        count += (await handler.listIID({ signal: c.req.raw.signal })).length;
      }
      return c.json({ count });
    }),
  );
  app.get(
    '/spider/countnlb/:ConnectionName',
    route(async (c) => {
      const name = checkInput(
        connectionNameSchema,
        c.req.param('ConnectionName'),
        'listIID',
        'ConnectionName',
      );
      registry.driverOf(name);
      const handler = await registry.handler(name);
      return c.json({ count: (await handler.listIID({ signal: c.req.raw.signal })).length });
    }),
  );
  app.delete(
    '/spider/cspnlb/:Id{.+}',
    route(async (c) => {
      const r = await req(c, 'deleteNLB', spiderConnectionBodySchema);
      const id = checkInput(systemIdSchema, c.req.param('Id'), 'deleteNLB', 'Id');
      const iid = (await r.handler.listIID({ signal: r.signal })).find((i) => i.systemId === id);
      if (!iid) throw noSuchId('deleteNLB', r.connection);
      return c.json(toSpiderResult(await r.handler.deleteNLB({ nameId: iid.nameId }, { signal: r.signal })));
    }),
  );
  const owner = route(async (c) => {
    const r = await req(c, 'getNLBOwnerVPC', spiderOwnerBodySchema);
    const id = (r.body as { ReqInfo: { CSPId: string } }).ReqInfo.CSPId;
    const nlb = (await r.handler.listNLB({ signal: r.signal })).find((n) => n.iid.systemId === id);
    if (!nlb) throw noSuchId('getNLBOwnerVPC', r.connection);
    return c.json(toSpiderIID(nlb.vpcIID));
  });
  app.get('/spider/getnlbowner', owner);
  app.post('/spider/getnlbowner', owner);
  // RegisterNLB: adoptNLB(CSPId) under Name; answers the NLB (NLBInfo), as CB-Spider does.
  app.post(
    '/spider/regnlb',
    route(async (c) => {
      const r = await req(c, 'adoptNLB', spiderRegisterBodySchema);
      const { Name, CSPId } = (r.body as z.output<typeof spiderRegisterBodySchema>).ReqInfo;
      const handler = adoptable(r, 'adoptNLB');
      return c.json(toSpiderNLB(await handler.adoptNLB(CSPId, { nameId: Name }, { signal: r.signal })));
    }),
  );
  // UnregisterNLB: releaseNLB; the load balancer stays in the cloud. Answers {"Result":"true"}.
  app.delete(
    '/spider/regnlb/:Name',
    route(async (c) => {
      const nameId = nameParam(c, 'releaseNLB');
      const r = await req(c, 'releaseNLB', spiderConnectionBodySchema);
      const handler = adoptable(r, 'releaseNLB');
      return c.json(
        toSpiderResult(await onNLB(r, nameId, () => handler.releaseNLB({ nameId }, { signal: r.signal }))),
      );
    }),
  );
}
