/**
 * Decoding of the form-encoded request bodies both Query protocols use, and typed access to the
 * flattened keys (`Names.member.1`, `Tags.member.2.Key`, `Filter.1.Value.1`).
 */
import { missingParam, validationError } from './errors.js';

/** Decodes an `application/x-www-form-urlencoded` body into a flat key/value record. */
export function decodeForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

/** Splits `prefix.N.rest` keys into per-index records, ordered by N (the wire order is not trusted). */
function indexed(params: Record<string, string>, prefix: string): Map<number, Record<string, string>> {
  const byIndex = new Map<number, Record<string, string>>();
  const head = `${prefix}.`;
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith(head)) continue;
    const rest = key.slice(head.length);
    const dot = rest.indexOf('.');
    const index = Number(dot < 0 ? rest : rest.slice(0, dot));
    if (!Number.isInteger(index) || index < 1) continue;
    const entry = byIndex.get(index) ?? {};
    entry[dot < 0 ? '' : rest.slice(dot + 1)] = value;
    byIndex.set(index, entry);
  }
  return new Map([...byIndex.entries()].sort((a, b) => a[0] - b[0]));
}

/** Typed reader over decoded params; errors are AWS `ValidationError`s. */
export class Params {
  constructor(readonly raw: Record<string, string>) {}

  /** An optional string. */
  str(name: string): string | undefined {
    return this.raw[name];
  }

  /** A required string. */
  req(name: string): string {
    const v = this.raw[name];
    if (v === undefined || v === '') throw missingParam(name);
    return v;
  }

  /** An optional integer; a non-integer is a validation error, as on the real service. */
  int(name: string): number | undefined {
    const v = this.raw[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(n)) {
      throw validationError(
        `Value '${v}' at '${name}' failed to satisfy constraint: Member must be an integer`,
      );
    }
    return n;
  }

  /** An optional boolean (`true`/`false`). */
  bool(name: string): boolean | undefined {
    const v = this.raw[name];
    return v === undefined ? undefined : v === 'true';
  }

  /** A list of scalars: `prefix.1`, `prefix.2`… (pass `Names.member` for awsQuery lists). */
  list(prefix: string): string[] {
    return [...indexed(this.raw, prefix).values()].map((e) => e[''] ?? '').filter((v) => v !== '');
  }

  /** A list of structures: each entry is a sub-`Params` over the keys below `prefix.N.`. */
  structs(prefix: string): Params[] {
    return [...indexed(this.raw, prefix).values()].map((e) => new Params(e));
  }
}
