/**
 * The canonical order of a virtual service's real servers, for the `mh` scheduler of `dsr` and
 * `tunnel` services. The kernel builds an `mh` table from the service's list of real servers, in list
 * order, with fixed hash keys: nodes whose lists hold the same servers, weights and order build the
 * same table, so a flow that moves node meets the same choice. The kernel puts each real server it is
 * given at the head of that list; so nlbkit adds them in ascending order (by address, then port) and
 * the kernel holds them in descending order. A later add of a server that does not sort above all the
 * others would land out of place: the plan then deletes the servers that must come after it and adds
 * them back with it, in one `ipvsadm -R`, so every node ends with the list a fresh build would have.
 */

/** Splits `a.b.c.d:port` / `[v6]:port` (as ipvsadm writes them) into address and port. */
function split(endpoint: string): [string, number] {
  const colon = endpoint.lastIndexOf(':');
  return [endpoint.slice(0, colon).replace(/^\[|\]$/g, ''), Number(endpoint.slice(colon + 1))];
}

/** Ascending by address (as text, the same on every node), then by port: the order servers are added in. */
export function compareEndpoints(a: string, b: string): number {
  const [aa, ap] = split(a);
  const [ba, bp] = split(b);
  return aa < ba ? -1 : aa > ba ? 1 : ap - bp;
}

/** What it takes to turn the kernel's list into the canonical one. */
export interface Reorder {
  /** Real servers now in the list that must be deleted first, to be added back in place. */
  readd: string[];
  /** Every real server to add, in this order (new ones and those in `readd`): ascending. */
  add: string[];
}

/**
 * The fewest servers to (re-)add so the list holds `wanted` in canonical order (descending from the
 * head). `kernel` is the list as the kernel holds it (head first, `ipvsadm -L --nosort`), without the
 * servers about to be deleted; `wanted` is every server that stays or comes. The longest tail the
 * kernel's list already shares with the canonical one stays; everything before it is (re-)added.
 */
export function reorder(kernel: readonly string[], wanted: Iterable<string>): Reorder {
  const target = [...new Set(wanted)].sort((a, b) => compareEndpoints(b, a));
  let kept = 0;
  while (
    kept < kernel.length &&
    kept < target.length &&
    kernel[kernel.length - 1 - kept] === target[target.length - 1 - kept]
  )
    kept++;
  return {
    readd: kernel.slice(0, kernel.length - kept),
    add: target.slice(0, target.length - kept).reverse(),
  };
}
