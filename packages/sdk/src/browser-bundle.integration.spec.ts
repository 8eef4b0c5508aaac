import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';

// The browser build holds no Node.js built-in: bundled for browsers with
// nothing left external, esbuild would fail on one (and does on the Node
// entry, below), and the output names none.

const root = path.resolve(__dirname, '..');

async function bundleForBrowser(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    absWorkingDir: root,
  });
  return result.outputFiles[0]!.text;
}

const NODE_BUILTIN =
  /\bnode:[a-z]|require\(\s*["'](fs|path|crypto|stream|http|https|os|net|url)["']/;

describe('the browser build', () => {
  it('bundles for browsers from source with no Node built-in, and none of zod', async () => {
    const code = await bundleForBrowser(path.join(root, 'src/browser.ts'));
    expect(code).not.toMatch(NODE_BUILTIN);
    expect(code).toMatch(/\bMediaflow = class extends MediaflowClient\b/);
    // Types only from the contracts: no schema (zod) comes along at run time.
    expect(code).not.toMatch(/\bZodError\b|from ["']zod["']/);
  });

  it('ships as one self-contained module (dist/browser.mjs imports nothing)', async () => {
    const shipped = readFileSync(path.join(root, 'dist/browser.mjs'), 'utf8');
    expect(shipped).not.toMatch(NODE_BUILTIN);
    expect(shipped).not.toMatch(/^\s*import\s|\brequire\(/m);
    expect(await bundleForBrowser(path.join(root, 'dist/browser.mjs'))).toContain('verifyWebhook');
  });

  it('while the Node entry does not bundle for browsers (so the check above can fail)', async () => {
    await expect(bundleForBrowser(path.join(root, 'src/index.ts'))).rejects.toThrow(/node:fs/);
  });

  it("and the contracts' browser entry bundles for browsers too (its index does not)", async () => {
    const code = await bundleForBrowser(require.resolve('@mediaflow/contracts/browser'));
    expect(code).not.toMatch(NODE_BUILTIN);
    expect(code).toContain('TaskObjectSchema');
    await expect(bundleForBrowser(require.resolve('@mediaflow/contracts'))).rejects.toThrow(
      /node:crypto/,
    );
  });
});
