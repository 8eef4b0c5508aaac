import { localiseTrackLinks, planOutputs, safeName } from './run-outputs';
import { stepLabels, flattenSteps } from './step-labels';
import { file, run, task } from '../testing/task-fixtures';

describe('flattenSteps and stepLabels', () => {
  it('names each step by its ref, else by kind and place among that kind, in reading order', () => {
    const frame = task({ kind: 'image', next: [task({ kind: 'image' })] });
    const tree = run([
      task({ kind: 'video', ref: 'web', next: [task({ kind: 'thumbnails', ref: 'scrub' })] }),
      frame,
      task({ kind: 'conditions', else: [task({ kind: 'image', ref: 'small' })] }),
      task({ kind: 'summary' }),
    ]);
    const steps = flattenSteps(tree);
    const labels = stepLabels(steps);
    expect(steps.map((s) => labels.get(s.id))).toEqual([
      'web',
      'scrub',
      'image-1',
      'image-2',
      'conditions-1',
      'small',
      'summary-1',
    ]);
  });

  it('skips a made-up name that a ref already has', () => {
    const steps = flattenSteps(
      run([task({ kind: 'image', ref: 'image-1' }), task({ kind: 'image' })]),
    );
    expect([...stepLabels(steps).values()]).toEqual(['image-1', 'image-2']);
  });

  it('a task on its own is its one step', () => {
    const single = task({ kind: 'audio' });
    expect(flattenSteps(single)).toEqual([single]);
  });
});

describe('planOutputs', () => {
  it('names every completed output by its step: ref, or kind and position; data as JSON; not the input a conditions step passes on', () => {
    const sprite = file({
      kind: 'image',
      format: 'jpeg',
      filename: 'sprite.jpg',
      mimetype: 'image/jpeg',
    });
    const vtt = {
      ...file({ kind: 'track', format: 'vtt', filename: 'clip.vtt' }),
      files: [sprite],
    };
    const web = file({ filename: 'clip.mp4' });
    const frame = file({ kind: 'image', format: 'jpeg', filename: 'clip.JPG' });
    const tree = run([
      task({
        kind: 'video',
        ref: 'web',
        status: 'completed',
        output: web,
        next: [task({ kind: 'thumbnails', ref: 'scrub', status: 'completed', output: vtt })],
      }),
      task({ kind: 'image', status: 'completed', output: frame }),
      task({ kind: 'nsfw', status: 'completed', output: { nsfw: false, confidence: 0.99 } }),
      task({ kind: 'conditions', status: 'completed', output: file({ filename: 'clip.mp4' }) }),
      task({ kind: 'audio', status: 'failed', output: null }),
      task({ kind: 'subtitles', status: 'skipped', output: null }),
    ]);
    expect(planOutputs(tree)).toEqual([
      { type: 'file', label: 'web', name: 'web.mp4', file: web },
      {
        type: 'track',
        label: 'scrub',
        name: 'scrub.vtt',
        file: vtt,
        links: [{ fileId: sprite.id, filename: 'sprite.jpg', name: 'scrub-sprite.jpg' }],
      },
      { type: 'file', label: 'scrub', name: 'scrub-sprite.jpg', file: sprite },
      { type: 'file', label: 'image-1', name: 'image-1.jpg', file: frame },
      {
        type: 'data',
        label: 'nsfw-1',
        name: 'nsfw-1.json',
        data: { nsfw: false, confidence: 0.99 },
      },
    ]);
  });

  it('takes the extension from the format when the file name has none, and never reuses a name', () => {
    const tree = run([
      task({ ref: 'a', status: 'completed', output: file({ filename: 'upload', format: 'webp' }) }),
      task({
        ref: 'b',
        status: 'completed',
        output: {
          ...file({ kind: 'track', format: 'vtt', filename: 't.vtt' }),
          files: [file({ filename: 'x.jpg' }), file({ filename: 'x.jpg' })],
        },
      }),
    ]);
    expect(planOutputs(tree).map((d) => d.name)).toEqual([
      'a.webp',
      'b.vtt',
      'b-x.jpg',
      'b-x-2.jpg',
    ]);
  });
});

describe('safeName', () => {
  it.each([
    ['sprite-1.webp', 'sprite-1.webp'],
    ['../../etc/passwd', 'passwd'],
    ['a\\b\\c.jpg', 'c.jpg'],
    ['.hidden', 'hidden'],
    ['my clip (1).mp4', 'my_clip__1_.mp4'],
    ['..', 'file'],
  ])('%s → %s', (input, output) => {
    expect(safeName(input)).toBe(output);
  });
});

describe('localiseTrackLinks', () => {
  const links = [
    { fileId: 'file_a', filename: 'sprite-1.jpg', name: 'scrub-sprite-1.jpg' },
    { fileId: 'file_b', filename: 'sprite-2.jpg', name: 'scrub-sprite-2.jpg' },
  ];

  it('points each cue at the saved sheet, by the signed URL the gateway wrote or the stored name', () => {
    const track = [
      'WEBVTT',
      '',
      '00:00:00.000 --> 00:00:01.000',
      'http://127.0.0.1:3000/files/file_a/content?expires=1&signature=x#xywh=0,0,160,90',
      '',
      '00:00:01.000 --> 00:00:02.000',
      'sprite-2.jpg#xywh=160,0,160,90',
      '',
      '00:00:02.000 --> 00:00:03.000',
      'http://elsewhere/files/file_z/content#xywh=0,0,1,1',
      '',
    ].join('\n');
    expect(localiseTrackLinks(track, links).split('\n')).toEqual([
      'WEBVTT',
      '',
      '00:00:00.000 --> 00:00:01.000',
      'scrub-sprite-1.jpg#xywh=0,0,160,90',
      '',
      '00:00:01.000 --> 00:00:02.000',
      'scrub-sprite-2.jpg#xywh=160,0,160,90',
      '',
      '00:00:02.000 --> 00:00:03.000',
      'http://elsewhere/files/file_z/content#xywh=0,0,1,1',
      '',
    ]);
  });
});
