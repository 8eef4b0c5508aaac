// Builds the four bundles of package.json's `exports` with esbuild, after
// `tsc` has written the declarations: the Node entry (src/index.ts) and the
// browser entry (src/browser.ts), each as ESM (.mjs) and CommonJS (.cjs).
// Bundled, so that each is one file and the browser one provably holds no
// Node built-in; dependencies stay imports (the SDK only imports their types).
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

const common = {
  bundle: true,
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

const entries = [
  { name: 'index', platform: 'node', target: 'node20' },
  // Browsers of 2022 on: Chrome/Edge 105, Firefox 104, Safari 16 read what this emits.
  { name: 'browser', platform: 'browser', target: ['chrome105', 'firefox104', 'safari16'] },
];

await Promise.all(
  entries.flatMap(({ name, platform, target }) =>
    [
      ['esm', 'mjs'],
      ['cjs', 'cjs'],
    ].map(([format, extension]) =>
      build({
        ...common,
        entryPoints: [path.join(root, 'src', `${name}.ts`)],
        outfile: path.join(dist, `${name}.${extension}`),
        platform,
        target,
        format,
      }),
    ),
  ),
);

// The ESM entries' declarations: the same as the CommonJS ones, typed as ESM.
for (const { name } of entries)
  writeFileSync(path.join(dist, `${name}.d.mts`), `export * from './${name}.js';\n`);
