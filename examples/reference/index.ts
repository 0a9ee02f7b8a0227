// The compliant reference program: backups encrypted under keys the customer holds.
// Every later control group extends it; `pulumi preview --policy-pack policy-pack`
// from the repository root runs the pack against it with no violations.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const account = aws.getCallerIdentityOutput().accountId;

// A key only the account's administrators can destroy; AWS Backup and S3 may use it
// for encryption through their service endpoints of the key's region only.
function keyPolicy(region: string): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministration",
        Effect: "Allow",
        Principal: { AWS: pulumi.interpolate`arn:aws:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "BackupServicesUseTheKey",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"],
        Resource: "*",
        Condition: {
          StringEquals: { "kms:CallerAccount": account },
          "ForAnyValue:StringEquals": { "kms:ViaService": [`backup.${region}.amazonaws.com`, `s3.${region}.amazonaws.com`] },
        },
      },
    ],
  });
}

// Multi-region, so that the copies in the second region are encrypted under a replica
// of the same customer-managed key.
export const backupKey = new aws.kms.Key("backup-key", {
  description: "Encrypts backup vaults and backup buckets",
  enableKeyRotation: true,
  rotationPeriodInDays: 180,
  deletionWindowInDays: 30,
  multiRegion: true,
  policy: keyPolicy("us-east-1"),
});

new aws.kms.Alias("backup-key-alias", { name: "alias/backup", targetKeyId: backupKey.keyId });

// Named, so that the plan's rules name it at preview (a copy's destination is then the other vault).
export const vault = new aws.backup.Vault("backup-vault", { name: "backup-vault", kmsKeyArn: backupKey.arn });

// Nobody, whatever their IAM permissions, deletes recovery points, shortens their
// lifecycle or replaces this policy; AWS Backup's own lifecycle still expires them.
new aws.backup.VaultPolicy("backup-vault-policy", {
  backupVaultName: vault.name,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyRecoveryPointDestruction",
        Effect: "Deny",
        Principal: "*",
        Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"],
        Resource: "*",
      },
    ],
  }),
});

// Locked in compliance mode: three days after the lock is applied nobody, root
// included, can remove it, delete a recovery point younger than 35 days or keep one
// longer than a year.
new aws.backup.VaultLockConfiguration("backup-vault-lock", {
  backupVaultName: vault.name,
  changeableForDays: 3,
  minRetentionDays: 35,
  maxRetentionDays: 365,
});

// A second region for copies and replicas: a regional outage leaves one copy standing.
const drRegion = "us-west-2";
const west = new aws.Provider("us-west-2", { region: drRegion });

export const drKey = new aws.kms.ReplicaKey(
  "backup-key-us-west-2",
  {
    description: "Replica of backup-key for the copies in us-west-2",
    primaryKeyArn: backupKey.arn,
    deletionWindowInDays: 30,
    policy: keyPolicy(drRegion),
  },
  { provider: west },
);

export const drVault = new aws.backup.Vault(
  "backup-vault-us-west-2",
  { name: "backup-vault-us-west-2", kmsKeyArn: drKey.arn },
  { provider: west },
);

new aws.backup.VaultPolicy(
  "backup-vault-us-west-2-policy",
  {
    backupVaultName: drVault.name,
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyRecoveryPointDestruction",
          Effect: "Deny",
          Principal: "*",
          Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"],
          Resource: "*",
        },
      ],
    }),
  },
  { provider: west },
);

new aws.backup.VaultLockConfiguration(
  "backup-vault-us-west-2-lock",
  { backupVaultName: drVault.name, changeableForDays: 3, minRetentionDays: 35, maxRetentionDays: 365 },
  { provider: west },
);

new aws.backup.VaultNotifications(
  "backup-vault-us-west-2-notifications",
  {
    backupVaultName: drVault.name,
    snsTopicArn: new aws.sns.Topic("backup-alerts-us-west-2", {}, { provider: west }).arn,
    backupVaultEvents: ["BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED", "RESTORE_JOB_COMPLETED", "S3_BACKUP_OBJECT_FAILED"],
  },
  { provider: west },
);

// Recovery points kept 35 days daily and a year monthly, past the 30-day windows
// providers keep on their own.
export const plan = new aws.backup.Plan("backup-plan", {
  rules: [
    {
      ruleName: "daily",
      targetVaultName: vault.name,
      schedule: "cron(0 5 ? * * *)",
      lifecycle: { deleteAfter: 35 },
      copyActions: [{ destinationVaultArn: drVault.arn, lifecycle: { deleteAfter: 35 } }],
    },
    {
      ruleName: "monthly",
      targetVaultName: vault.name,
      schedule: "cron(0 5 1 * ? *)",
      lifecycle: { deleteAfter: 365 },
      copyActions: [{ destinationVaultArn: drVault.arn, lifecycle: { deleteAfter: 365 } }],
    },
  ],
});

// Versioned and locked in compliance mode: nobody, root included, can delete or
// overwrite a backup object for 35 days.
export const backupBucket = new aws.s3.Bucket("backup-bucket", {
  bucket: "backup-guardrails-reference-backups",
  tags: { purpose: "backup" },
  objectLockEnabled: true,
});

// Nobody deletes objects or weakens versioning, lifecycle, this policy or the lock,
// whatever their IAM permissions, and nothing travels without TLS.
const backupBucketArns = ["arn:aws:s3:::backup-guardrails-reference-backups", "arn:aws:s3:::backup-guardrails-reference-backups/*"];
new aws.s3.BucketPolicy("backup-bucket-policy", {
  bucket: backupBucket.id,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyBackupDestruction",
        Effect: "Deny",
        Principal: "*",
        Action: [
          "s3:DeleteObject",
          "s3:DeleteObjectVersion",
          "s3:PutLifecycleConfiguration",
          "s3:PutBucketVersioning",
          "s3:PutBucketPolicy",
          "s3:DeleteBucketPolicy",
          "s3:PutBucketObjectLockConfiguration",
        ],
        Resource: backupBucketArns,
      },
      {
        Sid: "DenyWithoutTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: backupBucketArns,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  }),
});

new aws.s3.BucketVersioning("backup-bucket-versioning", {
  bucket: backupBucket.id,
  versioningConfiguration: { status: "Enabled" },
});

new aws.s3.BucketObjectLockConfiguration("backup-bucket-object-lock", {
  bucket: backupBucket.id,
  rule: { defaultRetention: { mode: "COMPLIANCE", days: 35 } },
});

new aws.s3.BucketPublicAccessBlock("backup-bucket-public-access-block", {
  bucket: backupBucket.id,
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
});

new aws.s3.BucketServerSideEncryptionConfiguration("backup-bucket-encryption", {
  bucket: backupBucket.id,
  rules: [
    {
      applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: backupKey.arn },
      bucketKeyEnabled: true,
    },
  ],
});

// Its replica in the second region: versioned, locked and encrypted the same way, under
// the replica key, fed by a rule that does not forward deletions.
export const drBucket = new aws.s3.Bucket(
  "backup-bucket-us-west-2",
  { bucket: "backup-guardrails-reference-backups-us-west-2", objectLockEnabled: true },
  { provider: west },
);

const drBucketArns = [
  "arn:aws:s3:::backup-guardrails-reference-backups-us-west-2",
  "arn:aws:s3:::backup-guardrails-reference-backups-us-west-2/*",
];
new aws.s3.BucketPolicy(
  "backup-bucket-us-west-2-policy",
  {
    bucket: drBucket.id,
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyBackupDestruction",
          Effect: "Deny",
          Principal: "*",
          Action: [
            "s3:DeleteObject",
            "s3:DeleteObjectVersion",
            "s3:PutLifecycleConfiguration",
            "s3:PutBucketVersioning",
            "s3:PutBucketPolicy",
            "s3:DeleteBucketPolicy",
            "s3:PutBucketObjectLockConfiguration",
          ],
          Resource: drBucketArns,
        },
        {
          Sid: "DenyWithoutTls",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: drBucketArns,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    }),
  },
  { provider: west },
);

const drVersioning = new aws.s3.BucketVersioning(
  "backup-bucket-us-west-2-versioning",
  { bucket: drBucket.id, versioningConfiguration: { status: "Enabled" } },
  { provider: west },
);

new aws.s3.BucketObjectLockConfiguration(
  "backup-bucket-us-west-2-object-lock",
  { bucket: drBucket.id, rule: { defaultRetention: { mode: "COMPLIANCE", days: 35 } } },
  { provider: west },
);

new aws.s3.BucketPublicAccessBlock(
  "backup-bucket-us-west-2-public-access-block",
  { bucket: drBucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
  { provider: west },
);

new aws.s3.BucketServerSideEncryptionConfiguration(
  "backup-bucket-us-west-2-encryption",
  {
    bucket: drBucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: drKey.arn }, bucketKeyEnabled: true }],
  },
  { provider: west },
);

// S3 replication's own identity: trusts only S3, reads the source and writes replicas.
const replicationRole = new aws.iam.Role("backup-bucket-replication", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});

new aws.iam.RolePolicy("backup-bucket-replication-permissions", {
  role: replicationRole.name,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
        Resource: "arn:aws:s3:::backup-guardrails-reference-backups",
      },
      {
        Effect: "Allow",
        Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
        Resource: "arn:aws:s3:::backup-guardrails-reference-backups/*",
      },
      {
        Effect: "Allow",
        Action: ["s3:ReplicateObject", "s3:ReplicateTags"],
        Resource: "arn:aws:s3:::backup-guardrails-reference-backups-us-west-2/*",
      },
    ],
  }),
});

new aws.s3.BucketReplicationConfig(
  "backup-bucket-replication",
  {
    bucket: backupBucket.id,
    role: replicationRole.arn,
    rules: [
      {
        id: "to-us-west-2",
        status: "Enabled",
        filter: {},
        deleteMarkerReplication: { status: "Disabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: { bucket: drBucket.arn, encryptionConfiguration: { replicaKmsKeyId: drKey.arn } },
      },
    ],
  },
  { dependsOn: [drVersioning] },
);

// Coverage and monitoring: job outcomes reach people. A failed backup arrives as
// BACKUP_JOB_COMPLETED with state FAILED (BACKUP_JOB_FAILED is deprecated and never fires).
const backupAlerts = new aws.sns.Topic("backup-alerts", {});

new aws.backup.VaultNotifications("backup-vault-notifications", {
  backupVaultName: vault.name,
  snsTopicArn: backupAlerts.arn,
  backupVaultEvents: ["BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED", "RESTORE_JOB_COMPLETED", "S3_BACKUP_OBJECT_FAILED"],
});

// The one identity AWS Backup assumes: trusted by the service alone, holding AWS
// Backup's own service-role policies and nothing else.
const backupServiceRole = new aws.iam.Role("backup-service-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});
for (const policy of ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"]) {
  new aws.iam.RolePolicyAttachment(`backup-service-role-${policy}`, {
    role: backupServiceRole.name,
    policyArn: `arn:aws:iam::aws:policy/service-role/${policy}`,
  });
}

new aws.backup.Selection("backup-selection", {
  planId: plan.id,
  iamRoleArn: backupServiceRole.arn,
  selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }],
});

// A workload that may read the backups (to restore or audit them) but destroy none.
const appServer = new aws.iam.Role("app-server", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});

new aws.iam.RolePolicy("app-server-read-backups", {
  role: appServer.name,
  policy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket", "backup:Describe*", "backup:List*"], Resource: "*" }],
  }),
});

// Coverage: every data store is in a backup plan, selected by ARN, by a tag condition on
// a wildcard, or by a tag its provider puts on everything it creates.
const backupRole = new aws.iam.Role("backup-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});

for (const [name, policy] of [
  ["backup-role-backups", "AWSBackupServiceRolePolicyForBackup"],
  ["backup-role-restores", "AWSBackupServiceRolePolicyForRestores"],
]) {
  new aws.iam.RolePolicyAttachment(name, { role: backupRole.name, policyArn: `arn:aws:iam::aws:policy/service-role/${policy}` });
}

// The databases' own key: RDS recovery points stay encrypted with it, not the vault's.
const dataKey = new aws.kms.Key("data-key", {
  description: "Encrypts the data stores",
  enableKeyRotation: true,
  deletionWindowInDays: 30,
});

const ordersDb = new aws.rds.Instance("orders-db", {
  engine: "postgres",
  instanceClass: "db.t4g.micro",
  allocatedStorage: 20,
  manageMasterUserPassword: true,
  username: "orders",
  storageEncrypted: true,
  kmsKeyId: dataKey.arn,
  backupRetentionPeriod: 7,
  deleteAutomatedBackups: false,
});

new aws.dynamodb.Table("sessions", {
  hashKey: "id",
  attributes: [{ name: "id", type: "S" }],
  billingMode: "PAY_PER_REQUEST",
  pointInTimeRecovery: { enabled: true },
  tags: { backup: "daily" },
});

const tagged = new aws.Provider("tagged", { region: "us-east-1", defaultTags: { tags: { backup: "daily" } } });
new aws.efs.FileSystem("shared-files", { encrypted: true, kmsKeyId: dataKey.arn }, { provider: tagged });

new aws.backup.Selection("databases", { planId: plan.id, iamRoleArn: backupRole.arn, resources: [ordersDb.arn] });

new aws.backup.Selection("tagged-tables", {
  planId: plan.id,
  iamRoleArn: backupRole.arn,
  resources: ["arn:aws:dynamodb:*:*:table/*"],
  conditions: [{ stringEquals: [{ key: "aws:ResourceTag/backup", value: "daily" }] }],
});

new aws.backup.Selection("tagged-file-systems", {
  planId: plan.id,
  iamRoleArn: backupRole.arn,
  selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }],
});

// Restores are proven, not assumed: every week AWS Backup restores the latest recovery
// point of each resource type the plan backs up, then deletes the copy.
const restoreTests = new aws.backup.RestoreTestingPlan("restore-tests", {
  name: "weekly_restore_tests",
  scheduleExpression: "cron(0 1 ? * SUN *)",
  recoveryPointSelection: { algorithm: "LATEST_WITHIN_WINDOW", includeVaults: [vault.arn], recoveryPointTypes: ["SNAPSHOT"] },
});

for (const type of ["RDS", "DynamoDB", "EFS"]) {
  new aws.backup.RestoreTestingSelection(`restore-test-${type.toLowerCase()}`, {
    name: `restore_${type.toLowerCase()}`,
    restoreTestingPlanName: restoreTests.name,
    protectedResourceType: type,
    iamRoleArn: backupRole.arn,
    protectedResourceArns: ["*"],
  });
}

// Backup Audit Manager evaluates the backups against controls and reports to the auditors' bucket.
new aws.backup.Framework("backup-controls", {
  name: "backup_controls",
  controls: [
    { name: "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN" },
    {
      name: "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
      inputParameters: [{ name: "requiredRetentionDays", value: "35" }],
    },
  ],
});

new aws.backup.ReportPlan("backup-reports", {
  name: "backup_reports",
  reportDeliveryChannel: { s3BucketName: "audit-reports", formats: ["CSV"] },
  reportSetting: { reportTemplate: "CONTROL_COMPLIANCE_REPORT" },
});
