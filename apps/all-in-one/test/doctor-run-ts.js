// Runs src/doctor-main.ts from its TypeScript source (through @swc/core, as
// Jest does), so the doctor's tests need no build of the whole app:
//   node test/doctor-run-ts.js [--json]
const path = require('node:path');
require('../../../scripts/register-ts');

require(path.join(__dirname, '..', 'src', 'doctor-main.ts'));
