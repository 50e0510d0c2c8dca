/**
 * The status page in headless Chromium: it is loaded from a loopback server that also answers the
 * spider API, and what it shows is checked against the API's answers (NLBs, listeners, VMs and
 * per-VM health) and the native store's node reports. A failing, a hanging and a hostile connection
 * show their errors, escaped, without breaking the page. A screenshot is kept under
 * .cache/test-output/status-page/.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockDriver } from '../../../src/drivers/mock/index.js';
import { spiderRoutes } from '../../../src/server/spider/spider-routes.js';
import { statusPageRoutes } from '../../../src/server/status-page/status-page-routes.js';
import { PASSWORD, startServer, type TestServer, testRegistry, USER, VMS } from '../spider/spider-harness.js';
import { canUseChromium, launchChromium } from './chromium.js';

const OUTPUT = join(process.cwd(), '.cache', 'test-output', 'status-page');
const HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
const vms = Object.fromEntries(Object.entries(VMS).map(([name, ipv4]) => [name, { ipv4 }]));

describe.skipIf(!canUseChromium())('status page in headless Chromium', () => {
  const evil = createMockDriver({ vms });
  const slow = createMockDriver({ vms, latencyMs: 60_000 });
  const registry = testRegistry({
    'evil-conn': { driver: 'mock', handler: evil },
    'slow-conn': { driver: 'mock', handler: slow },
  });
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let storeRevision: number;

  const create = async (conn: string, name: string, members: string[]) => {
    const a = await server.call('POST', '/spider/nlb', {
      body: {
        ConnectionName: conn,
        ReqInfo: {
          Name: name,
          Listener: { Protocol: 'TCP', Port: '80' },
          VMGroup: { Protocol: 'TCP', Port: '8080', VMs: members },
          HealthChecker: { Protocol: 'TCP', Port: '8080' },
        },
      },
    });
    expect([a.status, a.json.message]).toEqual([200, undefined]);
  };

  beforeAll(async () => {
    const app = new Hono();
    app.route('/', spiderRoutes(registry, { credentials: { username: USER, password: PASSWORD } }));
    app.route('/', statusPageRoutes(registry, { timeoutMs: 1500 }));
    server = await startServer(app);
    await create('mock-conn', 'web', ['vm-01', 'vm-02']);
    await create('mock-conn', 'db', ['vm-03']);
    registry.mock.setVMHealth('vm-02', 'UNHEALTHY', 'connection refused');
    await create('native-conn', 'api', ['vm-03', 'vm-04']);
    await create('evil-conn', 'evil', ['vm-01']);
    evil.failAlways('getVMGroupHealthInfo', { code: 'UNAVAILABLE', message: HOSTILE });
    // Two LB nodes report to the native store as agents do: one has applied it, one failed.
    storeRevision = await registry.native.store.revision();
    const now = new Date().toISOString();
    await registry.native.store.putNodeReport({
      node: 'lb1',
      appliedRevision: storeRevision,
      attemptedRevision: storeRevision,
      updatedAt: now,
      vips: [],
      health: {},
    });
    await registry.native.store.putNodeReport({
      node: 'lb2',
      appliedRevision: 0,
      attemptedRevision: storeRevision,
      error: 'nft: <b>rejected</b>',
      updatedAt: now,
      vips: [],
      health: {},
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const response = await page.goto(`${server.url}/`);
    expect(response?.status()).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await registry.close();
  });

  /** What a connection's section shows: NLB name -> listener text and VM -> health. */
  const shown = (conn: string) =>
    page.$$eval(`section[data-connection="${conn}"] tr.nlb`, (rows) =>
      rows.map((row) => ({
        name: row.getAttribute('data-nlb'),
        listener: row.querySelector('.listener')?.textContent?.trim(),
        vms: Object.fromEntries(
          [...row.querySelectorAll('li[data-vm]')].map((li) => [
            li.getAttribute('data-vm'),
            li.getAttribute('data-health'),
          ]),
        ),
      })),
    );

  it('shows every connection, in the file order', async () => {
    const sections = await page.$$eval('section.connection', (s) =>
      s.map((x) => x.getAttribute('data-connection')),
    );
    expect(sections).toEqual(registry.names());
  });

  it.each(['mock-conn', 'native-conn'])('shows on %s what the spider API answers', async (conn) => {
    const list = await server.call('GET', `/spider/nlb?ConnectionName=${conn}`);
    const expected = [];
    for (const nlb of list.json.nlb) {
      const health = (await server.call('GET', `/spider/nlb/${nlb.IId.NameId}/health?ConnectionName=${conn}`))
        .json.healthinfo;
      const stateOf = (vm: string) =>
        health.HealthyVMs.some((v: { NameId: string }) => v.NameId === vm)
          ? 'HEALTHY'
          : health.UnHealthyVMs.some((v: { NameId: string }) => v.NameId === vm)
            ? 'UNHEALTHY'
            : 'UNKNOWN';
      expected.push({
        name: nlb.IId.NameId,
        listener: `${nlb.Listener.Protocol} ${nlb.Listener.IP}:${nlb.Listener.Port}`,
        vms: Object.fromEntries(
          nlb.VMGroup.VMs.map((vm: { NameId: string }) => [vm.NameId, stateOf(vm.NameId)]),
        ),
      });
    }
    expect(expected.length).toBeGreaterThan(0);
    expect(await shown(conn)).toEqual(expected);
  });

  it('shows per-VM health as the driver reports it', async () => {
    const web = (await shown('mock-conn')).find((n) => n.name === 'web');
    expect(web?.vms).toEqual({ 'vm-01': 'HEALTHY', 'vm-02': 'UNHEALTHY' });
    const api = (await shown('native-conn')).find((n) => n.name === 'api');
    expect(api?.vms).toEqual({ 'vm-03': 'UNKNOWN', 'vm-04': 'UNKNOWN' });
  });

  it("shows each native node's applied revision from the store's node reports", async () => {
    const section = 'section[data-connection="native-conn"]';
    expect(await page.textContent(`${section} .store-revision`)).toBe(String(storeRevision));
    const nodes = await page.$$eval(`${section} tr.node`, (rows) =>
      rows.map((r) => ({
        node: r.getAttribute('data-node'),
        applied: r.querySelector('.applied-revision')?.textContent,
        state: r.querySelector('td:nth-child(3)')?.textContent,
      })),
    );
    expect(nodes).toEqual([
      { node: 'lb1', applied: String(storeRevision), state: 'in sync' },
      { node: 'lb2', applied: '0', state: 'error: nft: <b>rejected</b>' },
    ]);
  });

  it('shows failing and hanging connections with their errors, and the rest of the page', async () => {
    const broken = await page.textContent('section[data-connection="broken-conn"] .connection-error');
    expect(broken).toContain('region is not set');
    const hanging = await page.textContent('section[data-connection="slow-conn"] .connection-error');
    expect(hanging).toContain('no answer within 1500 ms');
  });

  it('escapes what it shows: hostile text is text, and nothing runs', async () => {
    const text = await page.textContent('section[data-connection="evil-conn"] .health-error');
    expect(text).toContain(HOSTILE);
    expect(await page.$$('section[data-connection="evil-conn"] img, section script')).toEqual([]);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.$$('section[data-connection="native-conn"] b')).toEqual([]);
  });

  it('keeps a screenshot', async () => {
    mkdirSync(OUTPUT, { recursive: true });
    const file = join(OUTPUT, 'status-page.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });
});
