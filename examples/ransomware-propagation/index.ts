// The seeds' scenario 2: the workload's own IAM permissions reach the backups. Ransomware
// on the app server deletes the recovery points and overwrites the backup objects; the
// backup role doubles as an EC2 instance role, so a compromised instance holds it too.
import * as aws from "@pulumi/aws";

const ec2Trust = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

// The workload: full S3 access through an AWS managed policy, and backup:* inline.
const appServer = new aws.iam.Role("app-server", { assumeRolePolicy: ec2Trust });
new aws.iam.RolePolicyAttachment("app-server-s3", {
  role: appServer.name,
  policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess",
});
new aws.iam.RolePolicy("app-server-backup-admin", {
  role: appServer.name,
  policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "backup:*", Resource: "*" }] }),
});

// A vault without an access policy: whoever IAM allows may delete its recovery points.
const vault = new aws.backup.Vault("backup-vault", {});

// A backup bucket without a deny policy, whose Block Public Access (on by S3's default
// since April 2023) was turned off to "fix" a sharing problem.
const bucket = new aws.s3.Bucket("backup-bucket", { tags: { purpose: "backup" } });
new aws.s3.BucketPublicAccessBlock("backup-bucket-public-access", {
  bucket: bucket.id,
  blockPublicAcls: false,
  blockPublicPolicy: false,
  ignorePublicAcls: false,
  restrictPublicBuckets: false,
});

// The backup role: trusted by AWS Backup and by EC2, and also an instance profile's role.
const backupRole = new aws.iam.Role("backup-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: ["backup.amazonaws.com", "ec2.amazonaws.com"] }, Action: "sts:AssumeRole" }],
  }),
});
new aws.iam.RolePolicyAttachment("backup-role-service", {
  role: backupRole.name,
  policyArn: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
});
new aws.iam.RolePolicyAttachment("backup-role-s3", {
  role: backupRole.name,
  policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess",
});
new aws.iam.InstanceProfile("batch-worker", { role: backupRole.name });

const plan = new aws.backup.Plan("backup-plan", {
  rules: [{ ruleName: "daily", targetVaultName: vault.name, schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfter: 35 } }],
});
new aws.backup.Selection("backup-selection", {
  planId: plan.id,
  iamRoleArn: backupRole.arn,
  selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }],
});
