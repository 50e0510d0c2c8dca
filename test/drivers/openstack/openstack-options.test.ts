/**
 * Option resolution: explicit options, then clouds.yaml (with secure.yaml), then the OS_* environment,
 * then defaults; errors without secrets.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOpenStackDriver,
  type OpenStackFetch,
  type OpenStackWaiterOptions,
} from '../../../src/drivers/openstack/index.js';
import { resolveOpenStackOptions } from '../../../src/drivers/openstack/openstack-options.js';
import { startOpenStackFake } from '../../fakes/openstack/index.js';
import { type OpenStackWorld, startOpenStackWorld } from './openstack-world.js';

const env = {
  OS_AUTH_URL: 'https://keystone.example:5000/v3',
  OS_USERNAME: 'alice',
  OS_PASSWORD: 'env-password-secret',
  OS_PROJECT_NAME: 'web',
  OS_USER_DOMAIN_NAME: 'Users',
  OS_REGION_NAME: 'RegionTwo',
  OS_INTERFACE: 'internalURL',
};

describe('OpenStack options', () => {
  it('reads the OS_* variables the openstack CLI reads', () => {
    const o = resolveOpenStackOptions({}, env);
    expect(o).toMatchObject({
      authUrl: env.OS_AUTH_URL,
      auth: { username: 'alice', password: env.OS_PASSWORD, projectName: 'web', userDomainName: 'Users' },
      region: 'RegionTwo',
      interface: 'internal',
    });
  });

  it('prefers an application credential in the environment, and explicit options over both', () => {
    const app = resolveOpenStackOptions(
      {},
      { ...env, OS_APPLICATION_CREDENTIAL_ID: 'id1', OS_APPLICATION_CREDENTIAL_SECRET: 'app-secret-1234' },
    );
    expect(app.auth).toEqual({ type: 'applicationCredential', id: 'id1', secret: 'app-secret-1234' });
    const explicit = resolveOpenStackOptions(
      {
        authUrl: 'http://127.0.0.1:5000',
        region: 'R1',
        auth: { username: 'bob', password: 'pw-explicit-99', projectName: 'p' },
      },
      env,
    );
    expect(explicit).toMatchObject({
      authUrl: 'http://127.0.0.1:5000',
      region: 'R1',
      auth: { username: 'bob' },
    });
  });

  it('takes a project id (OS_PROJECT_ID, clouds.yaml project_id) when no project name is given', () => {
    const { OS_PROJECT_NAME: _, ...noName } = env;
    expect(resolveOpenStackOptions({}, { ...noName, OS_PROJECT_ID: 'p-1234' }).auth).toMatchObject({
      projectId: 'p-1234',
    });
    expect(() => resolveOpenStackOptions({}, noName)).toThrow(/options\.auth/);
  });

  it('an option given as undefined means the same as one left out (exactOptionalPropertyTypes users)', () => {
    const given = resolveOpenStackOptions(
      { region: undefined, waiter: { minDelayMs: 5, maxDelayMs: undefined, maxWaitMs: undefined } },
      env,
    );
    expect(given.region).toBe('RegionTwo');
    expect(given.waiter).toEqual({ minDelayMs: 5, maxDelayMs: 5000, maxWaitMs: 600_000 });
  });

  it('authenticates scoped to the project by id, and by name when both are given', async () => {
    const fake = await startOpenStackFake();
    try {
      const c = fake.credentials;
      const base = { authUrl: fake.authUrl, region: fake.region };
      const byId = createOpenStackDriver({
        ...base,
        auth: { username: c.username, password: c.password, projectId: c.projectId },
      });
      expect(await byId.listNLB()).toEqual([]);
      const wrongId = createOpenStackDriver({
        ...base,
        auth: { username: c.username, password: c.password, projectId: 'not-the-project' },
      });
      await expect(wrongId.listNLB()).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
      const both = createOpenStackDriver({
        ...base,
        auth: { username: c.username, password: c.password, projectName: c.projectName, projectId: 'stale' },
      });
      expect(await both.listNLB()).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('names what is missing or wrong, never a secret', () => {
    for (const [options, environment, path] of [
      [{}, {}, 'authUrl'],
      [{}, { OS_AUTH_URL: 'https://k/v3' }, 'auth'],
      [
        {},
        { ...env, OS_PASSWORD: undefined, OS_APPLICATION_CREDENTIAL_SECRET: 'only-a-secret-0000' },
        'auth',
      ],
      [{ authUrl: 'ftp://k' }, env, 'authUrl'],
      [{ waiter: { maxWaitMs: -1 } }, env, 'waiter.maxWaitMs'],
    ] as const) {
      let error: unknown;
      try {
        resolveOpenStackOptions(options as never, environment as never);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining(`options.${path}`),
      });
      const text = JSON.stringify(error, Object.getOwnPropertyNames(error));
      for (const secret of ['env-password-secret', 'only-a-secret-0000']) expect(text).not.toContain(secret);
    }
  });
});

describe('OpenStack options from clouds.yaml', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  /** A home with ~/.config/openstack/{clouds,secure}.yaml and an empty working directory. */
  const home = (clouds: string, secure?: string) => {
    dir = mkdtempSync(join(tmpdir(), 'nlbk-os-'));
    const config = join(dir, 'home', '.config', 'openstack');
    mkdirSync(config, { recursive: true });
    mkdirSync(join(dir, 'cwd'), { recursive: true });
    writeFileSync(join(config, 'clouds.yaml'), clouds);
    if (secure) writeFileSync(join(config, 'secure.yaml'), secure);
    return { cwd: join(dir, 'cwd'), home: join(dir, 'home') };
  };

  const clouds = `
clouds:
  lab:
    auth:
      auth_url: https://keystone.lab:5000/v3
      username: alice
      project_name: web
      user_domain_name: Users
    region_name: RegionTwo
    interface: internal
  apps:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://keystone.apps/v3
      application_credential_id: app-1
      application_credential_secret: app-secret-in-file-1
`;

  it('takes the cloud OS_CLOUD names, with the password from secure.yaml; given options still win', () => {
    const where = home(clouds, 'clouds:\n  lab:\n    auth:\n      password: secure-password-1234\n');
    const o = resolveOpenStackOptions({}, { OS_CLOUD: 'lab', OS_USERNAME: 'env-user' }, where);
    expect(o).toMatchObject({
      authUrl: 'https://keystone.lab:5000/v3',
      auth: {
        username: 'alice',
        password: 'secure-password-1234',
        projectName: 'web',
        userDomainName: 'Users',
      },
      region: 'RegionTwo',
      interface: 'internal',
    });
    const app = resolveOpenStackOptions({ cloud: 'apps', region: 'R9' }, {}, where);
    expect(app).toMatchObject({
      authUrl: 'https://keystone.apps/v3',
      auth: { type: 'applicationCredential', id: 'app-1', secret: 'app-secret-in-file-1' },
      region: 'R9',
    });
  });

  it('names a missing file, an unknown cloud, bad YAML and unsupported auth, never a secret', () => {
    const where = home(clouds);
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ OS_CLIENT_CONFIG_FILE: join(where.cwd, 'nope.yaml') }, 'lab', /no clouds\.yaml/],
      [{}, 'other', /cloud 'other' is not in .*clouds\.yaml/],
    ];
    for (const [env, cloud, message] of cases)
      expect(() => resolveOpenStackOptions({ cloud }, env, where)).toThrow(message);
    const bad = join(where.cwd, 'bad.yaml');
    writeFileSync(bad, 'clouds:\n  lab: [\n    password: leaked-secret-9999\n');
    let error: unknown;
    try {
      resolveOpenStackOptions({ cloud: 'lab' }, { OS_CLIENT_CONFIG_FILE: bad }, where);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('not valid YAML'),
    });
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('leaked-secret-9999');
    const token = join(where.cwd, 'token.yaml');
    writeFileSync(token, 'clouds:\n  t:\n    auth_type: token\n');
    expect(() => resolveOpenStackOptions({ cloud: 't' }, { OS_CLIENT_CONFIG_FILE: token }, where)).toThrow(
      /auth_type 'token' is not supported/,
    );
  });

  it('drives a fake cloud from clouds.yaml alone (OS_CLIENT_CONFIG_FILE)', async () => {
    const fake = await startOpenStackFake();
    try {
      dir = mkdtempSync(join(tmpdir(), 'nlbk-os-'));
      const file = join(dir, 'clouds.yaml');
      const c = fake.credentials;
      writeFileSync(
        file,
        `clouds:\n  fake:\n    auth:\n      auth_url: ${fake.authUrl}\n      username: ${c.username}\n      password: ${c.password}\n      project_name: ${c.projectName}\n    region_name: ${fake.region}\n`,
      );
      const saved = { ...process.env };
      process.env.OS_CLOUD = 'fake';
      process.env.OS_CLIENT_CONFIG_FILE = file;
      let driver: ReturnType<typeof createOpenStackDriver>;
      try {
        driver = createOpenStackDriver();
      } finally {
        process.env.OS_CLOUD = saved.OS_CLOUD;
        process.env.OS_CLIENT_CONFIG_FILE = saved.OS_CLIENT_CONFIG_FILE;
        if (saved.OS_CLOUD === undefined) delete process.env.OS_CLOUD;
        if (saved.OS_CLIENT_CONFIG_FILE === undefined) delete process.env.OS_CLIENT_CONFIG_FILE;
      }
      expect(await driver.listNLB()).toEqual([]);
      expect(fake.calls[0]).toMatchObject({ service: 'identity', method: 'POST' });
    } finally {
      await fake.close();
    }
  });
});

