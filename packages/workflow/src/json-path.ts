/** A location inside a JSON document, as zod reports it: keys and array indexes. */
export type JsonPath = readonly PropertyKey[];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * `['workflow', 1, 'next', 0, 'options', 'width']` → `workflow[1].next[0].options.width`,
 * the form docs/http-api.md promises in error details. Keys that are not identifiers (a
 * user's stray `"max lines"`) are quoted so the path stays unambiguous.
 */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment))
      out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}
