// Lets a test's child process run this package's TypeScript sources, Nest's
// decorators and their metadata included, compiled by swc with the very
// options Jest uses (jest.config.base.js). scripts/register-ts.js parses no
// decorators, and the worker's module classes are decorated.
//   node -r ./src/testing/register-ts.js src/testing/drain-worker.ts
const fs = require('node:fs');
const swc = require('@swc/core');
const { transform } = require('../../../../jest.config.base');

const [, options] = transform['^.+\\.ts$'];

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = swc.transformSync(source, { ...options, filename, swcrc: false });
  module._compile(code, filename);
};
