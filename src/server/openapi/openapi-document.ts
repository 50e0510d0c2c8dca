/**
 * `/openapi.json`: an OpenAPI 3.1 document built from {@link RouteDoc}s, whose schemas are the zod
 * schemas the server validates with (converted by zod's own `z.toJSONSchema`), so the document and
 * the server cannot disagree.
 */
import { z } from 'zod';
import type { RouteDoc } from './route-doc.js';

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request: the input is invalid (see violations)',
  401: 'Unauthorized: missing or wrong credentials',
  403: 'Forbidden: the provider refused (PERMISSION_DENIED)',
  404: 'Not Found',
  409: 'Conflict: ALREADY_EXISTS or CONFLICT',
  413: 'Payload Too Large',
  422: 'Unprocessable: valid, but this connection cannot do it (UNSUPPORTED)',
  429: 'Too Many Requests (THROTTLED); see Retry-After',
  500: 'Internal Server Error',
  502: 'Bad Gateway: the provider failed (PROVIDER_ERROR)',
  503: 'Service Unavailable (UNAVAILABLE, ABORTED)',
  504: 'Gateway Timeout (TIMEOUT)',
};

/** A zod schema as JSON Schema for the document (OpenAPI 3.1 uses draft 2020-12; no `$schema` on each). */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
  });
  return json;
}

/** The parameters a path names: `{Name}` -> a required string path parameter. */
function pathParameters(path: string) {
  return [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
}

function queryParameters(query: z.ZodType | undefined) {
  if (!query) return [];
  const json = schemaOf(query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema,
  }));
}

function operation(doc: RouteDoc, errorSchema: unknown) {
  const success = doc.successStatus ?? 200;
  const responses: Record<string, unknown> = {
    [success]: {
      description: REASONS[success] ?? 'OK',
      ...(doc.response && success !== 204
        ? { content: { 'application/json': { schema: schemaOf(doc.response, 'output') } } }
        : {}),
    },
  };
  for (const status of doc.statuses ?? [])
    responses[status] = {
      description: REASONS[status] ?? String(status),
      content: { 'application/json': { schema: errorSchema } },
    };
  return {
    summary: doc.summary,
    ...(doc.auth === false ? { security: [] } : doc.auth === 'basic' ? { security: [{ basic: [] }] } : {}),
    parameters: [...pathParameters(doc.path), ...queryParameters(doc.query)],
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaOf(doc.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/** Options of {@link openApiDocument}. */
export interface OpenApiOptions {
  title: string;
  version: string;
  /** The error body schema every error status answers with. */
  errorSchema: z.ZodType;
}

/** Builds the OpenAPI 3.1 document of `docs`; routes with the same path share one path item. */
export function openApiDocument(docs: readonly RouteDoc[], opts: OpenApiOptions): Record<string, unknown> {
  const errorSchema = schemaOf(opts.errorSchema, 'output');
  const paths: Record<string, Record<string, unknown>> = {};
  for (const doc of docs) {
    const item = paths[doc.path] ?? {};
    item[doc.method] = operation(doc, errorSchema);
    paths[doc.path] = item;
  }
  return {
    openapi: '3.1.0',
    info: { title: opts.title, version: opts.version },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        basic: { type: 'http', scheme: 'basic' },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

/** A Hono route path (`/v1/connections/:connection`) in OpenAPI style (`/v1/connections/{connection}`). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
