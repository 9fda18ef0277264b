/**
 * Validates the OpenAPI 3.1 document Coffer generates from its route schemas, with a maintained
 * validator (@readme/openapi-parser), and checks that every /v1 route declares its responses.
 */
import { validate } from '@readme/openapi-parser';
import { generateOpenApi } from '../src/cli/openapi.js';

const document = (await generateOpenApi()) as { openapi: string; paths: Record<string, Record<string, { responses?: object }>> };
const result = await validate(structuredClone(document) as never);
if (!result.valid) {
  process.stderr.write(`OpenAPI document is invalid:\n${JSON.stringify(result.errors, null, 2)}\n`);
  process.exit(1);
}
let operations = 0;
for (const [path, methods] of Object.entries(document.paths)) {
  for (const [method, operation] of Object.entries(methods)) {
    operations++;
    if (path.startsWith('/v1/') && (operation.responses === undefined || Object.keys(operation.responses).length === 0)) {
      process.stderr.write(`${method.toUpperCase()} ${path} declares no responses\n`);
      process.exit(1);
    }
  }
}
process.stdout.write(`OpenAPI ${document.openapi} document is valid: ${Object.keys(document.paths).length} paths, ${operations} operations.\n`);
