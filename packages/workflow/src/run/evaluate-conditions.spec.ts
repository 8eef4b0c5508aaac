import type { Condition, FileProperties } from '@mediaflow/contracts';
import { evaluateConditions } from './evaluate-conditions';

const HD_VIDEO: FileProperties = {
  kind: 'video',
  mimetype: 'video/mp4',
  format: 'mp4',
  width: 1920,
  height: 1080,
  duration: 12.48,
  fps: 30,
  filesize: 1843221,
  has_audio: true,
  has_video: true,
};
const TRACK: FileProperties = { kind: 'track', mimetype: 'text/vtt', format: 'vtt' };
/** Probed without dimensions, as an audio file is. */
const AUDIO: FileProperties = {
  kind: 'audio',
  format: 'mp3',
  duration: 3,
  has_audio: true,
  has_video: false,
};

/** Frozen all the way down, so evaluating can be seen not to write to what it reads. */
function frozen(
  conditions: Condition[],
  properties: FileProperties,
): [Condition[], FileProperties] {
  const condition = (c: Condition) =>
    Object.freeze({
      ...c,
      value: Array.isArray(c.value) ? Object.freeze([...c.value]) : c.value,
    }) as Condition;
  return [
    Object.freeze(conditions.map(condition)) as Condition[],
    Object.freeze({ ...properties }),
  ];
}

