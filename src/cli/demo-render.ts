/**
 * Text rendering for the demo: one bar per backend showing its share of the connections.
 */

/** One row of a share table. */
export interface ShareRow {
  name: string;
  /** Shown after the name, e.g. the backend's address. */
  detail: string;
  count: number;
}

const WIDTH = 30;

/**
 * Renders rows as aligned bars, scaled to `total`, e.g.
 * `  vm-0  198.18.1.11  ██████████····················   100  33.3%`.
 */
export function renderShares(rows: readonly ShareRow[], total: number, indent = '  '): string {
  const nameWidth = Math.max(...rows.map((r) => r.name.length), 4);
  const detailWidth = Math.max(...rows.map((r) => r.detail.length), 0);
  const countWidth = String(total).length;
  return rows
    .map((r) => {
      const share = total > 0 ? r.count / total : 0;
      const filled = Math.round(share * WIDTH);
      const bar = '█'.repeat(filled) + '·'.repeat(WIDTH - filled);
      const pct = `${(share * 100).toFixed(1)}%`.padStart(6);
      return `${indent}${r.name.padEnd(nameWidth)}  ${r.detail.padEnd(detailWidth)}  ${bar}  ${String(r.count).padStart(countWidth)}  ${pct}`;
    })
    .join('\n');
}
