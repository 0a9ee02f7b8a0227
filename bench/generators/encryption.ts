import * as aws from "@pulumi/aws";
import { ref } from "../../kit/fixtures";
import type { Generator } from ".";

/**
 * Key custody: a key and its alias, two vaults on them, two backup buckets with split
 * encryption (one on the AWS-managed key), a workload role, and a key whose policy names it.
 */
export const encryption: Generator = (stack, i) => {
  const key = stack.add(aws.kms.Key, `key-${i}`, { enableKeyRotation: i % 3 !== 0, deletionWindowInDays: i % 5 === 0 ? 7 : 30 });
  const alias = stack.add(aws.kms.Alias, `alias-${i}`, { name: `alias/backup-${i}`, targetKeyId: ref(key, "keyId") });
  stack.add(aws.backup.Vault, `vault-${i}`, { kmsKeyArn: ref(key, "arn") });
  stack.add(aws.backup.Vault, `vault-alias-${i}`, { kmsKeyArn: ref(alias, "arn") });
  const bucket = stack.add(aws.s3.Bucket, `bucket-${i}`, { tags: { purpose: "backup" } });
  stack.add(aws.s3.BucketServerSideEncryptionConfiguration, `bucket-${i}-sse`, {
    bucket: ref(bucket, "id"),
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: ref(key, "arn") } }],
  });
  const other = stack.add(aws.s3.BucketV2, `bucket-v2-${i}`, { tags: { Purpose: "Backup" } });
  stack.add(aws.s3.BucketServerSideEncryptionConfigurationV2, `bucket-v2-${i}-sse`, {
    bucket: ref(other, "id"),
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
  });
  stack.add(aws.iam.Role, `role-${i}`, { name: `app-${i}`, assumeRolePolicy: "{}" });
  stack.add(aws.kms.Key, `policy-key-${i}`, {
    enableKeyRotation: true,
    policy: JSON.stringify({
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::123456789012:role/app-${i}` }, Action: "kms:*", Resource: "*" }],
    }),
  });
};
