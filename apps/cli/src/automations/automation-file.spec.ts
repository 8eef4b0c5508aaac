import { WorkFailedError } from '../cli-errors';
import { desiredAutomation, parseAutomationFile } from './automation-file';

const SHORT_VIDEO_YAML = `
name: Short video
description: Every upload as a 1280-wide MP4, with scrubbing thumbnails and its sound
workflow:
  - kind: video
    width: 1280
    format: mp4
    ref: web
    next:
      - kind: thumbnails
        ref: scrub
  - kind: audio
    options: { format: mp3, normalize: true }
    ref: sound
`;

describe('parseAutomationFile', () => {
  it('reads one YAML document', () => {
    const [doc, ...rest] = parseAutomationFile(SHORT_VIDEO_YAML, 'ci/short-video.yaml');
    expect(rest).toEqual([]);
    expect(doc).toMatchObject({ source: 'short-video.yaml', body: { name: 'Short video' } });
  });

  it('reads every document of a YAML stream, numbering them, and skips empty ones', () => {
    const docs = parseAutomationFile(
      `name: A\nworkflow: [{kind: nsfw}]\n---\nname: B\nworkflow: [{kind: summary}]\n---\n`,
      'all.yml',
    );
    expect(docs.map((d) => d.source)).toEqual(['all.yml#1', 'all.yml#2']);
    expect(docs.map((d) => (d.body as { name: string }).name)).toEqual(['A', 'B']);
  });

  it('reads JSON: an object, or an array of them', () => {
    expect(parseAutomationFile('{"name":"A","workflow":[]}', 'a.json')).toEqual([
      { source: 'a.json', body: { name: 'A', workflow: [] } },
    ]);
    expect(
      parseAutomationFile('[{"name":"A"},{"name":"B"}]', 'two.JSON').map((d) => d.source),
    ).toEqual(['two.JSON#1', 'two.JSON#2']);
  });

  it('says which file is not valid, and where', () => {
    expect(() => parseAutomationFile('{"name": ', 'bad.json')).toThrow(
      /^bad\.json: not valid JSON/,
    );
    expect(() => parseAutomationFile('name: [unclosed\n', 'bad.yaml')).toThrow(WorkFailedError);
    expect(() => parseAutomationFile('name: [unclosed\n', 'bad.yaml')).toThrow(
      /bad\.yaml: not valid YAML:\n.*line 2/s,
    );
  });

  it('keeps YAML 1.2 scalars: "no" and "on" stay strings', () => {
    const [doc] = parseAutomationFile('name: no\nworkflow: [{kind: nsfw, ref: on}]', 'x.yaml');
    expect(doc?.body).toEqual({ name: 'no', workflow: [{ kind: 'nsfw', ref: 'on' }] });
  });
});

describe('desiredAutomation', () => {
  it('brings a document to the stored form the API answers: options under `options`, defaults filled in', () => {
    const [doc] = parseAutomationFile(SHORT_VIDEO_YAML, 'short-video.yaml');
    expect(desiredAutomation(doc!)).toEqual({
      source: 'short-video.yaml',
      fields: {
        name: 'Short video',
        description: 'Every upload as a 1280-wide MP4, with scrubbing thumbnails and its sound',
        workflow: [
          {
            kind: 'video',
            options: { width: 1280, format: 'mp4' },
            ref: 'web',
            next: [{ kind: 'thumbnails', ref: 'scrub' }],
          },
          { kind: 'audio', options: { format: 'mp3', normalize: true }, ref: 'sound' },
        ],
        trigger: null,
      },
    });
  });

  it('manages status only when the file names it', () => {
    const paused = desiredAutomation({
      source: 'p.yaml',
      body: { name: 'P', status: 'paused', workflow: [{ kind: 'nsfw' }] },
    });
    expect(paused.fields.status).toBe('paused');
    const unsaid = desiredAutomation({
      source: 'p.yaml',
      body: { name: 'P', workflow: [{ kind: 'nsfw' }] },
    });
    expect('status' in unsaid.fields).toBe(false);
  });

  it('fills in a trigger’s conditions as the API stores them', () => {
    const d = desiredAutomation({
      source: 't.yaml',
      body: {
        name: 'T',
        workflow: [{ kind: 'nsfw' }],
        trigger: { kind: 'event', event: 'file.created' },
      },
    });
    expect(d.fields.trigger).toEqual({ kind: 'event', event: 'file.created', conditions: [] });
  });

  it('refuses a bad automation naming the file and every JSON path, as the API would', () => {
    const bad = () =>
      desiredAutomation({
        source: 'bad.yaml#2',
        body: {
          name: 'bad',
          workflow: [
            { kind: 'video', width: 8000 },
            { kind: 'subtitles', next: [{ kind: 'video' }] },
          ],
        },
      });
    expect(bad).toThrow(WorkFailedError);
    expect(bad).toThrow(
      /^bad\.yaml#2: The request is invalid\n {2}workflow\[0\]\.options\.width: must be ≤ 7680\n {2}workflow\[1\]\.next\[0\]\.kind: video cannot take/,
    );
  });

  it('refuses an unknown field (an `id` copied from the API) rather than ignoring it', () => {
    expect(() =>
      desiredAutomation({ source: 'x.yaml', body: { id: 'auto_1', name: 'X', workflow: [] } }),
    ).toThrow(/x\.yaml: .*\n/);
  });
});
