import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNLBError, type NLBError } from '../../interfaces/errors.js';
import { loadConnectionsFile, parseConnections } from './connections-file.js';
import { CONNECTIONS_JSON_SCHEMA_PATH, connectionsJsonSchemaText } from './connections-json-schema.js';

const failure = (text: string): NLBError => {
  try {
    parseConnections(text);
  } catch (e) {
    if (isNLBError(e)) return e;
    throw e;
  }
  throw new Error('expected an error');
};

describe('connections file', () => {
  it('reads the example: each entry {driver, ...options}, in the file order', async () => {
    const loaded = await loadConnectionsFile(
      join(import.meta.dirname, '../../../examples/server/nlbkit.yaml'),
    );
    expect(Object.keys(loaded.file.connections)).toEqual(['test', 'lab']);
    expect(loaded.file.connections.lab).toMatchObject({
      driver: 'native',
      store: { kind: 'file', dir: './state' },
    });
    expect(loaded.baseDir).toBe(join(import.meta.dirname, '../../../examples/server'));
  });

  it('keeps the file order (names start with a letter: none sorts as an integer key)', () => {
    const file = parseConnections('connections:\n  zeta: {driver: mock}\n  alpha: {driver: mock}\n');
    expect(Object.keys(file.connections)).toEqual(['zeta', 'alpha']);
  });

  it('refuses a credential written inline, without repeating it', () => {
    const e = failure(
      'connections:\n  os:\n    driver: openstack\n    auth: {type: password, username: u, password: hunter2-pw, projectName: p}\n',
    );
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.violations).toEqual([
      expect.objectContaining({
        path: 'connections.os.auth.password',
        message: expect.stringMatching(/fromEnv/),
      }),
    ]);
    expect(JSON.stringify({ m: e.message, v: e.violations })).not.toContain('hunter2');
  });

  it('refuses a value shaped like a secret anywhere (an access key id in a tag key)', () => {
    const e = failure('connections:\n  aws:\n    driver: aws\n    managedTagKey: AKIAABCDEFGHIJKLMNOP\n');
    expect(e.violations[0]).toMatchObject({ path: 'connections.aws.managedTagKey' });
    expect(e.message).not.toContain('AKIAABCDEFGHIJKLMNOP');
  });

  it('accepts credentials by reference', () => {
    const file = parseConnections(
      'connections:\n  aws:\n    driver: aws\n    credentials: {accessKeyId: {fromEnv: KEY_ID}, secretAccessKey: {fromFile: ./secret}}\n',
    );
    expect(file.connections.aws).toMatchObject({
      credentials: { accessKeyId: { fromEnv: 'KEY_ID' }, secretAccessKey: { fromFile: './secret' } },
    });
  });

  it('names every bad field: unknown driver, unknown option, bad name', () => {
    const e = failure(
      'connections:\n  a: {driver: nope}\n  b: {driver: mock, bogus: 1}\n  -bad: {driver: mock}\n',
    );
    const paths = e.violations.map((v) => v.path);
    expect(paths).toEqual(expect.arrayContaining(['connections.a.driver', 'connections.b.bogus']));
    expect(paths.some((p) => p.includes('-bad'))).toBe(true);
  });

  it('a YAML syntax error gives the line, never the line itself', () => {
    const e = failure('connections:\n  a: {driver: mock\n  password: s3cr3t-value: [\n');
    expect(e.message).toMatch(/not valid YAML at line \d/);
    expect(e.message).not.toContain('s3cr3t');
  });

  it('refuses an empty file and a file without connections', () => {
    expect(failure('').code).toBe('INVALID_ARGUMENT');
    expect(failure('connections: {}\n').message).toMatch(/at least one connection/);
  });

  it(`${CONNECTIONS_JSON_SCHEMA_PATH} is generated from the zod schema (regenerate: npx tsx scripts/connections-json-schema.ts)`, async () => {
    const kept = await readFile(join(import.meta.dirname, '../../..', CONNECTIONS_JSON_SCHEMA_PATH), 'utf8');
    expect(JSON.parse(kept)).toEqual(JSON.parse(connectionsJsonSchemaText()));
  });
});
