// Pure specs only: the CLI against a real server is tested in tests/e2e/src/cli.e2e.spec.ts.
module.exports = {
  ...require('../../jest.config.base'),
  roots: ['<rootDir>/src'],
};
