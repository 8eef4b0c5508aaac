// `@mediaflow/storage/testing`: the local S3 stand-in, for other packages' tests (never loaded in production).
module.exports = require('./dist/testing/local-s3');
