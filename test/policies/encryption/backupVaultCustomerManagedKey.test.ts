import * as aws from "@pulumi/aws";
import { derived, FixtureStack, ref, unknown } from "../../../kit/fixtures";
import { runPolicies } from "../../../kit/inProcess";
import { policies } from "../../../policy-pack/policies";
import { check, checkArea } from "../../helpers";

const POLICY = "backup-vault-customer-managed-key";
const VAULT = "aws:backup/vault:Vault";
const AIR_GAPPED = "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault";
const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function vaultUrn(type: string, name: string) {
  return `urn:pulumi:test::fixture::${type}::${name}`;
}

describe(POLICY, () => {
  describe("satisfied", () => {
    it("accepts a key created in the same stack through its edge, although its ARN is unknown at preview", async () => {
      const stack = new FixtureStack();
      const key = stack.add(aws.kms.Key, "pass-key", { enableKeyRotation: true });
      stack.add(aws.backup.Vault, "pass-vault-stack-key", { kmsKeyArn: ref(key, "arn") });
      stack.add(aws.backup.LogicallyAirGappedVault, "pass-air-gapped-stack-key", {
        minRetentionDays: 35,
        maxRetentionDays: 365,
        encryptionKeyArn: ref(key, "arn"),
      });
      expect(stack.view().resources.find((r) => r.name === "pass-vault-stack-key")?.inputs.kmsKeyArn).toBe(
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      );
      expect(await checkArea(stack, "encryption")).toEqual([]);
    });

    it("accepts a stack key reached through an alias, a replica key and a known ARN in an update", async () => {
      const stack = new FixtureStack({ mode: "known" });
      const key = stack.add(aws.kms.Key, "pass-key", { enableKeyRotation: true, multiRegion: true });
      const alias = stack.add(aws.kms.Alias, "pass-alias", { name: "alias/backup", targetKeyId: ref(key, "keyId") });
      const replica = stack.add(aws.kms.ReplicaKey, "pass-replica", { primaryKeyArn: ref(key, "arn") });
      stack.add(aws.backup.Vault, "pass-vault-alias", { kmsKeyArn: ref(alias, "arn") });
      stack.add(aws.backup.Vault, "pass-vault-replica", { kmsKeyArn: ref(replica, "arn") });
      expect(await check(stack, POLICY)).toEqual([]);
    });

    it("accepts a literal naming an alias of the stack by what the alias targets", async () => {
      const stack = new FixtureStack({ mode: "known" });
      const alias = stack.add(aws.kms.Alias, "pass-alias", { name: "alias/backup", targetKeyId: KEY_ARN });
      stack.add(aws.backup.Vault, "pass-vault-alias-literal", { kmsKeyArn: String(stack.knownOutput(alias, "arn")) });
      stack.add(aws.backup.Vault, "pass-vault-alias-name", { kmsKeyArn: "alias/backup" });
      expect(await check(stack, POLICY)).toEqual([]);
    });

    it("accepts a literal key ARN from outside the stack by default, and a trusted alias", async () => {
      const stack = new FixtureStack();
      stack.add(aws.backup.Vault, "pass-vault-external-key", { kmsKeyArn: KEY_ARN });
      stack.add(aws.backup.Vault, "pass-vault-trusted-alias-arn", { kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:alias/backups" });
      stack.add(aws.backup.Vault, "pass-vault-trusted-alias-name", { kmsKeyArn: "alias/backups" });
      const config = { [POLICY]: { trustedKeyArns: ["alias/backups", "arn:aws:kms:us-east-1:111122223333:alias/backups"] } };
      expect(await check(stack, POLICY, config)).toEqual([]);
    });
  });

  describe("violated", () => {
    it("rejects the AWS-managed key, an omitted key and an AWS-owned air-gapped key", async () => {
      const stack = new FixtureStack();
      stack.add(aws.backup.Vault, "fail-vault-aws-managed", { kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:alias/aws/backup" });
      stack.add(aws.backup.Vault, "fail-vault-omitted", {});
      stack.add(aws.backup.LogicallyAirGappedVault, "fail-air-gapped-aws-owned", { minRetentionDays: 35, maxRetentionDays: 365 });
      expect(await check(stack, POLICY)).toEqual([
        {
          policy: POLICY,
          urn: vaultUrn(AIR_GAPPED, "fail-air-gapped-aws-owned"),
          message:
            "LogicallyAirGappedVault 'fail-air-gapped-aws-owned' does not set encryptionKeyArn, so it is encrypted with an AWS-owned key; set encryptionKeyArn to the ARN of a customer-managed aws.kms.Key.",
        },
        {
          policy: POLICY,
          urn: vaultUrn(VAULT, "fail-vault-aws-managed"),
          message:
            "Vault 'fail-vault-aws-managed' uses the AWS-managed key alias/aws/backup in kmsKeyArn; set kmsKeyArn to the ARN of a customer-managed aws.kms.Key.",
        },
        {
          policy: POLICY,
          urn: vaultUrn(VAULT, "fail-vault-omitted"),
          message:
            "Vault 'fail-vault-omitted' does not set kmsKeyArn, so it is encrypted with the AWS-managed key alias/aws/backup; set kmsKeyArn to the ARN of a customer-managed aws.kms.Key.",
        },
      ]);
    });

    it("rejects, from its inputs and before it changes, a deployed vault that never set a key", async () => {
      const stack = new FixtureStack({ mode: "known" });
      // After the first deployment AWS reports the ARN of the aws/backup key it chose.
      stack.add(aws.backup.Vault, "fail-vault-deployed-default", {}, { outputs: { kmsKeyArn: KEY_ARN } });
      const result = await runPolicies(policies, stack.view());
      expect(result.diagnostics.filter((d) => d.policy === POLICY).map(({ policy, urn, message }) => ({ policy, urn, message }))).toEqual([
        {
          policy: POLICY,
          urn: vaultUrn(VAULT, "fail-vault-deployed-default"),
          message:
            "Vault 'fail-vault-deployed-default' does not set kmsKeyArn, so it is encrypted with the AWS-managed key alias/aws/backup; set kmsKeyArn to the ARN of a customer-managed aws.kms.Key.",
        },
      ]);
    });

    it("rejects a known AWS-managed alias even when it was computed from a stack key", async () => {
      const stack = new FixtureStack({ mode: "known" });
      const key = stack.add(aws.kms.Key, "pass-key", { enableKeyRotation: true });
      stack.add(aws.backup.Vault, "fail-vault-fallback", { kmsKeyArn: derived("alias/aws/backup", key) });
      expect(await check(stack, POLICY)).toEqual([
        {
          policy: POLICY,
          urn: vaultUrn(VAULT, "fail-vault-fallback"),
          message:
            "Vault 'fail-vault-fallback' uses the AWS-managed key alias/aws/backup in kmsKeyArn; set kmsKeyArn to the ARN of a customer-managed aws.kms.Key.",
        },
      ]);
    });

    it("rejects an untrusted alias, and an external key ARN when allowExternalKeyArns is false", async () => {
      const stack = new FixtureStack();
      stack.add(aws.backup.Vault, "fail-vault-untrusted-alias", { kmsKeyArn: "alias/backups" });
      stack.add(aws.backup.Vault, "fail-vault-external-key", { kmsKeyArn: KEY_ARN });
      expect(await check(stack, POLICY, { [POLICY]: { allowExternalKeyArns: false } })).toEqual([
        {
          policy: POLICY,
          urn: vaultUrn(VAULT, "fail-vault-external-key"),
          message:
            "Vault 'fail-vault-external-key' sets kmsKeyArn to a key ARN from outside this stack that is not on trustedKeyArns (allowExternalKeyArns is false); set kmsKeyArn to the ARN of a customer-managed aws.kms.Key, or add the key ARN to trustedKeyArns.",
        },
        {
          policy: POLICY,
          urn: vaultUrn(VAULT, "fail-vault-untrusted-alias"),
          message:
            "Vault 'fail-vault-untrusted-alias' sets kmsKeyArn to a KMS alias from outside this stack that is not on trustedKeyArns, and an alias can be repointed to any key, including an AWS-managed one; set kmsKeyArn to the ARN of a customer-managed aws.kms.Key, or add the alias to trustedKeyArns.",
        },
      ]);
    });

    it("rejects a value that is not a key reference, without echoing it", async () => {
      const stack = new FixtureStack();
      stack.addType(VAULT, "fail-vault-odd-key", { kmsKeyArn: "s3cr3t-not-a-key" });
      stack.addType(VAULT, "fail-vault-number-key", { kmsKeyArn: 42 });
      expect(await check(stack, POLICY)).toEqual([
        {
          policy: POLICY,
          urn: vaultUrn(VAULT, "fail-vault-number-key"),
          message: "Vault 'fail-vault-number-key' sets kmsKeyArn to a number; set kmsKeyArn to the ARN of a customer-managed aws.kms.Key.",
        },
        {
          policy: POLICY,
          urn: vaultUrn(VAULT, "fail-vault-odd-key"),
          message:
            "Vault 'fail-vault-odd-key' sets kmsKeyArn to a string that is not a KMS key ARN, key id or alias; set kmsKeyArn to the ARN of a customer-managed aws.kms.Key.",
        },
      ]);
    });
  });

  describe("unverifiable", () => {
    it("reports a key ARN computed from a non-key resource as a verification gap, not a violation", async () => {
      const stack = new FixtureStack();
      const role = stack.add(aws.iam.Role, "some-role", { assumeRolePolicy: "{}" });
      stack.add(aws.backup.Vault, "gap-vault", { kmsKeyArn: ref(role, "arn") });
      expect(await checkArea(stack, "encryption")).toEqual([
        {
          policy: "preview-verification-gaps",
          urn: vaultUrn(VAULT, "gap-vault"),
          message:
            "Vault 'gap-vault': 4 controls could not be verified during preview:\n" +
            "- backup-key-deletion-protected: kmsKeyArn is unknown during preview, so the deletion window, key state and lockout check of the key it will use cannot be verified.\n" +
            "- backup-key-policy-restricted: kmsKeyArn is unknown during preview, so the key policy of the key it will use cannot be verified.\n" +
            "- backup-key-rotation-enabled: kmsKeyArn is unknown during preview, so the rotation of the key it will use cannot be verified.\n" +
            "- backup-vault-customer-managed-key: kmsKeyArn is unknown during preview and none of the resources it is computed from is an aws.kms.Key, ReplicaKey, ExternalKey, ReplicaExternalKey or Alias of this stack.",
        },
      ]);
    });

    it("reads only an omitted key as the service default: a key the program set to an unknown value is a gap", async () => {
      const stack = new FixtureStack();
      // Omitted: the provider computes kmsKeyArn (unknown in the outputs, absent from the inputs).
      stack.add(aws.backup.Vault, "fail-vault-computed-default", {});
      // Set from outside the stack (a look-up, secret config): unknown in inputs and outputs, no edge.
      stack.add(aws.backup.Vault, "gap-vault-set-unknown", { kmsKeyArn: unknown() });
      expect(await checkArea(stack, "encryption")).toEqual([
        {
          policy: POLICY,
          urn: vaultUrn(VAULT, "fail-vault-computed-default"),
          message:
            "Vault 'fail-vault-computed-default' does not set kmsKeyArn, so it is encrypted with the AWS-managed key alias/aws/backup; set kmsKeyArn to the ARN of a customer-managed aws.kms.Key.",
        },
        {
          policy: "preview-verification-gaps",
          urn: vaultUrn(VAULT, "gap-vault-set-unknown"),
          message:
            "Vault 'gap-vault-set-unknown': 4 controls could not be verified during preview:\n" +
            "- backup-key-deletion-protected: kmsKeyArn is unknown during preview, so the deletion window, key state and lockout check of the key it will use cannot be verified.\n" +
            "- backup-key-policy-restricted: kmsKeyArn is unknown during preview, so the key policy of the key it will use cannot be verified.\n" +
            "- backup-key-rotation-enabled: kmsKeyArn is unknown during preview, so the rotation of the key it will use cannot be verified.\n" +
            "- backup-vault-customer-managed-key: kmsKeyArn is unknown during preview and none of the resources it is computed from is an aws.kms.Key, ReplicaKey, ExternalKey, ReplicaExternalKey or Alias of this stack.",
        },
      ]);
    });
  });

  describe("keys outside the stack", () => {
    it("accepts a literal external key ARN for custody, and lists the key controls it keeps from view as gaps", async () => {
      const stack = new FixtureStack();
      stack.add(aws.backup.Vault, "gap-vault-external-key", { kmsKeyArn: KEY_ARN });
      expect(await checkArea(stack, "encryption")).toEqual([
        {
          policy: "preview-verification-gaps",
          urn: vaultUrn(VAULT, "gap-vault-external-key"),
          message:
            "Vault 'gap-vault-external-key': 3 controls could not be verified during preview:\n" +
            "- backup-key-deletion-protected: kmsKeyArn names a KMS key outside this stack, so its deletion window, key state and lockout check cannot be verified here.\n" +
            "- backup-key-policy-restricted: kmsKeyArn names a KMS key outside this stack, so its key policy cannot be verified here.\n" +
            "- backup-key-rotation-enabled: kmsKeyArn names a KMS key outside this stack, so its rotation cannot be verified here.",
        },
      ]);
    });

    it.each([
      ["a short account", "arn:aws:kms:us-east-1:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
      ["no region", "arn:aws:kms::111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
      ["a key id that is not one", "arn:aws:kms:us-east-1:111122223333:key/backup"],
      ["an empty key id", "arn:aws:kms:us-east-1:111122223333:key/"],
    ])("rejects a key ARN with %s, naming the property, before the vault changes", async (_what, arn) => {
      const stack = new FixtureStack();
      stack.add(aws.backup.Vault, "fail-vault-malformed-arn", { kmsKeyArn: arn });
      expect(await checkArea(stack, "encryption")).toEqual([
        {
          policy: POLICY,
          urn: vaultUrn(VAULT, "fail-vault-malformed-arn"),
          message:
            "Vault 'fail-vault-malformed-arn' sets kmsKeyArn to a malformed KMS key ARN (it needs a region, a 12-digit account and a key id or mrk- id: arn:aws:kms:<region>:<account>:key/<id>); set kmsKeyArn to the ARN of a customer-managed aws.kms.Key.",
        },
      ]);
    });
  });

  describe("exemptions", () => {
    it("skips an exempt vault, and says so when the exemption has lapsed", async () => {
      const stack = new FixtureStack();
      stack.add(aws.backup.Vault, "legacy-vault", {});
      stack.add(aws.backup.Vault, "old-vault", {});
      const config = {
        [POLICY]: {
          exemptions: [
            { resource: "legacy-*", reason: "migrating in Q1", expires: "2999-01-01" },
            { resource: vaultUrn(VAULT, "old-vault"), reason: "was migrating", expires: "2020-01-01" },
          ],
        },
      };
      expect(await check(stack, POLICY, config)).toEqual([
        {
          policy: POLICY,
          urn: vaultUrn(VAULT, "old-vault"),
          message:
            "Vault 'old-vault' does not set kmsKeyArn, so it is encrypted with the AWS-managed key alias/aws/backup; set kmsKeyArn to the ARN of a customer-managed aws.kms.Key. (Its exemption lapsed after 2020-01-01.)",
        },
      ]);
    });
  });
});
