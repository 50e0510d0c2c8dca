/**
 * `clouds.yaml`, as the openstack CLI and openstacksdk read it: the file named by OS_CLIENT_CONFIG_FILE,
 * else the first of ./clouds.yaml, ~/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml; and
 * `secure.yaml` beside the same places (OS_CLIENT_SECURE_FILE), whose entries (usually the secrets)
 * are merged over the cloud's. Only what the driver uses is read; errors name files and keys, never
 * values.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { NLBError } from '../../interfaces/errors.js';
import { OPENSTACK_DRIVER_NAME } from './openstack-name.js';
import type { OpenStackDriverOptions } from './openstack-options.js';

const invalid = (message: string) =>
  new NLBError({
    code: 'INVALID_ARGUMENT',
    driver: OPENSTACK_DRIVER_NAME,
    operation: 'createOpenStackDriver',
    message,
  });

const places = (file: string, cwd: string, home: string) => [
  join(cwd, file),
  join(home, '.config', 'openstack', file),
  join('/etc/openstack', file),
];

type Entry = Record<string, unknown>;
const isEntry = (v: unknown): v is Entry => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `clouds.<name>` entry of the first of `files` that exists, or undefined when none exists. */
function readEntry(files: string[], name: string): { file: string; entry: Entry | undefined } | undefined {
  const file = files.find((f) => existsSync(f));
  if (!file) return undefined;
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    // The parser's message may quote the file's text (a password): say only where.
    const at = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw invalid(`${file} is not valid YAML${at ? ` (line ${at})` : ''}`);
  }
  const clouds = isEntry(doc) ? doc.clouds : undefined;
  const entry = isEntry(clouds) ? clouds[name] : undefined;
  return { file, entry: isEntry(entry) ? entry : undefined };
}

function merge(base: Entry, over: Entry): Entry {
  const out: Entry = { ...base };
  for (const [k, v] of Object.entries(over))
    out[k] = isEntry(v) && isEntry(base[k]) ? merge(base[k] as Entry, v) : v;
  return out;
}

const text = (o: Entry, key: string): string | undefined => {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/**
 * The driver options cloud `name` describes. Throws INVALID_ARGUMENT when no clouds.yaml exists, the
 * cloud is not in it, or it uses what the driver does not support (token auth).
 */
export function optionsFromCloudsYaml(
  name: string,
  env: NodeJS.ProcessEnv,
  where: { cwd?: string; home?: string } = {},
): OpenStackDriverOptions {
  const cwd = where.cwd ?? process.cwd();
  const home = where.home ?? homedir();
  const cloudFiles = env.OS_CLIENT_CONFIG_FILE
    ? [env.OS_CLIENT_CONFIG_FILE]
    : places('clouds.yaml', cwd, home);
  const found = readEntry(cloudFiles, name);
  if (!found)
    throw invalid(
      `cloud '${name}' was asked for, but there is no clouds.yaml (looked at ${cloudFiles.join(', ')})`,
    );
  const secureFiles = env.OS_CLIENT_SECURE_FILE
    ? [env.OS_CLIENT_SECURE_FILE]
    : places('secure.yaml', cwd, home);
  const secure = readEntry(secureFiles, name)?.entry;
  if (!found.entry && !secure) throw invalid(`cloud '${name}' is not in ${found.file}`);
  const cloud = merge(found.entry ?? {}, secure ?? {});
  const auth = isEntry(cloud.auth) ? cloud.auth : {};
  const authType = text(cloud, 'auth_type');
  if (authType && !['password', 'v3password', 'v3applicationcredential'].includes(authType))
    throw invalid(
      `cloud '${name}': auth_type '${authType}' is not supported (use password or v3applicationcredential)`,
    );
  const appCredential = authType === 'v3applicationcredential' || text(auth, 'application_credential_id');
  const out: OpenStackDriverOptions = {};
  const authUrl = text(auth, 'auth_url');
  if (authUrl) out.authUrl = authUrl;
  if (appCredential)
    out.auth = {
      type: 'applicationCredential',
      id: text(auth, 'application_credential_id') ?? '',
      secret: text(auth, 'application_credential_secret') ?? '',
    };
  else if (text(auth, 'username') || text(auth, 'password'))
    out.auth = {
      username: text(auth, 'username') ?? '',
      password: text(auth, 'password') ?? '',
      projectName: text(auth, 'project_name'),
      projectId: text(auth, 'project_id'),
      userDomainName: text(auth, 'user_domain_name') ?? text(auth, 'domain_name'),
      projectDomainName: text(auth, 'project_domain_name') ?? text(auth, 'domain_name'),
    };
  const region = text(cloud, 'region_name');
  if (region) out.region = region;
  const iface = text(cloud, 'interface');
  if (iface) out.interface = iface as OpenStackDriverOptions['interface'];
  return out;
}
