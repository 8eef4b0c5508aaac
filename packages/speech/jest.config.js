// The real recogniser on real speech: under CI's parallel load one test can take minutes.
module.exports = {
  ...require('../../jest.config.base'),
  roots: ['<rootDir>/src'],
  testTimeout: 300000,
};
