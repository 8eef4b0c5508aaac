import { Fixtures } from '@mediaflow/testing';
import { truncateSync } from 'node:fs';
import { MAX_TRACK_BYTES, readTrackFile } from './track-file';

describe('readTrackFile', () => {
  const fixtures = new Fixtures();
  afterAll(() => fixtures.remove());

  it('reads a track as UTF-8', async () => {
    const file = fixtures.write(
      'fr.vtt',
      'WEBVTT\n\n00:00.000 --> 00:01.000\nÇa va ? Très bien.\n',
    );
    expect(await readTrackFile(file)).toContain('Ça va ? Très bien.');
  });

  it('refuses binary data with input_unreadable', async () => {
    const file = fixtures.write('binary.vtt', Buffer.from([0x57, 0x45, 0x00, 0x01, 0xff]));
    await expect(readTrackFile(file)).rejects.toMatchObject({ code: 'input_unreadable' });
  });

  it('refuses a file bigger than any track with input_too_large, without reading it', async () => {
    const file = fixtures.write('huge.vtt', 'WEBVTT\n');
    truncateSync(file, MAX_TRACK_BYTES + 1);
    await expect(readTrackFile(file)).rejects.toMatchObject({ code: 'input_too_large' });
  });
});
