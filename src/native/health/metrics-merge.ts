/**
 * Merges the exposition texts of two health monitors into one: each metric family once (its HELP and
 * TYPE lines from the first text that has it), the first text's samples as they are, the second's
 * with one more label (e.g. `path="vip"` for the probe namespace's checks). Prometheus rejects a
 * family declared twice, so two texts cannot simply be joined. Pure; only for texts that
 * metrics.ts renders (one family per HELP/TYPE pair, no timestamps).
 */

/** A metric family: its HELP and TYPE lines and its sample lines, in order. */
interface Family {
  head: string[];
  samples: string[];
}

function families(text: string): Map<string, Family> {
  const out = new Map<string, Family>();
  let current: Family | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
    if (meta) {
      const name = meta[2]!;
      current = out.get(name) ?? { head: [], samples: [] };
      out.set(name, current);
      if (current.head.length < 2) current.head.push(line);
      continue;
    }
    current?.samples.push(line);
  }
  return out;
}

/** `line` (`name{a="1"} 3` or `name 3`) with `label` added to its label set. */
function withLabel(line: string, label: string): string {
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  if (brace >= 0 && brace < space) return `${line.slice(0, brace + 1)}${label},${line.slice(brace + 1)}`;
  return `${line.slice(0, space)}{${label}}${line.slice(space)}`;
}

/**
 * One exposition text: `first` as it is, `second`'s samples labelled `name="value"` (a label name and
 * a value without quotes or backslashes).
 */
export function mergeMetricsTexts(first: string, second: string, name: string, value: string): string {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || /["\\\n]/.test(value))
    throw new Error(`not a label: ${name}=${JSON.stringify(value)}`);
  if (second.trim() === '') return first;
  const merged = families(first);
  for (const [family, f] of families(second)) {
    const into = merged.get(family) ?? { head: f.head, samples: [] };
    merged.set(family, into);
    into.samples.push(...f.samples.map((l) => withLabel(l, `${name}="${value}"`)));
  }
  return `${[...merged.values()].flatMap((f) => [...f.head, ...f.samples]).join('\n')}\n`;
}
