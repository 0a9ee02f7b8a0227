// Scenario 1 of the shared-responsibility seeds: the customer assumes someone backs the
// data up, and nobody does. The provider's own short retention window expires, the
// alerting listens for an event AWS no longer sends, and no restore is ever tried.
import * as aws from "@pulumi/aws";

const backupRole = new aws.iam.Role("backup-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});

const vaultKey = new aws.kms.Key("vault-key", { enableKeyRotation: true, deletionWindowInDays: 30 });
const vault = new aws.backup.Vault("fail-vault-listens-for-deprecated-event", { kmsKeyArn: vaultKey.arn });

// Alerting on BACKUP_JOB_FAILED, which AWS no longer emits: silence looks like success.
const alerts = new aws.sns.Topic("backup-alerts", {});
new aws.backup.VaultNotifications("vault-notifications", {
  backupVaultName: vault.name,
  snsTopicArn: alerts.arn,
  backupVaultEvents: ["BACKUP_JOB_FAILED"],
});

// The data. Only the table carries the tag the selection looks for; only the database is
// selected by ARN.
const orders = new aws.rds.Instance("fail-orders-db", {
  engine: "postgres",
  instanceClass: "db.t4g.micro",
  allocatedStorage: 20,
  manageMasterUserPassword: true,
  username: "orders",
  skipFinalSnapshot: true,
  // Encrypted, but under the AWS-managed aws/rds key, which its recovery points keep.
  storageEncrypted: true,
});

new aws.dynamodb.Table("fail-sessions-without-pitr", {
  hashKey: "id",
  attributes: [{ name: "id", type: "S" }],
  billingMode: "PAY_PER_REQUEST",
  tags: { backup: "daily" },
});

new aws.efs.FileSystem("fail-shared-files", { encrypted: true });

new aws.ebs.Volume("fail-scratch-volume", { availabilityZone: "us-east-1a", size: 100, tags: { backup: "weekly" } });

const dbPassword = new aws.secretsmanager.Secret("db-password", {});

export const plan = new aws.backup.Plan("fail-daily-plan", {
  rules: [{ ruleName: "daily", targetVaultName: vault.name, schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfter: 35 } }],
});

// A plan someone created and never used.
new aws.backup.Plan("fail-unused-plan", {
  rules: [{ ruleName: "daily", targetVaultName: vault.name, schedule: "cron(0 6 ? * * *)", lifecycle: { deleteAfter: 90 } }],
});

new aws.backup.Selection("daily-by-tag", {
  planId: plan.id,
  iamRoleArn: backupRole.arn,
  selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }],
});

new aws.backup.Selection("databases", { planId: plan.id, iamRoleArn: backupRole.arn, resources: [orders.arn] });

// A secret is not something AWS Backup can protect: this selection backs nothing up.
new aws.backup.Selection("fail-secret-selection", {
  planId: plan.id,
  iamRoleArn: backupRole.arn,
  resources: [dbPassword.arn],
});
