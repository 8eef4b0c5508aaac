import {
  fileInputArgs,
  MEDIA_INPUT_OPTIONS,
  mediaInputArgs,
  refusedFormatError,
} from './file-input-args';

describe('input arguments', () => {
  it('reads a user’s file over file: only, with the demuxers of the formats mediaflow reads', () => {
    expect(mediaInputArgs('/w/in')).toEqual([
      '-protocol_whitelist',
      'file',
      '-format_whitelist',
      'mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,ogg,mp3,wav,flac,aac,aiff,avi,flv,mpegts,mpeg,asf,webvtt,srt',
      '-i',
      'file:/w/in',
    ]);
    expect(mediaInputArgs('/w/in').slice(0, 4)).toEqual(MEDIA_INPUT_OPTIONS);
  });

  it('reads the worker’s own files over file: only, in any format', () => {
    expect(fileInputArgs('/w/cell-%d.png')).toEqual([
      '-protocol_whitelist',
      'file',
      '-i',
      'file:/w/cell-%d.png',
    ]);
  });

  it('turns ffmpeg’s refusal of a format into one fixed input_unreadable', () => {
    const stderr = (address: string) =>
      `[hls @ ${address}] Format not on whitelist 'mov,mp4,m4a'\nfile:/tmp/x/upload: Invalid argument\n`;
    const one = refusedFormatError(stderr('0x55d0c1a2b3c0'));
    expect(one).toMatchObject({
      code: 'input_unreadable',
      message:
        'The file cannot be read as media: it is not in an audio, video or subtitle format mediaflow reads',
    });
    expect(refusedFormatError(stderr('0x5600aa00bb00'))!.toBody()).toEqual(one!.toBody());
    expect(refusedFormatError('moov atom not found\n')).toBeNull();
    expect(refusedFormatError("Protocol 'http' not on whitelist 'file'!")).toBeNull();
  });
});
