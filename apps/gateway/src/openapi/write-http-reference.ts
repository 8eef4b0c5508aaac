import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { httpReferenceMarkdown } from './http-reference-markdown';
import { buildOpenApiDocument } from './openapi-document';

/** `pnpm --filter @mediaflow/gateway docs`: rewrites docs/http-api.md. */
export const HTTP_REFERENCE_DOC = path.resolve(__dirname, '../../../../docs/http-api.md');

if (require.main === module) {
  writeFileSync(HTTP_REFERENCE_DOC, httpReferenceMarkdown(buildOpenApiDocument()));
  process.stdout.write(`wrote ${HTTP_REFERENCE_DOC}\n`);
}
