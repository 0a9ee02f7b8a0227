import * as aws from "@pulumi/aws";
import { derived, FixtureStack, ref, type Fixture } from "../../../kit/fixtures";
import { check, GAPS } from "../../helpers";

const POLICY = "workload-identity-cannot-destroy-backups";
const ROLE = "aws:iam/role:Role";
const urn = (type: string, name: string) => `urn:pulumi:test::fixture::${type}::${name}`;
const TRUST = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const managed = (name: string) => `arn:aws:iam::aws:policy/${name}`;
const doc = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement });

/** A stack with one backup vault and one backup bucket. */
function stores(options: { mode?: "preview" | "known" } = {}): { stack: FixtureStack; vault: Fixture; bucket: Fixture } {
  const stack = new FixtureStack(options);
  const vault = stack.add(aws.backup.Vault, "vault", { name: "primary" });
  const bucket = stack.add(aws.s3.Bucket, "backup-bucket", { bucket: "backup-bucket", tags: { purpose: "backup" } });
  return { stack, vault, bucket };
}

function role(stack: FixtureStack, name: string, args: Partial<aws.iam.RoleArgs> = {}): Fixture {
  return stack.add(aws.iam.Role, name, { name, assumeRolePolicy: TRUST, ...args });
}

const VAULT_ACTIONS =
  "backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle, backup:DeleteBackupVault, backup:PutBackupVaultAccessPolicy, backup:DeleteBackupVaultAccessPolicy, backup:DeleteBackupVaultLockConfiguration";
const BUCKET_ACTIONS =
  "s3:DeleteObject, s3:DeleteObjectVersion, s3:PutObject, s3:PutLifecycleConfiguration, s3:PutBucketPolicy, s3:DeleteBucketPolicy, s3:PutBucketVersioning, s3:PutBucketObjectLockConfiguration, s3:PutReplicationConfiguration, s3:DeleteBucket";
const REMEDY = "remove those actions from its policies or add an explicit Deny on the backup store.";
const onVault = (type: string, name: string, through: string) => ({
  policy: POLICY,
  urn: urn(type, name),
  message: `${type.split(":").pop()} '${name}' may ${VAULT_ACTIONS} on Vault 'vault' through ${through}; ${REMEDY}`,
});
const onBucket = (type: string, name: string, through: string, actions = BUCKET_ACTIONS) => ({
  policy: POLICY,
  urn: urn(type, name),
  message: `${type.split(":").pop()} '${name}' may ${actions} on Bucket 'backup-bucket' through ${through}; ${actions.includes(",") ? REMEDY : REMEDY.replace("those actions", "that action")}`,
});

