// Lets plain `node` load TypeScript sources, compiled by the swc the tests
// use (as Jest does), for the child processes tests start from src/ so that
// they never run a stale dist/:
//   node -r ./scripts/register-ts.js some-file.ts     or     require('…/scripts/register-ts')
const fs = require('node:fs');
const swc = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
