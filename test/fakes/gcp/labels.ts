/**
 * Labels on forwarding rules, as Compute Engine keeps them: set at insert or by setLabels, which
 * replaces them all and must carry the current `labelFingerprint` (412 conditionNotMet otherwise, a
 * missing one included). A forwarding rule's description, unlike its labels, never changes after insert.
 */
import { fingerprint, GceFault, invalid, type Json } from './state.js';

const KEY = /^[a-z][-_a-z0-9]{0,62}$/;
const VALUE = /^[-_a-z0-9]{0,63}$/;

/** The labels of a request, checked as Compute Engine checks them. */
export function labelsOf(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid("Invalid value for field 'labels'.");
  const entries = Object.entries(raw as Json);
  if (entries.length > 64) throw invalid("Invalid value for field 'labels': at most 64 labels.");
  for (const [k, v] of entries)
    if (!KEY.test(k) || typeof v !== 'string' || !VALUE.test(v))
      throw invalid(
        `Invalid value for field 'labels': '${k}'. Label keys and values must match ${KEY} and ${VALUE}.`,
      );
  return Object.fromEntries(entries) as Record<string, string>;
}

/** The label fields a forwarding rule is stored with. */
export const withLabels = (labels: Record<string, string>): Json => ({
  ...(Object.keys(labels).length > 0 ? { labels } : {}),
  labelFingerprint: fingerprint(),
});

/** The forwarding rule after a setLabels request, or the error Compute Engine gives. */
export function setLabels(current: Json, body: Json | undefined): Json {
  if (body?.labelFingerprint !== current.labelFingerprint)
    throw new GceFault(
      412,
      'conditionNotMet',
      'Labels fingerprint either invalid or resource labels have changed',
    );
  const { labels: _old, ...rest } = current;
  return { ...rest, ...withLabels(labelsOf(body?.labels)) };
}

/** Fields a forwarding rule PATCH may change; the description and the rest are fixed at insert. */
const PATCHABLE = new Set(['allowGlobalAccess', 'networkTier', 'fingerprint']);

/** The forwarding rule after a PATCH, or the error Compute Engine gives. */
export function patchRule(current: Json, body: Json | undefined): Json {
  // What the request would change (the SDK sends empty maps, e.g. `labels: {}`, for unset fields).
  const empty = (v: unknown) => typeof v === 'object' && v !== null && Object.keys(v).length === 0;
  const fields = Object.entries(body ?? {})
    .filter(([k, v]) => !PATCHABLE.has(k) && !empty(v) && JSON.stringify(v) !== JSON.stringify(current[k]))
    .map(([k]) => k);
  if (fields.length > 0)
    throw invalid(
      `Invalid value for field 'resource.${fields[0]}': a forwarding rule can only patch allowGlobalAccess and networkTier.`,
    );
  if (body?.fingerprint !== current.fingerprint)
    throw new GceFault(
      412,
      'conditionNotMet',
      'Supplied fingerprint does not match current metadata fingerprint.',
    );
  const { fingerprint: _f, ...changes } = body ?? {};
  return { ...current, ...changes, fingerprint: fingerprint() };
}
