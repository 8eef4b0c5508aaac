const { reporters: _reporters, ...base } = require('../../jest.config.base');

// Not part of `pnpm test`: `pnpm test:chaos` runs it (its script is `chaos`,
// not `test`, so turbo's test task passes this package by). The table of
// every round is printed at the end by chaos-reporter.js.
module.exports = {
  ...base,
  roots: ['<rootDir>/src'],
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/chaos-reporter.js'],
};
