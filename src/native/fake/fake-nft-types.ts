/** Map types in the fake: which values each part of a key or value accepts, in canonical form. */
import { parseAddress } from '../../interfaces/schemas.js';
import { FakeNftError } from './fake-nft-errors.js';
import { joinTokens } from './fake-nft-script.js';

/** What one part of a map type accepts, or undefined for anything. */
function partCheck(type: string): ((v: string) => string | undefined) | undefined {
  const uint = (max: number) => (v: string) => (/^\d+$/.test(v) && Number(v) <= max ? v : undefined);
  const family = (kind: 'ipv4' | 'ipv6') => (v: string) => {
    const a = parseAddress(v);
    return a && a.family === (kind === 'ipv4' ? 4 : 6) ? a.address : undefined;
  };
  if (/^(ipv4_addr|ip [sd]addr)$/.test(type)) return family('ipv4');
  if (/^(ipv6_addr|ip6 [sd]addr)$/.test(type)) return family('ipv6');
  if (/^(inet_service|th [sd]port)$/.test(type)) return uint(65535);
  if (/^(inet_proto|meta l4proto)$/.test(type)) return (v) => (/^(tcp|udp|\d{1,3})$/.test(v) ? v : undefined);
  if (/^numgen /.test(type) || type === 'mark' || type === 'integer') return uint(0xffffffff);
  return undefined;
}

/** Canonical text of one side of an element (`a . b . c`), checked against the type's parts. */
export function canonicalParts(tokens: string[], types: string[], what: string, line: number): string {
  const parts = joinTokens(tokens).split(' . ');
  if (parts.length !== types.length)
    throw new FakeNftError(`${what} has ${parts.length} parts, the map's type ${types.length}`, line);
  return parts
    .map((p, i) => {
      const check = partCheck(types[i] as string);
      const v = check ? check(p) : p;
      if (v === undefined) throw new FakeNftError(`${what}: '${p}' is not a ${types[i]}`, line);
      return v;
    })
    .join(' . ');
}

/** The parts of a map type line's key and value: `type a . b : c` gives key [a, b], value [c]. */
export function mapTypes(type: string): { key: string[]; value: string[] } {
  const [key = '', value = ''] = type.replace(/^type(of)? /, '').split(' : ');
  return { key: key.split(' . '), value: value.split(' . ') };
}
