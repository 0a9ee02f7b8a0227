import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { FixtureStack, ref, unknown, type Fixture } from "../../../kit/fixtures";
import { check, GAPS, urnOf } from "../../helpers";

const POLICY = "backup-vault-notifications-enabled";
const VAULT = "aws:backup/vault:Vault";
const LIVE = ["BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED", "RESTORE_JOB_COMPLETED"];

function notify(stack: FixtureStack, name: string, backupVaultName: pulumi.Input<string>, backupVaultEvents: string[]): Fixture {
  const topic = stack.add(aws.sns.Topic, `${name}-topic`, {});
  return stack.add(aws.backup.VaultNotifications, name, { backupVaultName, snsTopicArn: ref(topic, "arn"), backupVaultEvents });
}

describe(POLICY, () => {
  it("accepts vaults that send the live events, by name edge or by literal name, standard and air-gapped", async () => {
    const stack = new FixtureStack();
    const vault = stack.add(aws.backup.Vault, "pass-vault", {});
    notify(stack, "pass-vault-notifications", ref(vault, "name"), [...LIVE, "BACKUP_JOB_STARTED"]);
    stack.add(aws.backup.Vault, "pass-named-vault", { name: "payments" });
    notify(stack, "pass-named-notifications", "payments", LIVE);
    const airGapped = stack.add(aws.backup.LogicallyAirGappedVault, "pass-air-gapped", { minRetentionDays: 7, maxRetentionDays: 35 });
    notify(stack, "pass-air-gapped-notifications", ref(airGapped, "name"), LIVE);
    expect(await check(stack, [POLICY, GAPS])).toEqual([]);
  });

  it("rejects a vault without notifications, and one whose notifications name another vault", async () => {
    const stack = new FixtureStack();
    stack.add(aws.backup.Vault, "fail-silent", { name: "silent" });
    notify(stack, "elsewhere", "some-other-account-vault", LIVE);
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, VAULT, "fail-silent"),
        message:
          "Vault 'fail-silent' has no aws.backup.VaultNotifications, so failed backup, copy and restore jobs alert nobody; add an aws.backup.VaultNotifications for it with snsTopicArn and backupVaultEvents including BACKUP_JOB_COMPLETED, COPY_JOB_FAILED and RESTORE_JOB_COMPLETED.",
      },
    ]);
  });

  it("names the deprecated events that never fire, so the user learns why alerting is silent", async () => {
    const stack = new FixtureStack();
    const vault = stack.add(aws.backup.Vault, "fail-deprecated", {});
    notify(stack, "deprecated-notifications", ref(vault, "name"), ["BACKUP_JOB_FAILED", "RESTORE_JOB_SUCCESSFUL", "COPY_JOB_FAILED"]);
    const other = stack.add(aws.backup.Vault, "fail-odd-event", {});
    notify(stack, "odd-notifications", ref(other, "name"), ["BACKUP_JOB_COMPLETED", "COPY_JOB_FAILED", "restore-done"]);
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, VAULT, "fail-deprecated"),
        message:
          "Vault 'fail-deprecated' does not send BACKUP_JOB_COMPLETED and RESTORE_JOB_COMPLETED to SNS (backupVaultEvents of VaultNotifications 'deprecated-notifications'); BACKUP_JOB_FAILED and RESTORE_JOB_SUCCESSFUL are deprecated events that AWS no longer emits, so they never fire; add BACKUP_JOB_COMPLETED and RESTORE_JOB_COMPLETED to backupVaultEvents.",
      },
      {
        policy: POLICY,
        urn: urnOf(stack, VAULT, "fail-odd-event"),
        message:
          "Vault 'fail-odd-event' does not send RESTORE_JOB_COMPLETED to SNS (backupVaultEvents of VaultNotifications 'odd-notifications'); 1 entry is not an AWS Backup vault event; add RESTORE_JOB_COMPLETED to backupVaultEvents.",
      },
    ]);
  });

  it("takes the configured required events", async () => {
    const stack = new FixtureStack();
    const vault = stack.add(aws.backup.Vault, "fail-no-s3-failures", {});
    notify(stack, "notifications", ref(vault, "name"), LIVE);
    const config = { [POLICY]: { requiredEvents: [...LIVE, "S3_BACKUP_OBJECT_FAILED"] } };
    expect(await check(stack, POLICY, config)).toEqual([
      {
        policy: POLICY,
        urn: urnOf(stack, VAULT, "fail-no-s3-failures"),
        message:
          "Vault 'fail-no-s3-failures' does not send S3_BACKUP_OBJECT_FAILED to SNS (backupVaultEvents of VaultNotifications 'notifications'); add S3_BACKUP_OBJECT_FAILED to backupVaultEvents.",
      },
    ]);
  });

  it("reports events or a vault name computed from other resources as gaps, not violations", async () => {
    const stack = new FixtureStack();
    const vault = stack.add(aws.backup.Vault, "gap-events", {});
    const topic = stack.add(aws.sns.Topic, "topic", {});
    stack.add(aws.backup.VaultNotifications, "computed-events", {
      backupVaultName: ref(vault, "name"),
      snsTopicArn: ref(topic, "arn"),
      backupVaultEvents: unknown<string[]>(),
    });
    stack.add(aws.backup.Vault, "gap-vault-name", {});
    notify(stack, "computed-name", unknown(), LIVE);
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: GAPS,
        urn: urnOf(stack, VAULT, "gap-events"),
        message:
          "Vault 'gap-events': 1 control could not be verified during preview:\n- backup-vault-notifications-enabled: backupVaultEvents of VaultNotifications 'computed-events' is unknown during preview.",
      },
      {
        policy: GAPS,
        urn: urnOf(stack, VAULT, "gap-vault-name"),
        message:
          "Vault 'gap-vault-name': 1 control could not be verified during preview:\n- backup-vault-notifications-enabled: the backupVaultName of VaultNotifications 'computed-name' is unknown during preview, so it may name this vault.",
      },
    ]);
  });

  it("counts the events AWS added since (continuous backup interruption, backup indexing) as live events", async () => {
    const stack = new FixtureStack();
    const vault = stack.add(aws.backup.Vault, "pass-indexing-events", {});
    const indexing = [
      "CONTINUOUS_BACKUP_INTERRUPTED",
      "RECOVERY_POINT_INDEX_COMPLETED",
      "RECOVERY_POINT_INDEX_DELETED",
      "RECOVERY_POINT_INDEXING_FAILED",
    ];
    notify(stack, "indexing-notifications", ref(vault, "name"), [...LIVE, ...indexing]);
    const config = { [POLICY]: { requiredEvents: [...LIVE, ...indexing] } };
    expect(await check(stack, [POLICY, GAPS], config)).toEqual([]);
  });

  it("takes a topic ARN unknown during preview for a set one (snsTopicArn is required)", async () => {
    const stack = new FixtureStack();
    const vault = stack.add(aws.backup.Vault, "pass-unknown-topic", {});
    stack.add(aws.backup.VaultNotifications, "unknown-topic-notifications", {
      backupVaultName: ref(vault, "name"),
      snsTopicArn: unknown(),
      backupVaultEvents: LIVE,
    });
    expect(await check(stack, [POLICY, GAPS])).toEqual([]);
  });
});
