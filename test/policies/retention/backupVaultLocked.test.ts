import * as aws from "@pulumi/aws";
import { FixtureStack, ref, type Fixture } from "../../../kit/fixtures";
import { check } from "../../helpers";

const POLICY = "backup-vault-locked";
const VAULT = "aws:backup/vault:Vault";
const LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";
const urn = (type: string, name: string) => `urn:pulumi:test::fixture::${type}::${name}`;

function lockedVault(stack: FixtureStack, name: string, lock: Partial<aws.backup.VaultLockConfigurationArgs> = {}): Fixture {
  const vault = stack.add(aws.backup.Vault, name, { name });
  stack.add(aws.backup.VaultLockConfiguration, `${name}-lock`, {
    backupVaultName: name,
    changeableForDays: 3,
    minRetentionDays: 35,
    ...lock,
  });
  return vault;
}

type Rule = aws.types.input.backup.PlanRule;

function plan(stack: FixtureStack, name: string, ...rules: Partial<Rule>[]) {
  return stack.add(aws.backup.Plan, name, {
    rules: rules.map((rule, i) => ({ ruleName: `rule-${i}`, targetVaultName: "none", schedule: "cron(0 5 ? * * *)", ...rule })),
  });
}

describe(POLICY, () => {
  it("accepts compliance-mode locks whose bounds hold every rule and copy writing into the vault, from any plan", async () => {
    const stack = new FixtureStack();
    lockedVault(stack, "pass-vault", { maxRetentionDays: 365 });
    const dr = lockedVault(stack, "pass-dr-vault", { minRetentionDays: 90 });
    plan(stack, "pass-plan", {
      targetVaultName: "pass-vault",
      lifecycle: { deleteAfter: 35 },
      copyActions: [{ destinationVaultArn: ref(dr, "arn"), lifecycle: { deleteAfter: 90 } }],
    });
    plan(stack, "pass-other-plan", { targetVaultName: "pass-dr-vault" });
    plan(stack, "pass-year", { targetVaultName: "pass-vault", lifecycle: { deleteAfter: 365 } });
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("rejects a vault without a lock, a governance-mode lock and a minimum of 34 days, on the lock before it applies", async () => {
    const stack = new FixtureStack();
    stack.add(aws.backup.Vault, "fail-backup-vault-locked-none", {});
    lockedVault(stack, "governance", { changeableForDays: undefined });
    lockedVault(stack, "short", { minRetentionDays: 34 });
    lockedVault(stack, "unbounded", { minRetentionDays: undefined, maxRetentionDays: 10 });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn(VAULT, "fail-backup-vault-locked-none"),
        message:
          "Vault 'fail-backup-vault-locked-none' has no VaultLockConfiguration, so anyone allowed backup:DeleteRecoveryPoint can delete its recovery points at any age; add an aws.backup.VaultLockConfiguration for it with changeableForDays (compliance mode) and minRetentionDays of 35 or more.",
      },
      {
        policy: POLICY,
        urn: urn(LOCK, "governance-lock"),
        message:
          "VaultLockConfiguration 'governance-lock' does not set changeableForDays, so the lock is in governance mode and anyone allowed backup:DeleteBackupVaultLockConfiguration can remove it; set changeableForDays (at least 3) to lock the vault in compliance mode.",
      },
      {
        policy: POLICY,
        urn: urn(LOCK, "short-lock"),
        message:
          "VaultLockConfiguration 'short-lock' sets minRetentionDays to 34, less than the minimum of 35; set minRetentionDays to 35 or more.",
      },
      {
        policy: POLICY,
        urn: urn(LOCK, "unbounded-lock"),
        message:
          "VaultLockConfiguration 'unbounded-lock' does not set minRetentionDays, so recovery points can be deleted at any age; set minRetentionDays to 35 or more.",
      },
    ]);
  });

  it("accepts a governance-mode lock when compliance mode is not required", async () => {
    const stack = new FixtureStack();
    lockedVault(stack, "pass-governance", { changeableForDays: undefined });
    expect(await check(stack, POLICY, { [POLICY]: { requireComplianceMode: false } })).toEqual([]);
  });

  it("rejects rules and copies, from this plan or another, whose retention falls outside the lock (their jobs would fail)", async () => {
    const stack = new FixtureStack();
    lockedVault(stack, "fail-backup-vault-locked-short-rule", { minRetentionDays: 35 });
    const capped = lockedVault(stack, "fail-backup-vault-locked-capped", { maxRetentionDays: 100 });
    plan(
      stack,
      "writer",
      { targetVaultName: "fail-backup-vault-locked-short-rule", lifecycle: { deleteAfter: 30 } },
      {
        targetVaultName: "fail-backup-vault-locked-short-rule",
        lifecycle: { deleteAfter: 35 },
        copyActions: [{ destinationVaultArn: ref(capped, "arn"), lifecycle: { deleteAfter: 400 } }],
      },
    );
    plan(stack, "forever", { targetVaultName: "fail-backup-vault-locked-capped" });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn(VAULT, "fail-backup-vault-locked-capped"),
        message:
          "Vault 'fail-backup-vault-locked-capped' is locked with a maximum retention (maxRetentionDays of VaultLockConfiguration 'fail-backup-vault-locked-capped-lock') shorter than Plan 'writer' rules[1].copyActions[0] keeps its copies, so its copy jobs will fail; set rules[1].copyActions[0].lifecycle.deleteAfter to at most the lock's maxRetentionDays.",
      },
      {
        policy: POLICY,
        urn: urn(VAULT, "fail-backup-vault-locked-capped"),
        message:
          "Vault 'fail-backup-vault-locked-capped' is locked with a maximum retention (maxRetentionDays of VaultLockConfiguration 'fail-backup-vault-locked-capped-lock'), but Plan 'forever' rules[0] never expires its recovery points, so its backup jobs will fail; set rules[0].lifecycle.deleteAfter to at most the lock's maxRetentionDays.",
      },
      {
        policy: POLICY,
        urn: urn(VAULT, "fail-backup-vault-locked-short-rule"),
        message:
          "Vault 'fail-backup-vault-locked-short-rule' is locked with a minimum retention (minRetentionDays of VaultLockConfiguration 'fail-backup-vault-locked-short-rule-lock') longer than Plan 'writer' rules[0] keeps its recovery points, so its backup jobs will fail; set rules[0].lifecycle.deleteAfter to at least the lock's minRetentionDays.",
      },
    ]);
  });

  it("follows the lock's backupVaultName edge and reports a computed minimum, and a writer whose vault is one of several, as gaps", async () => {
    const stack = new FixtureStack();
    const parameter = stack.add(aws.ssm.Parameter, "days", { type: "String", value: "35" });
    const vault = stack.add(aws.backup.Vault, "gap-vault", {});
    stack.add(aws.backup.VaultLockConfiguration, "gap-vault-lock", {
      backupVaultName: ref(vault, "name"),
      changeableForDays: 3,
      minRetentionDays: ref(parameter, "value") as unknown as number,
    });
    const other = lockedVault(stack, "gap-other-vault");
    plan(stack, "ambiguous", {
      targetVaultName: ref(other, "name"),
      lifecycle: { deleteAfter: 7 },
      copyActions: [{ destinationVaultArn: ref(vault, "arn"), lifecycle: { deleteAfter: 40 } }],
    });
    const gaps = (await check(stack)).filter((v) => v.message.includes(POLICY));
    expect(gaps).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn(VAULT, "gap-other-vault"),
        message: expect.stringContaining(
          "- backup-vault-locked: Plan 'ambiguous' rules[0] may write into it (its vault is unknown during preview) with a retention outside the lock's bounds.",
        ),
      },
      {
        policy: "preview-verification-gaps",
        urn: urn(VAULT, "gap-vault"),
        message: expect.stringContaining(
          "- backup-vault-locked: minRetentionDays of VaultLockConfiguration 'gap-vault-lock' is unknown during preview.",
        ),
      },
      {
        policy: "preview-verification-gaps",
        urn: urn(LOCK, "gap-vault-lock"),
        message: expect.stringContaining("- backup-vault-locked: minRetentionDays is unknown during preview."),
      },
    ]);
  });
});
