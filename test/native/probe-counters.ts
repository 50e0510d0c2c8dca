/**
 * What the path health tests look at inside a backend's namespace: named nft counters at prerouting
 * (which packets arrived, before routing) and whether a TCP connection to an address completes.
 * Test-only.
 */
import { execFileSync } from 'node:child_process';

/** Runs `argv` in namespace `ns`; its stdout. */
export const inNetns = (ns: string, argv: string[], input?: string): string =>
  execFileSync('ip', ['netns', 'exec', ns, ...argv], {
    encoding: 'utf8',
    stdio: 'pipe',
    ...(input ? { input } : {}),
  });

/** Loads counters named as `rules`' keys in `ns`, each counting the packets its nft match selects. */
export function countPackets(ns: string, rules: Record<string, string>): void {
  const names = Object.keys(rules);
  inNetns(
    ns,
    ['nft', '-f', '-'],
    `table ip hpcount {
${names.map((n) => `  counter ${n} {}`).join('\n')}
  chain pre {
    type filter hook prerouting priority -300; policy accept;
${names.map((n) => `    ${rules[n]} counter name "${n}"`).join('\n')}
  }
}
`,
  );
}

/** The packets counter `name` of countPackets has seen in `ns`. */
export const packets = (ns: string, name: string): number =>
  Number(/packets (\d+)/.exec(inNetns(ns, ['nft', 'list', 'counter', 'ip', 'hpcount', name]))?.[1]);

/** Connects from `ns` to `address`:`port`; true when the handshake completes within `ms`. */
export const answersAt = (ns: string, address: string, port: number, ms = 3000): boolean =>
  inNetns(ns, [
    process.execPath,
    '-e',
    `const s=require('net').connect({host:'${address}',port:${port}});s.on('connect',()=>{console.log('yes');s.destroy()});s.on('error',()=>console.log('no'));setTimeout(()=>{console.log('no');process.exit()},${ms}).unref();`,
  ]).startsWith('yes');
