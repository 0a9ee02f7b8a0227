import {
  backupKeys,
  describeBackupKey,
  keySubjects,
  storesWithUncheckedKeys,
  uncheckedKeyOutcomes,
  undecidedKeyOutcome,
} from "../../lib/kms/backupKeys";
import { backupBucketFields, integerField } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { deletionWindowFixes } from "../../lib/kms/remediation";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe } from "../../lib/stackIndex";
import { keyPoliciesOf } from "../../lib/kms/keys";
import { KMS_CUSTOMER_KEY, KMS_EXTERNAL_KEY, KMS_KEY, KMS_REPLICA_EXTERNAL_KEY, union } from "../../lib/types";
import { booleanField, isSecret, numberField, stringField } from "../../lib/values";

const IMPORTED_MATERIAL = union(KMS_EXTERNAL_KEY, KMS_REPLICA_EXTERNAL_KEY);

// AWS waits 30 days (the maximum) before deleting a key unless told otherwise.
const AWS_DEFAULT_DELETION_WINDOW_DAYS = 30;

export const backupKeyDeletionProtected = defineStackPolicy(
  {
    name: "backup-key-deletion-protected",
    description:
      "Every KMS key that encrypts a backup store must keep a deletion waiting period of at least the configured minimum, stay enabled, keep the key-policy lockout safety check, and not import key material that expires.",
    severity: "high",
    area: "encryption",
    nist: ["SC-12", "CP-9"],
    specification:
      "Keys protecting backups remain available for recovery: their destruction is delayed and reversible, and their policies cannot lock the organization out (SC-12, CP-9).",
    remediationSteps:
      "On the aws.kms.Key (or ReplicaKey, ExternalKey, ReplicaExternalKey) set deletionWindowInDays to at least the configured minimum (30 is the AWS maximum and default), leave isEnabled/enabled true, remove bypassPolicyLockoutSafetyCheck from the key and from any aws.kms.KeyPolicy, and import key material without validTo.",
    remediation: {
      fixes:
        "on every aws.kms.Key, ReplicaKey, ExternalKey and ReplicaExternalKey, a deletionWindowInDays shorter than minDeletionWindowDays is raised to it. Remediate sees a key before the stores that use it, so every key is fixed, backup key or not: a longer window only delays a deletion someone schedules, and it changes in place. A secret, unknown or malformed window is never replaced. A disabled key, bypassPolicyLockoutSafetyCheck and expiring imported material are left to the key's owner: re-enabling a key someone disabled, or changing how its policy or material is applied, is their decision.",
    },
    url: "https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html",
    config: {
      minDeletionWindowDays: integerField("Shortest acceptable deletion waiting period, in days.", 30, 7, 30),
      ...backupBucketFields,
    },
  },
  {
    remediate: { resourceTypes: KMS_CUSTOMER_KEY, fixes: (key, { config }) => deletionWindowFixes(key, config.minDeletionWindowDays) },
    subjects: ({ index, config }) => [...keySubjects(index, config, true), ...storesWithUncheckedKeys(index, config)],
    check(key, { index, config }) {
      if (!KMS_CUSTOMER_KEY.has(key.type)) return uncheckedKeyOutcomes(index, config, key, "deletion window, key state and lockout check");
      const undecided = undecidedKeyOutcome(index, config, key);
      if (undecided) return undecided;
      const who = describeBackupKey(key, backupKeys(index, config).get(key.urn));
      const outcomes: Outcome[] = [];

      const window = numberField(index.setting(key, ["deletionWindowInDays"]));
      if (window.state === "unknown") {
        outcomes.push(unverifiable("deletionWindowInDays", `deletionWindowInDays is unknown ${index.unknownWhen}`));
      } else if (window.state === "invalid") {
        outcomes.push(
          violated(`${who} sets deletionWindowInDays to ${window.found}; set it to ${config.minDeletionWindowDays} or more days.`),
        );
      } else {
        const days = window.state === "known" ? window.value : AWS_DEFAULT_DELETION_WINDOW_DAYS;
        if (days < config.minDeletionWindowDays) {
          const min = config.minDeletionWindowDays;
          outcomes.push(
            violated(
              isSecret(key.props, ["deletionWindowInDays"])
                ? `${who} sets deletionWindowInDays to a secret value shorter than ${min} days, so a scheduled deletion destroys the backups it encrypts in less than ${min} days; set it to at least ${min}.`
                : `${who} sets deletionWindowInDays to ${days}, so a scheduled deletion destroys the backups it encrypts after ${days} days; set it to at least ${min}.`,
            ),
          );
        }
      }

      // Imported key material that expires is deleted by AWS at validTo, with no waiting period.
      if (IMPORTED_MATERIAL.has(key.type)) {
        const validTo = stringField(index.setting(key, ["validTo"]));
        const model = stringField(index.setting(key, ["expirationModel"]));
        if (validTo.state === "unknown") outcomes.push(unverifiable("validTo", `validTo is unknown ${index.unknownWhen}`));
        else if (
          (validTo.state === "known" && validTo.value !== "") ||
          (model.state === "known" && model.value === "KEY_MATERIAL_EXPIRES")
        ) {
          outcomes.push(
            violated(
              `${who} imports key material that expires (validTo), when AWS deletes it at once and nothing the key encrypts can be restored until the same material is imported again; remove validTo.`,
            ),
          );
        }
      }

      const enabledProperty = KMS_KEY.has(key.type) ? "isEnabled" : "enabled";
      const enabled = booleanField(index.setting(key, [enabledProperty]));
      if (enabled.state === "unknown") {
        outcomes.push(unverifiable(enabledProperty, `${enabledProperty} is unknown ${index.unknownWhen}`));
      } else if (enabled.state === "known" && !enabled.value) {
        outcomes.push(
          violated(`${who} is disabled (${enabledProperty}: false), so nothing it encrypts can be restored; set ${enabledProperty}: true.`),
        );
      }

      const bypassers = [key, ...keyPoliciesOf(index, key)];
      for (const holder of bypassers) {
        const bypass = booleanField(index.setting(holder, ["bypassPolicyLockoutSafetyCheck"]));
        const on = holder === key ? "" : ` on ${describe(holder)}`;
        if (bypass.state === "unknown") {
          outcomes.push(
            unverifiable("bypassPolicyLockoutSafetyCheck", `bypassPolicyLockoutSafetyCheck${on} is unknown ${index.unknownWhen}`),
          );
        } else if (bypass.state === "known" && bypass.value) {
          outcomes.push(
            violated(
              `${who} sets bypassPolicyLockoutSafetyCheck: true${on}, which lets a policy lock every administrator out of the key; remove it.`,
            ),
          );
        }
      }
      return outcomes.length > 0 ? outcomes : SATISFIED;
    },
  },
);
