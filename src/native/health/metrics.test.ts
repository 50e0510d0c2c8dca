import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../../test/native/fake-clock.js';
import type { Checker } from './checkers/types.js';
import { Counter, Histogram, renderMetrics } from './metrics.js';
import { createHealthMonitor } from './monitor.js';

/** Every non-comment line of the text exposition format: name{labels} value. */
const SAMPLE =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$/;

function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.trimEnd().split('\n')) {
    if (line.startsWith('#')) {
      expect(line).toMatch(/^# (HELP|TYPE) [a-z_]+ .+$/);
      continue;
    }
    expect(line).toMatch(SAMPLE);
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1).replace('+Inf', 'Infinity')));
  }
  return out;
}

describe('metrics text format', () => {
  it('renders counters with sorted, escaped labels, and a zero sample when never touched', () => {
    const c = new Counter('x_total', 'Things.');
    c.inc({ b: '2', a: 'q"uo\\te\n' });
    c.inc({ b: '2', a: 'q"uo\\te\n' }, 2);
    const empty = new Counter('y_total', 'Nothing yet.');
    const text = renderMetrics([c, empty]);
    expect(text).toBe(
      [
        '# HELP x_total Things.',
        '# TYPE x_total counter',
        'x_total{a="q\\"uo\\\\te\\n",b="2"} 3',
        '# HELP y_total Nothing yet.',
        '# TYPE y_total counter',
        'y_total 0',
        '',
      ].join('\n'),
    );
  });

  it('renders histograms with cumulative buckets, +Inf, sum and count', () => {
    const h = new Histogram('d_seconds', 'Durations.', [0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 3]) h.observe(v);
    expect(h.render().split('\n')).toEqual([
      '# HELP d_seconds Durations.',
      '# TYPE d_seconds histogram',
      'd_seconds_bucket{le="0.1"} 2',
      'd_seconds_bucket{le="1"} 3',
      'd_seconds_bucket{le="+Inf"} 4',
      'd_seconds_sum 3.65',
      'd_seconds_count 4',
    ]);
  });

  it("reports the monitor's checks, failures, state changes, durations and lateness", async () => {
    const clock = createFakeClock(0);
    const checker: Checker = (spec) =>
      new Promise((r) => clock.setTimeout(() => r({ ok: spec.address !== '10.0.0.2' }), 30));
    const monitor = createHealthMonitor({ clock, checker, concurrency: 1 });
    const t = { port: 80, protocol: 'TCP' as const, interval: 1, timeout: 0.5, rise: 1, fall: 1 };
    monitor.update([
      { key: 'a', address: '10.0.0.1', ...t },
      { key: 'b', address: '10.0.0.2', ...t },
      { key: 'c', address: '10.0.0.3', ...t, protocol: 'HTTP' },
    ]);
    // Three slots each (phases are hashes; the latest here is 972 ms), every check done 30 ms later.
    await clock.advance(3100);
    const s = samples(monitor.metricsText());
    expect(s.get('nlbkit_health_checks_total{protocol="TCP"}')).toBe(6);
    expect(s.get('nlbkit_health_checks_total{protocol="HTTP"}')).toBe(3);
    expect(s.get('nlbkit_health_check_failures_total{protocol="TCP"}')).toBe(3);
    expect(s.get('nlbkit_health_check_failures_total{protocol="HTTP"}')).toBeUndefined();
    expect(s.get('nlbkit_health_state_changes_total{to="HEALTHY"}')).toBe(2);
    expect(s.get('nlbkit_health_state_changes_total{to="UNHEALTHY"}')).toBe(1);
    expect(s.get('nlbkit_health_targets{state="HEALTHY"}')).toBe(2);
    expect(s.get('nlbkit_health_targets{state="UNHEALTHY"}')).toBe(1);
    expect(s.get('nlbkit_health_check_duration_seconds_bucket{le="0.025"}')).toBe(0);
    expect(s.get('nlbkit_health_check_duration_seconds_bucket{le="0.05"}')).toBe(9);
    expect(s.get('nlbkit_health_check_duration_seconds_count')).toBe(9);
    expect(s.get('nlbkit_health_schedule_lateness_seconds_count')).toBe(9);
    expect(s.get('nlbkit_health_schedule_lateness_seconds_bucket{le="+Inf"}')).toBe(9);
    await monitor.close();
  });

  it('serves /metrics over HTTP on loopback and stops with close()', async () => {
    const monitor = createHealthMonitor();
    const server = await monitor.serveMetrics({ host: '127.0.0.1', port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toMatch(/^# HELP nlbkit_health_checks_total/);
    expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
    await monitor.close();
    await expect(fetch(server.url)).rejects.toThrow();
  });
});
