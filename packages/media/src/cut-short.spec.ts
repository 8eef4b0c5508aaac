import {
  decodedCutShortError,
  extentCutShort,
  extentReadStarts,
  isCutShort,
  mediaExtentArgs,
  parseMediaExtent,
  readCutShortError,
  shortfallTolerance,
} from './cut-short';
import { MEDIA_INPUT_OPTIONS } from './file-input-args';

describe('media cut short', () => {
  it.each([
    [1, 0.5],
    [4, 0.5],
    [10, 0.5],
    [20, 1],
    [7200, 360],
  ])('tolerates %s s falling %s s short', (declared, tolerance) => {
    expect(shortfallTolerance(declared)).toBeCloseTo(tolerance, 9);
  });

  it.each([
    [1.6, 4, true],
    [3.49, 4, true],
    [3.5, 4, false],
    [3.96, 4, false],
    [4.2, 4, false],
    [6800, 7200, true],
    [6900, 7200, false],
  ])('%s s of %s s is cut short: %s', (reached, declared, cut) => {
    expect(isCutShort(reached, declared)).toBe(cut);
  });

  it.each([
    [4, [2, 1.5, 0]],
    [100, [98, 93, 0]],
    [2.5, [0.5, 0]],
    [1, [0]],
  ])('reads a %s s file from %j in turn', (declared, starts) => {
    expect(extentReadStarts(declared)).toEqual(starts);
  });

  it('reads the packets from near the end, with the input restricted like every other', () => {
    expect(mediaExtentArgs('/w/in', 2.0004)).toEqual([
      '-hide_banner',
      '-v',
      'warning',
      ...MEDIA_INPUT_OPTIONS,
      '-read_intervals',
      '2%',
      '-show_entries',
      'packet=stream_index,pts_time,dts_time,duration_time:stream=index,codec_type:stream_disposition=attached_pic:format=start_time,duration',
      '-of',
      'compact',
      'file:/w/in',
    ]);
    expect(mediaExtentArgs('/w/in', 0)).not.toContain('-read_intervals');
  });

  // The shape of ffprobe 5.1's compact output for mediaExtentArgs (Debian 12).
  const whole = [
    'packet|stream_index=1|pts_time=3.947392|dts_time=3.947392|duration_time=0.023220',
    'packet|stream_index=0|pts_time=3.960000|dts_time=3.880000|duration_time=0.040000',
    'packet|stream_index=1|pts_time=3.970612|dts_time=3.970612|duration_time=0.023220',
    'packet|stream_index=2|pts_time=0.000000|dts_time=0.000000|duration_time=N/A',
    'packet|stream_index=3|pts_time=9.000000|dts_time=9.000000|duration_time=1.000000',
    'stream|index=0|codec_type=video|disposition:attached_pic=0',
    'stream|index=1|codec_type=audio|disposition:attached_pic=0',
    'stream|index=2|codec_type=video|disposition:attached_pic=1',
    'stream|index=3|codec_type=subtitle|disposition:attached_pic=0',
    'format|start_time=0.000000|duration=4.000000',
  ].join('\n');

  it('reads where the audio and video packets end, leaving out cover art and subtitles', () => {
    const extent = parseMediaExtent(whole, '', 2);
    expect(extent).toEqual({ declared: 4, reached: expect.any(Number), from: 2 });
    expect(extent!.reached).toBeCloseTo(4, 6);
    expect(extentCutShort(extent!)).toBe(false);
  });

  it('counts from the start time, as packets carry absolute times', () => {
    const ts = [
      'packet|stream_index=0|pts_time=2.800000|dts_time=2.800000|duration_time=0.040000',
      'stream|index=0|codec_type=video|disposition:attached_pic=0',
      'format|start_time=1.400000|duration=1.440000',
    ].join('\n');
    expect(parseMediaExtent(ts, '', 0)).toEqual({
      declared: 1.44,
      reached: expect.closeTo(1.44, 6),
      from: 0,
    });
  });

  it('finds no packet after the seek in a file that stops before it', () => {
    const cut = whole
      .split('\n')
      .filter((line) => !line.startsWith('packet'))
      .join('\n');
    const extent = parseMediaExtent(
      cut,
      '[mov,mp4 @ 0x5600] stream 0, offset 0x2f3a1: partial file\n',
      1.5,
    );
    expect(extent).toEqual({ declared: 4, reached: null, from: 1.5 });
    expect(extentCutShort(extent!)).toBe(true);
    // Nothing after 3.9 s of 4 s: within the tolerance, so not proof of a cut.
    expect(extentCutShort({ declared: 4, reached: null, from: 3.9 })).toBe(false);
  });

  it('cannot tell when the duration is an estimate, unknown, or of no audio or video', () => {
    expect(
      parseMediaExtent(
        whole,
        '[aac @ 0x55d1] Estimating duration from bitrate, this may be inaccurate\n',
        2,
      ),
    ).toBeNull();
    expect(parseMediaExtent(whole.replace('duration=4.000000', 'duration=N/A'), '', 2)).toBeNull();
    const subtitles = 'stream|index=0|codec_type=subtitle\nformat|start_time=0.0|duration=4.0';
    expect(parseMediaExtent(subtitles, '', 2)).toBeNull();
  });

  it('says how much was read or decoded, of what', () => {
    expect(readCutShortError({ declared: 4.011, reached: 1.63, from: 2 }).toBody()).toEqual({
      code: 'input_unreadable',
      message: 'Read 1.6 s of the 4.0 s the file declares: it is cut short',
    });
    expect(readCutShortError({ declared: 4, reached: null, from: 1.5 }).message).toBe(
      'Read less than 1.5 s of the 4.0 s the file declares: it is cut short',
    );
    expect(decodedCutShortError(1.32, 4, false).toBody()).toEqual({
      code: 'input_unreadable',
      message: 'Decoded 1.3 s of the 4.0 s the file declares: it is cut short',
    });
    expect(decodedCutShortError(0.8, 1.5, true).message).toBe(
      'Decoded 0.8 s of the 1.5 s asked for: the file is cut short',
    );
  });
});
