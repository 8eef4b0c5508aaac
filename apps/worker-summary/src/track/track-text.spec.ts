import { trackText } from './track-text';

describe('trackText', () => {
  it('reads a WebVTT track: header, NOTE and STYLE blocks, ids, settings and tags out', () => {
    const vtt = [
      '\uFEFFWEBVTT - a talk',
      'Kind: captions',
      '',
      'NOTE written by hand',
      'over two lines',
      '',
      'STYLE',
      '::cue { color: yellow }',
      '',
      'intro',
      '00:00:01.000 --> 00:00:04.000 align:start position:10%',
      '<v Ann>Welcome to the <i>river</i> tour.</v>',
      '',
      '2',
      '00:04.500 --> 00:07.250',
      'Boats leave every hour,',
      '<c.loud>rain or shine</c> &amp; all year.',
      '',
    ].join('\r\n');
    expect(trackText(vtt)).toEqual({
      text: 'Welcome to the river tour. Boats leave every hour, rain or shine & all year.',
      cues: [
        { start: 1, end: 4, text: 'Welcome to the river tour.' },
        { start: 4.5, end: 7.25, text: 'Boats leave every hour, rain or shine & all year.' },
      ],
    });
  });

  it('reads SubRip: numbers, comma decimals, <font> and {\\an8} out', () => {
    const srt = [
      '1',
      '00:00:00,500 --> 00:00:02,000',
      '{\\an8}<font color="#ffffff">Good evening.</font>',
      '',
      '2',
      '01:02:03,040 --> 01:02:05,000',
      "Here's the news.",
      '',
    ].join('\n');
    expect(trackText(srt)).toEqual({
      text: "Good evening. Here's the news.",
      cues: [
        { start: 0.5, end: 2, text: 'Good evening.' },
        { start: 3723.04, end: 3725, text: "Here's the news." },
      ],
    });
  });

  it('says once what rolling captions repeat from cue to cue', () => {
    const vtt = `WEBVTT

00:00.000 --> 00:02.000
the weather today

00:02.000 --> 00:04.000
the weather today
is sunny and warm

00:04.000 --> 00:06.000
is sunny and warm
with a light breeze
`;
    expect(trackText(vtt).text).toBe('the weather today is sunny and warm with a light breeze');
    expect(trackText(vtt).cues.map((c) => c.start)).toEqual([0, 2, 4]);
  });

  it('has no text for an empty track, or a thumbnails track of picture references', () => {
    expect(trackText('WEBVTT\n\n')).toEqual({ text: '', cues: [] });
    const thumbnails = 'WEBVTT\n\n00:00.000 --> 00:05.000\nsprite.jpg#xywh=0,0,160,90\n';
    expect(trackText(thumbnails)).toEqual({ text: '', cues: [] });
  });

  it('takes text without timings as it is, keeping its paragraphs', () => {
    expect(trackText('First paragraph\nwraps here.\n\n\n\nSecond one.')).toEqual({
      text: 'First paragraph\nwraps here.\n\nSecond one.',
      cues: [],
    });
  });
});
