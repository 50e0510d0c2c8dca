/**
 * The `/v1` API as data: one entry per route, from which both the Hono routes (v1-routes.ts) and
 * their OpenAPI docs are made, so a route cannot exist undocumented. Every NLBHandler operation is
 * here, plus the connection list and each connection's capabilities.
 */
import { z } from 'zod';
import { isAdoptable } from '../../interfaces/adoption.js';
import { NLBError } from '../../interfaces/errors.js';
import type { NLBHandler } from '../../interfaces/handler.js';
import {
  createRequestSchema,
  healthCheckerSchema,
  listenerSchema,
  systemIdSchema,
  vmChangeListSchema,
  vmGroupSchema,
} from '../../interfaces/schemas.js';
import type { IID, ProgressEvent } from '../../interfaces/types.js';
import type { RouteDoc } from '../openapi/route-doc.js';
import {
  capabilitiesSchema,
  healthInfoSchema,
  iidListSchema,
  nlbInfoSchema,
  nlbListSchema,
} from './v1-response-schemas.js';

/** What an operation gets: the connection's handler, the NLB's IID (routes with `{name}`), the body. */
export interface V1Call {
  handler: NLBHandler;
  iid: IID;
  body: unknown;
  signal: AbortSignal;
  /** Told each step of a long operation (the server logs them). */
  onProgress?: ((event: ProgressEvent) => void) | undefined;
}

/** One route of the `/v1` API over one connection. */
export interface V1Operation {
  method: RouteDoc['method'];
  /** Below `/v1/connections/{connection}`, OpenAPI style. */
  path: string;
  /** The NLBHandler method, for errors and metrics. */
  operation: string;
  summary: string;
  body?: z.ZodType;
  response?: z.ZodType;
  successStatus?: 200 | 201 | 204;
  run(call: V1Call): Promise<unknown>;
}

const NLB = '/nlbs/{name}';
/** Query parameters of routes that name one NLB. */
export const nlbQuerySchema = z.strictObject({ systemId: systemIdSchema.optional() });

/** The body of `POST /nlbs/{name}/adopt`: the provider's id of the load balancer to take over. */
export const adoptBodySchema = z.strictObject({ systemId: systemIdSchema });

/** The handler's adoption extension, or UNSUPPORTED naming its driver. */
function adoptable(handler: NLBHandler, operation: string) {
  if (isAdoptable(handler)) return handler;
  throw new NLBError({
    code: 'UNSUPPORTED',
    driver: handler.capabilities.driver,
    operation,
    message: `the ${handler.capabilities.driver} driver does not adopt load balancers it did not create`,
  });
}

