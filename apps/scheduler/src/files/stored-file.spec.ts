import { StoredFileSchema } from '@mediaflow/contracts';
import { fileRow } from '../../test/fixtures/rows';
import { fileProperties, toStoredFile } from './stored-file';

describe('toStoredFile', () => {
  it('turns the bigint size into a number and the time into Unix seconds', () => {
    const file = toStoredFile(fileRow({ id: 'file_aaaaaaaaaaaaaaaa', filesize: '3000000000' }));
    expect(file.filesize).toBe(3_000_000_000);
    expect(file.created_at).toBe(1735689825);
    expect(StoredFileSchema.parse(file)).toEqual(file);
    expect(file).not.toHaveProperty('deleted_at');
  });
});

describe('fileProperties', () => {
  it('gives what conditions test, leaving out what the file lacks', () => {
    expect(
      fileProperties(
        fileRow({
          id: 'file_aaaaaaaaaaaaaaaa',
          kind: 'audio',
          mimetype: 'audio/mpeg',
          format: 'mp3',
          width: null,
          height: null,
          duration: 12.5,
          has_audio: true,
        }),
      ),
    ).toEqual({
      kind: 'audio',
      mimetype: 'audio/mpeg',
      format: 'mp3',
      duration: 12.5,
      filesize: 1843221,
      has_audio: true,
      has_video: false,
    });
    expect(
      fileProperties(
        fileRow({
          id: 'file_aaaaaaaaaaaaaaaa',
          kind: 'video',
          mimetype: 'video/mp4',
          format: 'mp4',
          width: 1280,
          height: 720,
          duration: 10,
          fps: 30,
          has_audio: true,
          has_video: true,
        }),
      ),
    ).toEqual({
      kind: 'video',
      mimetype: 'video/mp4',
      format: 'mp4',
      width: 1280,
      height: 720,
      duration: 10,
      fps: 30,
      filesize: 1843221,
      has_audio: true,
      has_video: true,
    });
  });
});
