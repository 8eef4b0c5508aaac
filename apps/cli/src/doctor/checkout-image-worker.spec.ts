import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkoutImageWorker } from './checkout-image-worker';

describe('checkoutImageWorker', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mediaflow-cli-checkout-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('resolves from apps/worker-image beside apps/cli, and loads its root module', async () => {
    const worker = path.join(root, 'apps', 'worker-image');
    mkdirSync(worker, { recursive: true });
    writeFileSync(path.join(worker, 'package.json'), '{"name":"w","main":"main.js"}');
    writeFileSync(path.join(worker, 'main.js'), 'exports.NSFW_BACKENDS = ["wasm"];');
    const found = checkoutImageWorker(path.join(root, 'apps', 'cli'));
    expect(found.resolver().resolve('./main.js')).toBe(path.join(worker, 'main.js'));
    expect((await found.load()).NSFW_BACKENDS).toEqual(['wasm']);
  });

  it('says there is none where the CLI is not in a checkout (the probe makes it a row)', () => {
    const found = checkoutImageWorker(path.join(root, 'elsewhere', 'cli'));
    expect(() => found.resolver()).toThrow(/no .*worker-image beside this CLI/);
  });
});
