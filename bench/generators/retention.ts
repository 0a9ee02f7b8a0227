import * as aws from "@pulumi/aws";
import { ref } from "../../kit/fixtures";
import type { Generator } from ".";

/**
 * Retention and replication: a named vault with a lock, a second-region vault, a plan
 * with a daily and a weekday rule copying across (some too short for the lock), and a
 * backup bucket with split versioning, Object Lock, lifecycle and replication to a
 * bucket on another region's provider.
 */
export const retention: Generator = (stack, i) => {
  const vault = stack.add(aws.backup.Vault, `ret-vault-${i}`, { name: `ret-vault-${i}` });
  stack.add(aws.backup.VaultLockConfiguration, `ret-vault-${i}-lock`, {
    backupVaultName: `ret-vault-${i}`,
    changeableForDays: i % 4 === 0 ? undefined : 3,
    minRetentionDays: 35,
    maxRetentionDays: 365,
  });
  const dr = stack.add(aws.backup.Vault, `ret-dr-vault-${i}`, { region: "us-west-2" });
  stack.add(aws.backup.Plan, `ret-plan-${i}`, {
    rules: [
      {
        ruleName: "daily",
        targetVaultName: ref(vault, "name"),
        schedule: "cron(0 5 ? * * *)",
        lifecycle: { deleteAfter: i % 3 === 0 ? 30 : 35 },
        copyActions: [{ destinationVaultArn: ref(dr, "arn"), lifecycle: { deleteAfter: 90 } }],
      },
      { ruleName: "weekdays", targetVaultName: `ret-vault-${i}`, schedule: "cron(0 5 ? * MON-FRI *)", lifecycle: { deleteAfter: 400 } },
    ],
  });
  const bucket = stack.add(aws.s3.Bucket, `ret-bucket-${i}`, { tags: { purpose: "backup" }, objectLockEnabled: i % 2 === 0 });
  stack.add(aws.s3.BucketVersioning, `ret-bucket-${i}-versioning`, {
    bucket: ref(bucket, "id"),
    versioningConfiguration: { status: i % 5 === 0 ? "Suspended" : "Enabled" },
  });
  stack.add(aws.s3.BucketObjectLockConfiguration, `ret-bucket-${i}-lock`, {
    bucket: ref(bucket, "id"),
    rule: { defaultRetention: { mode: "COMPLIANCE", days: 35 } },
  });
  stack.add(aws.s3.BucketLifecycleConfigurationV2, `ret-bucket-${i}-lifecycle`, {
    bucket: ref(bucket, "id"),
    rules: [{ id: "old", status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: i % 2 === 0 ? 7 : 90 } }],
  });
  const replica = stack.add(aws.s3.Bucket, `ret-replica-${i}`, { region: "us-west-2" });
  stack.add(aws.s3.BucketReplicationConfig, `ret-bucket-${i}-replication`, {
    bucket: ref(bucket, "id"),
    role: "arn:aws:iam::123456789012:role/replication",
    rules: [
      {
        status: "Enabled",
        filter: {},
        deleteMarkerReplication: { status: "Disabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: { bucket: ref(replica, "arn") },
      },
    ],
  });
};
