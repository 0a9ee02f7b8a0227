import { DEPRECATED_VAULT_EVENTS, SUPPORTED_VAULT_EVENTS, vaultNotifications } from "../../lib/backup/vaults";
import { listTypes } from "../../lib/backup/dataStores";
import { stringListField } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe } from "../../lib/stackIndex";
import { AIR_GAPPED_VAULT, BACKUP_VAULT, union } from "../../lib/types";
import { isUnknown, listField, stringField } from "../../lib/values";

const VAULTS = union(BACKUP_VAULT, AIR_GAPPED_VAULT);

export const backupVaultNotificationsEnabled = defineStackPolicy(
  {
    name: "backup-vault-notifications-enabled",
    description:
      "Every AWS Backup vault must send its job events to an SNS topic through aws.backup.VaultNotifications, including the required events that AWS still emits.",
    severity: "medium",
    area: "coverage",
    nist: ["SI-4", "AU-6"],
    specification: "The system is monitored and events that indicate failures are reported to the people who act on them (SI-4, AU-6).",
    remediationSteps:
      "Add an aws.backup.VaultNotifications with backupVaultName set to the vault's name, snsTopicArn set to an aws.sns.Topic, and backupVaultEvents including BACKUP_JOB_COMPLETED (a failed backup arrives as a completed job with state FAILED), COPY_JOB_FAILED and RESTORE_JOB_COMPLETED. Deprecated events such as BACKUP_JOB_FAILED are accepted by the API but never fire.",
    remediation: { notFixed: "notifications need an SNS topic and an aws.backup.VaultNotifications, new resources." },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-notifications.html",
    config: {
      requiredEvents: stringListField("Vault events every vault must send to SNS (events AWS still emits).", [
        "BACKUP_JOB_COMPLETED",
        "COPY_JOB_FAILED",
        "RESTORE_JOB_COMPLETED",
      ]),
    },
  },
  {
    subjects: ({ index }) => index.ofType(VAULTS),
    check(vault, { index, config }): Outcome {
      const who = describe(vault);
      const found = vaultNotifications(index, vault);
      const remedy = `add an aws.backup.VaultNotifications for it with snsTopicArn and backupVaultEvents including ${listTypes(config.requiredEvents)}`;
      if (found.notifications.length === 0) {
        if (found.open.length > 0) {
          return unverifiable(
            "backupVaultName",
            `the backupVaultName of VaultNotifications '${found.open[0]!.name}' is unknown ${index.unknownWhen}, so it may name this vault`,
          );
        }
        return violated(`${who} has no aws.backup.VaultNotifications, so failed backup, copy and restore jobs alert nobody; ${remedy}.`);
      }
      const events = new Set<string>();
      const deprecated = new Set<string>();
      let other = 0;
      for (const notification of found.notifications) {
        // A required input: an unknown value is set by the program, never left to the provider.
        const topic = stringField(notification.props.snsTopicArn);
        if (topic.state === "absent" || (topic.state === "known" && topic.value === "")) {
          return violated(
            `VaultNotifications '${notification.name}' of ${who} sets no snsTopicArn; set it to the ARN of an aws.sns.Topic.`,
          );
        }
        const list = listField(notification.props.backupVaultEvents);
        if (list.state === "unknown" || (list.state === "known" && list.value.some(isUnknown))) {
          return unverifiable(
            "backupVaultEvents",
            `backupVaultEvents of VaultNotifications '${notification.name}' is unknown ${index.unknownWhen}`,
          );
        }
        for (const event of list.state === "known" ? list.value : []) {
          if (typeof event === "string" && SUPPORTED_VAULT_EVENTS.has(event)) events.add(event);
          else if (typeof event === "string" && DEPRECATED_VAULT_EVENTS.has(event)) deprecated.add(event);
          else other++;
        }
      }
      const missing = config.requiredEvents.filter((event) => !events.has(event));
      if (missing.length === 0) return SATISFIED;
      const notes: string[] = [];
      if (deprecated.size > 0) {
        const names = [...deprecated].sort();
        notes.push(
          `${listTypes(names)} ${names.length === 1 ? "is a deprecated event" : "are deprecated events"} that AWS no longer emits, so ${names.length === 1 ? "it never fires" : "they never fire"}`,
        );
      }
      if (other > 0) notes.push(`${other === 1 ? "1 entry is" : `${other} entries are`} not an AWS Backup vault event`);
      return violated(
        `${who} does not send ${listTypes(missing)} to SNS (backupVaultEvents of VaultNotifications '${found.notifications[0]!.name}')${notes.length > 0 ? `; ${notes.join("; ")}` : ""}; add ${listTypes(missing)} to backupVaultEvents.`,
      );
    },
  },
);
