/** Regenerates docs/server-connections.schema.json from the zod schema: `npx tsx scripts/connections-json-schema.ts`. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CONNECTIONS_JSON_SCHEMA_PATH,
  connectionsJsonSchemaText,
} from '../src/server/connections/connections-json-schema.js';

const path = join(import.meta.dirname, '..', CONNECTIONS_JSON_SCHEMA_PATH);
await writeFile(path, connectionsJsonSchemaText());
console.log(`wrote ${path}`);
