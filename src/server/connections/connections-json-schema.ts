/** The connections file's JSON Schema, generated from its zod schema (the one source). */
import { z } from 'zod';
import { connectionsFileSchema } from './connections-schema.js';

/** Where the generated schema is kept, relative to the repository root. */
export const CONNECTIONS_JSON_SCHEMA_PATH = 'docs/server-connections.schema.json';

/** The JSON Schema of a connections file, as the text kept in {@link CONNECTIONS_JSON_SCHEMA_PATH}. */
export function connectionsJsonSchemaText(): string {
  const schema = z.toJSONSchema(connectionsFileSchema, { io: 'input', target: 'draft-2020-12' });
  const titled = {
    ...schema,
    title: 'nlbkit serve connections file',
    description: 'Connections of `nlbkit serve --config FILE` (YAML). See docs/server.md.',
  };
  return `${JSON.stringify(titled, null, 2)}\n`;
}
