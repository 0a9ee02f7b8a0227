import * as aws from "@pulumi/aws";
import { derived, FixtureStack, ref, type Fixture } from "../../../kit/fixtures";
import { check, GAPS } from "../../helpers";

const POLICY = "backup-vault-deletion-denied";
const VAULT = "aws:backup/vault:Vault";
const urn = (name: string) => `urn:pulumi:test::fixture::${VAULT}::${name}`;
const BREAK_GLASS = "arn:aws:iam::123456789012:role/break-glass";
const ACTIONS = ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"];

function denyAll(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Deny", Principal: "*", Action: ACTIONS, Resource: "*", ...extra }],
  });
}

function vaultWith(stack: FixtureStack, name: string, policy: string | undefined): Fixture {
  const vault = stack.add(aws.backup.Vault, name, { name });
  if (policy !== undefined) stack.add(aws.backup.VaultPolicy, `${name}-policy`, { backupVaultName: ref(vault, "name"), policy });
  return vault;
}

describe(POLICY, () => {
  it("accepts a Deny to everyone, with or without a break-glass exception, by edge or by name", async () => {
    const stack = new FixtureStack();
    vaultWith(stack, "pass-deny-all", denyAll());
    vaultWith(stack, "pass-break-glass", denyAll({ Condition: { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } } }));
    vaultWith(stack, "pass-not-principal", undefined);
    stack.add(aws.backup.VaultPolicy, "pass-not-principal-policy", {
      backupVaultName: "pass-not-principal",
      policy: JSON.stringify({ Statement: { Effect: "deny", NotPrincipal: { AWS: BREAK_GLASS }, Action: ACTIONS, Resource: "*" } }),
    });
    expect(await check(stack, POLICY, { [POLICY]: { breakGlassPrincipalArns: [BREAK_GLASS] } })).toEqual([]);
  });

  it("rejects a vault without a vault policy, and one that denies only some actions", async () => {
    const stack = new FixtureStack();
    vaultWith(stack, "fail-no-policy", undefined);
    vaultWith(stack, "fail-partial", denyAll({ Action: "backup:DeleteRecoveryPoint" }));
    vaultWith(stack, "fail-tls-only", denyAll({ Condition: { Bool: { "aws:SecureTransport": "false" } } }));
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-no-policy"),
        message:
          "Vault 'fail-no-policy' has no VaultPolicy; add an aws.backup.VaultPolicy that denies backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle, backup:PutBackupVaultAccessPolicy to every principal (\"*\") except the roles listed in breakGlassPrincipalArns.",
      },
      {
        policy: POLICY,
        urn: urn("fail-partial"),
        message:
          'Vault \'fail-partial\' has a VaultPolicy (VaultPolicy \'fail-partial-policy\') that does not deny backup:UpdateRecoveryPointLifecycle, backup:PutBackupVaultAccessPolicy to every principal; add a statement { Effect: "Deny", Principal: "*", Action: those actions, Resource: "*" } excepting only the roles listed in breakGlassPrincipalArns.',
      },
      {
        policy: POLICY,
        urn: urn("fail-tls-only"),
        message:
          'Vault \'fail-tls-only\' has a VaultPolicy (VaultPolicy \'fail-tls-only-policy\') that does not deny backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle, backup:PutBackupVaultAccessPolicy to every principal; add a statement { Effect: "Deny", Principal: "*", Action: those actions, Resource: "*" } excepting only the roles listed in breakGlassPrincipalArns.',
      },
    ]);
  });

  it("rejects a wildcard in Action, which vault access policies do not support, and a Deny that leaves some kinds of recovery point out", async () => {
    const stack = new FixtureStack();
    vaultWith(stack, "fail-star", denyAll({ Action: "backup:*" }));
    vaultWith(
      stack,
      "fail-prefixes",
      JSON.stringify({
        Statement: [
          { Effect: "Deny", Principal: "*", Action: ["backup:Delete*", "backup:Update*"], Resource: "*" },
          { Effect: "Deny", Principal: "*", Action: "backup:PutBackupVaultAccessPolicy", Resource: "*" },
        ],
      }),
    );
    vaultWith(stack, "fail-own-points-only", denyAll({ Resource: "arn:aws:backup:*:*:recovery-point:*" }));
    vaultWith(stack, "pass-every-kind", denyAll({ Resource: ["arn:aws:backup:*:*:recovery-point:*", "arn:aws:*:*:*:*"] }));
    const wildcard = (name: string, label: string) =>
      `Vault '${name}' has a VaultPolicy (VaultPolicy '${name}-policy') whose statement ${label} has a wildcard in Action, which AWS Backup does not support in a vault access policy, so the statement cannot be relied on; list each action by name (backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle, backup:PutBackupVaultAccessPolicy).`;
    const notDenied = (name: string, actions: string) =>
      `Vault '${name}' has a VaultPolicy (VaultPolicy '${name}-policy') that does not deny ${actions} to every principal; add a statement { Effect: "Deny", Principal: "*", Action: those actions, Resource: "*" } excepting only the roles listed in breakGlassPrincipalArns.`;
    expect(await check(stack, POLICY)).toEqual([
      { policy: POLICY, urn: urn("fail-own-points-only"), message: notDenied("fail-own-points-only", ACTIONS.join(", ")) },
      {
        policy: POLICY,
        urn: urn("fail-prefixes"),
        message: notDenied("fail-prefixes", "backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle"),
      },
      { policy: POLICY, urn: urn("fail-prefixes"), message: wildcard("fail-prefixes", "1") },
      { policy: POLICY, urn: urn("fail-star"), message: notDenied("fail-star", ACTIONS.join(", ")) },
      { policy: POLICY, urn: urn("fail-star"), message: wildcard("fail-star", "1") },
    ]);
  });

  it("rejects an exception for a principal that breakGlassPrincipalArns does not list", async () => {
    const stack = new FixtureStack();
    const app = stack.add(aws.iam.Role, "app", { name: "app", assumeRolePolicy: "{}" });
    vaultWith(
      stack,
      "fail-exempts-app",
      denyAll({ Condition: { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/app" } } }),
    );
    void app;
    expect(await check(stack, POLICY, { [POLICY]: { breakGlassPrincipalArns: [BREAK_GLASS] } })).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-exempts-app"),
        message:
          "Vault 'fail-exempts-app' has a VaultPolicy (VaultPolicy 'fail-exempts-app-policy') whose Deny of backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle, backup:PutBackupVaultAccessPolicy exempts Role 'app', which breakGlassPrincipalArns does not list; remove the exemption, or list the principal in breakGlassPrincipalArns if it is a break-glass role.",
      },
    ]);
  });

  it("reports a malformed policy as such, naming the statement", async () => {
    const stack = new FixtureStack();
    vaultWith(stack, "fail-not-json", "{not json");
    vaultWith(stack, "fail-no-effect", JSON.stringify({ Statement: [{ Action: "backup:*" }] }));
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-no-effect"),
        message:
          "Vault 'fail-no-effect' has a VaultPolicy (VaultPolicy 'fail-no-effect-policy') whose policy statement 1 has no Effect of \"Allow\" or \"Deny\"; set policy to a valid JSON vault access policy document.",
      },
      {
        policy: POLICY,
        urn: urn("fail-not-json"),
        message:
          "Vault 'fail-not-json' has a VaultPolicy (VaultPolicy 'fail-not-json-policy') whose policy is a string that is not valid JSON; set policy to a valid JSON vault access policy document.",
      },
    ]);
  });

  it("lists a policy computed from unknown values, and a Deny under a condition it cannot evaluate, as gaps", async () => {
    const stack = new FixtureStack();
    const vault = vaultWith(stack, "gap-computed", undefined);
    stack.add(aws.backup.VaultPolicy, "gap-computed-policy", { backupVaultName: ref(vault, "name"), policy: derived(denyAll(), vault) });
    vaultWith(stack, "gap-source-ip", denyAll({ Condition: { NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }));
    expect(await check(stack, "preview-verification-gaps")).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-computed"),
        message:
          "Vault 'gap-computed': 1 control could not be verified during preview:\n- backup-vault-deletion-denied: the policy of VaultPolicy 'gap-computed-policy' is unknown during preview (it is computed from Vault 'gap-computed').",
      },
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-source-ip"),
        message:
          "Vault 'gap-source-ip': 1 control could not be verified during preview:\n- backup-vault-deletion-denied: VaultPolicy 'gap-source-ip-policy' denies backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle, backup:PutBackupVaultAccessPolicy only under a Condition that cannot be evaluated before a request is made.",
      },
    ]);
  });

  it("judges a break-glass exception written with aws:userId as far as it can be proven, and says how to write it otherwise", async () => {
    const stack = new FixtureStack();
    const byUserId = (...ids: string[]) => denyAll({ Condition: { StringNotLike: { "aws:userId": ids } } });
    vaultWith(stack, "gap-user-id", byUserId("AROAEXAMPLEBREAKGLASS:*"));
    vaultWith(stack, "fail-user-id-root", byUserId("AROAEXAMPLEBREAKGLASS:*", "123456789012"));
    vaultWith(stack, "fail-user-id-any-role", byUserId("AROA*:*"));
    vaultWith(stack, "pass-user-id-listed", byUserId("AROAEXAMPLEBREAKGLASS:*"));
    const config = { [POLICY]: { breakGlassPrincipalArns: ["AROAEXAMPLEBREAKGLASS:*"] } };
    const at = (name: string) => `Vault '${name}' has a VaultPolicy (VaultPolicy '${name}-policy')`;
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-user-id-any-role"),
        message: `${at("fail-user-id-any-role")} that does not deny ${ACTIONS.join(", ")} to every principal; add a statement { Effect: "Deny", Principal: "*", Action: those actions, Resource: "*" } excepting only the roles listed in breakGlassPrincipalArns.`,
      },
      {
        policy: POLICY,
        urn: urn("fail-user-id-root"),
        message: `${at("fail-user-id-root")} whose Deny of ${ACTIONS.join(", ")} exempts an account root, which breakGlassPrincipalArns does not list; remove the exemption, or list the principal in breakGlassPrincipalArns if it is a break-glass role.`,
      },
      ...["fail-user-id-root", "gap-user-id", "pass-user-id-listed"].map((name) => ({
        policy: GAPS,
        urn: urn(name),
        message: `Vault '${name}': 1 control could not be verified during preview:\n- backup-vault-deletion-denied: VaultPolicy '${name}-policy' spares a principal by aws:userId (a unique id, which no role this stack creates has before it is deployed) from its Deny of ${ACTIONS.join(", ")}, so whether it spares only break-glass principals cannot be decided; name the break-glass roles by ARN instead (ArnNotEquals on aws:PrincipalArn) and list them in breakGlassPrincipalArns.`,
      })),
    ]);
    expect(await check(stack, [POLICY, GAPS], config)).toEqual([
      expect.objectContaining({ urn: urn("fail-user-id-any-role") }),
      expect.objectContaining({ urn: urn("fail-user-id-root") }),
    ]);
  });

  it("matches an aws:userId exception to a stack role by its unique id once it is known", async () => {
    const stack = new FixtureStack({ mode: "known" });
    const role = (name: string, uniqueId: string) =>
      stack.addType("aws:iam/role:Role", name, { name, uniqueId, assumeRolePolicy: JSON.stringify({ Statement: [] }) });
    role("break-glass", "AROAEXAMPLEBREAKGLASS");
    role("ops", "AROAEXAMPLEOPSROLE00");
    const byUserId = (...ids: string[]) => denyAll({ Condition: { StringNotLike: { "aws:userId": ids } } });
    vaultWith(stack, "pass-break-glass-id", byUserId("AROAEXAMPLEBREAKGLASS:*"));
    vaultWith(stack, "fail-ops-id", byUserId("AROAEXAMPLEBREAKGLASS:*", "AROAEXAMPLEOPSROLE00:*"));
    const config = { [POLICY]: { breakGlassPrincipalArns: ["arn:aws:iam::123456789012:role/break-glass"] } };
    expect(await check(stack, [POLICY, GAPS], config)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-ops-id"),
        message: `Vault 'fail-ops-id' has a VaultPolicy (VaultPolicy 'fail-ops-id-policy') whose Deny of ${ACTIONS.join(", ")} exempts Role 'ops', which breakGlassPrincipalArns does not list; remove the exemption, or list the principal in breakGlassPrincipalArns if it is a break-glass role.`,
      },
    ]);
  });

  it("judges the real ARNs once they are known", async () => {
    const stack = new FixtureStack({ mode: "known" });
    const vault = stack.add(aws.backup.Vault, "pass-known", { name: "pass-known" });
    const arn = stack.knownOutput(vault, "arn") as string;
    stack.add(aws.backup.VaultPolicy, "pass-known-policy", {
      backupVaultName: ref(vault, "name"),
      policy: JSON.stringify({
        Statement: [
          { Effect: "Deny", Principal: { AWS: "*" }, Action: ["backup:PutBackupVaultAccessPolicy"], Resource: arn },
          { Effect: "Deny", Principal: "*", Action: ACTIONS.slice(0, 2), Resource: "*" },
        ],
      }),
    });
    const other = stack.add(aws.backup.Vault, "fail-other-vault", { name: "fail-other-vault" });
    stack.add(aws.backup.VaultPolicy, "fail-other-vault-policy", {
      backupVaultName: ref(other, "name"),
      policy: JSON.stringify({ Statement: [{ Effect: "Deny", Principal: "*", Action: ACTIONS, Resource: arn }] }),
    });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-other-vault"),
        message:
          'Vault \'fail-other-vault\' has a VaultPolicy (VaultPolicy \'fail-other-vault-policy\') that does not deny backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle, backup:PutBackupVaultAccessPolicy to every principal; add a statement { Effect: "Deny", Principal: "*", Action: those actions, Resource: "*" } excepting only the roles listed in breakGlassPrincipalArns.',
      },
    ]);
  });

  it("does not state a violation at a first preview when the policy names the account the stack deploys to", async () => {
    const accountDeny = JSON.stringify({
      Statement: [{ Effect: "Deny", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: ACTIONS, Resource: "*" }],
    });
    const preview = new FixtureStack();
    vaultWith(preview, "gap-account-root", accountDeny);
    expect(await check(preview, [POLICY, "preview-verification-gaps"])).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-account-root"),
        message:
          "Vault 'gap-account-root': 1 control could not be verified during preview:\n- backup-vault-deletion-denied: VaultPolicy 'gap-account-root-policy' denies backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle, backup:PutBackupVaultAccessPolicy only under a Condition that cannot be evaluated before a request is made.",
      },
    ]);
    const known = new FixtureStack({ mode: "known" });
    vaultWith(known, "pass-account-root", accountDeny);
    expect(await check(known, POLICY)).toEqual([]);
  });
});
