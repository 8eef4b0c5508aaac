module.exports = { ...require('../../jest.config.base'), roots: ['<rootDir>/src'] };
