/**
 * EC2 `Filter.N.Name` / `Filter.N.Value.M` handling with EC2's semantics: values of one filter are
 * ORed, filters are ANDed, values may use `*` and `?` wildcards, and an unknown filter name is an
 * `InvalidParameterValue` error.
 */
import { AwsFault } from './errors.js';
import type { Params } from './form.js';

/** One decoded filter. */
export interface Ec2Filter {
  name: string;
  values: string[];
}

/** Reads the request's filters. */
export function readFilters(params: Params): Ec2Filter[] {
  return params.structs('Filter').map((f) => ({ name: f.req('Name'), values: f.list('Value') }));
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Per-filter-name value extractors for one resource type. */
export type FilterTable<T> = Readonly<Record<string, (item: T) => string[]>>;

/**
 * Keeps the items every filter accepts. Filter names are checked before any item is looked at, so an
 * unsupported name fails even when there is nothing to filter (as EC2 does).
 */
export function applyFilters<T>(
  items: readonly T[],
  filters: readonly Ec2Filter[],
  table: FilterTable<T>,
  tags: (item: T) => Record<string, string>,
): T[] {
  const compiled = filters.map((f) => {
    const isTag = f.name.startsWith('tag:') || f.name === 'tag-key' || f.name === 'tag-value';
    const get = table[f.name] ?? (isTag ? (item: T) => tagFilterValues(tags(item), f.name) : undefined);
    if (!get) throw new AwsFault('InvalidParameterValue', `The filter '${f.name}' is invalid`);
    return { get, patterns: f.values.map(globToRegExp) };
  });
  return items.filter((item) =>
    compiled.every(({ get, patterns }) => get(item).some((v) => patterns.some((p) => p.test(v)))),
  );
}

function tagFilterValues(tags: Record<string, string>, name: string): string[] {
  if (name === 'tag-key') return Object.keys(tags);
  if (name === 'tag-value') return Object.values(tags);
  const v = tags[name.slice(4)];
  return v === undefined ? [] : [v];
}