describe('evaluateConditions', () => {
  it.each<[string, Condition, FileProperties, boolean]>([
    ['== holds (operator defaults to ==)', { prop: 'kind', value: 'video' }, HD_VIDEO, true],
    ['== fails', { prop: 'kind', operator: '==', value: 'image' }, HD_VIDEO, false],
    ['== on a number', { prop: 'width', operator: '==', value: 1920 }, HD_VIDEO, true],
    ['== on a boolean', { prop: 'has_audio', value: true }, HD_VIDEO, true],
    ['== on a boolean fails', { prop: 'has_video', value: false }, HD_VIDEO, false],
    ['!= holds', { prop: 'format', operator: '!=', value: 'webm' }, HD_VIDEO, true],
    ['!= fails', { prop: 'format', operator: '!=', value: 'mp4' }, HD_VIDEO, false],
    ['> holds', { prop: 'width', operator: '>', value: 1280 }, HD_VIDEO, true],
    ['> fails on equal', { prop: 'width', operator: '>', value: 1920 }, HD_VIDEO, false],
    ['>= holds on equal', { prop: 'height', operator: '>=', value: 1080 }, HD_VIDEO, true],
    ['>= fails', { prop: 'height', operator: '>=', value: 1081 }, HD_VIDEO, false],
    ['< holds on a fraction', { prop: 'duration', operator: '<', value: 12.5 }, HD_VIDEO, true],
    ['< fails on equal', { prop: 'fps', operator: '<', value: 30 }, HD_VIDEO, false],
    ['<= holds on equal', { prop: 'fps', operator: '<=', value: 30 }, HD_VIDEO, true],
    ['<= fails', { prop: 'filesize', operator: '<=', value: 1_000_000 }, HD_VIDEO, false],
    ['in holds', { prop: 'format', operator: 'in', value: ['mov', 'mp4'] }, HD_VIDEO, true],
    ['in fails', { prop: 'format', operator: 'in', value: ['mov', 'webm'] }, HD_VIDEO, false],
    ['in on numbers', { prop: 'fps', operator: 'in', value: [24, 25, 30] }, HD_VIDEO, true],
    [
      'not_in holds',
      { prop: 'kind', operator: 'not_in', value: ['image', 'audio'] },
      HD_VIDEO,
      true,
    ],
    ['not_in fails', { prop: 'kind', operator: 'not_in', value: ['video'] }, HD_VIDEO, false],
    ['contains holds', { prop: 'mimetype', operator: 'contains', value: '/mp' }, HD_VIDEO, true],
    ['contains fails', { prop: 'mimetype', operator: 'contains', value: 'webm' }, HD_VIDEO, false],
    [
      'contains is case-sensitive',
      { prop: 'mimetype', operator: 'contains', value: 'MP4' },
      HD_VIDEO,
      false,
    ],
    [
      'starts_with holds',
      { prop: 'mimetype', operator: 'starts_with', value: 'video/' },
      HD_VIDEO,
      true,
    ],
    [
      'starts_with fails',
      { prop: 'mimetype', operator: 'starts_with', value: 'mp4' },
      HD_VIDEO,
      false,
    ],
  ])('%s', (_name, condition, properties, expected) => {
    expect(evaluateConditions(...frozen([condition], properties))).toBe(expected);
  });

  describe('a property the file lacks (an audio file: no mimetype, dimensions or fps)', () => {
    it.each<[string, Condition, boolean]>([
      ['== is false', { prop: 'width', value: 1920 }, false],
      ['!= is true', { prop: 'width', operator: '!=', value: 1920 }, true],
      ['> is false', { prop: 'width', operator: '>', value: 0 }, false],
      ['>= is false', { prop: 'height', operator: '>=', value: 0 }, false],
      ['< is false', { prop: 'width', operator: '<', value: 99999 }, false],
      ['<= is false', { prop: 'fps', operator: '<=', value: 99999 }, false],
      ['in is false', { prop: 'fps', operator: 'in', value: [24, 30] }, false],
      ['not_in is true', { prop: 'fps', operator: 'not_in', value: [24, 30] }, true],
      ['contains is false', { prop: 'mimetype', operator: 'contains', value: 'audio' }, false],
      [
        'starts_with is false',
        { prop: 'mimetype', operator: 'starts_with', value: 'audio/' },
        false,
      ],
      [
        'orientation without dimensions is false',
        { prop: 'orientation', value: 'landscape' },
        false,
      ],
    ])('%s', (_name, condition, expected) => {
      expect(evaluateConditions(...frozen([condition], AUDIO))).toBe(expected);
    });

    it('treats null like missing', () => {
      const probed = { ...HD_VIDEO, width: null, format: null } as unknown as FileProperties;
      expect(
        evaluateConditions(...frozen([{ prop: 'width', operator: '>=', value: 0 }], probed)),
      ).toBe(false);
      expect(
        evaluateConditions(...frozen([{ prop: 'format', operator: '!=', value: 'mp4' }], probed)),
      ).toBe(true);
      expect(
        evaluateConditions(
          ...frozen([{ prop: 'format', operator: 'not_in', value: ['mp4'] }], probed),
        ),
      ).toBe(true);
    });
  });

  describe('kind text matches a track', () => {
    it.each<[string, Condition, FileProperties, boolean]>([
      ['== text on a track', { prop: 'kind', value: 'text' }, TRACK, true],
      ['== track on a track', { prop: 'kind', value: 'track' }, TRACK, true],
      ['== text on a video', { prop: 'kind', value: 'text' }, HD_VIDEO, false],
      ['!= text on a track', { prop: 'kind', operator: '!=', value: 'text' }, TRACK, false],
      [
        'in [text] on a track',
        { prop: 'kind', operator: 'in', value: ['image', 'text'] },
        TRACK,
        true,
      ],
      [
        'not_in [text] on a track',
        { prop: 'kind', operator: 'not_in', value: ['text'] },
        TRACK,
        false,
      ],
      [
        'not_in [text] on an audio file',
        { prop: 'kind', operator: 'not_in', value: ['text'] },
        AUDIO,
        true,
      ],
    ])('%s', (_name, condition, properties, expected) => {
      expect(evaluateConditions(...frozen([condition], properties))).toBe(expected);
    });
  });

  describe('orientation', () => {
    it.each<[string, FileProperties, string]>([
      ['wider than tall is landscape', { width: 1920, height: 1080 }, 'landscape'],
      ['taller than wide is portrait', { width: 1080, height: 1920 }, 'portrait'],
      ['as wide as tall is square', { width: 512, height: 512 }, 'square'],
      [
        'a probed orientation wins over the dimensions',
        { width: 1920, height: 1080, orientation: 'portrait' },
        'portrait',
      ],
    ])('%s', (_name, properties, orientation) => {
      const others = ['landscape', 'portrait', 'square'].filter((o) => o !== orientation);
      expect(
        evaluateConditions(...frozen([{ prop: 'orientation', value: orientation }], properties)),
      ).toBe(true);
      for (const other of others) {
        expect(
          evaluateConditions(...frozen([{ prop: 'orientation', value: other }], properties)),
        ).toBe(false);
      }
    });

    it('is missing when only one dimension is known', () => {
      const conditions: Condition[] = [
        { prop: 'orientation', operator: 'in', value: ['landscape', 'portrait', 'square'] },
      ];
      expect(evaluateConditions(...frozen(conditions, { width: 1920 }))).toBe(false);
    });
  });

  it('compares numbers as numbers, also when a value arrives as a string', () => {
    // A bigint column comes back from pg as a string; '10' > '9' is false as text.
    const stored = { ...HD_VIDEO, filesize: '10', fps: '30' } as unknown as FileProperties;
    expect(
      evaluateConditions(...frozen([{ prop: 'filesize', operator: '>', value: 9 }], stored)),
    ).toBe(true);
    expect(
      evaluateConditions(...frozen([{ prop: 'filesize', operator: '<', value: 9 }], stored)),
    ).toBe(false);
    expect(evaluateConditions(...frozen([{ prop: 'fps', value: 30 }], stored))).toBe(true);
    expect(
      evaluateConditions(...frozen([{ prop: 'fps', operator: 'in', value: [25, 30] }], stored)),
    ).toBe(true);
  });

  it('does not order what is not a number', () => {
    expect(
      evaluateConditions(...frozen([{ prop: 'format', operator: '>', value: 1 }], HD_VIDEO)),
    ).toBe(false);
  });

  it('holds only when every condition holds (AND)', () => {
    const seed: Condition[] = [
      { prop: 'kind', value: 'image' },
      { prop: 'width', operator: '>', value: 1280 },
    ];
    expect(evaluateConditions(...frozen(seed, { kind: 'image', width: 2000, height: 1000 }))).toBe(
      true,
    );
    expect(evaluateConditions(...frozen(seed, { kind: 'image', width: 800, height: 600 }))).toBe(
      false,
    );
    expect(evaluateConditions(...frozen(seed, { kind: 'video', width: 2000, height: 1000 }))).toBe(
      false,
    );
  });
});
