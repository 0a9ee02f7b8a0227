import { keyCustodyFields } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { classifyKeyLiteral, keyCustodyOutcome, resolveKeyReference, type CustodySubject, type KeyReference } from "../../lib/kms/keys";
import type { IndexedResource } from "../../lib/stackIndex";
import { describeType, isSecret, isUnknown } from "../../lib/values";
import { AIR_GAPPED_VAULT, BACKUP_VAULT, union } from "../../lib/types";

const VAULTS = union(BACKUP_VAULT, AIR_GAPPED_VAULT);

function keyProperty(vault: IndexedResource): "encryptionKeyArn" | "kmsKeyArn" {
  return AIR_GAPPED_VAULT.has(vault.type) ? "encryptionKeyArn" : "kmsKeyArn";
}

function custodySubject(vault: IndexedResource): CustodySubject {
  const property = keyProperty(vault);
  return {
    resource: vault,
    property,
    defaultKey: AIR_GAPPED_VAULT.has(vault.type) ? "an AWS-owned key" : "the AWS-managed key alias/aws/backup",
    remedy: `set ${property} to the ARN of a customer-managed aws.kms.Key`,
    secret: isSecret(vault.props, [property]),
  };
}

/** The key reference as the program wrote it (a resource policy sees inputs, with no stack). */
function keyReferenceInInputs(vault: IndexedResource): KeyReference {
  const value = vault.props[keyProperty(vault)];
  if (value === undefined || value === null || value === "") return { kind: "omitted" };
  if (isUnknown(value)) return { kind: "unknown" };
  return typeof value === "string" ? classifyKeyLiteral(value) : { kind: "invalid", found: describeType(value) };
}

export const backupVaultCustomerManagedKey = defineStackPolicy(
  {
    name: "backup-vault-customer-managed-key",
    description:
      "Every AWS Backup vault and logically air-gapped vault must encrypt recovery points with a customer-managed KMS key, so that key custody stays with the customer.",
    severity: "high",
    area: "encryption",
    nist: ["SC-12", "SC-28(1)", "CP-9(8)"],
    specification:
      "Backup information is protected by cryptography under keys the organization establishes and manages (CP-9(8), SC-12, SC-28(1)).",
    references: ["HIPAA 164.312(a)(2)(iv)", "FTC Safeguards 16 CFR 314.4(c)(3)"],
    remediationSteps:
      "Create an aws.kms.Key in the stack (or trust an existing customer-managed key ARN) and set the vault's kmsKeyArn (encryptionKeyArn for a LogicallyAirGappedVault) to its ARN. AWS cannot change a vault's key after creation, so this replaces the vault.",
    remediation: {
      notFixed:
        "which key holds the backups is the customer's choice, and a vault's key cannot change after it is created (a new key replaces the vault and its recovery points).",
    },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html",
    config: keyCustodyFields,
  },
  {
    inputs: {
      resourceTypes: VAULTS,
      // What the program set decides the omitted, AWS-managed and malformed cases, in
      // Analyze: after the first deployment the vault's outputs hold the ARN of the
      // key AWS chose, indistinguishable from a customer's key ARN.
      check(vault, { config }) {
        const reference = keyReferenceInInputs(vault);
        if (reference.kind !== "omitted" && reference.kind !== "aws-managed-alias" && reference.kind !== "invalid") return undefined;
        return keyCustodyOutcome(reference, custodySubject(vault), config);
      },
    },
    subjects: ({ index }) => index.ofType(VAULTS),
    check(vault, { index, config }) {
      const property = keyProperty(vault);
      const reference = resolveKeyReference(index, vault, property, vault.props[property]);
      return keyCustodyOutcome(reference, custodySubject(vault), config, index.unknownWhen);
    },
  },
);
