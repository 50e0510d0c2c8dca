/**
 * Every CB-Spider NLB route over a loopback socket, against the mock and the native driver (memory
 * store, no agent), with CB-Spider's own request examples (cloud-barista/cb-spider
 * test/nlb-test-curl/common/*.sh, quoted below) and its answer shapes (NLBHandler.go's json tags,
 * held with the strict schemas of spider-schemas.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  spiderAllInfoAnswerSchema,
  spiderAllListAnswerSchema,
  spiderHealthAnswerSchema,
  spiderListAnswerSchema,
  spiderNLBInfoSchema,
} from '../../../src/server/spider/spider-schemas.js';
import { spiderServerForSuite, type TestServer } from './spider-harness.js';

// create-nlb-test.sh, with 1.create-nlb-TCP-80-test.sh's arguments (TCP 80, TCP 80, TCP 80, 10 9 3):
//   "ConnectionName": "'${CONN_CONFIG}'",
//   "ReqInfo": { "Name": "spider-nlb-01", "VPCName": "vpc-01", "Type": "PUBLIC", "Scope": "REGION",
//     "Listener": { "Protocol" : "'${PRTL1}'", "Port" : "'${PORT1}'" },
//     "VMGroup": { "Protocol" : "'${PRTL2}'", "Port" : "'${PORT2}'", "VMs" : ["vm-01", "vm-02"] },
//     "HealthChecker": { "Protocol" : "'${PRTL3}'", "Port" : "'${PORT3}'",
//       "Interval" : "'${INTERVAL}'", "Timeout" : "'${TIMEOUT}'", "Threshold" : "'${THRESHOLD}'" } }
const createExample = (conn: string) => ({
  ConnectionName: conn,
  ReqInfo: {
    Name: 'spider-nlb-01',
    VPCName: 'vpc-01',
    Type: 'PUBLIC',
    Scope: 'REGION',
    Listener: { Protocol: 'TCP', Port: '80' },
    VMGroup: { Protocol: 'TCP', Port: '80', VMs: ['vm-01', 'vm-02'] },
    HealthChecker: { Protocol: 'TCP', Port: '80', Interval: '10', Timeout: '9', Threshold: '3' },
  },
});
const names = (iids: { NameId: string }[]) => iids.map((i) => i.NameId).sort();

describe.each(['mock-conn', 'native-conn'])('CB-Spider routes on %s', (conn) => {
  const suite = spiderServerForSuite();
  const registry = suite.registry;
  const call: TestServer['call'] = (...args) => suite.server.call(...args);
  const server = { call };
  const connBody = { ConnectionName: conn };

  it('creates from the documented example and answers NLBInfo with string ports and the VM names', async () => {
    const a = await server.call('POST', '/spider/nlb', { body: createExample(conn) });
    expect(a.status).toBe(200);
    const nlb = spiderNLBInfoSchema.parse(a.json);
    expect(nlb.IId.NameId).toBe('spider-nlb-01');
    expect(nlb.VpcIID.NameId).toBe('vpc-01');
    expect([nlb.Type, nlb.Scope]).toEqual(['PUBLIC', 'REGION']);
    expect(nlb.Listener).toMatchObject({ Protocol: 'TCP', Port: '80' });
    expect(nlb.Listener.IP).not.toBe('');
    expect(nlb.VMGroup).toMatchObject({ Protocol: 'TCP', Port: '80' });
    expect(names(nlb.VMGroup.VMs)).toEqual(['vm-01', 'vm-02']);
    expect(nlb.HealthChecker).toMatchObject({
      Protocol: 'TCP',
      Port: '80',
      Interval: 10,
      Timeout: 9,
      Threshold: 3,
    });
    expect(Number.isNaN(Date.parse(nlb.CreatedTime))).toBe(false);
  });

  it('lists and gets with ConnectionName in a GET body (list-get-nlb-test.sh) or the query', async () => {
    // curl -sX GET http://localhost:1024/spider/nlb -H 'Content-Type: application/json' -d '{ "ConnectionName": "'${CONN_CONFIG}'" }'
    const list = await server.call('GET', '/spider/nlb', { body: connBody });
    expect(list.status).toBe(200);
    expect(spiderListAnswerSchema.parse(list.json).nlb.map((n) => n.IId.NameId)).toEqual(['spider-nlb-01']);
    const byQuery = await server.call('GET', `/spider/nlb?ConnectionName=${conn}`);
    // CB-Tumblebug adopts an NLB with its whole create body on the GET (loadbalance.go, "register").
    const withCreateBody = await server.call('GET', '/spider/nlb/spider-nlb-01', {
      body: createExample(conn),
    });
    expect(withCreateBody.json.IId?.NameId).toBe('spider-nlb-01');
    expect(byQuery.json).toEqual(list.json);
    const one = await server.call('GET', '/spider/nlb/spider-nlb-01', { body: connBody });
    expect(one.status).toBe(200);
    expect(one.json).toEqual(list.json.nlb[0]);
    const lib = await (await registry.handler(conn)).getNLB({ nameId: 'spider-nlb-01' });
    expect(one.json.Listener.IP).toBe(lib.listener.ip);
  });

  it('lists IIDs as allnlb and allnlbinfo, and counts', async () => {
    const all = spiderAllListAnswerSchema.parse(
      (await server.call('GET', '/spider/allnlb', { body: connBody })).json,
    );
    expect(names(all.AllList.MappedList)).toEqual(['spider-nlb-01']);
    expect([all.AllList.OnlySpiderList, all.AllList.OnlyCSPList]).toEqual([[], []]);
    const info = spiderAllInfoAnswerSchema.parse(
      (await server.call('GET', `/spider/allnlbinfo?ConnectionName=${conn}`)).json,
    );
    expect(info.AllListInfo.MappedInfoList.map((n) => n.IId.NameId)).toEqual(['spider-nlb-01']);
    expect((await server.call('GET', `/spider/countnlb/${conn}`)).json).toEqual({ count: 1 });
  });

  it('adds VMs (addvm-nlb-test.sh) answering the NLB, reports health, removes VMs', async () => {
    // "ReqInfo": { "VMs" : ["vm-03", "vm-04"] }
    const add = await server.call('POST', '/spider/nlb/spider-nlb-01/vms', {
      body: { ConnectionName: conn, ReqInfo: { VMs: ['vm-03', 'vm-04'] } },
    });
    expect(add.status).toBe(200);
    expect(names(spiderNLBInfoSchema.parse(add.json).VMGroup.VMs)).toEqual([
      'vm-01',
      'vm-02',
      'vm-03',
      'vm-04',
    ]);

    const health = await server.call('GET', '/spider/nlb/spider-nlb-01/health', { body: connBody });
    expect(health.status).toBe(200);
    const h = spiderHealthAnswerSchema.parse(health.json).healthinfo;
    const lib = await (await registry.handler(conn)).getVMGroupHealthInfo({ nameId: 'spider-nlb-01' });
    expect(names(h.AllVMs)).toEqual(['vm-01', 'vm-02', 'vm-03', 'vm-04']);
    expect(names(h.HealthyVMs)).toEqual(lib.healthyVMs.map((v) => v.nameId).sort());
    expect(names(h.UnHealthyVMs)).toEqual(lib.unhealthyVMs.map((v) => v.nameId).sort());
    expect(names(h.UnknownVMs)).toEqual(lib.unknownVMs.map((v) => v.nameId).sort());
    // The mock reports every VM healthy; the native driver without agents has measured none.
    expect(h.HealthyVMs.length + h.UnknownVMs.length).toBe(4);

    // removevm-nlb-test.sh: DELETE .../vms with "ReqInfo": { "VMs" : ["vm-03", "vm-04"] }
    const remove = await server.call('DELETE', '/spider/nlb/spider-nlb-01/vms', {
      body: { ConnectionName: conn, ReqInfo: { VMs: ['vm-03', 'vm-04'] } },
    });
    expect(remove).toMatchObject({ status: 200, json: { Result: 'true' } });
    const after = await server.call('GET', '/spider/nlb/spider-nlb-01', { body: connBody });
    expect(names(after.json.VMGroup.VMs)).toEqual(['vm-01', 'vm-02']);
  });

  it('changes listener, VM group and health checker (change-nlb-test.sh), keeping the VMs', async () => {
    // "ReqInfo": { "Protocol" : "TCP", "Port" : "22" }
    const listener = await server.call('PUT', '/spider/nlb/spider-nlb-01/listener', {
      body: { ConnectionName: conn, ReqInfo: { Protocol: 'TCP', Port: '22' } },
    });
    expect(listener.status).toBe(200);
    expect(spiderNLBInfoSchema.parse(listener.json).Listener).toMatchObject({ Protocol: 'TCP', Port: '22' });

    const group = await server.call('PUT', '/spider/nlb/spider-nlb-01/vmgroup', {
      body: { ConnectionName: conn, ReqInfo: { Protocol: 'TCP', Port: '22' } },
    });
    expect(group.status).toBe(200);
    expect(group.json.VMGroup.Port).toBe('22');
    expect(names(group.json.VMGroup.VMs)).toEqual(['vm-01', 'vm-02']);

    // "ReqInfo": { "Protocol" : "TCP", "Port" : "22", "Interval" : "11", "Timeout" : "11", "Threshold" : "4" }
    const hc = await server.call('PUT', '/spider/nlb/spider-nlb-01/healthchecker', {
      body: {
        ConnectionName: conn,
        ReqInfo: { Protocol: 'TCP', Port: '22', Interval: '11', Timeout: '11', Threshold: '4' },
      },
    });
    expect(hc.status).toBe(200);
    expect(hc.json.HealthChecker).toEqual({
      Protocol: 'TCP',
      Port: '22',
      Interval: 11,
      Timeout: 11,
      Threshold: 4,
    });
  });

  it('finds the owner VPC and deletes by the provider id (getnlbowner, cspnlb)', async () => {
    const lib = await (await registry.handler(conn)).getNLB({ nameId: 'spider-nlb-01' });
    const systemId = lib.iid.systemId as string;
    const owner = await server.call('POST', '/spider/getnlbowner', {
      body: { ConnectionName: conn, ReqInfo: { CSPId: systemId } },
    });
    expect(owner).toMatchObject({ status: 200, json: { NameId: 'vpc-01' } });
    const gone = await server.call('DELETE', `/spider/cspnlb/${encodeURIComponent(systemId)}`, {
      body: connBody,
    });
    expect(gone).toMatchObject({ status: 200, json: { Result: 'true' } });
    expect(await (await registry.handler(conn)).listIID()).toEqual([]);
  });

  it('creates with "default", "" and "-1" health values as the driver defaults, any-case protocols, no VM group', async () => {
    const a = await server.call('POST', '/spider/nlb', {
      body: {
        ConnectionName: conn,
        ReqInfo: {
          Name: 'nlb-defaults',
          Type: 'public',
          Scope: 'region',
          Listener: { Protocol: 'tcp', Port: '8080' },
          HealthChecker: { Protocol: 'tcp', Port: '', Interval: 'Default', Timeout: '', Threshold: '-1' },
        },
      },
    });
    expect(a.status).toBe(200);
    const nlb = spiderNLBInfoSchema.parse(a.json);
    const defaults = (await registry.handler(conn)).capabilities.healthCheck.defaults;
    expect(nlb.HealthChecker).toMatchObject({
      Protocol: 'TCP',
      Port: '8080',
      Interval: defaults.interval,
      Timeout: defaults.timeout,
    });
    expect([nlb.Type, nlb.Scope]).toEqual(['PUBLIC', 'REGION']);
    // No VMGroup: the listener's protocol and port, no VMs (NLBRest.go CreateNLB).
    expect(nlb.VMGroup).toMatchObject({ Protocol: 'TCP', Port: '8080', VMs: [] });
  });

  it('deletes with ?force (delete-nlb-test.sh) and then answers CB-Spider-style for the missing NLB', async () => {
    const del = await server.call('DELETE', '/spider/nlb/nlb-defaults?force=false', { body: connBody });
    expect(del).toMatchObject({ status: 200, json: { Result: 'true' } });
    const missing = await server.call('GET', '/spider/nlb/nlb-defaults', { body: connBody });
    expect(missing.status).toBe(500);
    expect(Object.keys(missing.json)).toEqual(['message']);
    // CB-Spider's text (NLBManager.go), which CB-Tumblebug looks for ("does not exist in connection").
    expect(missing.json.message).toContain(`NLB 'nlb-defaults' does not exist in connection '${conn}'`);
    const again = await server.call('DELETE', '/spider/nlb/nlb-defaults', { body: connBody });
    expect(again.json.message.toLowerCase()).toContain('not exist');
    expect((await server.call('GET', `/spider/countnlb/${conn}`)).json).toEqual({ count: 0 });
    // Counting every connection needs every one: broken-conn cannot be created, so no partial count.
    const all = await server.call('GET', '/spider/countnlb');
    expect(all).toMatchObject({
      status: 500,
      json: { message: expect.stringContaining('region is not set') },
    });
  });

  it("accepts CB-Tumblebug's requests: Go's case-insensitive field names, its VM-group struct for VMs", async () => {
    // cb-tumblebug src/core/model/nlb.go: SpiderNLBReqInfo { Name, VPCName, Type, Scope, Listener
    // NLBListenerReq {json:"protocol", json:"port"}, VMGroup SpiderNLBNodeGroupReq {Protocol, Port, VMs},
    // HealthChecker SpiderNLBHealthCheckerReq {json:"protocol","port","interval","timeout","threshold"} }
    const create = await server.call('POST', '/spider/nlb', {
      body: {
        ConnectionName: conn,
        ReqInfo: {
          Name: 'tb-nlb',
          VPCName: 'vpc-01',
          Type: 'PUBLIC',
          Scope: 'REGION',
          Listener: { protocol: 'TCP', port: '22' },
          VMGroup: { Protocol: 'TCP', Port: '22', VMs: ['vm-01'] },
          HealthChecker: {
            protocol: 'TCP',
            port: '22',
            interval: 'default',
            timeout: 'default',
            threshold: '5',
          },
        },
      },
    });
    expect(create.status).toBe(200);
    expect(create.json.Listener).toMatchObject({ Protocol: 'TCP', Port: '22' });
    expect(create.json.HealthChecker.Threshold).toBe(5);
    // SpiderNLBAddRemoveVMReqInfoWrapper { ConnectionName, ReqInfo SpiderNLBNodeGroupReq }: Protocol and Port empty.
    const add = await server.call('POST', '/spider/nlb/tb-nlb/vms', {
      body: { ConnectionName: conn, ReqInfo: { Protocol: '', Port: '', VMs: ['vm-02'] } },
    });
    expect(names(add.json.VMGroup.VMs)).toEqual(['vm-01', 'vm-02']);
    const remove = await server.call('DELETE', '/spider/nlb/tb-nlb/vms', {
      body: { connectionname: conn, reqinfo: { protocol: '', port: '', vms: ['vm-02'] } },
    });
    expect(remove.json).toEqual({ Result: 'true' });
    expect((await server.call('DELETE', '/spider/nlb/tb-nlb', { body: connBody })).json).toEqual({
      Result: 'true',
    });
  });

  it('registers a load balancer it did not create (regnlb) where the driver adopts, and unregisters it', async () => {
    const reg = (Name: string, CSPId: string) =>
      server.call('POST', '/spider/regnlb', {
        body: { ConnectionName: conn, ReqInfo: { VPCName: 'vpc-01', Name, CSPId } },
      });
    if (conn === 'native-conn') {
      // The native driver has no adoption: CB-Spider's 500 with a message that says so.
      const a = await reg('nlb-01', 'csp-nlb-1234');
      expect(a.status).toBe(500);
      expect(a.json.message).toMatch(/cannot register load balancers.*no adoption/);
      const b = await server.call('DELETE', '/spider/regnlb/nlb-01', { body: connBody });
      expect(b.status).toBe(500);
      return;
    }
    const listed = async () =>
      spiderListAnswerSchema
        .parse((await server.call('GET', '/spider/nlb', { body: connBody })).json)
        .nlb.map((n) => n.IId.NameId);
    // register-nlb-test.sh's body: {"ConnectionName", "ReqInfo": {"VPCName", "Name", "CSPId"}}.
    registry.mock.putForeignNLB('csp-nlb-1234', {
      listeners: [{ protocol: 'TCP', port: 80 }],
      vmGroup: { protocol: 'TCP', port: 8080, vms: ['vm-01', 'vm-02'] },
    });
    const a = await reg('reg-nlb-01', 'csp-nlb-1234');
    expect(a.status).toBe(200);
    const info = spiderNLBInfoSchema.parse(a.json);
    expect(info.IId).toEqual({ NameId: 'reg-nlb-01', SystemId: 'csp-nlb-1234' });
    expect(info.VMGroup.VMs?.map((vm) => vm.NameId)).toEqual(['vm-01', 'vm-02']);
    expect(await listed()).toContain('reg-nlb-01');
    // Registering it again, or an id the cloud does not hold, is refused.
    expect((await reg('reg-nlb-02', 'csp-nlb-1234')).json.message).toMatch(/already manages/);
    expect((await reg('reg-nlb-02', 'csp-nlb-none')).json.message).toMatch(/no load balancer/);
    const b = await server.call('DELETE', '/spider/regnlb/reg-nlb-01', { body: connBody });
    expect(b).toMatchObject({ status: 200, json: { Result: 'true' } });
    expect(registry.mock.holdsNLB('csp-nlb-1234')).toBe(true);
    expect(await listed()).not.toContain('reg-nlb-01');
    const c = await server.call('DELETE', '/spider/regnlb/reg-nlb-01', { body: connBody });
    expect(c.json.message).toMatch(/does not exist in connection/);
  });
});
