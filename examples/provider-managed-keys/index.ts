// Scenario 3 of the seeds, "encryption key custody failure": backups are encrypted, but
// under keys AWS manages or owns, so an administrative compromise of the account
// leaves the customer no independent cryptographic control over them.
import * as aws from "@pulumi/aws";

// The AWS-managed key of AWS Backup.
new aws.backup.Vault("fail-vault-aws-managed-key", {
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/aws/backup",
});

// SSE-S3: S3 holds the keys.
const bucket = new aws.s3.Bucket("fail-bucket-sse-s3", { tags: { Purpose: "Backup" } });
new aws.s3.BucketServerSideEncryptionConfiguration("fail-bucket-sse-s3-encryption", {
  bucket: bucket.id,
  rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
});

// No encryptionKeyArn: the vault is encrypted with an AWS-owned key.
new aws.backup.LogicallyAirGappedVault("fail-air-gapped-vault-aws-owned-key", {
  minRetentionDays: 35,
  maxRetentionDays: 365,
});
