/** Configuration, lazy loading, injected clients, which load balancers are nlbkit's, and secrecy. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { EC2_ACTIONS, ELB_ACTIONS } from '../../../src/drivers/aws/aws-api.js';
import { createAwsDriver } from '../../../src/drivers/aws/aws-driver.js';
import { EC2_PACKAGE, ELBV2_PACKAGE } from '../../../src/drivers/aws/aws-sdk.js';
import type { AwsClientLike } from '../../../src/drivers/aws/index.js';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import { awsClientConfig } from '../../fakes/aws/index.js';
import { type AwsWorld, driverOptionsFor, startAwsWorld } from './aws-world.js';

let world: AwsWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (w: AwsWorld, name = 'web'): NLBCreateRequest => ({
  iid: { nameId: name },
  vpcIID: w.vpcIID,
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }] },
  healthChecker: { protocol: 'TCP' },
});

describe('SDK loading', () => {
  it('no file of the driver imports the SDK statically (only `import type` and `await import()`)', () => {
    const dir = join(import.meta.dirname, '../../../src/drivers/aws');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text, f).not.toMatch(/^import (?!type )[^;]*from '@(aws-sdk|smithy)\//m);
    }
  });

  it('the packages it imports are declared optional peer dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8'));
    for (const name of [ELBV2_PACKAGE, EC2_PACKAGE]) {
      expect(pkg.peerDependencies?.[name], name).toBeTypeOf('string');
      expect(pkg.peerDependenciesMeta?.[name]?.optional, name).toBe(true);
    }
  });

  it('a missing package is a PROVIDER_ERROR naming it, and a later call tries again', async () => {
    let missing = true;
    const driver = createAwsDriver(
      {
        region: 'us-east-1',
        // Loopback port 9 (discard): nothing listens, so the call fails fast and never leaves the host.
        endpoint: 'http://127.0.0.1:9',
        maxRetries: 0,
        credentials: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'x'.repeat(40) },
      },
      {
        importer: async (name) => {
          if (missing && name === EC2_PACKAGE)
            throw Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' });
          return import(name);
        },
      },
    );
    const err = await driver.listIID().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PROVIDER_ERROR', retryable: false, operation: 'listIID' });
    expect((err as Error).message).toContain(`npm install ${EC2_PACKAGE}`);
    missing = false;
    // Loaded now: the call gets as far as the network, where nothing answers.
    const again = await driver.getNLB({ nameId: 'x' }).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'UNAVAILABLE' });
    expect((again as Error).message).not.toContain('npm install');
  });
});

describe('lib: SDK modules given by the user', () => {
  it('builds its clients from the given modules and imports nothing', async () => {
    world = await startAwsWorld();
    const [elbv2, ec2] = await Promise.all([import(ELBV2_PACKAGE), import(EC2_PACKAGE)]);
    const built: string[] = [];
    // The user's own wrap of the SDK: every client the driver builds is recorded.
    // biome-ignore lint/suspicious/noExplicitAny: a mixin's constructor takes any arguments.
    const recorded = <C extends new (...args: any[]) => object>(Client: C, name: string) =>
      class extends Client {
        // biome-ignore lint/suspicious/noExplicitAny: as above.
        constructor(...args: any[]) {
          super(...args);
          built.push(name);
        }
      };
    const lib = {
      elbv2: {
        ...elbv2,
        ElasticLoadBalancingV2Client: recorded(elbv2.ElasticLoadBalancingV2Client, 'elbv2'),
      },
      ec2: { ...ec2, EC2Client: recorded(ec2.EC2Client, 'ec2') },
    };
    const imported: string[] = [];
    const driver = createAwsDriver(driverOptionsFor(world.fake, { lib }), {
      importer: async (name) => {
        imported.push(name);
        throw new Error(`Cannot find package '${name}'`);
      },
    });
    await driver.createNLB(request(world));
    expect((await driver.listIID()).map((i) => i.nameId)).toEqual(['web']);
    expect(built.sort()).toEqual(['ec2', 'elbv2']);
    expect(imported).toEqual([]);
  });

  it('a module not given is still imported', async () => {
    const imported: string[] = [];
    const elbv2 = await import(ELBV2_PACKAGE);
    const driver = createAwsDriver(
      { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxRetries: 0, lib: { elbv2 } },
      {
        importer: async (name) => {
          imported.push(name);
          throw new Error(`Cannot find package '${name}'`);
        },
      },
    );
    const err = await driver.listIID().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PROVIDER_ERROR' });
    expect(imported).toEqual([EC2_PACKAGE]);
  });
});

describe('renamed options', () => {
  it('the deprecated maxAttempts still works: maxAttempts 2 is one try and one retry', async () => {
    world = await startAwsWorld({ driver: { maxRetries: undefined, maxAttempts: 2 } });
    world.fake.throttle('DescribeLoadBalancers', 100);
    await expect(world.driver.getNLB({ nameId: 'web' })).rejects.toMatchObject({ code: 'THROTTLED' });
    expect(world.fake.calls.map((c) => c.action)).toEqual(['DescribeLoadBalancers', 'DescribeLoadBalancers']);
  });

  it('maxRetries and maxAttempts together are INVALID_ARGUMENT naming both', () => {
    let err: unknown;
    try {
      createAwsDriver({ maxRetries: 1, maxAttempts: 2 });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', driver: 'aws', operation: 'createAwsDriver' });
    expect((err as Error).message).toContain('options.maxRetries');
    expect((err as Error).message).toContain('options.maxAttempts');
  });

  it('a malformed maxRetries or waiter is INVALID_ARGUMENT naming it', () => {
    expect(() => createAwsDriver({ maxRetries: -1 })).toThrow(/options\.maxRetries/);
    expect(() => createAwsDriver({ waiter: { maxWaitMs: 0 } })).toThrow(/options\.waiter\.maxWaitMs/);
  });
});

describe('clients', () => {
  it('uses injected clients (typed as the small subset) instead of building its own', async () => {
    world = await startAwsWorld();
    const cfg = awsClientConfig(world.fake);
    let sent = 0;
    const counting = (client: AwsClientLike): AwsClientLike => ({
      send: (command, options) => {
        sent++;
        return client.send(command, options);
      },
    });
    const driver = createAwsDriver({
      elbv2Client: counting(new ElasticLoadBalancingV2Client(cfg)),
      ec2Client: counting(new EC2Client(cfg)),
      waiter: { minDelayMs: 1, maxDelayMs: 2 },
    });
    await driver.createNLB(request(world));
    expect(sent).toBe(world.fake.calls.length);
    expect(sent).toBeGreaterThan(5);
  });
});

describe('which load balancers are nlbkit’s', () => {
  it('ignores load balancers without the managed tag, but will not reuse their names', async () => {
    world = await startAwsWorld();
    const elb = new ElasticLoadBalancingV2Client(awsClientConfig(world.fake));
    const subnets = (await world.fake.addVpc({ name: 'other' })).subnetIds;
    await elb.send(new CreateLoadBalancerCommand({ Name: 'theirs', Type: 'network', Subnets: subnets }));
    await world.driver.createNLB(request(world, 'ours'));
    expect((await world.driver.listIID()).map((i) => i.nameId)).toEqual(['ours']);
    expect((await world.driver.listNLB()).map((n) => n.iid.nameId)).toEqual(['ours']);
    await expect(world.driver.getNLB({ nameId: 'theirs' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(world.driver.deleteNLB({ nameId: 'theirs' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(world.driver.createNLB(request(world, 'theirs'))).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    expect(world.fake.counts().loadBalancers).toBe(2);
  });

  it('a load balancer tagged by hand is adopted; a different tag key sees a different set', async () => {
    world = await startAwsWorld();
    const elb = new ElasticLoadBalancingV2Client(awsClientConfig(world.fake));
    const subnets = world.fake.addVpc({ name: 'other' }).subnetIds;
    await elb.send(
      new CreateLoadBalancerCommand({
        Name: 'handmade',
        Type: 'network',
        Subnets: subnets,
        Tags: [{ Key: 'team:nlb', Value: 'handmade' }],
      }),
    );
    const other = createAwsDriver(driverOptionsFor(world.fake, { managedTagKey: 'team:nlb' }));
    expect((await other.listIID()).map((i) => i.nameId)).toEqual(['handmade']);
    expect(await world.driver.listIID()).toEqual([]);
    // Never completed by nlbkit: no listener, so it reads as incomplete rather than failing.
    const info = await other.getNLB({ nameId: 'handmade' });
    expect(info.keyValueList).toContainEqual({ key: 'Incomplete', value: 'true' });
  });
});

describe('errors', () => {
  it('an unknown VM is NOT_FOUND before anything is created', async () => {
    world = await startAwsWorld();
    const req = request(world);
    req.vmGroup.vms = [{ nameId: 'vm-1' }, { nameId: 'no-such-vm' }];
    await expect(world.driver.createNLB(req)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(world.fake.calls.map((c) => c.action).filter((a) => a.startsWith('Create'))).toEqual([]);
  });

  it('a VM systemId that is not that VM’s instance is NOT_FOUND', async () => {
    world = await startAwsWorld();
    const req = request(world);
    req.vmGroup.vms = [{ nameId: 'vm-1', systemId: world.vms[1]?.systemId as string }];
    await expect(world.driver.createNLB(req)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('no credential reaches an error message or its cause', async () => {
    world = await startAwsWorld();
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const keyId = 'AKIAIOSFODNN7EXAMPLE';
    const driver = createAwsDriver(
      driverOptionsFor(world.fake, { credentials: { accessKeyId: keyId, secretAccessKey: secret } }),
    );
    world.fake.failOn('DescribeLoadBalancers', {
      code: 'SignatureDoesNotMatch',
      status: 403,
      message: `The request signature we calculated does not match. Credential=${keyId}/20260101/us-east-1 secret ${secret}`,
    });
    const err = (await driver.getNLB({ nameId: 'web' }).catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'PERMISSION_DENIED', retryable: false });
    const text = `${err.message} ${String((err.cause as Error).message)} ${JSON.stringify(err)}`;
    expect(text).not.toContain(secret);
    expect(text).not.toContain(keyId);
    expect(err.message).toMatch(/credentials refused \(SignatureDoesNotMatch\)/);
  });
});

describe('docs', () => {
  it('the IAM policy in docs/drivers/aws.md names exactly the actions the driver calls (plus AddTags)', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/drivers/aws.md'), 'utf8');
    const json = doc.match(/## Minimal IAM policy[\s\S]*?```json\n([\s\S]*?)```/)?.[1];
    const policy = JSON.parse(json as string) as { Statement: { Action: string[] }[] };
    const granted = policy.Statement.flatMap((s) => s.Action).sort();
    const needed = [
      ...new Set([
        ...ELB_ACTIONS.map((a) => `elasticloadbalancing:${a}`),
        // Tags given to CreateLoadBalancer / CreateTargetGroup are authorized as AddTags (which
        // adoptNLB also calls).
        'elasticloadbalancing:AddTags',
        ...EC2_ACTIONS.map((a) => `ec2:${a}`),
      ]),
    ].sort();
    expect(granted).toEqual(needed);
  });
});
