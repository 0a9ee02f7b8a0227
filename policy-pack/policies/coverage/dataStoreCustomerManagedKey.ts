import { protection } from "../../lib/backup/coverage";
import { DATA_STORE_KINDS, EBS_VOLUME, kindOf } from "../../lib/backup/dataStores";
import { keyCustodyFields } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { defaultEbsKey, encryptionByDefault } from "../../lib/kms/ebsDefaults";
import { keyCustodyOutcome, resolveKeyReference } from "../../lib/kms/keys";
import { unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe } from "../../lib/stackIndex";
import { union } from "../../lib/types";
import { booleanField } from "../../lib/values";

/** Data stores whose recovery points AWS Backup keeps under the source's own key. */
const SOURCE_KEY_TYPES = union(...DATA_STORE_KINDS.filter((kind) => kind.sourceKeyProperty !== undefined).map((kind) => kind.types));

/** The AWS-managed key each service encrypts with when no key is given. */
function defaultKey(type: string): string {
  return type.startsWith("aws:ebs/") ? "alias/aws/ebs" : "alias/aws/rds";
}

export const dataStoreCustomerManagedKey = defineStackPolicy(
  {
    name: "data-store-customer-managed-key",
    description:
      "Every RDS, Aurora, EBS, DocumentDB and Neptune data store in a backup plan must be encrypted with a customer-managed KMS key, since its recovery points keep the source's key rather than the vault's.",
    severity: "high",
    area: "coverage",
    nist: ["SC-12", "SC-28(1)", "CP-9(8)"],
    specification:
      "Backup information is protected by cryptography under keys the organization establishes and manages (CP-9(8), SC-12, SC-28(1)).",
    references: ["HIPAA 164.312(a)(2)(iv)", "FTC Safeguards 16 CFR 314.4(c)(3)"],
    remediationSteps:
      "Turn on storage encryption (storageEncrypted: true; encrypted: true for an aws.ebs.Volume) and set kmsKeyId (kmsKeyArn on an aws.neptune.Cluster) to the ARN of a customer-managed aws.kms.Key. AWS Backup copies RDS, Aurora, EBS, DocumentDB and Neptune snapshots under the source's key, so a customer-managed vault key does not cover them; changing the key of an existing database means restoring a re-encrypted snapshot copy.",
    remediation: {
      notFixed:
        "a data store's key cannot change in place (RDS, EBS, DocumentDB and Neptune need a new encrypted copy), and the key is the customer's choice.",
    },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html",
    config: keyCustodyFields,
  },
  {
    subjects: ({ index }) => index.ofType(SOURCE_KEY_TYPES).filter((resource) => protection(index, resource).state !== "no"),
    check(resource, { index, config }): Outcome | undefined {
      const kind = kindOf(resource.type);
      if (!kind?.sourceKeyProperty || !kind.encryptedProperty) return undefined;
      const who = describe(resource);
      const selected = protection(index, resource);
      const outcome = ((): Outcome => {
        const encrypted = booleanField(index.setting(resource, [kind.encryptedProperty!]));
        if (encrypted.state === "unknown") {
          return unverifiable(kind.encryptedProperty!, `${kind.encryptedProperty} is unknown ${index.unknownWhen}`);
        }
        const property = kind.sourceKeyProperty!;
        const key = index.setting(resource, [property]);
        const ebs = EBS_VOLUME.has(resource.type);
        if (encrypted.state !== "known" || !encrypted.value) {
          // EBS encryption by default encrypts every new volume of its region, whatever the volume says.
          const byDefault = ebs ? encryptionByDefault(index, resource) : ({ state: "none" } as const);
          if (byDefault.state === "unknown") return unverifiable(byDefault.property, byDefault.reason);
          if (byDefault.state === "none") {
            // A key given to an unencrypted store is unused; AWS needs the flag.
            return violated(
              `${who} is not encrypted (${kind.encryptedProperty} is not true), so its recovery points are not encrypted either, whatever the vault's key; set ${kind.encryptedProperty}: true and ${property} to the ARN of a customer-managed aws.kms.Key.`,
            );
          }
        }
        const reference = resolveKeyReference(index, resource, property, key);
        if (ebs && reference.kind === "omitted") {
          // Without its own key, a volume is encrypted with the region's EBS default key, which aws.ebs.DefaultKmsKey sets.
          const byDefault = defaultEbsKey(index, resource);
          if (byDefault.state === "unknown") return unverifiable(byDefault.property, byDefault.reason);
          if (byDefault.state === "found") {
            const setting = byDefault.value;
            return keyCustodyOutcome(
              resolveKeyReference(index, setting, "keyArn", index.setting(setting, ["keyArn"])),
              {
                resource: setting,
                property: "keyArn",
                defaultKey: "the AWS-managed key alias/aws/ebs",
                remedy: `set keyArn to the ARN of a customer-managed aws.kms.Key, or set kmsKeyId on ${who}, which has no key of its own and so is encrypted with this default key, which its recovery points keep`,
              },
              config,
              index.unknownWhen,
            );
          }
        }
        return keyCustodyOutcome(
          reference,
          {
            resource,
            property,
            defaultKey: `the AWS-managed key ${defaultKey(resource.type)}, which its recovery points keep`,
            remedy: `set ${property} to the ARN of a customer-managed aws.kms.Key`,
          },
          config,
          index.unknownWhen,
        );
      })();
      if (outcome.status === "violated" && selected.state === "unknown" && selected.viaInstance) {
        return unverifiable(
          "(attachment)",
          `whether ${describe(selected.viaInstance)}, to which it is attached, is backed up is unknown ${index.unknownWhen}, and its key is not customer-managed`,
        );
      }
      if (outcome.status === "violated" && selected.state === "unknown") {
        const name = selected.selections[0]?.selection.name ?? "a selection";
        return unverifiable(
          "(selection)",
          `whether Selection '${name}' backs it up is unknown ${index.unknownWhen}, and its key is not customer-managed`,
        );
      }
      return outcome;
    },
  },
);
