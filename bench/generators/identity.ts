import * as aws from "@pulumi/aws";
import { ref } from "../../kit/fixtures";
import type { Generator } from ".";

const READ = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }],
});
const TRUST = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

/**
 * Separate identities: a workload role with an inline policy, a customer managed policy
 * and an AWS managed one attached, a user in a group, a vault with its access policy and
 * a backup bucket with its policy and public-access block; every 25th unit a backup
 * role for a selection, and every 100th a role with AdministratorAccess.
 */
export const identity: Generator = (stack, i) => {
  const role = stack.add(aws.iam.Role, `workload-${i}`, { name: `workload-${i}`, assumeRolePolicy: TRUST });
  stack.add(aws.iam.RolePolicy, `workload-${i}-read`, { role: ref(role, "name"), policy: READ });
  const writes = stack.add(aws.iam.Policy, `app-writes-${i}`, {
    policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::app-data-${i}/*` }] }),
  });
  stack.add(aws.iam.RolePolicyAttachment, `workload-${i}-writes`, { role: ref(role, "name"), policyArn: ref(writes, "arn") });
  stack.add(aws.iam.RolePolicyAttachment, `workload-${i}-managed`, {
    role: ref(role, "name"),
    policyArn: i % 2 === 0 ? "arn:aws:iam::aws:policy/ReadOnlyAccess" : "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess",
  });
  const group = stack.add(aws.iam.Group, `operators-${i}`, { name: `operators-${i}` });
  stack.add(aws.iam.GroupPolicy, `operators-${i}-read`, { group: ref(group, "name"), policy: READ });
  const user = stack.add(aws.iam.User, `operator-${i}`, { name: `operator-${i}` });
  stack.add(aws.iam.UserGroupMembership, `operator-${i}-groups`, { user: ref(user, "name"), groups: [ref(group, "name")] });
  const vault = stack.add(aws.backup.Vault, `guarded-vault-${i}`, { name: `guarded-vault-${i}` });
  stack.add(aws.backup.VaultPolicy, `guarded-vault-${i}-policy`, {
    backupVaultName: ref(vault, "name"),
    policy: JSON.stringify({
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"],
          Resource: "*",
        },
      ],
    }),
  });
  const bucket = stack.add(aws.s3.Bucket, `guarded-bucket-${i}`, { bucket: `guarded-bucket-${i}`, tags: { purpose: "backup" } });
  stack.add(aws.s3.BucketPublicAccessBlock, `guarded-bucket-${i}-pab`, {
    bucket: ref(bucket, "id"),
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  stack.add(aws.s3.BucketPolicy, `guarded-bucket-${i}-policy`, {
    bucket: ref(bucket, "id"),
    policy: JSON.stringify({
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: ["s3:Delete*", "s3:PutLifecycleConfiguration", "s3:PutBucket*"],
          Resource: [`arn:aws:s3:::guarded-bucket-${i}`, `arn:aws:s3:::guarded-bucket-${i}/*`],
        },
        { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
      ],
    }),
  });
  if (i % 25 === 0) {
    const backupRole = stack.add(aws.iam.Role, `backup-role-${i}`, {
      name: `backup-role-${i}`,
      assumeRolePolicy: JSON.stringify({
        Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"],
    });
    const plan = stack.add(aws.backup.Plan, `guarded-plan-${i}`, {
      name: `guarded-plan-${i}`,
      rules: [{ ruleName: "daily", targetVaultName: ref(vault, "name") }],
    });
    stack.add(aws.backup.Selection, `guarded-selection-${i}`, {
      name: `s-${i}`,
      planId: ref(plan, "id"),
      iamRoleArn: ref(backupRole, "arn"),
      resources: ["*"],
    });
  }
  if (i % 100 === 0)
    stack.add(aws.iam.Role, `admin-${i}`, {
      name: `admin-${i}`,
      assumeRolePolicy: TRUST,
      managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
    });
};
