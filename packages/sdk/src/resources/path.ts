/** A path of the API with its ids escaped: `path\`/tasks/${id}\`` never lets an id reach another route. */
export function path(strings: TemplateStringsArray, ...ids: string[]): string {
  return strings.reduce(
    (built, part, i) => built + part + (i < ids.length ? encodeURIComponent(ids[i]!) : ''),
    '',
  );
}
