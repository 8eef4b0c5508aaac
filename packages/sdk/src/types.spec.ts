import type {
  CreateAutomationBodySchema,
  CreateTaskBodySchema,
  UpdateAutomationBodySchema,
} from '@mediaflow/contracts';
import type { z } from 'zod';
import type { CreateAutomationBody, CreateTaskBody, UpdateAutomationBody } from './types';

// The request bodies the SDK types more closely than the schemas' inputs
// (each kind's options, flat or not; one source) must still be bodies the
// schemas take. Checked by the compiler (`pnpm typecheck`); the test only runs it.

type Fits<A, B> = [A] extends [B] ? true : false;
const fits: [
  Fits<CreateTaskBody, z.input<typeof CreateTaskBodySchema>>,
  Fits<CreateAutomationBody, z.input<typeof CreateAutomationBodySchema>>,
  Fits<UpdateAutomationBody, z.input<typeof UpdateAutomationBodySchema>>,
] = [true, true, true];

describe('request body types', () => {
  it('are bodies the contracts take', () => {
    expect(fits).toEqual([true, true, true]);
  });

  it('take what the README writes, and refuse a misspelt option or two sources', () => {
    const bodies: CreateAutomationBody[] = [
      {
        name: 'Process uploads',
        description: 'Generate summary, thumbnail, and subtitles for all uploads',
        workflow: [
          { kind: 'summary' },
          { kind: 'image', width: 320, format: 'png' },
          { kind: 'subtitles' },
        ],
      },
      {
        name: 'Resize big pictures',
        workflow: [
          {
            kind: 'conditions',
            conditions: [
              { prop: 'kind', value: 'image' },
              { prop: 'width', operator: '>', value: 1280 },
            ],
            next: [{ kind: 'image', width: 1280, ref: 'web' }],
            else: [{ kind: 'image', format: 'webp', ref: 'original' }],
          },
          {
            kind: 'video',
            options: { width: 1280, format: 'mp4' },
            next: [{ kind: 'thumbnails' }],
          },
        ],
        trigger: { kind: 'event', event: 'file.created' },
      },
      // @ts-expect-error: `widht` is no option of image
      { name: 'typo', workflow: [{ kind: 'image', widht: 320 }] },
      // @ts-expect-error: webm is no image format
      { name: 'bad format', workflow: [{ kind: 'image', options: { format: 'webm' } }] },
    ];
    const tasks: CreateTaskBody[] = [
      { kind: 'image', url: 'https://example.com/a.jpg', options: { width: 160, format: 'webp' } },
      { kind: 'workflow', file_id: 'file_1', workflow: [{ kind: 'summary', max_words: 40 }] },
      // @ts-expect-error: one source, not both
      { kind: 'nsfw', url: 'https://example.com/a.jpg', file_id: 'file_1' },
      // @ts-expect-error: a workflow needs its steps
      { kind: 'workflow', url: 'https://example.com/a.jpg' },
    ];
    expect(bodies.length + tasks.length).toBe(8);
  });
});
