/**
 * The public surface, read from the sources as tsc sees them: the names the root `nlbkit` exports
 * (listed here, so the root cannot grow by accident), a TSDoc sentence on every export of the root and
 * of `nlbkit/driver-kit`, an `@example` on every export of the kit (test/package compiles them), a
 * default said for every capability field, and drivers that reach the guard only through the kit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const ROOT_EXPORTS = [
  'AddressFamily',
  'AddressFamilyCapabilities',
  'AdoptableNLBHandler',
  'AdoptOperation',
  'Algorithm',
  'CallOptions',
  'CapabilitiesOverride',
  'ChangeCapabilities',
  'createMockDriver',
  'DrainingCapabilities',
  'DriverCapabilities',
  'HashFields',
  'HealthCheckCapabilities',
  'HealthCheckerInfo',
  'HealthCheckProtocol',
  'HealthInfo',
  'IID',
  'IntRange',
  'isAdoptable',
  'isNLBError',
  'KeyValue',
  'ListenerInfo',
  'ListenerProtocol',
  'MockCall',
  'MockDriver',
  'MockDriverOptions',
  'MockFault',
  'MockVM',
  'mockDefaultCapabilities',
  'NLB_OPERATIONS',
  'NLBCreateRequest',
  'NLBError',
  'NLBErrorCode',
  'NLBErrorInit',
  'NLBHandler',
  'NLBInfo',
  'NLBOperation',
  'NLBScope',
  'NLBType',
  'ProgressEvent',
  'VMGroupInfo',
  'VMGroupMember',
  'VMGroupProtocol',
  'VMHealthDetail',
  'VMHealthState',
  'Violation',
];
const CAPABILITY_TYPES = [
  'DriverCapabilities',
  'HealthCheckCapabilities',
  'ChangeCapabilities',
  'AddressFamilyCapabilities',
  'DrainingCapabilities',
  'IntRange',
];

const entries = { root: 'src/index.ts', kit: 'src/driver-kit/index.ts' } as const;
const program = ts.createProgram(
  Object.values(entries).map((f) => join(root, f)),
  { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true },
);
const checker = program.getTypeChecker();

/** The exported symbols of an entry module, each resolved to what it names. */
function exportsOf(file: string): Map<string, ts.Symbol> {
  const source = program.getSourceFile(join(root, file));
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`tsc did not read ${file}`);
  return new Map(
    checker
      .getExportsOfModule(module)
      .map((s) => [s.name, s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s]),
  );
}
const docOf = (s: ts.Symbol) => ts.displayPartsToString(s.getDocumentationComment(checker)).trim();
const hasExample = (s: ts.Symbol) => s.getJsDocTags(checker).some((t) => t.name === 'example');
const rootExports = exportsOf(entries.root);
const kitExports = exportsOf(entries.kit);

describe('the root module nlbkit', () => {
  it('exports exactly the listed names (add one here only on purpose)', () => {
    const sort = (a: string[]) => [...a].sort((x, y) => x.localeCompare(y));
    expect(sort([...rootExports.keys()])).toEqual(sort(ROOT_EXPORTS));
  });

  it('keeps internals out: parsing, violation building and single capability checks', () => {
    for (const name of ['parseInput', 'toViolations', 'checkPortPair', 'readInput', 'createGuardedHandler'])
      expect(rootExports.has(name), name).toBe(false);
  });
});

describe.each(Object.entries(entries))('every export of %s', (_name, file) => {
  it('has a TSDoc sentence', () => {
    const undocumented = [...exportsOf(file)].filter(([, s]) => !/\w.*[.:)]/s.test(docOf(s)));
    expect(undocumented.map(([n]) => n)).toEqual([]);
  });
});

it('every export of nlbkit/driver-kit has an @example', () => {
  expect([...kitExports].filter(([, s]) => !hasExample(s)).map(([n]) => n)).toEqual([]);
});

it('every capability field says its default (or that it has none)', () => {
  const silent: string[] = [];
  for (const type of CAPABILITY_TYPES) {
    const symbol = rootExports.get(type);
    expect(symbol, type).toBeDefined();
    const owner = docOf(symbol as ts.Symbol);
    symbol?.members?.forEach((member, name) => {
      if (!/default/i.test(`${docOf(member)} ${owner}`)) silent.push(`${type}.${name}`);
    });
  }
  expect(silent).toEqual([]);
});

it('no driver reaches the guard by a deep path: drivers import it from src/driver-kit', () => {
  const dir = join(root, 'src/drivers');
  const deep =
    /from '(?:\.\.\/)+common\/(?:guarded-handler|guarded-adoption|guarded-call|driver-backend)\.js'/;
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const offenders = files.filter((f) => deep.test(readFileSync(join(dir, f), 'utf8')));
  expect(files.length).toBeGreaterThan(50);
  expect(offenders).toEqual([]);
  const users = files.filter((f) => readFileSync(join(dir, f), 'utf8').includes("/driver-kit/index.js'"));
  expect(users.length).toBeGreaterThan(10);
});
