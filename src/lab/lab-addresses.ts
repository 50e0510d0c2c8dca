/**
 * The lab's address plan: benchmark (198.18.0.0/15) and ULA (fd00:6e6c:626b::/48) ranges only, so
 * nothing here can be confused with a real network. Every namespace is private to one lab, so two
 * labs may use the same addresses.
 */

/** Where the VIPs live: the client routes these ranges to the active LB node. */
export const VIP_POOL = { v4: '198.19.0.0/24', v6: 'fd00:6e6c:626b:ff::/64' } as const;

/** Segment between the LB node(s) and the backends (through a bridge). */
export const BACKEND_NET = { v4: '198.18.1.0/24', v6: 'fd00:6e6c:626b:1::/64' } as const;

/** The client's own addresses (on its loopback, so they stay the same whichever LB node it goes through). */
export const CLIENT_NET = { v4: '198.18.2.0/24', v6: 'fd00:6e6c:626b:2::/64' } as const;

/** Client address `i` (0 is the main one). */
export function clientAddress(i: number): { v4: string; v6: string } {
  return { v4: `198.18.2.${i + 1}`, v6: `fd00:6e6c:626b:2::${(i + 1).toString(16)}` };
}

/** LB node `i`'s address on the backend segment (the backends' gateway). */
export function lbBackendSide(i: number): { v4: string; v6: string } {
  return { v4: `198.18.1.${i + 1}`, v6: `fd00:6e6c:626b:1::${(i + 1).toString(16)}` };
}

/** Backend `j`'s address. */
export function backendAddress(j: number): { v4: string; v6: string } {
  return { v4: `198.18.1.${j + 11}`, v6: `fd00:6e6c:626b:1::${(j + 11).toString(16)}` };
}

/** The link between the client and LB node `i`: the LB end and the client end. */
export function uplink(i: number): { lb: { v4: string; v6: string }; client: { v4: string; v6: string } } {
  return {
    lb: { v4: `198.18.${10 + i}.1`, v6: `fd00:6e6c:626b:${(16 + i).toString(16)}::1` },
    client: { v4: `198.18.${10 + i}.2`, v6: `fd00:6e6c:626b:${(16 + i).toString(16)}::2` },
  };
}
