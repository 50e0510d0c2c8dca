/** Keystone v3 token issue: password (project-scoped) and application-credential methods, with a catalog. */
import { randomUUID } from 'node:crypto';
import { type FakeRequest, type FakeResponse, OsFault } from './http.js';
import type { OpenStackState } from './state.js';

/** The accounts the fake accepts. */
export interface FakeCredentials {
  username: string;
  password: string;
  projectName: string;
  /** The project's id: a scope may name the project by id instead (no domain then). */
  projectId: string;
  applicationCredential: { id: string; secret: string };
  tokenTtlMs: number;
}

const unauthorized = () =>
  new OsFault(401, 'The request you have made requires authentication.', 'Unauthorized');

export function issueToken(
  state: OpenStackState,
  creds: FakeCredentials,
  endpoint: string,
  region: string,
  req: FakeRequest,
): FakeResponse {
  if (req.method !== 'POST' || req.path !== '/v3/auth/tokens')
    throw new OsFault(404, 'not found', 'NotFound');
  const identity = (req.body?.auth as { identity?: Record<string, unknown> } | undefined)?.identity;
  const methods = identity?.methods as string[] | undefined;
  if (methods?.[0] === 'password') {
    const p = identity?.password as {
      user?: { name?: string; password?: string; domain?: { name?: string } };
    };
    const auth = req.body?.auth as {
      scope?: { project?: { id?: string; name?: string; domain?: { name?: string } } };
    };
    const project = auth?.scope?.project;
    const scoped =
      project?.id !== undefined
        ? project.id === creds.projectId && project.name === undefined
        : project?.name === creds.projectName && project.domain?.name === 'Default';
    const good =
      p?.user?.name === creds.username &&
      p.user.password === creds.password &&
      p.user.domain?.name === 'Default' &&
      scoped;
    if (!good) throw unauthorized();
  } else if (methods?.[0] === 'application_credential') {
    const a = identity?.application_credential as { id?: string; secret?: string } | undefined;
    if (a?.id !== creds.applicationCredential.id || a.secret !== creds.applicationCredential.secret)
      throw unauthorized();
  } else throw new OsFault(400, 'Expecting to find identity methods', 'ValidationError');
  const token = randomUUID().replace(/-/g, '');
  const expires = Date.now() + creds.tokenTtlMs;
  state.tokens.set(token, expires);
  const entry = (type: string, path: string) => ({
    type,
    endpoints: ['public', 'internal'].map((iface) => ({
      interface: iface,
      region,
      region_id: region,
      url: `${endpoint}${path}`,
    })),
  });
  return {
    status: 201,
    headers: { 'x-subject-token': token },
    body: {
      token: {
        expires_at: new Date(expires).toISOString(),
        catalog: [
          entry('identity', '/identity'),
          entry('load-balancer', '/load-balancer'),
          entry('network', '/network'),
          entry('compute', '/compute/v2.1'),
        ],
      },
    },
  };
}

/** Throws 401 unless `token` is known and not expired. */
export function checkToken(state: OpenStackState, token: string | undefined): void {
  const expires = token ? state.tokens.get(token) : undefined;
  if (!expires || expires < Date.now()) throw unauthorized();
}
