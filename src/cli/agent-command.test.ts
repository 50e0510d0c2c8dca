/**
 * `nlbkit agent` in its own process against a file store, with the driver in this process: the
 * distributed shape (driver -> file store -> agent -> kernel) end to end, plus clean shutdown.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inNetns, makeNetns, requireRootNetns } from '../../test/native/netns.js';
import { type CliProcess, runCli } from '../../test/native/run-cli.js';
import { createNativeDriver } from '../drivers/native/native-driver.js';
import { createFileStore } from '../native/store/file-store.js';

const enabled = requireRootNetns();

describe('nlbkit agent: arguments', () => {
  it('rejects an unsafe flowtable device list before doing anything', async () => {
    const bad = runCli(['agent', '--store', '/x', '--node', 'lb1', '--flowtable-devices', 'eth0;reboot']);
    expect(await bad.exited).not.toBe(0);
    expect(bad.stderr()).toContain('comma-separated device names');
  });

  it('rejects an unknown data plane, IPVS without its ranges or with a flowtable, dsr or tunnel, half a dsr, a bad range', async () => {
    const base = ['agent', '--store', '/x', '--node', 'lb1'];
    const cases: [string[], string][] = [
      [['--dataplane', 'xdp'], 'must be nftables or ipvs'],
      [['--dataplane', 'ipvs'], '--dataplane ipvs needs --ipvs-ranges'],
      [
        ['--dataplane', 'ipvs', '--ipvs-ranges', '10.0.0.0/24', '--flowtable-devices', 'eth0'],
        'nftables option',
      ],
      [['--dsr-ingress', 'eth0;reboot', '--dsr-egress', 'eth1'], 'comma-separated device names'],
      [['--dsr-ingress', 'eth0'], '--dsr-ingress and --dsr-egress go together'],
      [
        ['--dsr-probe-address', '10.0.1.250'],
        'the probe needs a device (the probe device or the dsr egress)',
      ],
      [['--probe-address', '10.0.1.250'], 'the probe needs a device'],
      [
        ['--probe-gateway', '10.0.1.254', '--probe-device', 'eth1'],
        'the probe settings need the probe address',
      ],
      [
        ['--dsr-ingress', 'eth0', '--dsr-egress', 'eth1', '--dsr-probe-address', '10.0.1.250 dev lo'],
        'the probe address must be a canonical IPv4 address',
      ],
      [
        [
          '--dsr-ingress',
          'eth0',
          '--dsr-egress',
          'eth1',
          '--probe-address',
          '10.0.1.250',
          '--probe-device',
          'eth2',
        ],
        "the probe has one device: it must be the dsr egress 'eth1'",
      ],
      [
        [
          '--tunnel-ingress',
          'eth0',
          '--probe-address',
          '10.0.1.250',
          '--probe-device',
          'eth2',
          '--probe-gateway',
          'x',
        ],
        'the probe gateway must be a canonical IPv4 address',
      ],
      [
        [
          '--dsr-ingress',
          'eth0',
          '--dsr-egress',
          'eth1',
          '--dsr-probe-address',
          '10.0.1.250',
          '--dsr-probe-netns',
          '-x',
        ],
        'invalid namespace name',
      ],
      [['--tunnel-ingress', 'eth0;reboot'], 'comma-separated device names'],
      [
        ['--dataplane', 'ipvs', '--ipvs-ranges', '10.0.0.0/24', '--tunnel-ingress', 'eth0'],
        '--tunnel-ingress is an nftables option',
      ],
      [
        [
          '--dataplane',
          'ipvs',
          '--ipvs-ranges',
          '10.0.0.0/24',
          '--dsr-ingress',
          'eth0',
          '--dsr-egress',
          'eth1',
        ],
        'IPVS data plane has none',
      ],
      [
        ['--dataplane', 'ipvs', '--ipvs-ranges', '10.0.0.0/24,10.1.0.0/33'],
        'not a CIDR or an a-b address range',
      ],
    ];
    const runs = cases.map(([args, message]) => ({ run: runCli([...base, ...args]), message }));
    for (const { run, message } of runs) {
      expect(await run.exited).not.toBe(0);
      expect(run.stderr()).toContain(message);
    }
  }, 30_000);

  it('rejects a PostgreSQL schema that is not a plain identifier before doing anything', async () => {
    const bad = runCli(['agent', '--store', 'postgres:x";drop', '--node', 'lb1']);
    expect(await bad.exited).not.toBe(0);
    expect(bad.stderr()).toContain('lower-case identifier');
  });

  it('rejects a bad interval and a missing store before doing anything', async () => {
    const bad = runCli(['agent', '--store', '/nonexistent', '--node', 'lb1', '--interval', '0']);
    expect(await bad.exited).not.toBe(0);
    expect(bad.stderr()).toContain('1-3600');
    const missing = runCli(['agent', '--node', 'lb1']);
    expect(await missing.exited).not.toBe(0);
    expect(missing.stderr()).toContain('--store');
    const badHost = runCli([
      'agent',
      '--store',
      '/x',
      '--node',
      'lb1',
      '--metrics-port',
      '9464',
      '--metrics-host',
      '0.0.0.0;x',
    ]);
    expect(await badHost.exited).not.toBe(0);
    expect(badHost.stderr()).toContain('IPv4 or IPv6');
  }, 30_000);
});

describe.skipIf(!enabled)('nlbkit agent: a separate process serving a file store', () => {
  let ns: ReturnType<typeof makeNetns>;
  let dir: string;
  let agent: CliProcess | undefined;
  beforeAll(async () => {
    ns = makeNetns('cli');
    dir = await mkdtemp(join(tmpdir(), 'nlbk-cli-'));
    const init = runCli(['store', 'init', dir]);
    expect(await init.exited).toBe(0);
    expect(init.stdout()).toContain(`created store file:${dir}`);
  });
  afterAll(async () => {
    agent?.child.kill('SIGKILL');
    ns?.remove();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start on a store that does not exist, naming it, creating nothing', async () => {
    const typo = join(dir, 'nlbkti');
    const refused = runCli(['agent', '--store', typo, '--node', 'lb1', '--netns', ns.name, '--no-health']);
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toContain(`no nlbkit store at ${typo}: the directory does not exist`);
    expect(refused.stderr()).toContain(`nlbkit store init ${typo}`);
    expect(await readdir(dir)).not.toContain('nlbkti');
    expect(() => inNetns(ns.name, ['nft', 'list', 'table', 'inet', 'nlbkit'])).toThrow();
  }, 30_000);

  it('applies what the driver writes, and stops cleanly on SIGTERM leaving the kernel serving', async () => {
    const store = createFileStore(dir, { pollMs: 100 });
    const driver = createNativeDriver({
      store,
      vipPool: { ranges: ['10.99.0.0/24'] },
      vmInventory: { vm1: { ipv4: '10.0.0.11' } },
      nodes: ['lb1'],
      convergenceTimeoutMs: 20_000,
    });
    agent = runCli([
      'agent',
      '--store',
      dir,
      '--node',
      'lb1',
      '--netns',
      ns.name,
      '--interval',
      '5',
      '--no-health',
    ]);
    const nlb = await driver.createNLB({
      iid: { nameId: 'web' },
      listener: { protocol: 'TCP', port: 80 },
      vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm1' }] },
      healthChecker: { protocol: 'TCP' },
    });
    expect(await driver.waitForConvergence()).toBe(1);
    expect(inNetns(ns.name, ['nft', 'list', 'table', 'inet', 'nlbkit'])).toContain('10.99.0.1');
    expect(inNetns(ns.name, ['ip', '-j', 'addr', 'show'])).toContain('"10.99.0.1"');
    const health = await driver.getVMGroupHealthInfo(nlb.iid);
    expect(health.unknownVMs.map((v) => v.nameId)).toEqual(['vm1']);

    await expect(driver.addVMs(nlb.iid, [{ nameId: 'vm9' }])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await driver.changeListener(nlb.iid, { protocol: 'TCP', port: 8443 });
    expect(await driver.waitForConvergence()).toBe(2);
    expect(inNetns(ns.name, ['nft', 'list', 'table', 'inet', 'nlbkit'])).toContain('8443');

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(agent.stderr()).toContain('the kernel keeps serving');
    expect(inNetns(ns.name, ['nft', 'list', 'table', 'inet', 'nlbkit'])).toContain('8443');
    await store.close();
  }, 60_000);

  it('serves health metrics from the checks it runs inside the namespace, only when asked', async () => {
    const store = createFileStore(dir, { pollMs: 100 });
    const metricsAgent = runCli([
      'agent',
      '--store',
      dir,
      '--node',
      'lb1',
      '--netns',
      ns.name,
      '--metrics-port',
      '0',
    ]);
    agent = metricsAgent;
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no metrics URL in: ${metricsAgent.stderr()}`)),
        20_000,
      );
      metricsAgent.child.stderr?.on('data', () => {
        const found = metricsAgent.stderr().match(/serving metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/);
        if (found) {
          clearTimeout(timer);
          resolve(found[1] as string);
        }
      });
    });
    // Its own NLB with a 1 s check, so counters move within a few seconds (the default interval is 10 s).
    const driver = createNativeDriver({
      store,
      vipPool: { ranges: ['10.99.1.0/24'] },
      vmInventory: { vm2: { ipv4: '10.0.0.12' } },
      nodes: ['lb1'],
      convergenceTimeoutMs: 20_000,
    });
    await driver.createNLB({
      iid: { nameId: 'metrics' },
      listener: { protocol: 'TCP', port: 81 },
      vmGroup: { protocol: 'TCP', port: 8081, vms: [{ nameId: 'vm2' }] },
      healthChecker: { protocol: 'TCP', interval: 1, timeout: 1 },
    });
    await driver.waitForConvergence();
    let text = '';
    for (let i = 0; i < 80 && !/nlbkit_health_checks_total\{[^}]*\} [1-9]/.test(text); i++) {
      await new Promise((r) => setTimeout(r, 250));
      text = await (await fetch(url)).text();
    }
    expect(text).toMatch(/# TYPE nlbkit_health_checks_total counter/);
    expect(text).toMatch(/nlbkit_health_checks_total\{[^}]*\} [1-9]/);
    expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);
    metricsAgent.child.kill('SIGTERM');
    expect(await metricsAgent.exited).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
    await driver.close();
    await store.close();
  }, 60_000);

  it('a SIGTERM to its whole process group (systemd, Ctrl-C) is a clean stop: no health worker restarted', async () => {
    const groupAgent = runCli(
      ['agent', '--store', dir, '--node', 'lb1', '--netns', ns.name, '--metrics-port', '0'],
      {},
      true,
    );
    agent = groupAgent;
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no metrics URL in: ${groupAgent.stderr()}`)), 20_000);
      groupAgent.child.stderr?.on('data', () => {
        const found = groupAgent.stderr().match(/serving metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/);
        if (found) {
          clearTimeout(timer);
          resolve(found[1] as string);
        }
      });
    });
    // The worker is up (its snapshot reached the agent) before the signal, so the signal reaches it too.
    for (let i = 0; i < 80 && !(await (await fetch(url)).text()).includes('nlbkit_health_checks_total'); i++)
      await new Promise((r) => setTimeout(r, 250));
    expect(await (await fetch(url)).text()).toContain('nlbkit_health_checks_total');
    process.kill(-(groupAgent.child.pid as number), 'SIGTERM');
    expect(await groupAgent.exited).toBe(0);
    expect(groupAgent.stderr()).toContain('agent lb1 stopping (SIGTERM)');
    expect(groupAgent.stderr()).toContain('agent lb1 stopped; the kernel keeps serving');
    expect(groupAgent.stderr()).not.toContain('restarting');
    expect(groupAgent.stderr()).not.toContain('exited');
  }, 60_000);
});
