import { MediaflowError, type ErrorDetail } from '@mediaflow/contracts';
import { parseRunRequest, parseTaskSubmission } from './task-input';

const URL_SOURCE = 'https://media.test/in.mp4';
const FILE_ID = 'file_aaaaaaaaaaaaaaaa';

/** The details of the 400 a parse throws. */
function detailsOf(parse: () => unknown): ErrorDetail[] {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(MediaflowError);
    expect((error as MediaflowError).code).toBe('validation_failed');
    return (error as MediaflowError).details ?? [];
  }
  throw new Error('expected a validation error');
}

describe('parseRunRequest', () => {
  it.each([
    [{ url: URL_SOURCE }, { source: { url: URL_SOURCE }, webhookUrl: null }],
    [{ file_id: FILE_ID }, { source: { file_id: FILE_ID }, webhookUrl: null }],
    [
      { url: URL_SOURCE, webhook_url: 'https://hooks.test/done' },
      { source: { url: URL_SOURCE }, webhookUrl: 'https://hooks.test/done' },
    ],
  ])('takes %j', (body, expected) => {
    expect(parseRunRequest(body)).toEqual(expected);
  });

  it.each<[string, unknown, ErrorDetail[]]>([
    ['neither url nor file_id', {}, [{ path: '', message: 'must have a url or a file_id' }]],
    ['no body at all', undefined, [{ path: '', message: 'must have a url or a file_id' }]],
    [
      'both url and file_id',
      { url: URL_SOURCE, file_id: FILE_ID },
      [{ path: '', message: 'must have either url or file_id, not both' }],
    ],
    [
      'a URL that is not http',
      { url: 'ftp://media.test/x' },
      [{ path: 'url', message: 'must be an http or https URL' }],
    ],
    [
      'a file id of another kind',
      { file_id: 'task_aaaaaaaaaaaaaaaa' },
      [{ path: 'file_id', message: 'must be a file_ id' }],
    ],
    [
      'a stray field',
      { url: URL_SOURCE, kind: 'image' },
      [{ path: 'kind', message: 'is not a known field' }],
    ],
    [
      'a webhook that is not http',
      { url: URL_SOURCE, webhook_url: 'javascript:alert(1)' },
      [{ path: 'webhook_url', message: 'must be an http or https URL' }],
    ],
    ['an array', [], [{ path: '', message: 'must be a JSON object' }]],
    ['null', null, [{ path: '', message: 'must be a JSON object' }]],
  ])('refuses %s', (_name, body, details) => {
    expect(detailsOf(() => parseRunRequest(body))).toEqual(details);
  });
});

describe('parseTaskSubmission', () => {
  it('takes one task of a kind with its options', () => {
    expect(
      parseTaskSubmission({
        kind: 'image',
        file_id: FILE_ID,
        options: { width: 320, format: 'png' },
      }),
    ).toEqual({
      kind: 'image',
      options: { width: 320, format: 'png' },
      source: { file_id: FILE_ID },
      webhookUrl: null,
    });
  });

  it('takes a kind without options as {}', () => {
    expect(parseTaskSubmission({ kind: 'summary', url: URL_SOURCE })).toMatchObject({
      kind: 'summary',
      options: {},
    });
  });

  it('takes a workflow, normalised (flat options under options)', () => {
    expect(
      parseTaskSubmission({
        kind: 'workflow',
        url: URL_SOURCE,
        workflow: [{ kind: 'image', width: 320, next: [{ kind: 'summary' }] }],
        webhook_url: 'https://hooks.test/done',
      }),
    ).toEqual({
      kind: 'workflow',
      workflow: [{ kind: 'image', options: { width: 320 }, next: [{ kind: 'summary' }] }],
      source: { url: URL_SOURCE },
      webhookUrl: 'https://hooks.test/done',
    });
  });

  it.each<[string, unknown, ErrorDetail[]]>([
    [
      'no kind',
      { url: URL_SOURCE },
      [{ path: 'kind', message: expect.stringMatching(/^must be one of/) }],
    ],
    [
      'an internal kind',
      { kind: 'ingest', url: URL_SOURCE },
      [{ path: 'kind', message: expect.stringMatching(/^must be one of/) }],
    ],
    [
      'a misspelt field (the contract is strict, and the OpenAPI document closed)',
      { kind: 'image', url: URL_SOURCE, optoins: { width: 10 } },
      [{ path: 'optoins', message: 'is not a known field' }],
    ],
    [
      'an unknown option',
      { kind: 'image', url: URL_SOURCE, options: { colour: 'red' } },
      [{ path: 'options.colour', message: 'is not an option of image' }],
    ],
    [
      'an option out of range',
      { kind: 'video', url: URL_SOURCE, options: { width: 8000 } },
      [{ path: 'options.width', message: 'must be ≤ 7680' }],
    ],
    [
      'a workflow kind without a workflow',
      { kind: 'workflow', url: URL_SOURCE },
      [{ path: 'workflow', message: 'is required when kind is workflow' }],
    ],
    [
      'a workflow beside another kind',
      { kind: 'image', url: URL_SOURCE, workflow: [{ kind: 'summary' }] },
      [{ path: 'workflow', message: 'is only used with kind workflow' }],
    ],
    [
      'options beside a workflow',
      { kind: 'workflow', url: URL_SOURCE, options: {}, workflow: [{ kind: 'summary' }] },
      [{ path: 'options', message: expect.stringMatching(/^is not used with kind workflow/) }],
    ],
    ['no source', { kind: 'summary' }, [{ path: '', message: 'must have a url or a file_id' }]],
  ])('refuses %s', (_name, body, details) => {
    expect(detailsOf(() => parseTaskSubmission(body))).toEqual(details);
  });

  it('names the JSON path of every problem of a workflow, and of the source, at once', () => {
    const details = detailsOf(() =>
      parseTaskSubmission({
        kind: 'workflow',
        workflow: [
          { kind: 'video', options: { width: 99999 } },
          { kind: 'teleport' },
          { kind: 'subtitles', next: [{ kind: 'video' }] },
        ],
      }),
    );
    expect(details.map((d) => d.path)).toEqual(
      expect.arrayContaining([
        '',
        'workflow[0].options.width',
        'workflow[1].kind',
        'workflow[2].next[0].kind',
      ]),
    );
  });
});