describe(POLICY, () => {
  it("finds a destructive grant by every route it reaches an identity", async () => {
    const { stack } = stores();
    role(stack, "fail-managed-arns", { managedPolicyArns: [managed("AdministratorAccess")] });
    const attached = role(stack, "fail-role-attachment");
    stack.add(aws.iam.RolePolicyAttachment, "s3-full", { role: ref(attached, "name"), policyArn: managed("AmazonS3FullAccess") });
    const inline = role(stack, "fail-role-policy");
    stack.add(aws.iam.RolePolicy, "backup-star", {
      role: ref(inline, "name"),
      policy: doc({ Effect: "Allow", Action: "backup:*", Resource: "*" }),
    });
    role(stack, "fail-inline-policies", {
      inlinePolicies: [
        { name: "ops", policy: doc({ Effect: "allow", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::backup-bucket/*" }) },
      ],
    });
    const custom = stack.add(aws.iam.Policy, "custom", {
      policy: doc({ Effect: "Allow", Action: ["s3:DeleteObject*"], Resource: "arn:aws:s3:::backup-*" }),
    });
    const viaAttachment = role(stack, "fail-policy-attachment");
    stack.add(aws.iam.PolicyAttachment, "custom-attachment", { roles: [ref(viaAttachment, "name")], policyArn: ref(custom, "arn") });
    const exclusive = role(stack, "fail-exclusive");
    stack.add(aws.iam.RolePolicyAttachmentsExclusive, "exclusive", {
      roleName: "fail-exclusive",
      policyArns: [managed("AmazonS3FullAccess")],
    });
    void exclusive;
    const group = stack.add(aws.iam.Group, "fail-operators", { name: "fail-operators" });
    stack.add(aws.iam.GroupPolicyAttachment, "operators-backup", { group: ref(group, "name"), policyArn: managed("AWSBackupFullAccess") });
    const user = stack.add(aws.iam.User, "fail-operator", { name: "fail-operator" });
    stack.add(aws.iam.GroupMembership, "operators-members", { group: ref(group, "name"), users: [ref(user, "name")] });
    const direct = stack.add(aws.iam.User, "fail-user-policy", { name: "fail-user-policy" });
    stack.add(aws.iam.UserPolicy, "user-inline", {
      user: ref(direct, "name"),
      policy: doc({ Effect: "Allow", Action: "s3:PutObject", Resource: "*" }),
    });
    const USER = "aws:iam/user:User";
    expect(await check(stack, POLICY)).toEqual([
      onVault("aws:iam/group:Group", "fail-operators", "managed policy AWSBackupFullAccess"),
      onBucket(ROLE, "fail-exclusive", "managed policy AmazonS3FullAccess"),
      onBucket(ROLE, "fail-inline-policies", "inline policy 1 of Role 'fail-inline-policies'", "s3:DeleteObject"),
      onVault(ROLE, "fail-managed-arns", "managed policy AdministratorAccess"),
      onBucket(ROLE, "fail-managed-arns", "managed policy AdministratorAccess"),
      onBucket(ROLE, "fail-policy-attachment", "Policy 'custom'", "s3:DeleteObject, s3:DeleteObjectVersion"),
      onBucket(ROLE, "fail-role-attachment", "managed policy AmazonS3FullAccess"),
      onVault(ROLE, "fail-role-policy", "RolePolicy 'backup-star'"),
      onVault(USER, "fail-operator", "managed policy AWSBackupFullAccess (through Group 'fail-operators')"),
      onBucket(USER, "fail-user-policy", "UserPolicy 'user-inline'", "s3:PutObject"),
    ]);
  });

  it("accepts read-only access, an explicit deny, a boundary, NotResource and NotAction that leave the backups out", async () => {
    const { stack } = stores();
    role(stack, "pass-read-only", { managedPolicyArns: [managed("ReadOnlyAccess")] });
    const power = role(stack, "pass-power-with-deny", { managedPolicyArns: [managed("PowerUserAccess")] });
    stack.add(aws.iam.RolePolicy, "deny-destruction", {
      role: ref(power, "name"),
      policy: doc({
        Effect: "Deny",
        Action: ["backup:Delete*", "backup:Update*", "backup:Put*", "s3:Delete*", "s3:Put*", "kms:*"],
        Resource: "*",
      }),
    });
    role(stack, "pass-bounded-admin", {
      managedPolicyArns: [managed("AdministratorAccess")],
      permissionsBoundary: managed("ReadOnlyAccess"),
    });
    role(stack, "pass-not-resource", {
      inlinePolicies: [
        {
          name: "all-but-backups",
          policy: doc({ Effect: "Allow", Action: "s3:*", NotResource: ["arn:aws:s3:::backup-bucket", "arn:aws:s3:::backup-bucket/*"] }),
        },
      ],
    });
    role(stack, "pass-not-action", {
      inlinePolicies: [
        { name: "no-writes", policy: doc({ Effect: "Allow", NotAction: ["s3:Put*", "s3:Delete*", "backup:*", "kms:*"], Resource: "*" }) },
      ],
    });
    role(stack, "pass-other-bucket", {
      inlinePolicies: [{ name: "app", policy: doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::app-data/*" }) }],
    });
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("reaches a vault's recovery points by the ARN of their source service (EBS, RDS, Aurora) as well as their own", async () => {
    const { stack } = stores();
    const points = (name: string, Resource: string | string[]) =>
      role(stack, name, {
        inlinePolicies: [
          {
            name: "points",
            policy: doc({ Effect: "Allow", Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"], Resource }),
          },
        ],
      });
    points("fail-ebs-snapshots", "arn:aws:ec2:*::snapshot/*");
    points("fail-rds-snapshots", ["arn:aws:rds:*:*:snapshot:*", "arn:aws:rds:*:*:cluster-snapshot:*"]);
    points("fail-own-recovery-points", "arn:aws:backup:*:*:recovery-point:*");
    points("pass-ec2-instances", "arn:aws:ec2:*:*:instance/*");
    const onPoints = (name: string) => ({
      policy: POLICY,
      urn: urn(ROLE, name),
      message: `Role '${name}' may backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle on Vault 'vault' through inline policy 1 of Role '${name}'; ${REMEDY}`,
    });
    expect(await check(stack, POLICY)).toEqual([
      onPoints("fail-ebs-snapshots"),
      onPoints("fail-own-recovery-points"),
      onPoints("fail-rds-snapshots"),
    ]);
  });

  it("names only the policies that grant the action on the store, not every policy whose Allow covers it", async () => {
    const { stack } = stores();
    const mixed = role(stack, "fail-mixed");
    const grant = (name: string, Resource: string) =>
      stack.add(aws.iam.RolePolicy, name, {
        role: ref(mixed, "name"),
        policy: doc({ Effect: "Allow", Action: "s3:DeleteObject", Resource }),
      });
    grant("app-data", "arn:aws:s3:::app-data/*");
    grant("any-data", "arn:aws:s3:::*-data/*");
    grant("backups", "arn:aws:s3:::backup-bucket/*");
    grant("all-backups", "arn:aws:s3:::backup-*");
    expect(await check(stack, POLICY)).toEqual([
      onBucket(ROLE, "fail-mixed", "RolePolicy 'backups', RolePolicy 'all-backups'", "s3:DeleteObject"),
    ]);
  });

  it("leaves backup identities and break-glass roles to their own controls", async () => {
    const { stack, vault } = stores();
    const backupRole = role(stack, "backup-role", { managedPolicyArns: [managed("service-role/AWSBackupServiceRolePolicyForBackup")] });
    const plan = stack.add(aws.backup.Plan, "plan", { name: "plan", rules: [{ ruleName: "daily", targetVaultName: ref(vault, "name") }] });
    stack.add(aws.backup.Selection, "selection", {
      name: "all",
      planId: ref(plan, "id"),
      iamRoleArn: ref(backupRole, "arn"),
      resources: ["*"],
    });
    role(stack, "break-glass", { managedPolicyArns: [managed("AdministratorAccess")] });
    const config = { [POLICY]: { breakGlassPrincipalArns: ["arn:aws:iam::123456789012:role/break-glass"] } };
    expect(await check(stack, POLICY, config)).toEqual([]);
  });

  it("counts a vault policy or bucket policy that denies the action, and judges backup keys with their key policy", async () => {
    const { stack, vault, bucket } = stores();
    stack.add(aws.backup.VaultPolicy, "vault-policy", {
      backupVaultName: ref(vault, "name"),
      policy: doc({ Effect: "Deny", Principal: "*", Action: VAULT_ACTIONS.split(", "), Resource: "*" }),
    });
    stack.add(aws.s3.BucketPolicy, "bucket-policy", {
      bucket: ref(bucket, "id"),
      policy: doc({
        Effect: "Deny",
        Principal: "*",
        NotAction: ["s3:Get*", "s3:List*"],
        Resource: ["arn:aws:s3:::backup-bucket", "arn:aws:s3:::backup-bucket/*"],
      }),
    });
    const key = stack.add(aws.kms.Key, "backup-key", {});
    stack.add(aws.backup.Vault, "keyed-vault", { name: "keyed", kmsKeyArn: ref(key, "arn") });
    stack.add(aws.backup.VaultPolicy, "keyed-vault-policy", {
      backupVaultName: "keyed",
      policy: doc({ Effect: "Deny", Principal: "*", Action: VAULT_ACTIONS.split(", "), Resource: "*" }),
    });
    // AWS Backup does not support a wildcard in a vault access policy's Action: this Deny protects nothing.
    const starred = stack.add(aws.backup.Vault, "starred-vault", { name: "starred" });
    stack.add(aws.backup.VaultPolicy, "starred-vault-policy", {
      backupVaultName: ref(starred, "name"),
      policy: doc({ Effect: "Deny", Principal: "*", Action: "backup:*", Resource: "*" }),
    });
    // A Deny on the vault's own recovery-point ARNs leaves its EBS and RDS recovery points out.
    const ownPoints = stack.add(aws.backup.Vault, "own-points-vault", { name: "own-points" });
    stack.add(aws.backup.VaultPolicy, "own-points-vault-policy", {
      backupVaultName: ref(ownPoints, "name"),
      policy: doc({
        Effect: "Deny",
        Principal: "*",
        Action: VAULT_ACTIONS.split(", "),
        Resource: ["arn:aws:backup:*:*:recovery-point:*", "arn:aws:backup:*:*:backup-vault:*"],
      }),
    });
    role(stack, "fail-admin", { managedPolicyArns: [managed("AdministratorAccess")] });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn(ROLE, "fail-admin"),
        message: `Role 'fail-admin' may backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle on Vault 'own-points-vault' through managed policy AdministratorAccess; ${REMEDY}`,
      },
      {
        policy: POLICY,
        urn: urn(ROLE, "fail-admin"),
        message: `Role 'fail-admin' may ${VAULT_ACTIONS} on Vault 'starred-vault' through managed policy AdministratorAccess; ${REMEDY}`,
      },
      {
        policy: POLICY,
        urn: urn(ROLE, "fail-admin"),
        message: `Role 'fail-admin' may kms:ScheduleKeyDeletion, kms:DisableKey, kms:PutKeyPolicy, kms:CreateGrant on Key 'backup-key' through managed policy AdministratorAccess; ${REMEDY}`,
      },
    ]);
  });

  it("counts a vault policy whose Deny spares a break-glass role by aws:userId: a workload role is not that role", async () => {
    const { stack, vault } = stores();
    stack.add(aws.backup.VaultPolicy, "vault-policy", {
      backupVaultName: ref(vault, "name"),
      policy: doc({
        Effect: "Deny",
        Principal: "*",
        Action: VAULT_ACTIONS.split(", "),
        Resource: "*",
        Condition: { StringNotLike: { "aws:userId": ["AROAEXAMPLEBREAKGLASS:*", "123456789012"] } },
      }),
    });
    role(stack, "fail-admin", { managedPolicyArns: [managed("AdministratorAccess")] });
    // The vault's own control lists the exception as its gap; the workload has none.
    const found = await check(stack, [POLICY, GAPS]);
    expect(found.filter((v) => v.urn === urn(ROLE, "fail-admin"))).toEqual([
      onBucket(ROLE, "fail-admin", "managed policy AdministratorAccess"),
    ]);
  });

  it("reads the real ARNs once known, and policies built from them", async () => {
    const { stack, bucket } = stores({ mode: "known" });
    const arn = stack.knownOutput(bucket, "arn") as string;
    role(stack, "fail-known-arn", {
      inlinePolicies: [{ name: "x", policy: doc({ Effect: "Allow", Action: "s3:DeleteObject", Resource: `${arn}/*` }) }],
    });
    role(stack, "pass-other-arn", {
      inlinePolicies: [{ name: "x", policy: doc({ Effect: "Allow", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::elsewhere/*" }) }],
    });
    expect(await check(stack, POLICY)).toEqual([
      onBucket(ROLE, "fail-known-arn", "inline policy 1 of Role 'fail-known-arn'", "s3:DeleteObject"),
    ]);
  });

  it("lists a policy unknown during preview and a grant under a condition it cannot evaluate as gaps", async () => {
    const { stack, bucket } = stores();
    const gap = role(stack, "gap-computed");
    stack.add(aws.iam.RolePolicy, "computed", {
      role: ref(gap, "name"),
      policy: derived(doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }), bucket),
    });
    role(stack, "gap-conditional", {
      inlinePolicies: [
        {
          name: "c",
          policy: doc({
            Effect: "Allow",
            Action: "backup:DeleteRecoveryPoint",
            Resource: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } },
          }),
        },
      ],
    });
    role(stack, "gap-external", { managedPolicyArns: ["arn:aws:iam::123456789012:policy/elsewhere"] });
    expect((await check(stack, "preview-verification-gaps")).filter((v) => v.urn.includes(ROLE))).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn(ROLE, "gap-computed"),
        message:
          "Role 'gap-computed': 1 control could not be verified during preview:\n- workload-identity-cannot-destroy-backups: RolePolicy 'computed' is unknown during preview, so whether it may destroy backups cannot be decided.",
      },
      {
        policy: "preview-verification-gaps",
        urn: urn(ROLE, "gap-conditional"),
        message:
          "Role 'gap-conditional': 1 control could not be verified during preview:\n- workload-identity-cannot-destroy-backups: it may backup:DeleteRecoveryPoint on Vault 'vault' under a Condition that cannot be evaluated before a request is made.",
      },
      {
        policy: "preview-verification-gaps",
        urn: urn(ROLE, "gap-external"),
        message:
          "Role 'gap-external': 1 control could not be verified during preview:\n- workload-identity-cannot-destroy-backups: a customer managed policy outside the stack cannot be read here, so whether it may destroy backups cannot be decided.",
      },
    ]);
  });

  it("reports a malformed document as such and reads a huge one", async () => {
    const { stack } = stores();
    const Statement = Array.from({ length: 500 }, (_, i) => ({ Effect: "Allow", Action: `s3:Get${i}*`, Resource: "*" }));
    role(stack, "pass-huge", { inlinePolicies: [{ name: "huge", policy: JSON.stringify({ Statement }) }] });
    const bad = role(stack, "fail-malformed");
    stack.add(aws.iam.RolePolicy, "malformed", { role: ref(bad, "name"), policy: "{not json" });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn(ROLE, "fail-malformed"),
        message:
          "Role 'fail-malformed' has a policy (RolePolicy 'malformed', policy) that is a string that is not valid JSON; set policy to a valid JSON IAM policy document.",
      },
    ]);
  });

  it("lists a grant that a policy naming the stack's account settles as a gap at a first preview", async () => {
    const { stack, vault } = stores();
    stack.add(aws.backup.VaultPolicy, "exempts-app", {
      backupVaultName: ref(vault, "name"),
      policy: doc({
        Effect: "Deny",
        Principal: "*",
        Action: "backup:DeleteRecoveryPoint",
        Resource: "*",
        Condition: { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/gap-exempted" } },
      }),
    });
    role(stack, "gap-exempted", {
      inlinePolicies: [{ name: "x", policy: doc({ Effect: "Allow", Action: "backup:DeleteRecoveryPoint", Resource: "*" }) }],
    });
    expect(await check(stack, [POLICY, "preview-verification-gaps"])).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn(ROLE, "gap-exempted"),
        message:
          "Role 'gap-exempted': 1 control could not be verified during preview:\n- workload-identity-cannot-destroy-backups: it may backup:DeleteRecoveryPoint on Vault 'vault' under a Condition that cannot be evaluated before a request is made.",
      },
    ]);
  });
});
