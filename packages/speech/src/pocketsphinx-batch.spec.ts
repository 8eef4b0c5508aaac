import {
  DEBIAN_EN_US_MODEL,
  decodingUtterance,
  isFiller,
  parseSphinxCtm,
  sphinxBatchArgs,
  sphinxControlFile,
} from './pocketsphinx-batch';

// Captured from a real `pocketsphinx_batch … -ctm` run (Debian 0.8+5prealpha,
// en-us model) on espeak-ng speech cut into two utterances at 5.00 s.
const REAL_CTM = `u0 1 1.03 0.35 hello 0.224
u0 1 1.39 0.56 world 0.817
u0 1 2.50 0.21 is 0.498
u0 1 4.79 0.22 i 1.000
u1 1 0.13 0.48 today 0.996
u1 1 0.81 0.21 and 0.805
u1 1 6.41 0.34 said 0.185
`;

describe('sphinxBatchArgs', () => {
  it('decodes the control file’s chunks of the WAV, VAD off, words to a CTM file', () => {
    expect(
      sphinxBatchArgs(DEBIAN_EN_US_MODEL, {
        dir: '/tmp/s',
        headerBytes: 44,
        controlFile: '/tmp/s/chunks.ctl',
        ctmFile: '/tmp/s/words.ctm',
      }),
    ).toEqual([
      '-hmm',
      '/usr/share/pocketsphinx/model/en-us/en-us',
      '-lm',
      '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin',
      '-dict',
      '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
      '-adcin',
      'yes',
      '-adchdr',
      '44',
      '-samprate',
      '16000',
      '-cepdir',
      '/tmp/s',
      '-cepext',
      '.wav',
      '-ctl',
      '/tmp/s/chunks.ctl',
      '-ctm',
      '/tmp/s/words.ctm',
      '-remove_silence',
      'no',
    ]);
  });
});

describe('sphinxControlFile', () => {
  it('lists each chunk that is not silent, in frames, with its utterance id', () => {
    expect(
      sphinxControlFile('audio', [
        { start: 0, end: 1500, silent: false },
        { start: 1500, end: 3000, silent: true },
        { start: 3000, end: 3210, silent: false },
      ]),
    ).toBe('audio 0 1500 u0\naudio 3000 3210 u2\n');
    expect(sphinxControlFile('audio', [])).toBe('');
  });
});

describe('parseSphinxCtm', () => {
  const offsets = new Map([
    ['u0', 0],
    ['u1', 5],
  ]);

  it.each([
    [
      'real output: times moved by each utterance’s start, confidence kept',
      REAL_CTM,
      [
        ['hello', 1.03, 1.38, 0.224],
        ['world', 1.39, 1.95, 0.817],
        ['is', 2.5, 2.71, 0.498],
        ['i', 4.79, 5.01, 1],
        ['today', 5.13, 5.61, 0.996],
        ['and', 5.81, 6.02, 0.805],
        ['said', 11.41, 11.75, 0.185],
      ],
    ],
    [
      'fillers dropped, alternate pronunciations unmarked',
      'u0 1 0.00 0.14 <s> 0.999\nu0 1 0.15 0.21 and(2) 0.260\nu0 1 0.40 0.02 <sil> 0.55\nu0 1 0.50 0.10 [NOISE] 0.5\nu0 1 0.60 0.10 [SPEECH] 0.5\nu0 1 0.70 0.10 ++UH++ 0.5\nu0 1 0.80 0.30 leisure(2) 0.45\nu0 1 1.10 0.03 </s> 1.0\n',
      [
        ['and', 0.15, 0.36, 0.26],
        ['leisure', 0.8, 1.1, 0.45],
      ],
    ],
    [
      'lines of unknown utterances, malformed lines and blank lines skipped; no confidence is none',
      'u9 1 0.10 0.20 stray 0.5\n\ngarbage\nu0 1 x 0.2 bad 0.5\nu1 1 0.50 0.25 kept\n',
      [['kept', 5.5, 5.75, undefined]],
    ],
    ['nothing recognised', '', []],
  ])('%s', (_, ctm, expected) => {
    const words = parseSphinxCtm(ctm, offsets);
    expect(words.map((w) => [w.word, w.start, w.end, w.confidence])).toEqual(expected);
  });

  it('puts words in time order whatever order the utterances were written in', () => {
    const words = parseSphinxCtm('u1 1 0.1 0.1 later 0.9\nu0 1 0.1 0.1 sooner 0.9\n', offsets);
    expect(words.map((w) => w.word)).toEqual(['sooner', 'later']);
  });
});

describe('isFiller', () => {
  it.each([
    ['<s>', true],
    ['</s>', true],
    ['<sil>', true],
    ['[NOISE]', true],
    ['++BREATH++', true],
    ['hello', false],
    ["don't", false],
    ['c.', false],
  ])('%s → %s', (token, filler) => expect(isFiller(token)).toBe(filler));
});

describe('decodingUtterance', () => {
  it.each([
    ["INFO: batch.c(729): Decoding 'u3'", 'u3'],
    ['INFO: batch.c(760): u3: 5.02 seconds speech, 1.10 seconds CPU, 1.23 seconds wall', null],
    ['INFO: feat.c(713): Initializing feature stream', null],
    ['', null],
  ])('%j → %j', (line, uttid) => expect(decodingUtterance(line)).toBe(uttid));
});
