/**
 * The status page as HTML: server-rendered, no script, every value escaped by hono/html's `html`
 * template (interpolated strings are escaped; only the fixed markup here is raw).
 */
import { html, raw } from 'hono/html';
import type { StoreStatus } from '../../cli/status-report.js';
import type { ConnectionStatus, NLBStatus } from './status-data.js';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2433; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
.driver { font-weight: normal; color: #5b6475; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #d4d8e0; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f1f3f7; }
ul.vms { margin: 0; padding: 0; list-style: none; }
.HEALTHY { color: #137333; } .UNHEALTHY { color: #b3261e; font-weight: bold; } .UNKNOWN { color: #8a6d00; }
.error { color: #b3261e; white-space: pre-wrap; }
.in-sync { color: #137333; } .behind { color: #b3261e; }
`;

const address = (ip: string | undefined, port: number) =>
  ip === undefined ? `:${port}` : ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;

function nlbRow({ nlb, vms, healthError }: NLBStatus) {
  const hc = nlb.healthChecker;
  return html`<tr class="nlb" data-nlb="${nlb.iid.nameId}">
  <td>${nlb.iid.nameId}</td>
  <td class="listener">${nlb.listener.protocol} ${address(nlb.listener.ip, nlb.listener.port)}</td>
  <td class="vmgroup">${nlb.vmGroup.protocol} :${nlb.vmGroup.port} ${nlb.vmGroup.algorithm}</td>
  <td class="health-check">${hc.protocol} :${hc.port ?? nlb.vmGroup.port} every ${hc.interval} s</td>
  <td><ul class="vms">${vms.map(
    (vm) =>
      html`<li data-vm="${vm.name}" data-health="${vm.state}">${vm.name} <span class="${vm.state}">${vm.state}</span></li>`,
  )}</ul>${healthError ? html`<p class="error health-error">${healthError}</p>` : ''}</td>
</tr>`;
}

function nodesTable(store: StoreStatus) {
  return html`<p class="store">Store revision <span class="store-revision">${store.revision}</span>${
    store.converged ? ' (converged)' : ' (not converged)'
  }</p>
<table class="nodes"><tr><th>Node</th><th>Applied revision</th><th>State</th><th>Reported</th></tr>
${store.nodes.map(
  (n) => html`<tr class="node" data-node="${n.node}">
  <td>${n.node}</td><td class="applied-revision">${n.appliedRevision}</td>
  <td class="${n.inSync ? 'in-sync' : 'behind'}">${n.inSync ? 'in sync' : n.error ? `error: ${n.error}` : 'behind'}</td>
  <td>${n.updatedAt}</td></tr>`,
)}</table>${store.nodes.length === 0 ? html`<p class="no-nodes">No node has reported to this store.</p>` : ''}`;
}

function connectionSection(c: ConnectionStatus) {
  return html`<section class="connection" data-connection="${c.name}">
<h2>${c.name} <span class="driver">${c.driver}</span></h2>
${c.error ? html`<p class="error connection-error" role="alert">${c.error}</p>` : ''}
${c.store ? nodesTable(c.store) : ''}
${c.storeError ? html`<p class="error store-error">${c.storeError}</p>` : ''}
${
  c.error
    ? ''
    : c.nlbs.length === 0
      ? html`<p class="no-nlbs">No NLBs.</p>`
      : html`<table class="nlbs"><tr><th>NLB</th><th>Listener</th><th>VM group</th><th>Health check</th><th>VMs</th></tr>
${c.nlbs.map(nlbRow)}</table>`
}
</section>`;
}

/** The whole page, for `connections` as gathered at `at`. */
export function renderStatusPage(connections: ConnectionStatus[], at: Date) {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nlbkit status</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${raw(STYLE)}</style></head>
<body><h1>nlbkit status</h1><p class="generated">Generated at <time>${at.toISOString()}</time>; ${connections.length} connection(s).</p>
${connections.map(connectionSection)}
</body></html>`;
}
