module.exports = {
  ...require('../../jest.config.base'),
  roots: ['<rootDir>/src'],
  testTimeout: 60000,
};
