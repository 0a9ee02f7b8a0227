import { keyCustodyFields } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { keyCustodyOutcome, resolveKeyReference } from "../../lib/keys";
import { AIR_GAPPED_VAULT, BACKUP_VAULT, union } from "../../lib/types";

const VAULTS = union(BACKUP_VAULT, AIR_GAPPED_VAULT);

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
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html",
    config: keyCustodyFields,
  },
  {
    subjects: ({ index }) => index.ofType(VAULTS),
    check(vault, { index, config }) {
      const airGapped = AIR_GAPPED_VAULT.has(vault.type);
      const property = airGapped ? "encryptionKeyArn" : "kmsKeyArn";
      const reference = resolveKeyReference(index, vault, property, vault.props[property]);
      return keyCustodyOutcome(
        index,
        reference,
        {
          resource: vault,
          property,
          defaultKey: airGapped ? "an AWS-owned key" : "the AWS-managed key alias/aws/backup",
          remedy: `set ${property} to the ARN of a customer-managed aws.kms.Key`,
        },
        config,
      );
    },
  },
);
