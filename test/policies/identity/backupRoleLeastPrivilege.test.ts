import * as aws from "@pulumi/aws";
import { derived, FixtureStack, ref, type Fixture } from "../../../kit/fixtures";
import { check } from "../../helpers";

const POLICY = "backup-role-least-privilege";
const urn = (name: string) => `urn:pulumi:test::fixture::aws:iam/role:Role::${name}`;
const TRUST = JSON.stringify({
  Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const managed = (name: string) => `arn:aws:iam::aws:policy/${name}`;
const SERVICE_ROLE = [
  managed("service-role/AWSBackupServiceRolePolicyForBackup"),
  managed("service-role/AWSBackupServiceRolePolicyForRestores"),
];
const doc = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement });

function stackWithVault(): { stack: FixtureStack; vault: Fixture; plan: Fixture } {
  const stack = new FixtureStack();
  const vault = stack.add(aws.backup.Vault, "vault", { name: "primary" });
  const plan = stack.add(aws.backup.Plan, "plan", { name: "plan", rules: [{ ruleName: "daily", targetVaultName: ref(vault, "name") }] });
  return { stack, vault, plan };
}

function backupRole(stack: FixtureStack, plan: Fixture, name: string, args: Partial<aws.iam.RoleArgs>): Fixture {
  const role = stack.add(aws.iam.Role, name, { name, assumeRolePolicy: TRUST, ...args });
  stack.add(aws.backup.Selection, `${name}-selection`, { name, planId: ref(plan, "id"), iamRoleArn: ref(role, "arn"), resources: ["*"] });
  return role;
}

const who = (name: string) => `Role '${name}' (the backup identity of Selection '${name}-selection')`;

describe(POLICY, () => {
  it("accepts AWS Backup's service-role policies, for backups and for S3", async () => {
    const { stack, plan } = stackWithVault();
    backupRole(stack, plan, "pass-service-role", { managedPolicyArns: SERVICE_ROLE });
    backupRole(stack, plan, "pass-s3-service-role", {
      managedPolicyArns: [managed("AWSBackupServiceRolePolicyForS3Backup"), managed("AWSBackupServiceRolePolicyForS3Restore")],
    });
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("rejects administrator access: wildcards, IAM write and destructive actions", async () => {
    const { stack, plan } = stackWithVault();
    backupRole(stack, plan, "fail-admin", { managedPolicyArns: [...SERVICE_ROLE, managed("AdministratorAccess")] });
    const through =
      "through managed policy AdministratorAccess, beyond what AWS Backup's service-role policies grant; remove those actions.";
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-admin"),
        message: `${who("fail-admin")} holds wildcard permissions through managed policy AdministratorAccess; grant AWS Backup's service-role policies and the named actions it needs instead.`,
      },
      {
        policy: POLICY,
        urn: urn("fail-admin"),
        message: `${who("fail-admin")} may backup:DeleteBackupPlan, backup:UpdateBackupPlan, backup:DeleteBackupSelection on Plan 'plan' ${through}`,
      },
      {
        policy: POLICY,
        urn: urn("fail-admin"),
        message: `${who("fail-admin")} may backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle, backup:DeleteBackupVault, backup:PutBackupVaultAccessPolicy, backup:DeleteBackupVaultAccessPolicy, backup:DeleteBackupVaultLockConfiguration on Vault 'vault' ${through}`,
      },
      {
        policy: POLICY,
        urn: urn("fail-admin"),
        message: `${who("fail-admin")} may iam:CreateRole, iam:PutRolePolicy, iam:AttachRolePolicy, iam:UpdateAssumeRolePolicy, iam:CreatePolicyVersion, iam:CreateUser, iam:CreateAccessKey, iam:PutUserPolicy, iam:AttachUserPolicy (IAM write access); remove IAM write actions from its policies.`,
      },
    ]);
  });

  it("rejects named destructive and IAM actions in an inline policy, and accepts them denied", async () => {
    const { stack, plan } = stackWithVault();
    const role = backupRole(stack, plan, "fail-inline", { managedPolicyArns: SERVICE_ROLE });
    stack.add(aws.iam.RolePolicy, "extra", {
      role: ref(role, "name"),
      policy: doc({ Effect: "Allow", Action: ["backup:DeleteRecoveryPoint", "iam:PutRolePolicy"], Resource: "*" }),
    });
    const denied = backupRole(stack, plan, "pass-denied", { managedPolicyArns: SERVICE_ROLE });
    stack.add(aws.iam.RolePolicy, "denied-extra", {
      role: ref(denied, "name"),
      policy: doc(
        { Effect: "Allow", Action: ["backup:DeleteRecoveryPoint", "iam:PutRolePolicy"], Resource: "*" },
        { Effect: "Deny", Action: ["backup:Delete*", "iam:*"], Resource: "*" },
      ),
    });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-inline"),
        message: `${who("fail-inline")} may backup:DeleteRecoveryPoint on Vault 'vault' through RolePolicy 'extra', beyond what AWS Backup's service-role policies grant; remove that action.`,
      },
      {
        policy: POLICY,
        urn: urn("fail-inline"),
        message: `${who("fail-inline")} may iam:PutRolePolicy (IAM write access); remove IAM write actions from its policies.`,
      },
    ]);
  });

  it("lists a policy unknown during preview as a gap", async () => {
    const { stack, plan, vault } = stackWithVault();
    const role = backupRole(stack, plan, "gap-computed", { managedPolicyArns: SERVICE_ROLE });
    stack.add(aws.iam.RolePolicy, "computed", {
      role: ref(role, "name"),
      policy: derived(doc({ Effect: "Allow", Action: "backup:List*", Resource: "*" }), vault),
    });
    expect((await check(stack, "preview-verification-gaps")).filter((v) => v.urn === urn("gap-computed"))).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-computed"),
        message:
          "Role 'gap-computed': 1 control could not be verified during preview:\n- backup-role-least-privilege: RolePolicy 'computed' is unknown during preview, so its permissions cannot be decided.",
      },
    ]);
  });
});
