// `@mediaflow/database/testing`: throwaway databases for other packages' tests (never loaded in production).
module.exports = require('./dist/testing/test-database');
