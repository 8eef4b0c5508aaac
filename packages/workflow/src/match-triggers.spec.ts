import type { AutomationTrigger, Condition, FileProperties } from '@mediaflow/contracts';
import { automationsTriggeredBy, type Triggerable } from './match-triggers';

const onUpload = (conditions: Condition[] = []): AutomationTrigger => ({
  kind: 'event',
  event: 'file.created',
  conditions,
});

const automation = (id: string, fields: Partial<Triggerable> = {}) => ({
  id,
  status: 'active' as const,
  trigger: onUpload(),
  ...fields,
});

const PHOTO: FileProperties = {
  kind: 'image',
  mimetype: 'image/jpeg',
  format: 'jpeg',
  width: 4000,
  height: 3000,
  filesize: 2_000_000,
  has_audio: false,
  has_video: false,
};

const ids = (matched: { id: string }[]) => matched.map((a) => a.id);

describe('automationsTriggeredBy', () => {
  it('fires every active automation whose conditions hold, in the order given', () => {
    const automations = [
      automation('a', { trigger: onUpload([{ prop: 'kind', value: 'image' }]) }),
      automation('b'),
      automation('c', { trigger: onUpload([{ prop: 'width', operator: '>', value: 1920 }]) }),
    ];
    expect(ids(automationsTriggeredBy(automations, 'file.created', PHOTO))).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it.each<[string, Partial<Triggerable>]>([
    ['a paused automation', { status: 'paused' }],
    ['an automation without a trigger', { trigger: null }],
    [
      'a trigger whose condition is false',
      { trigger: onUpload([{ prop: 'kind', value: 'video' }]) },
    ],
    [
      'a trigger with one false condition among true ones',
      {
        trigger: onUpload([
          { prop: 'kind', value: 'image' },
          { prop: 'orientation', value: 'portrait' },
        ]),
      },
    ],
    [
      'a condition on a property the file lacks',
      { trigger: onUpload([{ prop: 'duration', operator: '>', value: 0 }]) },
    ],
  ])('does not fire %s', (_name, fields) => {
    expect(automationsTriggeredBy([automation('x', fields)], 'file.created', PHOTO)).toEqual([]);
  });

  it('derives orientation from the size, as a conditions step does', () => {
    const landscape = automation('l', {
      trigger: onUpload([{ prop: 'orientation', value: 'landscape' }]),
    });
    expect(ids(automationsTriggeredBy([landscape], 'file.created', PHOTO))).toEqual(['l']);
  });

  it('fires nothing when there is nothing to fire', () => {
    expect(automationsTriggeredBy([], 'file.created', PHOTO)).toEqual([]);
  });
});
