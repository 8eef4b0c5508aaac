import { assertSpeechFormat, parseWavHeader, wavHeader } from './wav-format';

/** A RIFF/WAVE header of the given chunks: [id, body]. */
function riff(...chunks: [string, Buffer][]): Buffer {
  const parts = chunks.map(([id, body]) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'ascii');
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body, Buffer.alloc(body.length % 2)]);
  });
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'ascii');
  head.write('WAVE', 8, 'ascii');
  return Buffer.concat([head, ...parts]);
}

function fmt(format: number, channels: number, rate: number, bits: number): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt16LE(format, 0);
  body.writeUInt16LE(channels, 2);
  body.writeUInt32LE(rate, 4);
  body.writeUInt16LE(bits, 14);
  return body;
}

describe('parseWavHeader', () => {
  it('reads the header it writes', () => {
    const header = wavHeader(16_000);
    expect(parseWavHeader(header, header.length + 32_000)).toEqual({
      sampleRate: 16_000,
      channels: 1,
      bitsPerSample: 16,
      dataOffset: 44,
      dataBytes: 32_000,
    });
  });

  it.each([
    [
      'skips a LIST chunk (odd-sized, padded) before the data',
      riff(['fmt ', fmt(1, 1, 16_000, 16)], ['LIST', Buffer.alloc(27)], ['data', Buffer.alloc(0)]),
      1_000,
      { dataOffset: 12 + 24 + 36 + 8, channels: 1 },
    ],
    [
      'reads WAVE_FORMAT_EXTENSIBLE',
      riff(['fmt ', fmt(0xfffe, 2, 48_000, 16)], ['data', Buffer.alloc(0)]),
      100,
      { sampleRate: 48_000, channels: 2 },
    ],
  ])('%s', (_, head, size, expected) => {
    expect(parseWavHeader(head, size)).toMatchObject(expected);
  });

  it('takes the data to the end of the file when a streaming writer left its size 0 or unknown', () => {
    const header = wavHeader(0);
    expect(parseWavHeader(header, 44 + 640).dataBytes).toBe(640);
    header.writeUInt32LE(0xffffffff, 40);
    expect(parseWavHeader(header, 44 + 640).dataBytes).toBe(640);
    // And never past the end of a truncated file.
    expect(parseWavHeader(wavHeader(1_000), 44 + 10).dataBytes).toBe(10);
  });

  it.each([
    ['not RIFF', Buffer.from('ID3\u0004 this is an mp3 file'), 'not a WAV file'],
    ['not PCM', riff(['fmt ', fmt(3, 1, 16_000, 32)], ['data', Buffer.alloc(0)]), 'not PCM'],
    ['no data chunk', riff(['fmt ', fmt(1, 1, 16_000, 16)]), 'no fmt and data chunks'],
  ])('refuses %s', (_, head, message) => {
    expect(() => parseWavHeader(head, 1_000)).toThrow(message);
  });
});

describe('assertSpeechFormat', () => {
  it('accepts only 16 kHz mono 16-bit', () => {
    const layout = {
      sampleRate: 16_000,
      channels: 1,
      bitsPerSample: 16,
      dataOffset: 44,
      dataBytes: 0,
    };
    expect(() => assertSpeechFormat(layout)).not.toThrow();
    expect(() => assertSpeechFormat({ ...layout, channels: 2 })).toThrow(
      'not 16000 Hz, 2 channel(s), 16-bit',
    );
    expect(() => assertSpeechFormat({ ...layout, sampleRate: 44_100 })).toThrow('44100 Hz');
  });
});
