/**
 * ELBv2 `Marker`/`PageSize` paging. The marker is opaque to clients (an encoded offset), so a driver
 * that forgets to pass `NextMarker` back, or invents one, is caught.
 */

import { checkRange } from './elbv2-validate.js';
import { validationError } from './errors.js';
import type { Params } from './form.js';

/** One page of `items` and the marker for the next, if any. */
export function pageOf<T>(items: readonly T[], params: Params): { items: T[]; nextMarker?: string } {
  const size = params.int('PageSize');
  checkRange('pageSize', size, 1, 400);
  const marker = params.str('Marker');
  let start = 0;
  if (marker !== undefined) {
    const decoded = /^m1\.(\d+)$/.exec(Buffer.from(marker, 'base64url').toString('utf8'));
    start = decoded ? Number(decoded[1]) : Number.NaN;
    if (!Number.isInteger(start) || start > items.length) throw validationError(`Invalid Marker '${marker}'`);
  }
  const limit = size ?? 400;
  const end = start + limit;
  if (end >= items.length) return { items: items.slice(start) };
  return { items: items.slice(start, end), nextMarker: Buffer.from(`m1.${end}`).toString('base64url') };
}
