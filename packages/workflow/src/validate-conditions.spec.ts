import { validateConditions } from './validate-conditions';

const PATH = ['workflow', 0, 'conditions'];
const at = (suffix: string) => `workflow[0].conditions${suffix}`;

describe('validateConditions', () => {
  it.each([
    [{ prop: 'width', operator: '==', value: 1280 }],
    [{ prop: 'format', operator: '!=', value: 'gif' }],
    [{ prop: 'width', operator: '>', value: 1280 }],
    [{ prop: 'height', operator: '>=', value: 720 }],
    [{ prop: 'duration', operator: '<', value: 60.5 }],
    [{ prop: 'filesize', operator: '<=', value: 1_000_000 }],
    [{ prop: 'kind', operator: 'in', value: ['video', 'audio'] }],
    [{ prop: 'fps', operator: 'not_in', value: [24, 25] }],
    [{ prop: 'mimetype', operator: 'contains', value: 'mp4' }],
    [{ prop: 'mimetype', operator: 'starts_with', value: 'video/' }],
    // Substring tests are not held to the enumerated values of kind.
    [{ prop: 'kind', operator: 'starts_with', value: 'vid' }],
    [{ prop: 'has_audio', value: true }],
    [{ prop: 'has_video', operator: '!=', value: false }],
    [{ prop: 'kind', value: 'text' }],
    [{ prop: 'orientation', operator: 'not_in', value: ['portrait', 'square'] }],
  ])('accepts %j as written', (condition) => {
    expect(validateConditions([condition], PATH)).toStrictEqual({
      conditions: [condition],
      details: [],
    });
  });

  it.each<[string, unknown, { path: string; message: string }[]]>([
    [
      '> on kind',
      { prop: 'kind', operator: '>', value: 'video' },
      [
        {
          path: at('[0].operator'),
          message:
            '> does not apply to kind, a string; use one of: ==, !=, in, not_in, contains, starts_with',
        },
      ],
    ],
    [
      'contains on width',
      { prop: 'width', operator: 'contains', value: '12' },
      [
        {
          path: at('[0].operator'),
          message:
            'contains does not apply to width, a number; use one of: ==, !=, >, >=, <, <=, in, not_in',
        },
      ],
    ],
    [
      'in on a boolean',
      { prop: 'has_audio', operator: 'in', value: [true] },
      [
        {
          path: at('[0].operator'),
          message: 'in does not apply to has_audio, a boolean; use one of: ==, !=',
        },
      ],
    ],
    [
      'in with a scalar',
      { prop: 'kind', operator: 'in', value: 'video' },
      [{ path: at('[0].value'), message: 'must be an array of strings for in' }],
    ],
    [
      'not_in with an empty list',
      { prop: 'format', operator: 'not_in', value: [] },
      [{ path: at('[0].value'), message: 'must not be empty' }],
    ],
    [
      'in with 101 items',
      { prop: 'width', operator: 'in', value: Array.from({ length: 101 }, (_, i) => i) },
      [{ path: at('[0].value'), message: 'must have at most 100 items' }],
    ],
    [
      'in with an item of the wrong type',
      { prop: 'width', operator: 'in', value: [1280, '720'] },
      [{ path: at('[0].value[1]'), message: 'must be a number' }],
    ],
    [
      'unknown prop',
      { prop: 'colour', value: 'red' },
      [
        {
          path: at('[0].prop'),
          message:
            'must be one of: kind, mimetype, format, width, height, duration, fps, filesize, has_audio, has_video, orientation',
        },
      ],
    ],
    ['missing prop', { value: 1 }, [{ path: at('[0].prop'), message: 'is required' }]],
    [
      'bad kind value',
      { prop: 'kind', value: 'document' },
      [{ path: at('[0].value'), message: 'must be one of: video, image, audio, track, text' }],
    ],
    [
      'bad kind in a list',
      { prop: 'kind', operator: 'in', value: ['video', 'pdf'] },
      [{ path: at('[0].value[1]'), message: 'must be one of: video, image, audio, track, text' }],
    ],
    [
      'bad orientation',
      { prop: 'orientation', value: 'wide' },
      [{ path: at('[0].value'), message: 'must be one of: landscape, portrait, square' }],
    ],
    [
      'string for a number',
      { prop: 'width', value: '1280' },
      [{ path: at('[0].value'), message: 'must be a number' }],
    ],
    [
      'list for ==',
      { prop: 'width', value: [1280] },
      [{ path: at('[0].value'), message: 'must be a number' }],
    ],
    [
      'string for a boolean',
      { prop: 'has_video', value: 'yes' },
      [{ path: at('[0].value'), message: 'must be a boolean' }],
    ],
    [
      'missing value',
      { prop: 'width', operator: '>' },
      [{ path: at('[0].value'), message: 'is required' }],
    ],
    [
      'unknown operator',
      { prop: 'width', operator: '~', value: 1 },
      [
        {
          path: at('[0].operator'),
          message: 'must be one of: ==, !=, >, >=, <, <=, in, not_in, contains, starts_with',
        },
      ],
    ],
    [
      'unknown key',
      { prop: 'width', value: 1, unit: 'px' },
      [{ path: at('[0].unit'), message: 'is not a field of a condition' }],
    ],
    ['not an object', 'width > 5', [{ path: at('[0]'), message: 'must be an object' }]],
  ])('refuses %s', (_name, condition, details) => {
    expect(validateConditions([condition], PATH)).toStrictEqual({ conditions: [], details });
  });

  it.each<[string, unknown, string]>([
    ['missing', undefined, 'is required'],
    ['not an array', { prop: 'width', value: 1 }, 'must be an array of conditions'],
    ['empty', [], 'must have at least one condition'],
    [
      'over the limit',
      Array.from({ length: 33 }, () => ({ prop: 'width', value: 1 })),
      'must have at most 32 conditions',
    ],
  ])('refuses a conditions list that is %s', (_name, value, message) => {
    expect(validateConditions(value, PATH)).toStrictEqual({
      conditions: [],
      details: [{ path: at(''), message }],
    });
  });

  it('reports every bad condition, and keeps none of them', () => {
    const result = validateConditions(
      [{ prop: 'width', value: 1 }, { prop: 'nope', value: 1 }, 7],
      PATH,
    );
    expect(result.conditions).toStrictEqual([]);
    expect(result.details.map((d) => d.path)).toStrictEqual([at('[1].prop'), at('[2]')]);
  });
});
