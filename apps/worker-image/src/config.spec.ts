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
});
