const base = require('../../jest.config.base');

module.exports = {
  ...base,
  roots: ['<rootDir>/src', '<rootDir>/test'],
  // The real recogniser on real speech: under CI's parallel load one test can take minutes.
  testTimeout: 300000,
  // srt-parser-2 ships only an ES module: the tests' SRT parser is compiled to CommonJS like our code.
  transform: { ...base.transform, '/srt-parser-2/.+\\.js$': base.transform['^.+\\.ts$'] },
  transformIgnorePatterns: [
    '/node_modules/(?!(\\.pnpm/srt-parser-2@[^/]+/node_modules/)?srt-parser-2/)',
  ],
};
