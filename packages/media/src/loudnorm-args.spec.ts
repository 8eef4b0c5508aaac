import { MEDIA_INPUT_OPTIONS } from './file-input-args';
import {
  isNormalizable,
  loudnessMeasureArgs,
  loudnormFilter,
  parseLoudnessMeasurement,
} from './loudnorm-args';

// Captured from ffmpeg 5.1 (Debian 12) measuring files made with lavfi:
// a 440 Hz sine at volume 0.05, and 3 s of anullsrc.
const QUIET_SINE =
  'Guessed Channel Layout for Input Stream #0.0 : mono\nInput #0, wav, from \'file:quiet.wav\':\n  Metadata:\n    encoder         : Lavf59.27.100\n  Duration: 00:00:03.00, bitrate: 705 kb/s\n  Stream #0:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 44100 Hz, mono, s16, 705 kb/s\nStream mapping:\n  Stream #0:0 -> #0:0 (pcm_s16le (native) -> pcm_s16le (native))\nOutput #0, null, to \'pipe:\':\n  Metadata:\n    encoder         : Lavf59.27.100\n  Stream #0:0: Audio: pcm_s16le, 192000 Hz, mono, s16, 3072 kb/s\n    Metadata:\n      encoder         : Lavc59.37.100 pcm_s16le\nsize=N/A time=00:00:03.00 bitrate=N/A speed=49.6x    \nvideo:0kB audio:1125kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown\n[Parsed_loudnorm_0 @ 0x55e84331ea40] \n{\n\t"input_i" : "-47.85",\n\t"input_tp" : "-44.06",\n\t"input_lra" : "0.00",\n\t"input_thresh" : "-57.85",\n\t"output_i" : "-15.95",\n\t"output_tp" : "-12.25",\n\t"output_lra" : "0.00",\n\t"output_thresh" : "-25.95",\n\t"normalization_type" : "dynamic",\n\t"target_offset" : "-0.05"\n}\n';
const SILENCE =
  '[Parsed_loudnorm_0 @ 0x5630248ef600] \n{\n\t"input_i" : "-inf",\n\t"input_tp" : "-inf",\n\t"input_lra" : "0.00",\n\t"input_thresh" : "-70.00",\n\t"output_i" : "-inf",\n\t"output_tp" : "-inf",\n\t"output_lra" : "0.00",\n\t"output_thresh" : "-70.00",\n\t"normalization_type" : "dynamic",\n\t"target_offset" : "inf"\n}\n';

describe('loudnorm, two passes', () => {
  it('measures the first audio stream at -loglevel info, into nothing', () => {
    expect(loudnessMeasureArgs('/w/in', { start: 2, end: 5 })).toEqual([
      '-loglevel',
      'info',
      '-ss',
      '2',
      '-t',
      '3',
      ...MEDIA_INPUT_OPTIONS,
      '-i',
      'file:/w/in',
      '-map',
      '0:a:0',
      '-vn',
      '-af',
      'loudnorm=I=-16:TP=-1.5:LRA=11:print_format=json',
      '-f',
      'null',
      '-',
    ]);
  });

  it('reads the JSON report after the stream listing', () => {
    const measured = parseLoudnessMeasurement(QUIET_SINE);
    expect(measured).toEqual({
      inputI: -47.85,
      inputTp: -44.06,
      inputLra: 0,
      inputThresh: -57.85,
      targetOffset: -0.05,
    });
    expect(isNormalizable(measured)).toBe(true);
  });

  it('reads silence as infinities, which cannot be normalised', () => {
    const measured = parseLoudnessMeasurement(SILENCE);
    expect(measured).toEqual({
      inputI: -Infinity,
      inputTp: -Infinity,
      inputLra: 0,
      inputThresh: -70,
      targetOffset: Infinity,
    });
    expect(isNormalizable(measured)).toBe(false);
  });

  it.each([
    ['no report at all', 'Input #0, wav, from x:\n'],
    ['a report cut short', '[Parsed_loudnorm_0 @ 0x1] \n{\n\t"input_i" : "-47.85",\n'],
    [
      'a report without input_thresh',
      '[Parsed_loudnorm_0 @ 0x1] \n{ "input_i" : "-1", "input_tp" : "-1", "input_lra" : "1", "target_offset" : "0" }',
    ],
    ['a value that is no number', SILENCE.replace('"0.00"', '"n/a"')],
  ])('fails internal on %s', (_name, stderr) => {
    expect(() => parseLoudnessMeasurement(stderr)).toThrow(
      expect.objectContaining({ code: 'internal' }),
    );
  });

  it('applies the measurement in linear mode in the second pass', () => {
    expect(loudnormFilter(parseLoudnessMeasurement(QUIET_SINE))).toBe(
      'loudnorm=I=-16:TP=-1.5:LRA=11:measured_I=-47.85:measured_TP=-44.06:measured_LRA=0:measured_thresh=-57.85:offset=-0.05:linear=true',
    );
  });

  it('clamps measurements to the ranges loudnorm accepts', () => {
    expect(
      loudnormFilter({
        inputI: -120.4,
        inputTp: -101,
        inputLra: 140,
        inputThresh: -130,
        targetOffset: 0.123,
      }),
    ).toBe(
      'loudnorm=I=-16:TP=-1.5:LRA=11:measured_I=-99:measured_TP=-99:measured_LRA=99:measured_thresh=-99:offset=0.12:linear=true',
    );
  });
});
