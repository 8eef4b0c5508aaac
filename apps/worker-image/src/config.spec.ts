import { parseConfig } from '@mediaflow/config';
import { imageWorkerConfigSchema } from './config';

describe('imageWorkerConfigSchema', () => {
  it('starts with no environment: HTTP on 3004, a 100-megapixel decode limit', () => {
    expect(parseConfig(imageWorkerConfigSchema, {})).toMatchObject({
      PORT: 3004,
      MEDIAFLOW_MAX_INPUT_PIXELS: 100_000_000,
    });
  });

  it('reads the limit and refuses nonsense with one line', () => {
    expect(
      parseConfig(imageWorkerConfigSchema, { MEDIAFLOW_MAX_INPUT_PIXELS: '25000000' })
        .MEDIAFLOW_MAX_INPUT_PIXELS,
    ).toBe(25_000_000);
    expect(() => parseConfig(imageWorkerConfigSchema, { MEDIAFLOW_MAX_INPUT_PIXELS: '0' })).toThrow(
      'MEDIAFLOW_MAX_INPUT_PIXELS must be ≥ 1 (got "0")',
    );
  });

  it('runs the NSFW model on WASM, the mid-sized MobileNet, unless told otherwise', () => {
    expect(parseConfig(imageWorkerConfigSchema, {})).toMatchObject({
      MEDIAFLOW_NSFW_BACKEND: 'wasm',
      MEDIAFLOW_NSFW_MODEL: 'mobilenet_v2_mid',
    });
    expect(
      parseConfig(imageWorkerConfigSchema, {
        MEDIAFLOW_NSFW_BACKEND: 'cpu',
        MEDIAFLOW_NSFW_MODEL: 'inception_v3',
      }),
    ).toMatchObject({ MEDIAFLOW_NSFW_BACKEND: 'cpu', MEDIAFLOW_NSFW_MODEL: 'inception_v3' });
    expect(() => parseConfig(imageWorkerConfigSchema, { MEDIAFLOW_NSFW_BACKEND: 'node' })).toThrow(
      'MEDIAFLOW_NSFW_BACKEND must be one of wasm, cpu (got "node")',
    );
    expect(() => parseConfig(imageWorkerConfigSchema, { MEDIAFLOW_NSFW_MODEL: 'resnet' })).toThrow(
      'MEDIAFLOW_NSFW_MODEL must be one of mobilenet_v2, mobilenet_v2_mid, inception_v3',
    );
  });
});
