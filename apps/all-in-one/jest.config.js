// Starts the whole product (and an embedded PostgreSQL) in tests: minutes under CI's parallel load.
module.exports = {
  ...require('../../jest.config.base'),
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testTimeout: 300000,
};
