/** ARM's wire conventions: error bodies, faults, and the pieces of a resource path. */
export class ArmFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const armError = (f: ArmFault) => ({ error: { code: f.code, message: f.message } });
export const invalid = (code: string, message: string) => new ArmFault(400, code, message);
export const notFound = (what: string, name: string) =>
  new ArmFault(
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.Network/${what}/${name}' under resource group was not found.`,
  );

/** Lower-cased id comparison, as ARM compares ids. */
export const sameId = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/** The object at `o[key]`, or an empty one. */
export const obj = (o: unknown, key: string): Record<string, unknown> => {
  const v = (o as Record<string, unknown> | undefined)?.[key];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
};
/** The array at `o[key]`, or an empty one. */
export const arr = (o: unknown, key: string): Record<string, unknown>[] => {
  const v = (o as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(v) ? (v as Record<string, unknown>[]) : [];
};
