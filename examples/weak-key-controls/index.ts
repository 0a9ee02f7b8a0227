// Customer-managed keys, but weakly kept: the key custody is the customer's, and so is
// getting rotation, deletion protection and the key policy right.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const account = aws.getCallerIdentityOutput().accountId;

// A workload role: ransomware that takes it over must not be able to destroy backup keys.
const appRole = new aws.iam.Role("app", {
  name: "app-server",
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});

// No rotation, a 7-day deletion window, the lockout safety check bypassed, and a key
// policy that lets anyone use the key and the workload role schedule its deletion.
const vaultKey = new aws.kms.Key("fail-weak-vault-key", {
  deletionWindowInDays: 7,
  bypassPolicyLockoutSafetyCheck: true,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Admin",
        Effect: "Allow",
        Principal: { AWS: pulumi.interpolate`arn:aws:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      { Sid: "Everyone", Effect: "Allow", Principal: "*", Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Resource: "*" },
      {
        Sid: "AppCleanup",
        Effect: "Allow",
        Principal: { AWS: pulumi.interpolate`arn:aws:iam::${account}:role/${appRole.name}` },
        Action: ["kms:Disable*", "kms:ScheduleKeyDeletion"],
        Resource: "*",
      },
    ],
  }),
});
new aws.backup.Vault("weak-key-vault", { kmsKeyArn: vaultKey.arn });

// Rotation every 3 years, a disabled key, and a policy that is not JSON.
const bucketKey = new aws.kms.Key("fail-weak-bucket-key", {
  enableKeyRotation: true,
  rotationPeriodInDays: 1095,
  isEnabled: false,
  policy: "{ this is not JSON",
});
const bucket = new aws.s3.Bucket("weak-key-bucket", { tags: { purpose: "backup" } });
new aws.s3.BucketServerSideEncryptionConfiguration("weak-key-bucket-encryption", {
  bucket: bucket.id,
  rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: bucketKey.arn } }],
});
