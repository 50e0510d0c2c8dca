/**
 * Concurrent requests on one NLB all land: VMs added at once through the spider routes while the
 * VM group's port changes (a read of the VMs and a write back) are all there at the end.
 */
import { describe, expect, it } from 'vitest';
import { spiderRoutes } from '../../../src/server/spider/spider-routes.js';
import {
  PASSWORD,
  spiderServerForSuite,
  startServer,
  type TestServer,
  testRegistry,
  USER,
} from './spider-harness.js';

describe.each(['mock-conn', 'native-conn'])('concurrent spider requests on %s', (conn) => {
  const suite = spiderServerForSuite();
  const server = { call: ((...args) => suite.server.call(...args)) as TestServer['call'] };

  it('adds every VM and changes the port, losing nothing', async () => {
    const created = await server.call('POST', '/spider/nlb', {
      body: {
        ConnectionName: conn,
        ReqInfo: {
          Name: 'busy',
          Listener: { Protocol: 'TCP', Port: '80' },
          VMGroup: { Protocol: 'TCP', Port: '8080', VMs: ['vm-01'] },
          HealthChecker: { Protocol: 'TCP' },
        },
      },
    });
    expect(created.status).toBe(200);
    const answers = await Promise.all([
      ...['vm-02', 'vm-03', 'vm-04'].map((vm) =>
        server.call('POST', '/spider/nlb/busy/vms', {
          body: { ConnectionName: conn, ReqInfo: { VMs: [vm] } },
        }),
      ),
      server.call('PUT', '/spider/nlb/busy/vmgroup', {
        body: { ConnectionName: conn, ReqInfo: { Protocol: 'TCP', Port: '9090' } },
      }),
      server.call('PUT', '/spider/nlb/busy/healthchecker', {
        body: { ConnectionName: conn, ReqInfo: { Protocol: 'TCP', Interval: '20' } },
      }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const nlb = (await server.call('GET', `/spider/nlb/busy?ConnectionName=${conn}`)).json;
    expect(nlb.VMGroup.VMs.map((v: { NameId: string }) => v.NameId).sort()).toEqual([
      'vm-01',
      'vm-02',
      'vm-03',
      'vm-04',
    ]);
    expect([nlb.VMGroup.Port, nlb.HealthChecker.Interval]).toEqual(['9090', 20]);
  });
});

it('does not let an addVMs land between the vmgroup route reading the VMs and writing them back', async () => {
  const registry = testRegistry();
  const server = await startServer(
    spiderRoutes(registry, { credentials: { username: USER, password: PASSWORD } }),
  );
  try {
    await registry.mock.createNLB({
      iid: { nameId: 'race' },
      listener: { protocol: 'TCP', port: 80 },
      vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-01' }] },
      healthChecker: { protocol: 'TCP' },
    });
    registry.mock.setLatency(200); // each mock call waits, holding the NLB's lock
    const change = server.call('PUT', '/spider/nlb/race/vmgroup', {
      body: { ConnectionName: 'mock-conn', ReqInfo: { Protocol: 'TCP', Port: '9090' } },
    });
    // The route has read the VMs; an add sent now must not be overwritten by the write-back.
    await expect.poll(() => registry.mock.calls.some((c) => c.operation === 'getNLB')).toBe(true);
    const add = server.call('POST', '/spider/nlb/race/vms', {
      body: { ConnectionName: 'mock-conn', ReqInfo: { VMs: ['vm-02'] } },
    });
    expect([(await change).status, (await add).status]).toEqual([200, 200]);
    registry.mock.setLatency(0);
    const nlb = await registry.mock.getNLB({ nameId: 'race' });
    expect([nlb.vmGroup.port, nlb.vmGroup.vms.map((v) => v.nameId).sort()]).toEqual([
      9090,
      ['vm-01', 'vm-02'],
    ]);
  } finally {
    await server.close();
    await registry.close();
  }
});
