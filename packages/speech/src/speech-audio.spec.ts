import { MEDIA_INPUT_OPTIONS } from '@mediaflow/media';
import { speechAudioArgs } from './speech-audio';

describe('speechAudioArgs', () => {
  it('takes the first audio stream to 16 kHz mono 16-bit WAV without metadata', () => {
    expect(speechAudioArgs('/in/clip.mp4', '/work/speech.wav')).toEqual([
      // Only the containers mediaflow reads: no playlist opens another local file.
      ...MEDIA_INPUT_OPTIONS,
      '-i',
      'file:/in/clip.mp4',
      '-map',
      '0:a:0',
      '-vn',
      '-sn',
      '-dn',
      '-ac',
      '1',
      '-ar',
      '16000',
      '-c:a',
      'pcm_s16le',
      '-map_metadata',
      '-1',
      '-fflags',
      '+bitexact',
      '-flags:a',
      '+bitexact',
      '-f',
      'wav',
      '-y',
      '/work/speech.wav',
    ]);
  });
});
