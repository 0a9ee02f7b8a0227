import { protection } from "../../lib/backup/coverage";
import { DATA_STORE_KINDS, kindOf } from "../../lib/backup/dataStores";
import { keyCustodyFields } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
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
        if (encrypted.state !== "known" || !encrypted.value) {
          // A key given to an unencrypted store is unused; AWS needs the flag.
          return violated(
            `${who} is not encrypted (${kind.encryptedProperty} is not true), so its recovery points are not encrypted either, whatever the vault's key; set ${kind.encryptedProperty}: true and ${property} to the ARN of a customer-managed aws.kms.Key.`,
          );
        }
        const reference = resolveKeyReference(index, resource, property, key);
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
