import type { Condition, InputKind } from '@mediaflow/contracts';
import { SOURCE_INPUT, inputAfterTask, inputProblem, inputsAfterConditions } from './step-inputs';

const PATH = ['workflow', 0];
const kinds = (conditions: Condition[]) => {
  const { next, else: otherwise } = inputsAfterConditions(conditions, PATH, SOURCE_INPUT);
  return { next: next?.kinds, else: otherwise?.kinds };
};

describe('inputsAfterConditions', () => {
  it.each<[string, Condition[], InputKind[], InputKind[]]>([
    [
      '== narrows next, else gets the rest',
      [{ prop: 'kind', value: 'image' }],
      ['image'],
      ['video', 'audio', 'track'],
    ],
    [
      'in narrows next to the list',
      [{ prop: 'kind', operator: 'in', value: ['video', 'audio'] }],
      ['video', 'audio'],
      ['image', 'track'],
    ],
    [
      '!= removes the kind',
      [{ prop: 'kind', operator: '!=', value: 'video' }],
      ['image', 'audio', 'track'],
      ['video'],
    ],
    [
      'not_in removes the kinds',
      [{ prop: 'kind', operator: 'not_in', value: ['video', 'image'] }],
      ['audio', 'track'],
      ['video', 'image'],
    ],
    ['text means track', [{ prop: 'kind', value: 'text' }], ['track'], ['video', 'image', 'audio']],
    [
      'with another condition, else keeps every kind',
      [
        { prop: 'kind', value: 'image' },
        { prop: 'width', operator: '>', value: 1280 },
      ],
      ['image'],
      ['video', 'image', 'audio', 'track'],
    ],
    [
      'two kind conditions narrow together',
      [
        { prop: 'kind', operator: 'in', value: ['video', 'image'] },
        { prop: 'kind', operator: '!=', value: 'video' },
      ],
      ['image'],
      ['video', 'image', 'audio', 'track'],
    ],
    [
      'a condition on another prop narrows nothing',
      [{ prop: 'width', operator: '>', value: 1280 }],
      ['video', 'image', 'audio', 'track'],
      ['video', 'image', 'audio', 'track'],
    ],
    [
      'contains on kind narrows nothing',
      [{ prop: 'kind', operator: 'contains', value: 'vid' }],
      ['video', 'image', 'audio', 'track'],
      ['video', 'image', 'audio', 'track'],
    ],
  ])('%s', (_name, conditions, next, otherwise) => {
    expect(kinds(conditions)).toStrictEqual({ next, else: otherwise });
  });

  it('names the conditions step that narrowed the input', () => {
    const { next } = inputsAfterConditions([{ prop: 'kind', value: 'audio' }], PATH, SOURCE_INPUT);
    expect(next).toStrictEqual({
      kinds: ['audio'],
      origin: 'the source file',
      narrowedBy: 'the conditions at workflow[0]',
    });
  });

  it('knows nothing below a step whose input is unknown', () => {
    expect(
      inputsAfterConditions([{ prop: 'kind', value: 'audio' }], PATH, undefined),
    ).toStrictEqual({});
  });
});

describe('inputAfterTask', () => {
  it.each([
    ['video', { kinds: ['video'], origin: 'the video made by video at workflow[0]' }],
    ['subtitles', { kinds: ['track'], origin: 'the track made by subtitles at workflow[0]' }],
    ['thumbnails', { kinds: ['track'], origin: 'the track made by thumbnails at workflow[0]' }],
    // Data kinds pass their input on, cut down to what they accept.
    [
      'nsfw',
      { kinds: ['video', 'image'], origin: 'the source file', narrowedBy: 'nsfw at workflow[0]' },
    ],
    ['summary', SOURCE_INPUT],
  ] as const)('after %s', (kind, expected) => {
    expect(inputAfterTask(kind, PATH, SOURCE_INPUT)).toStrictEqual(expected);
  });

  it('knows nothing below a data step that could not take its input', () => {
    expect(
      inputAfterTask('speech', PATH, { kinds: ['image'], origin: 'the image made by image at x' }),
    ).toBeUndefined();
  });
});

describe('inputProblem', () => {
  it('accepts a step when any possible input kind suits it', () => {
    expect(inputProblem('thumbnails', SOURCE_INPUT)).toBeUndefined();
  });

  it('says why a step can never run when nothing gets through', () => {
    const input = {
      kinds: [],
      origin: 'the track made by subtitles at workflow[0]',
      narrowedBy: 'the conditions at workflow[0].next[0]',
    };
    expect(inputProblem('summary', input)).toBe(
      'summary would never get an input: the track made by subtitles at workflow[0] cannot get past the conditions at workflow[0].next[0]',
    );
  });
});
