// Real programs take key references from outside the stack: a data-source look-up, a
// key read by id, a literal ARN of a key another team manages, an encrypted config
// value, another stack's outputs. The pack cannot see those keys' rotation, deletion
// window or policy, so it lists each as a gap instead of passing it silently, and
// never reports as "unset" a value it did not see.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** A vault nobody can strip of its recovery points, whose jobs reach people. */
class GuardedVault extends pulumi.ComponentResource {
  readonly vault: aws.backup.Vault;

  constructor(name: string, args: { kmsKeyArn: pulumi.Input<string> }, opts?: pulumi.ComponentResourceOptions) {
    super("acme:backup:GuardedVault", name, {}, opts);
    this.vault = new aws.backup.Vault(name, { kmsKeyArn: args.kmsKeyArn }, { parent: this });
    new aws.backup.VaultPolicy(
      `${name}-policy`,
      {
        backupVaultName: this.vault.name,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Deny",
              Principal: "*",
              Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"],
              Resource: "*",
            },
          ],
        }),
      },
      { parent: this },
    );
    const alerts = new aws.sns.Topic(`${name}-alerts`, {}, { parent: this });
    new aws.backup.VaultNotifications(
      `${name}-notifications`,
      {
        backupVaultName: this.vault.name,
        snsTopicArn: alerts.arn,
        backupVaultEvents: ["BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED", "RESTORE_JOB_COMPLETED", "S3_BACKUP_OBJECT_FAILED"],
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}

// A platform component that owns its own key: its violations are labelled with the chain.
class BackupPlatform extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("acme:backup:Platform", name, {}, opts);
    // A true violation: a scheduled deletion would destroy this key within a week.
    const key = new aws.kms.Key(`${name}-key`, { enableKeyRotation: true, deletionWindowInDays: 7 }, { parent: this });
    new GuardedVault(`${name}-vault`, { kmsKeyArn: key.arn }, { parent: this });
  }
}
new BackupPlatform("platform");

// The key behind a customer alias, found by a look-up (known in a real preview).
const cmk = aws.kms.getAliasOutput({ name: "alias/backup-cmk" });
new GuardedVault("alias-vault", { kmsKeyArn: cmk.targetKeyArn });

// A key created elsewhere and read by id.
const shared = aws.kms.Key.get("shared-key", "1234abcd-12ab-34cd-56ef-1234567890ab");
new GuardedVault("shared-key-vault", { kmsKeyArn: shared.arn });

// A key another team manages, named by its ARN.
new GuardedVault("external-key-vault", { kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b" });

// An encrypted stack config value (pulumi config set --secret vaultKeyArn …).
const config = new pulumi.Config();
new GuardedVault("config-key-vault", { kmsKeyArn: config.requireSecret("vaultKeyArn") });

// Another stack's output.
const keys = new pulumi.StackReference("acme/keys/prod");
new GuardedVault("stack-reference-vault", { kmsKeyArn: keys.getOutput("backupKeyArn") });
