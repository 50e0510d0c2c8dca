import { describe, expect, it } from 'vitest';
import { backend, nodeState, service } from '../../../test/native/nft-fixtures.js';
import type { ServiceSpec } from '../model.js';
import { desiredServices } from './ipvs-layout.js';
import { diffIpvs, planIpvs } from './ipvs-plan.js';
import { parseIpvsList } from './ipvs-readback.js';

const HEAD = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
`;
const kernel = (body: string) => parseIpvsList(HEAD + body);
const owns = (vip: string) => vip.startsWith('10.0.0.');
const want = (...services: ServiceSpec[]) => desiredServices(nodeState(services), owns);

describe('planIpvs', () => {
  it('adds a service with its servers on an empty table, and nothing when the table matches', () => {
    const plan = planIpvs(kernel(''), want(service()), owns);
    expect(plan.lines).toEqual([
      '-A -t 10.0.0.1:80 -s rr',
      '-a -t 10.0.0.1:80 -r 10.1.0.1:8080 -m -w 1',
      '-a -t 10.0.0.1:80 -r 10.1.0.2:8080 -m -w 1',
    ]);
    const same = kernel(`TCP  10.0.0.1:80 rr
  -> 10.1.0.1:8080  Masq 1 0 0
  -> 10.1.0.2:8080  Masq 1 4 2
`);
    expect(planIpvs(same, want(service()), owns)).toEqual({ lines: [], draining: [] });
    expect(diffIpvs(same, want(service()), owns)).toEqual([]);
  });

  it('orders adds, edits, drains and removals, so a service never runs out of servers', () => {
    const k = kernel(`TCP  10.0.0.1:80 rr
  -> 10.1.0.1:8080  Masq 1 2 0
  -> 10.1.0.2:8080  Route 1 0 0
TCP  10.0.0.9:443 rr
  -> 10.1.0.1:443  Masq 1 0 0
`);
    const next = service({
      algorithm: 'MAGLEV',
      backends: [backend(2, { weight: 2 }), backend(3)],
    });
    expect(planIpvs(k, want(next), owns)).toEqual({
      lines: [
        '-a -t 10.0.0.1:80 -r 10.1.0.3:8080 -m -w 1',
        '-E -t 10.0.0.1:80 -s mh -b mh-fallback',
        '-e -t 10.0.0.1:80 -r 10.1.0.2:8080 -m -w 2',
        '-e -t 10.0.0.1:80 -r 10.1.0.1:8080 -m -w 0',
        '-D -t 10.0.0.9:443',
      ],
      draining: ['tcp 10.0.0.1:80 10.1.0.1:8080'],
    });
  });

  it('drains a leaving server while the kernel counts its connections, then deletes it', () => {
    const one = want(service({ backends: [backend(2)] }));
    const busy = kernel(`TCP  10.0.0.1:80 rr
  -> 10.1.0.1:8080  Masq 0 1 0
  -> 10.1.0.2:8080  Masq 1 0 0
`);
    // Already at weight 0 with a connection: nothing to send, still draining, and not a difference.
    expect(planIpvs(busy, one, owns)).toEqual({ lines: [], draining: ['tcp 10.0.0.1:80 10.1.0.1:8080'] });
    expect(diffIpvs(busy, one, owns)).toEqual([]);
    const lingering = kernel(`TCP  10.0.0.1:80 rr
  -> 10.1.0.1:8080  Masq 0 0 3
  -> 10.1.0.2:8080  Masq 1 0 0
`);
    expect(planIpvs(lingering, one, owns).lines).toEqual([]);
    const idle = kernel(`TCP  10.0.0.1:80 rr
  -> 10.1.0.1:8080  Masq 0 0 0
  -> 10.1.0.2:8080  Masq 1 0 0
`);
    expect(planIpvs(idle, one, owns)).toEqual({
      lines: ['-d -t 10.0.0.1:80 -r 10.1.0.1:8080'],
      draining: [],
    });
    // Its drain time over (drainTimeoutSec), it is deleted with its connections.
    const over = want(
      service({ backends: [backend(2)], drained: [{ address: '10.1.0.1', port: 8080, until: 1 }] }),
    );
    expect(planIpvs(busy, over, owns)).toEqual({
      lines: ['-d -t 10.0.0.1:80 -r 10.1.0.1:8080'],
      draining: [],
    });
    // A drained server that comes back gets its weight again.
    expect(planIpvs(busy, want(service()), owns).lines).toEqual([
      '-e -t 10.0.0.1:80 -r 10.1.0.1:8080 -m -w 1',
    ]);
  });

  it('never touches services outside the owned ranges', () => {
    const k = kernel(`TCP  203.0.113.9:80 lc
  -> 10.1.0.1:80  Route 1 0 0