describe('OpenStack fetch option', () => {
  let world: OpenStackWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('sends every request, Keystone, Octavia, Neutron and Nova alike, through the given fetch', async () => {
    const seen: string[] = [];
    const recording: OpenStackFetch = (url, init) => {
      seen.push(`${init.method} ${url}`);
      return fetch(url, init);
    };
    // The deprecated name of the waiter's type still fits (one more release).
    const waiter: OpenStackWaiterOptions = { minDelayMs: 2, maxDelayMs: 10, maxWaitMs: 5000 };
    world = await startOpenStackWorld({ driver: { fetch: recording, waiter } });
    const nlb = await world.driver.createNLB({
      iid: { nameId: 'web' },
      vpcIID: world.vpcIID,
      type: 'PUBLIC',
      listener: { protocol: 'TCP', port: 80 },
      vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }] },
      healthChecker: { protocol: 'TCP' },
    });
    await world.driver.deleteNLB(nlb.iid);
    const services = new Set(world.fake.calls.map((c) => c.service));
    expect([...services].sort()).toEqual(['compute', 'identity', 'load-balancer', 'network']);
    // Everything the cloud received came through `recording`: nothing went around it.
    expect(seen).toHaveLength(world.fake.calls.length);
    expect(seen[0]).toBe(`POST ${world.fake.authUrl.replace(/\/+$/, '')}/auth/tokens`);
  });

  it('a fetch that is not a function is INVALID_ARGUMENT', () => {
    expect(() =>
      createOpenStackDriver({
        authUrl: env.OS_AUTH_URL,
        auth: { username: 'alice', password: 'pw', projectName: 'web' },
        fetch: 'https://proxy' as unknown as OpenStackFetch,
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('options.fetch'),
      }),
    );
  });
});
