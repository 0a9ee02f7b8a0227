// The seeds' first scenario in spirit: backups exist, but only as long as the 30-day
// window a provider would keep anyway, taken on weekdays only, and all in one region.
// Every retention, immutability and replication control of the pack fires here.
import * as aws from "@pulumi/aws";

const key = new aws.kms.Key("short-retention-key", { enableKeyRotation: true, deletionWindowInDays: 30 });

// Named, so that the plan's rule names it at preview.
const vault = new aws.backup.Vault("fail-short-retention-vault", { name: "short-retention-vault", kmsKeyArn: key.arn });

// Governance mode (no changeableForDays), and a minimum above what the plan keeps:
// any principal allowed DeleteBackupVaultLockConfiguration can remove it, and every
// backup job the plan starts would fail.
new aws.backup.VaultLockConfiguration("fail-governance-lock", { backupVaultName: vault.name, minRetentionDays: 45 });

// 30 days, weekdays only (a 72-hour weekend gap), no copy to another region.
new aws.backup.Plan("fail-short-retention-plan", {
  rules: [
    {
      ruleName: "weekdays",
      targetVaultName: vault.name,
      schedule: "cron(0 5 ? * MON-FRI *)",
      lifecycle: { deleteAfter: 30 },
    },
  ],
});

// A backup bucket without versioning or Object Lock, whose lifecycle deletes old
// versions after 7 days, replicating within its own region and forwarding deletions.
const bucket = new aws.s3.Bucket("fail-single-region-bucket", { tags: { purpose: "backup" } });

new aws.s3.BucketServerSideEncryptionConfiguration("fail-single-region-bucket-encryption", {
  bucket: bucket.id,
  rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
});

new aws.s3.BucketLifecycleConfiguration("fail-short-noncurrent-lifecycle", {
  bucket: bucket.id,
  rules: [{ id: "expire-old-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 7 } }],
});

const replica = new aws.s3.Bucket("same-region-replica", {});

const replicationRole = new aws.iam.Role("replication", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});

// A V1 rule (no filter): S3 replicates delete markers, so a deletion reaches the replica.
new aws.s3.BucketReplicationConfig("fail-same-region-replication", {
  bucket: bucket.id,
  role: replicationRole.arn,
  rules: [
    {
      id: "same-region",
      status: "Enabled",
      sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
      destination: { bucket: replica.arn, encryptionConfiguration: { replicaKmsKeyId: key.arn } },
    },
  ],
});