UDP  [fd00::1]:53 rr
`);
    expect(planIpvs(k, want(), owns).lines).toEqual([]);
    expect(diffIpvs(k, want(), owns)).toEqual([]);
  });

  it('lists every difference for verify()', () => {
    const k = kernel(`TCP  10.0.0.1:80 wrr persistent 60
  -> 10.1.0.1:8080  Masq 3 0 0
  -> 10.1.0.7:8080  Masq 1 0 0
TCP  10.0.0.5:80 rr
`);
    expect(diffIpvs(k, want(service(), service({ id: 'gone', port: 81 })), owns)).toEqual([
      'service tcp 10.0.0.1:80 schedules with wrr persistent 60, expected rr',
      'real server 10.1.0.1:8080 of tcp 10.0.0.1:80 has Masq weight 3, expected Masq weight 1',
      'real server 10.1.0.2:8080 of tcp 10.0.0.1:80 is missing',
      'real server 10.1.0.7:8080 of tcp 10.0.0.1:80 should not take new flows (weight 1)',
      'service tcp 10.0.0.1:81 (gone) is missing',
      'service tcp 10.0.0.5:80 is not desired',
    ]);
  });

  it('dsr and tunnel: -g and -i lines, drained with their method, and kept in canonical order', () => {
    const dsr = (ns: number[], over: Partial<ServiceSpec> = {}) =>
      want(
        service({
          algorithm: 'MAGLEV',
          hashFields: 'FIVE_TUPLE',
          forwarding: 'dsr',
          backends: ns.map((n) => backend(n, { port: 80 })),
          ...over,
        }),
      );
    expect(planIpvs(kernel(''), dsr([2, 1]), owns).lines).toEqual([
      '-A -t 10.0.0.1:80 -s mh -b mh-fallback,mh-port',
      '-a -t 10.0.0.1:80 -r 10.1.0.1:80 -g -w 1',
      '-a -t 10.0.0.1:80 -r 10.1.0.2:80 -g -w 1',
    ]);
    expect(planIpvs(kernel(''), dsr([1], { forwarding: 'tunnel' }), owns).lines[1]).toBe(
      '-a -t 10.0.0.1:80 -r 10.1.0.1:80 -i -w 1',
    );
    // The kernel's list, head first: descending. 10.1.0.3 lands in the middle: 10.1.0.4 is re-added after it.
    const k = kernel(`TCP  10.0.0.1:80 mh (mh-fallback,mh-port)
  -> 10.1.0.4:80  Route 1 3 0
  -> 10.1.0.2:80  Route 1 1 0
  -> 10.1.0.1:80  Masq 1 0 0
`);
    expect(planIpvs(k, dsr([1, 3, 4]), owns)).toEqual({
      lines: [
        '-d -t 10.0.0.1:80 -r 10.1.0.4:80',
        '-a -t 10.0.0.1:80 -r 10.1.0.3:80 -g -w 1',
        '-a -t 10.0.0.1:80 -r 10.1.0.4:80 -g -w 1',
        '-e -t 10.0.0.1:80 -r 10.1.0.1:80 -g -w 1',
        '-e -t 10.0.0.1:80 -r 10.1.0.2:80 -g -w 0',
      ],
      draining: ['tcp 10.0.0.1:80 10.1.0.2:80'],
    });
    expect(diffIpvs(k, dsr([1, 2, 4]), owns)).toEqual([
      'real server 10.1.0.1:80 of tcp 10.0.0.1:80 has Masq weight 1, expected Route weight 1',
    ]);
    const misordered = kernel(`TCP  10.0.0.1:80 mh (mh-fallback,mh-port)
  -> 10.1.0.1:80  Route 1 0 0
  -> 10.1.0.2:80  Route 1 0 0
`);
    expect(diffIpvs(misordered, dsr([1, 2]), owns)).toEqual([
      'real servers of tcp 10.0.0.1:80 are out of canonical order: 10.1.0.1:80, 10.1.0.2:80',
    ]);
    expect(planIpvs(misordered, dsr([1, 2]), owns).lines).toEqual([
      '-d -t 10.0.0.1:80 -r 10.1.0.1:80',
      '-d -t 10.0.0.1:80 -r 10.1.0.2:80',
      '-a -t 10.0.0.1:80 -r 10.1.0.1:80 -g -w 1',
      '-a -t 10.0.0.1:80 -r 10.1.0.2:80 -g -w 1',
    ]);
    // NAT services keep the kernel's order as it is.
    expect(
      diffIpvs(
        kernel(`TCP  10.0.0.1:80 rr
  -> 10.1.0.1:8080  Masq 1 0 0
  -> 10.1.0.2:8080  Masq 1 0 0
`),
        want(service()),
        owns,
      ),
    ).toEqual([]);
  });
});
