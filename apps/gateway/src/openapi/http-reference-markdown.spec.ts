import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeType, httpReferenceMarkdown } from './http-reference-markdown';
import { buildOpenApiDocument } from './openapi-document';

describe('docs/http-api.md', () => {
  it('is what the OpenAPI document generates (pnpm --filter @mediaflow/gateway docs)', () => {
    const doc = readFileSync(path.resolve(__dirname, '../../../../docs/http-api.md'), 'utf8');
    expect(doc).toBe(httpReferenceMarkdown(buildOpenApiDocument()));
  });

  it('has a section for every route and every named schema', () => {
    const document = buildOpenApiDocument();
    const markdown = httpReferenceMarkdown(document);
    for (const [route, methods] of Object.entries(document.paths))
      for (const method of Object.keys(methods))
        expect(markdown).toContain(`### \`${method.toUpperCase()} ${route}\``);
    for (const name of Object.keys(document.components.schemas))
      expect(markdown).toContain(`### ${name}\n`);
  });
});

describe('describeType', () => {
  it.each([
    [{ $ref: '#/components/schemas/Task' }, '[Task](#schema-task)'],
    [{ type: 'string', enum: ['active', 'paused'] }, 'one of `active`, `paused`'],
    [{ type: 'integer', minimum: 16, maximum: 7680 }, 'integer 16..7680'],
    [{ type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 }, 'integer'],
    [{ type: ['string', 'null'] }, 'string or null'],
    [{ type: 'array', items: { type: 'string' } }, 'array of string'],
    [{ const: 'automation' }, '`"automation"`'],
    [{ anyOf: [{ type: 'string' }, { type: 'null' }] }, 'string or null'],
  ])('%j → %s', (schema, text) => {
    expect(describeType(schema)).toBe(text);
  });
});
