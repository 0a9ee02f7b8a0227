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
import { keyRotationFixes } from "../../lib/kms/remediation";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { KMS_CUSTOMER_KEY, KMS_KEY, KMS_REPLICA_KEY } from "../../lib/types";
import { booleanField, numberField, shown, stringField } from "../../lib/values";

// AWS rotates a key yearly unless rotationPeriodInDays says otherwise.
const AWS_DEFAULT_ROTATION_DAYS = 365;

export const backupKeyRotationEnabled = defineStackPolicy(
  {
    name: "backup-key-rotation-enabled",
    description:
      "Every symmetric KMS key that encrypts a backup store must have automatic rotation enabled with a rotation period no longer than the configured maximum.",
    severity: "medium",
    area: "encryption",
    nist: ["SC-12"],
    specification: "Cryptographic keys are established and managed with a defined cryptoperiod (SC-12).",
    references: ["HIPAA 164.312(a)(2)(iv)"],
    remediationSteps:
      "Set enableKeyRotation: true on the aws.kms.Key, and rotationPeriodInDays to at most the configured maximum (AWS accepts 90 to 2560; the default is 365). Asymmetric, HMAC and imported-material keys cannot rotate automatically and are not checked; replica keys follow their primary.",
    remediation: {
      fixes:
        "on every aws.kms.Key whose own inputs show a symmetric encryption key in AWS KMS's own key store, enableKeyRotation is set to true, and a rotationPeriodInDays longer than maxRotationDays (unset counts as AWS's 365) is set to maxRotationDays. Remediate sees a key before the stores that use it, so every such key is fixed, backup key or not: rotation is harmless for any key (AWS keeps the earlier key material) and changes in place. A secret, unknown or malformed value is never replaced; replica keys follow their primary, and a disabled key (isEnabled false or unknown) is left alone, since KMS refuses to turn rotation on for it.",
    },
    url: "https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
    config: {
      maxRotationDays: integerField("Longest acceptable automatic rotation period, in days.", 365, 90, 2560),
      ...backupBucketFields,
    },
  },
  {
    remediate: { resourceTypes: KMS_KEY, fixes: (key, { config }) => keyRotationFixes(key, config.maxRotationDays) },
    subjects: ({ index, config }) => [...keySubjects(index, config, false), ...storesWithUncheckedKeys(index, config)],
    check(key, { index, config }): Outcome | Outcome[] | undefined {
      if (!KMS_CUSTOMER_KEY.has(key.type)) return uncheckedKeyOutcomes(index, config, key, "rotation");
      const undecided = undecidedKeyOutcome(index, config, key);
      if (undecided) return undecided;
      // Imported key material cannot rotate automatically.
      if (!KMS_KEY.has(key.type) && !KMS_REPLICA_KEY.has(key.type)) return undefined;
      if (KMS_REPLICA_KEY.has(key.type)) {
        // A replica rotates with its primary: checked on the primary when it is in the stack.
        if (index.dependenciesOf(key, "primaryKeyArn", KMS_KEY).length > 0) return undefined;
        return unverifiable("primaryKeyArn", "its rotation is set on its primary key, which is not in this stack");
      }
      const who = describeBackupKey(key, backupKeys(index, config).get(key.urn));
      // AWS rotates only symmetric encryption keys. The spec is `keySpec` where the
      // provider has it (getKey, ReplicaKey, ExternalKey, newer Key schemas) and the
      // deprecated `customerMasterKeySpec` on aws.kms.Key; either one decides.
      for (const specProperty of ["keySpec", "customerMasterKeySpec"] as const) {
        const spec = stringField(index.setting(key, [specProperty]));
        if (spec.state === "unknown") return unverifiable(specProperty, `${specProperty} is unknown ${index.unknownWhen}`);
        if (spec.state === "known" && spec.value !== "" && spec.value !== "SYMMETRIC_DEFAULT") return undefined;
      }
      const usage = stringField(index.setting(key, ["keyUsage"]));
      if (usage.state === "known" && usage.value === "GENERATE_VERIFY_MAC") return undefined;
      // Keys in a custom key store (CloudHSM or external) cannot rotate automatically.
      const customKeyStore = stringField(index.setting(key, ["customKeyStoreId"]));
      if (customKeyStore.state === "known" && customKeyStore.value !== "") return undefined;

      const enabled = booleanField(index.setting(key, ["enableKeyRotation"]));
      if (enabled.state === "unknown") return unverifiable("enableKeyRotation", `enableKeyRotation is unknown ${index.unknownWhen}`);
      if (enabled.state !== "known" || !enabled.value) {
        return violated(`${who} does not enable automatic rotation; set enableKeyRotation: true on the key.`);
      }
      const period = numberField(index.setting(key, ["rotationPeriodInDays"]));
      if (period.state === "unknown") return unverifiable("rotationPeriodInDays", `rotationPeriodInDays is unknown ${index.unknownWhen}`);
      if (period.state === "invalid") {
        return violated(
          `${who} sets rotationPeriodInDays to ${period.found}; set it to a number of days no greater than ${config.maxRotationDays}.`,
        );
      }
      const days = period.state === "known" ? period.value : AWS_DEFAULT_ROTATION_DAYS;
      if (days > config.maxRotationDays) {
        const set =
          period.state !== "known"
            ? `rotates every ${days} days (the AWS default)`
            : `sets rotationPeriodInDays to ${shown(key.props, ["rotationPeriodInDays"], days)}`;
        return violated(
          `${who} ${set}, longer than the maximum of ${config.maxRotationDays}; set rotationPeriodInDays to ${config.maxRotationDays} or less.`,
        );
      }
      return SATISFIED;
    },
  },
);