/** Every route below a connection. */
export const V1_OPERATIONS: readonly V1Operation[] = [
  {
    method: 'get',
    path: '/capabilities',
    operation: 'capabilities',
    summary: "What the connection's driver supports; requests outside it are answered 422 UNSUPPORTED",
    response: capabilitiesSchema,
    run: async ({ handler }) => handler.capabilities,
  },
  {
    method: 'get',
    path: '/iids',
    operation: 'listIID',
    summary: 'The IIDs of every NLB of the connection',
    response: iidListSchema,
    run: ({ handler, signal, onProgress }) => handler.listIID({ signal, onProgress }),
  },
  {
    method: 'get',
    path: '/nlbs',
    operation: 'listNLB',
    summary: 'Every NLB of the connection',
    response: nlbListSchema,
    run: ({ handler, signal, onProgress }) => handler.listNLB({ signal, onProgress }),
  },
  {
    method: 'post',
    path: '/nlbs',
    operation: 'createNLB',
    summary:
      'Creates an NLB, all or nothing (body: NLBCreateRequest); 409 ALREADY_EXISTS when the name is taken',
    body: createRequestSchema,
    response: nlbInfoSchema,
    successStatus: 201,
    run: ({ handler, body, signal, onProgress }) => handler.createNLB(body as never, { signal, onProgress }),
  },
  {
    method: 'get',
    path: NLB,
    operation: 'getNLB',
    summary: 'One NLB',
    response: nlbInfoSchema,
    run: ({ handler, iid, signal, onProgress }) => handler.getNLB(iid, { signal, onProgress }),
  },
  {
    method: 'delete',
    path: NLB,
    operation: 'deleteNLB',
    summary: 'Deletes an NLB and everything made for it',
    successStatus: 204,
    run: ({ handler, iid, signal, onProgress }) => handler.deleteNLB(iid, { signal, onProgress }),
  },
  {
    method: 'put',
    path: `${NLB}/listener`,
    operation: 'changeListener',
    summary: 'Changes the listener (body: ListenerInfo); answers the NLB',
    body: listenerSchema,
    response: nlbInfoSchema,
    run: ({ handler, iid, body, signal, onProgress }) =>
      handler.changeListener(iid, body as never, { signal, onProgress }),
  },
  {
    method: 'put',
    path: `${NLB}/vmgroup`,
    operation: 'changeVMGroupInfo',
    summary: 'Replaces the VM group (body: VMGroupInfo); answers the NLB',
    body: vmGroupSchema,
    response: nlbInfoSchema,
    run: ({ handler, iid, body, signal, onProgress }) =>
      handler.changeVMGroupInfo(iid, body as never, { signal, onProgress }),
  },
  {
    method: 'put',
    path: `${NLB}/healthchecker`,
    operation: 'changeHealthCheckerInfo',
    summary: 'Replaces the health checker (body: HealthCheckerInfo); answers the NLB',
    body: healthCheckerSchema,
    response: nlbInfoSchema,
    run: ({ handler, iid, body, signal, onProgress }) =>
      handler.changeHealthCheckerInfo(iid, body as never, { signal, onProgress }),
  },
  {
    method: 'post',
    path: `${NLB}/vms`,
    operation: 'addVMs',
    summary:
      'Adds VMs (body: VMGroupMember[]); 409 ALREADY_EXISTS, and nothing added, if one is in the group',
    body: vmChangeListSchema,
    response: nlbInfoSchema,
    run: ({ handler, iid, body, signal, onProgress }) =>
      handler.addVMs(iid, body as never, { signal, onProgress }),
  },
  {
    method: 'delete',
    path: `${NLB}/vms`,
    operation: 'removeVMs',
    summary: 'Removes VMs (body: IID[]); 404, and nothing removed, if one is not in the group',
    body: vmChangeListSchema,
    successStatus: 204,
    run: ({ handler, iid, body, signal, onProgress }) =>
      handler.removeVMs(iid, body as never, { signal, onProgress }),
  },
  {
    method: 'get',
    path: `${NLB}/health`,
    operation: 'getVMGroupHealthInfo',
    summary: "The VM group's health: healthy, unhealthy and unknown VMs",
    response: healthInfoSchema,
    run: ({ handler, iid, signal, onProgress }) => handler.getVMGroupHealthInfo(iid, { signal, onProgress }),
  },
  {
    method: 'post',
    path: `${NLB}/adopt`,
    operation: 'adoptNLB',
    summary:
      "Takes over the provider's load balancer `systemId`, which nlbkit did not create, as this NLB (adoptNLB); 422 where the driver does not adopt",
    body: adoptBodySchema,
    response: nlbInfoSchema,
    successStatus: 201,
    run: ({ handler, iid, body, signal }) =>
      adoptable(handler, 'adoptNLB').adoptNLB((body as z.output<typeof adoptBodySchema>).systemId, iid, {
        signal,
      }),
  },
  {
    method: 'post',
    path: `${NLB}/release`,
    operation: 'releaseNLB',
    summary: 'Stops managing the NLB without deleting it (releaseNLB): the provider keeps it',
    successStatus: 204,
    run: ({ handler, iid, signal }) => adoptable(handler, 'releaseNLB').releaseNLB(iid, { signal }),
  },
];
