/**
 * How a user checks their own Pulumi program against the pack in a mock-based unit test:
 * record the program as a first preview under Pulumi's mocks, run the real pack process
 * over it as `pulumi preview --policy-pack` would, and assert there is nothing to fix.
 */
import * as aws from "@pulumi/aws";
import { defaultPackDir, FixtureStack, policies, recordProgram, ref, runPolicies, runPolicyPack } from "backup-guardrails";

describe("the reference program against aws-backup-guardrails", () => {
  it("passes every backup guardrail in a first preview", async () => {
    const view = await recordProgram(__dirname);
    const result = await runPolicyPack(defaultPackDir(), view);
    expect(result.diagnostics).toEqual([]);
    expect(result.failed).toBe(false);
  });

  it("would fail if the vault fell back to the AWS-managed key (checked in-process, in milliseconds)", async () => {
    const stack = new FixtureStack();
    const key = stack.add(aws.kms.Key, "backup-key", { enableKeyRotation: true });
    stack.add(aws.backup.Vault, "backup-vault", { kmsKeyArn: ref(key, "arn") });
    stack.add(aws.backup.Vault, "shortcut-vault", {});
    const custody = policies.filter((policy) => policy.name === "backup-vault-customer-managed-key");
    const result = await runPolicies(custody, stack.view());
    expect(result.diagnostics.map(({ policy, urn, message }) => ({ policy, urn, message }))).toEqual([
      {
        policy: "backup-vault-customer-managed-key",
        urn: "urn:pulumi:test::fixture::aws:backup/vault:Vault::shortcut-vault",
        message:
          "Vault 'shortcut-vault' does not set kmsKeyArn, so it is encrypted with the AWS-managed key alias/aws/backup; set kmsKeyArn to the ARN of a customer-managed aws.kms.Key.",
      },
    ]);
  });
});
