/** Regenerates docs/server-connections.schema.json from the zod schema: `npx tsx scripts/connections-json-schema.ts`. */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CONNECTIONS_JSON_SCHEMA_PATH,
  connectionsJsonSchemaText,
} from '../src/server/connections/connections-json-schema.js';

const path = join(import.meta.dirname, '..', CONNECTIONS_JSON_SCHEMA_PATH);
await writeFile(path, connectionsJsonSchemaText());
// Formatted as the repository's JSON is (`biome check .` runs in CI); the test compares parsed JSON.
execFileSync('npx', ['biome', 'format', '--write', path], { stdio: 'ignore' });
console.log(`wrote ${path}`);
