import { formatJsonPath, type JsonPath } from './json-path';

describe('formatJsonPath', () => {
  it.each<[JsonPath, string]>([
    [[], ''],
    [['workflow'], 'workflow'],
    [['workflow', 1, 'next', 0, 'options', 'width'], 'workflow[1].next[0].options.width'],
    [[0, 'kind'], '[0].kind'],
    [['workflow', 0, 'max lines'], 'workflow[0]["max lines"]'],
    [['options', '0'], 'options["0"]'],
    [['$ref', '_x9'], '$ref._x9'],
  ])('%j → %s', (path, expected) => {
    expect(formatJsonPath(path)).toBe(expected);
  });
});
