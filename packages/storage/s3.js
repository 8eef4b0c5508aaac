// `@mediaflow/storage/s3`: S3Storage, apart from the package's index so that importing the index does not load the AWS SDK.
module.exports = require('./dist/s3-storage');
