/** Every /v1 route over a real loopback socket, against the mock driver and the native driver (memory store). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { V1_OPERATIONS } from '../../src/server/v1/v1-operations.js';
import { createBody, MANY_VMS, mockAndNative, startTestServer, type TestServer } from './server-harness.js';

let t: TestServer;
let drivers: ReturnType<typeof mockAndNative>;
beforeAll(async () => {
  drivers = mockAndNative();
  t = await startTestServer({ registry: drivers.registry });
});
afterAll(() => t.close());

it('GET /v1/connections lists the connections with their drivers', async () => {
  expect(await t.call('GET', '/v1/connections')).toMatchObject({
    status: 200,
    body: [
      { name: 'mock', driver: 'mock' },
      { name: 'native', driver: 'native' },
    ],
  });
});

for (const connection of ['mock', 'native'] as const) {
  describe(`every route, ${connection} driver`, () => {
    const base = `/v1/connections/${connection}`;
    const seen = new Set<string>();
    const call: TestServer['call'] = async (method, path, o) => {
      const op = V1_OPERATIONS.find(
        (x) =>
          x.method === method.toLowerCase() &&
          new RegExp(`^${base}${x.path.replace('{name}', '[^/?]+')}(\\?|$)`).test(path),
      );
      if (op) seen.add(op.operation);
      return t.call(method, path, o);
    };

    it('walks the whole life of an NLB, answering the library types', async () => {
      const caps = await call('GET', `${base}/capabilities`);
      expect(caps).toMatchObject({ status: 200, body: { driver: connection } });

      const created = await call('POST', `${base}/nlbs`, { body: createBody('web') });
      expect(created.status).toBe(201);
      const nlb = created.body as {
        iid: { nameId: string; systemId: string };
        listener: { ip: string };
        createdTime: string;
      };
      expect(nlb.iid.nameId).toBe('web');
      expect(nlb.listener.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(Number.isNaN(Date.parse(nlb.createdTime))).toBe(false);

      expect(await call('GET', `${base}/iids`)).toMatchObject({ status: 200, body: [{ nameId: 'web' }] });
      expect(await call('GET', `${base}/nlbs`)).toMatchObject({
        status: 200,
        body: [{ iid: { nameId: 'web' } }],
      });
      expect(await call('GET', `${base}/nlbs/web`)).toMatchObject({ status: 200, body: { iid: nlb.iid } });
      const bySystemId = await call(
        'GET',
        `${base}/nlbs/web?systemId=${encodeURIComponent(nlb.iid.systemId)}`,
      );
      expect(bySystemId).toMatchObject({ status: 200, body: { iid: nlb.iid } });

      const listener = await call('PUT', `${base}/nlbs/web/listener`, {
        body: { protocol: 'TCP', port: 81 },
      });
      expect(listener).toMatchObject({ status: 200, body: { listener: { port: 81 } } });

      const group = await call('PUT', `${base}/nlbs/web/vmgroup`, {
        body: { protocol: 'TCP', port: 8081, vms: [{ nameId: 'web1' }], algorithm: 'SOURCE_HASH' },
      });
      expect(group).toMatchObject({
        status: 200,
        body: { vmGroup: { port: 8081, algorithm: 'SOURCE_HASH' } },
      });

      const hc = await call('PUT', `${base}/nlbs/web/healthchecker`, {
        body: { protocol: 'HTTP', httpPath: '/healthz', interval: 20, timeout: 4, threshold: 2 },
      });
      expect(hc).toMatchObject({ status: 200, body: { healthChecker: { protocol: 'HTTP', interval: 20 } } });

      const added = await call('POST', `${base}/nlbs/web/vms`, {
        body: [{ nameId: 'web2' }, { nameId: 'web3' }],
      });
      expect(
        (added.body as { vmGroup: { vms: { nameId: string }[] } }).vmGroup.vms.map((v) => v.nameId),
      ).toEqual(['web1', 'web2', 'web3']);

      expect(await call('DELETE', `${base}/nlbs/web/vms`, { body: [{ nameId: 'web3' }] })).toMatchObject({
        status: 204,
      });
      const health = await call('GET', `${base}/nlbs/web/health`);
      expect(health.status).toBe(200);
      expect((health.body as { allVMs: { nameId: string }[] }).allVMs.map((v) => v.nameId).sort()).toEqual([
        'web1',
        'web2',
      ]);

      // Adoption: the mock's emulated cloud holds a load balancer nlbkit did not make; native adopts none.
      if (connection === 'mock')
        drivers.mock.putForeignNLB('lb-7', {
          listeners: [{ protocol: 'UDP', port: 53 }],
          vmGroup: { protocol: 'UDP', port: 5353, vms: ['web1'] },
        });
      const adopted = await call('POST', `${base}/nlbs/dns/adopt`, { body: { systemId: 'lb-7' } });
      const released = await call('POST', `${base}/nlbs/dns/release`);
      if (connection === 'mock') {
        expect(adopted).toMatchObject({ status: 201, body: { iid: { nameId: 'dns', systemId: 'lb-7' } } });
        expect(released.status).toBe(204);
        expect(drivers.mock.holdsNLB('lb-7')).toBe(true);
      } else {
        expect(adopted).toMatchObject({ status: 422, body: { code: 'UNSUPPORTED' } });
        expect(released).toMatchObject({ status: 422, body: { code: 'UNSUPPORTED' } });
      }
      const bad = await call('POST', `${base}/nlbs/dns/adopt`, { body: { systemId: 'lb-7', extra: 1 } });
      expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT' } });

      expect(await call('DELETE', `${base}/nlbs/web`)).toMatchObject({ status: 204 });
      expect(await call('GET', `${base}/nlbs/web`)).toMatchObject({
        status: 404,
        body: { code: 'NOT_FOUND' },
      });
      expect(await call('GET', `${base}/nlbs`)).toMatchObject({ status: 200, body: [] });
      expect([...seen].sort()).toEqual(V1_OPERATIONS.map((o) => o.operation).sort());
    });

    it('concurrent addVMs on one NLB all land', async () => {
      expect((await t.call('POST', `${base}/nlbs`, { body: createBody('busy', ['web1']) })).status).toBe(201);
      const names = Object.keys(MANY_VMS);
      const answers = await Promise.all(
        names.map((nameId) => t.call('POST', `${base}/nlbs/busy/vms`, { body: [{ nameId }] })),
      );
      expect(answers.map((a) => a.status)).toEqual(names.map(() => 200));
      const after = await t.call('GET', `${base}/nlbs/busy`);
      const vms = (after.body as { vmGroup: { vms: { nameId: string }[] } }).vmGroup.vms.map((v) => v.nameId);
      expect(vms.sort()).toEqual(['web1', ...names].sort());
      expect((await t.call('DELETE', `${base}/nlbs/busy`)).status).toBe(204);
    });
  });
}
