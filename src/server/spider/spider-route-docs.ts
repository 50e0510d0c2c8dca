/**
 * The spider routes as `/openapi.json` describes them, from the same zod schemas the routes check
 * requests with (one source of truth). Statuses: 200, and the error convention's (500 by default;
 * 400/401/413/415 for requests refused before any driver call; the `errors: 'http'` statuses).
 */
import type { RouteDoc } from '../openapi/route-doc.js';
import {
  spiderAllInfoAnswerSchema,
  spiderAllListAnswerSchema,
  spiderConnectionBodySchema,
  spiderCountAnswerSchema,
  spiderCreateBodySchema,
  spiderDeleteQuerySchema,
  spiderHealthAnswerSchema,
  spiderHealthCheckerChangeBodySchema,
  spiderIIDAnswerSchema,
  spiderListAnswerSchema,
  spiderListenerChangeBodySchema,
  spiderNLBInfoSchema,
  spiderOwnerBodySchema,
  spiderQuerySchema,
  spiderReadBodySchema,
  spiderRegisterBodySchema,
  spiderResultAnswerSchema,
  spiderVMGroupChangeBodySchema,
  spiderVMsBodySchema,
} from './spider-schemas.js';

// The error statuses (200 is each route's success); CB-Spider's convention answers 500 for most.
const statuses = [400, 401, 404, 409, 413, 415, 422, 429, 500, 503, 504];
const doc = (d: RouteDoc): RouteDoc => ({ statuses, auth: 'basic', ...d });
const read = { query: spiderQuerySchema, body: spiderReadBodySchema };

/** Every spider route, for `/openapi.json`. */
export const spiderRouteDocs: RouteDoc[] = [
  doc({
    method: 'post',
    path: '/spider/nlb',
    summary: 'Create an NLB (CB-Spider)',
    body: spiderCreateBodySchema,
    response: spiderNLBInfoSchema,
  }),
  doc({
    method: 'get',
    path: '/spider/nlb',
    summary: 'List NLBs (CB-Spider)',
    ...read,
    response: spiderListAnswerSchema,
  }),
  doc({
    method: 'get',
    path: '/spider/nlb/{Name}',
    summary: 'Get an NLB (CB-Spider)',
    ...read,
    response: spiderNLBInfoSchema,
  }),
  doc({
    method: 'delete',
    path: '/spider/nlb/{Name}',
    summary: 'Delete an NLB (CB-Spider; force changes nothing)',
    query: spiderDeleteQuerySchema,
    body: spiderConnectionBodySchema,
    response: spiderResultAnswerSchema,
  }),
  doc({
    method: 'post',
    path: '/spider/nlb/{Name}/vms',
    summary: 'Add VMs (CB-Spider); answers the NLB',
    body: spiderVMsBodySchema,
    response: spiderNLBInfoSchema,
  }),
  doc({
    method: 'delete',
    path: '/spider/nlb/{Name}/vms',
    summary: 'Remove VMs (CB-Spider)',
    body: spiderVMsBodySchema,
    response: spiderResultAnswerSchema,
  }),
  doc({
    method: 'put',
    path: '/spider/nlb/{Name}/listener',
    summary: "Change an NLB's listener (CB-Spider)",
    body: spiderListenerChangeBodySchema,
    response: spiderNLBInfoSchema,
  }),
  doc({
    method: 'put',
    path: '/spider/nlb/{Name}/vmgroup',
    summary: "Change the VM group's protocol and port, keeping its VMs (CB-Spider)",
    body: spiderVMGroupChangeBodySchema,
    response: spiderNLBInfoSchema,
  }),
  doc({
    method: 'put',
    path: '/spider/nlb/{Name}/healthchecker',
    summary: 'Replace the health checker (CB-Spider)',
    body: spiderHealthCheckerChangeBodySchema,
    response: spiderNLBInfoSchema,
  }),
  doc({
    method: 'get',
    path: '/spider/nlb/{Name}/health',
    summary: "The VM group's health (CB-Spider)",
    ...read,
    response: spiderHealthAnswerSchema,
  }),
  doc({
    method: 'get',
    path: '/spider/allnlb',
    summary: "Every NLB's IID the connection manages (CB-Spider)",
    ...read,
    response: spiderAllListAnswerSchema,
  }),
  doc({
    method: 'get',
    path: '/spider/allnlbinfo',
    summary: 'Every NLB the connection manages (CB-Spider)',
    ...read,
    response: spiderAllInfoAnswerSchema,
  }),
  doc({
    method: 'get',
    path: '/spider/countnlb',
    summary: 'How many NLBs all connections manage (CB-Spider)',
    response: spiderCountAnswerSchema,
  }),
  doc({
    method: 'get',
    path: '/spider/countnlb/{ConnectionName}',
    summary: 'How many NLBs one connection manages (CB-Spider)',
    response: spiderCountAnswerSchema,
  }),
  doc({
    method: 'delete',
    path: '/spider/cspnlb/{Id}',
    summary: "Delete an NLB by the provider's id (CB-Spider; only NLBs nlbkit manages)",
    query: spiderQuerySchema,
    body: spiderConnectionBodySchema,
    response: spiderResultAnswerSchema,
  }),
  doc({
    method: 'get',
    path: '/spider/getnlbowner',
    summary: "The VPC of an NLB, by the provider's id (CB-Spider)",
    query: spiderQuerySchema,
    body: spiderOwnerBodySchema,
    response: spiderIIDAnswerSchema,
  }),
  doc({
    method: 'post',
    path: '/spider/getnlbowner',
    summary: "The VPC of an NLB, by the provider's id (CB-Spider)",
    body: spiderOwnerBodySchema,
    response: spiderIIDAnswerSchema,
  }),
  doc({
    method: 'post',
    path: '/spider/regnlb',
    summary:
      "Registers a load balancer nlbkit did not create, by the provider's id (adoptNLB; 500 or 422 UNSUPPORTED where the driver does not adopt) (CB-Spider)",
    body: spiderRegisterBodySchema,
    response: spiderNLBInfoSchema,
  }),
  doc({
    method: 'delete',
    path: '/spider/regnlb/{Name}',
    summary: 'Unregisters an NLB without deleting it (releaseNLB) (CB-Spider)',
    body: spiderConnectionBodySchema,
    response: spiderResultAnswerSchema,
  }),
];
