import { describe, expect, it } from 'vitest';
import { parseEndpoint, parseIpvsList } from './ipvs-readback.js';

// As ipvsadm 1.31 printed it on Debian's 6.1 kernel (the VM test), with firewall-mark and SCTP services added.
const LISTING = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  198.18.0.1:80 rr
  -> 198.18.1.10:8080             Masq    1      3          12        
  -> 198.18.1.11:8080             Masq    0      0          1         
TCP  198.18.0.2:443 mh (mh-port,mh-fallback)
TCP  198.18.0.3:80 rr persistent 300
FWM  7 rr
  -> 10.9.9.9:0                   Route   1      0          0         
UDP  198.18.0.1:53 sh (sh-fallback,sh-port)
SCTP 198.18.0.4:9000 rr
  -> 198.18.1.12:9000             Masq    1      0          0         
TCP  [fd00:99::1]:80 wrr
  -> [fd00:1::2]:8080             Masq    2      0          0         
`;

describe('parseIpvsList', () => {
  it('reads services, their flags and persistence, and real servers with their counts', () => {
    const k = parseIpvsList(LISTING);
    expect([...k.keys()]).toEqual([
      'tcp 198.18.0.1:80',
      'tcp 198.18.0.2:443',
      'tcp 198.18.0.3:80',
      'udp 198.18.0.1:53',
      'sctp 198.18.0.4:9000',
      'tcp [fd00:99::1]:80',
    ]);
    // nlbkit makes no SCTP service, but one on an address it owns is drift, so it is read.
    expect(k.get('sctp 198.18.0.4:9000')).toMatchObject({ protocol: 'sctp', vip: '198.18.0.4' });
    const web = k.get('tcp 198.18.0.1:80')!;
    expect(web).toMatchObject({ protocol: 'tcp', vip: '198.18.0.1', scheduler: 'rr', flags: [], extra: '' });
    expect([...web.dests.values()]).toEqual([
      { endpoint: '198.18.1.10:8080', forward: 'Masq', weight: 1, activeConns: 3, inactiveConns: 12 },
      { endpoint: '198.18.1.11:8080', forward: 'Masq', weight: 0, activeConns: 0, inactiveConns: 1 },
    ]);
    expect(k.get('tcp 198.18.0.2:443')!.flags).toEqual(['mh-fallback', 'mh-port']);
    expect(k.get('tcp 198.18.0.3:80')!.extra).toBe('persistent 300');
    expect(k.get('tcp [fd00:99::1]:80')!.dests.get('[fd00:1::2]:8080')!.weight).toBe(2);
  });

  it('skips firewall-mark services with their servers, and fails on a line it cannot read', () => {
    expect([...parseIpvsList(LISTING).values()].some((s) => s.endpoint.startsWith('10.9'))).toBe(false);
    expect(() => parseIpvsList(`${LISTING}TCP  nonsense rr\n`)).toThrow(
      expect.objectContaining({ code: 'PROVIDER_ERROR' }),
    );
    expect(() => parseIpvsList(`${LISTING}something else\n`)).toThrow(/cannot read this line/);
  });

  it('writes endpoints back with canonical addresses', () => {
    expect(parseEndpoint('[FD00:0:0::1]:80')).toEqual({
      address: 'fd00::1',
      family: 6,
      endpoint: '[fd00::1]:80',
    });
    expect(parseEndpoint('10.0.0.1:0')).toBeUndefined();
    expect(parseEndpoint('10.0.0.1')).toBeUndefined();
    expect(parseEndpoint('fd00::1:80')).toBeUndefined();
  });
});
