import { describe, expect, it } from 'vitest';
import { parseProtocols, parseRoutes } from './birdc-output.js';

describe('birdc output', () => {
  it('reads BGP and BFD sessions from show protocols, whatever the time format', () => {
    const text = [
      'BIRD 2.0.12 ready.',
      'Name       Proto      Table      State  Since         Info',
      'device1    Device     ---        up     23:20:05.190  ',
      'nlbkit4    Static     master4    up     23:20:05.190  ',
      'router4    BGP        ---        up     23:20:06.001  Established   ',
      'router6    BGP        ---        start  2026-12-04 23:20:05  Active        Socket: Connection refused',
      'bfd1       BFD        ---        up     23:20:05.190  ',
      'down4      BGP        ---        down   23:20:05.190  ',
    ].join('\n');
    expect(parseProtocols(text)).toEqual([
      { name: 'bfd1', state: 'up' },
      { name: 'down4', state: 'down' },
      { name: 'router4', state: 'Established' },
      { name: 'router6', state: 'Active', info: 'Socket: Connection refused' },
    ]);
  });

  it('reads host routes from show route, canonical, and ignores the rest', () => {
    const text = [
      'BIRD 2.0.12 ready.',
      'Table master4:',
      '198.19.0.2/32        blackhole [nlbkit4 23:20:05.190] * (200)',
      '198.19.0.1/32        blackhole [nlbkit4 23:20:05.190] * (200)',
      '198.19.0.0/24        blackhole [other 23:20:05.190] * (200)',
      'Table master6:',
      'fd00:0:0::1/128      blackhole [nlbkit6 23:20:05.190] * (200)',
      '198.19.0.9/128       nonsense',
    ].join('\n');
    expect(parseRoutes(text)).toEqual(['198.19.0.1', '198.19.0.2', 'fd00::1']);
  });
});
