// Runs src/doctor-main.ts from its TypeScript source (through @swc/core, as
// Jest does), so the doctor's tests need no build of the whole app:
//   node test/doctor-run-ts.js [--json]
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

require(path.join(__dirname, '..', 'src', 'doctor-main.ts'));
