/**
 * An in-memory stand-in for `ipvsadm` (test-only): keeps virtual services and real servers, applies
 * `-R` lines one by one as the real tool does (a failing line is reported and the rest still run; the
 * exit code is then 255), and answers `-L -n --exact` in the real tool's format (checked against
 * ipvsadm 1.31 on Debian's kernel in the VM test): sorted, or with `--nosort` in the kernel's list
 * order, where each added real server goes to the head. Like the kernel, it gives a directly routed or
 * tunnelled real server the service's port.
 */
import type { ExecResult, Executor } from '../../src/native/executor/types.js';

interface Dest {
  forward: 'Masq' | 'Route' | 'Tunnel';
  weight: number;
  active: number;
  inactive: number;
}
interface Service {
  scheduler: string;
  flags: string[];
  persistent?: number;
  dests: Map<string, Dest>;
}

/** The fake's state and knobs. */
export interface FakeIpvsadm extends Executor {
  /** By `TCP 10.0.0.1:80` / `UDP [fd00::1]:53` / `SCTP 10.0.0.1:80` / `FWM 7`. */
  services: Map<string, Service>;
  /** Every `-R` line received, in order. */
  lines: string[];
  /** Every argv run. */
  calls: (readonly string[])[];
  /** A line for which this returns a message fails with it (after the lines before it were applied). */
  failLine?: (line: string) => string | undefined;
  /** What the next run answers instead (once): e.g. a kernel without IPVS. */
  nextReply?: ExecResult;
  /** Sets the connection counts of a real server. */
  setConns(service: string, dest: string, active: number, inactive: number): void;
}

const FORWARD = { '-m': 'Masq', '-g': 'Route', '-i': 'Tunnel' } as const;

/** Creates the fake with an empty table. */
export function fakeIpvsadm(): FakeIpvsadm {
  const services = new Map<string, Service>();
  const fake: FakeIpvsadm = {
    where: 'fake',
    services,
    lines: [],
    calls: [],
    setConns(service, dest, active, inactive) {
      const d = services.get(service)?.dests.get(dest);
      if (!d) throw new Error(`no ${dest} in ${service}`);
      d.active = active;
      d.inactive = inactive;
    },
    async run(argv, opts) {
      fake.calls.push(argv);
      // The data plane's one sysctl (expire_nodest_conn): recorded in `calls`, always accepted.
      if (argv[0] === 'sysctl') return { code: 0, stdout: '', stderr: '' };
      if (fake.nextReply) {
        const r = fake.nextReply;
        fake.nextReply = undefined;
        return r;
      }
      const args = argv.slice(1);
      if (args.join(' ') === '-L -n --exact') return { code: 0, stdout: list(true), stderr: '' };
      if (args.join(' ') === '-L -n --exact --nosort') return { code: 0, stdout: list(false), stderr: '' };
      if (args[0] === '-R') {
        const errors: string[] = [];
        for (const line of (opts?.stdin ?? '').split('\n').filter(Boolean)) {
          fake.lines.push(line);
          const error = fake.failLine?.(line) ?? apply(line.split(' '));
          if (error) errors.push(error);
        }
        return { code: errors.length ? 255 : 0, stdout: '', stderr: errors.map((e) => `${e}\n`).join('') };
      }
      const error = apply(args as string[]);
      return { code: error ? 255 : 0, stdout: '', stderr: error ? `${error}\n` : '' };
    },
  };

  /** The kernel gives a directly routed or tunnelled real server the service's port. */
  function realServer(key: string, r: string, forward: keyof typeof FORWARD): string {
    if (forward === '-m' || key.startsWith('FWM')) return r;
    const port = key.slice(key.lastIndexOf(':') + 1);
    return `${r.slice(0, r.lastIndexOf(':'))}:${port}`;
  }

  function apply(args: string[]): string | undefined {
    const opt = (name: string) => {
      const i = args.indexOf(name);
      return i >= 0 ? args[i + 1] : undefined;
    };
    const t = opt('-t');
    const u = opt('-u');
    const f = opt('-f');
    const sctp = opt('--sctp-service');
    const key = t ? `TCP ${t}` : u ? `UDP ${u}` : sctp ? `SCTP ${sctp}` : f ? `FWM ${f}` : undefined;
    if (!key) return 'Illegal service';
    const svc = services.get(key);
    const forward = (Object.keys(FORWARD) as (keyof typeof FORWARD)[]).find((k) => args.includes(k)) ?? '-g';
    const weight = Number(opt('-w') ?? 1);
    const p = opt('-p');
    switch (args[0]) {
      case '-A':
        if (svc) return 'Service already exists';
        services.set(key, {
          scheduler: opt('-s') ?? 'wlc',
          flags: opt('-b')?.split(',') ?? [],
          ...(p ? { persistent: Number(p) } : {}),
          dests: new Map(),
        });
        return undefined;
      case '-E':
        if (!svc) return 'No such service';
        svc.scheduler = opt('-s') ?? 'wlc';
        svc.flags = opt('-b')?.split(',') ?? [];
        svc.persistent = p ? Number(p) : undefined;
        return undefined;
      case '-D':
        return services.delete(key) ? undefined : 'No such service';
      case '-a': {
        if (!svc) return 'Service not defined';
        const r = realServer(key, opt('-r')!, forward);
        if (svc.dests.has(r)) return 'Destination already exists';
        // The kernel adds at the head of the service's list.
        svc.dests = new Map([
          [r, { forward: FORWARD[forward], weight, active: 0, inactive: 0 }],
          ...svc.dests,
        ]);
        return undefined;
      }
      case '-e': {
        const d = svc?.dests.get(opt('-r')!);
        if (!d) return 'No such destination';
        d.forward = FORWARD[forward];
        d.weight = weight;
        return undefined;
      }
      case '-d':
        return svc?.dests.delete(opt('-r')!) ? undefined : 'No such destination';
      default:
        return `unknown command ${args[0]}`;
    }
  }

  function list(sorted: boolean): string {
    const out = [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
    ];
    for (const [key, s] of services) {
      const [prot, ep] = key.split(' ');
      const flags = s.flags.length ? ` (${[...s.flags].sort().join(',')})` : '';
      const persistent = s.persistent ? ` persistent ${s.persistent}` : '';
      out.push(`${prot}  ${ep} ${s.scheduler}${flags}${persistent}`);
      const dests = [...s.dests];
      if (sorted) dests.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [ep2, d] of dests) {
        out.push(
          `  -> ${ep2.padEnd(28)} ${d.forward.padEnd(7)} ${String(d.weight).padEnd(6)} ${String(d.active).padEnd(10)} ${d.inactive}`,
        );
      }
    }
    return `${out.join('\n')}\n`;
  }

  return fake;
}
