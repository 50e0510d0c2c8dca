import { describe, expect, it } from 'vitest';
import { Counter, Histogram, renderMetrics } from './metrics.js';
import { mergeMetricsTexts } from './metrics-merge.js';

/** Two monitors' texts: the same families, other values. */
function text(checks: number, seconds: number[]) {
  const c = new Counter('nlbkit_health_checks_total', 'Health checks completed, by protocol.');
  c.inc({ protocol: 'TCP' }, checks);
  const h = new Histogram('nlbkit_health_check_duration_seconds', 'Time a health check took.', [0.1, 1]);
  for (const s of seconds) h.observe(s);
  const g = new Counter('nlbkit_health_notifications_total', 'onChange notifications delivered.');
  g.inc({}, 1);
  return renderMetrics([c, h, g]);
}

describe('mergeMetricsTexts', () => {
  it('declares each family once: the first text as it is, the second labelled', () => {
    const merged = mergeMetricsTexts(text(3, [0.05]), text(7, [0.5, 2]), 'path', 'vip');
    expect(merged).toBe(
      [
        '# HELP nlbkit_health_checks_total Health checks completed, by protocol.',
        '# TYPE nlbkit_health_checks_total counter',
        'nlbkit_health_checks_total{protocol="TCP"} 3',
        'nlbkit_health_checks_total{path="vip",protocol="TCP"} 7',
        '# HELP nlbkit_health_check_duration_seconds Time a health check took.',
        '# TYPE nlbkit_health_check_duration_seconds histogram',
        'nlbkit_health_check_duration_seconds_bucket{le="0.1"} 1',
        'nlbkit_health_check_duration_seconds_bucket{le="1"} 1',
        'nlbkit_health_check_duration_seconds_bucket{le="+Inf"} 1',
        'nlbkit_health_check_duration_seconds_sum 0.05',
        'nlbkit_health_check_duration_seconds_count 1',
        'nlbkit_health_check_duration_seconds_bucket{path="vip",le="0.1"} 0',
        'nlbkit_health_check_duration_seconds_bucket{path="vip",le="1"} 1',
        'nlbkit_health_check_duration_seconds_bucket{path="vip",le="+Inf"} 2',
        'nlbkit_health_check_duration_seconds_sum{path="vip"} 2.5',
        'nlbkit_health_check_duration_seconds_count{path="vip"} 2',
        '# HELP nlbkit_health_notifications_total onChange notifications delivered.',
        '# TYPE nlbkit_health_notifications_total counter',
        'nlbkit_health_notifications_total 1',
        'nlbkit_health_notifications_total{path="vip"} 1',
        '',
      ].join('\n'),
    );
    expect(merged.match(/^# TYPE /gm)).toHaveLength(3);
  });

  it('keeps a family only the second text has, and the first text alone when the second is empty', () => {
    const only = new Counter('nlbkit_probe_only_total', 'Only in the probe.');
    only.inc({}, 2);
    const merged = mergeMetricsTexts(text(1, []), renderMetrics([only]), 'path', 'vip');
    expect(merged).toContain('# TYPE nlbkit_probe_only_total counter\nnlbkit_probe_only_total{path="vip"} 2');
    expect(mergeMetricsTexts(text(1, []), '', 'path', 'vip')).toBe(text(1, []));
  });

  it('refuses a label that would break the text', () => {
    expect(() => mergeMetricsTexts('', 'x 1\n', 'pa th', 'vip')).toThrow(/not a label/);
    expect(() => mergeMetricsTexts('', 'x 1\n', 'path', 'v"ip')).toThrow(/not a label/);
  });
});
