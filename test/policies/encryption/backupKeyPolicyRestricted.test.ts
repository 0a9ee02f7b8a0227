import * as aws from "@pulumi/aws";
import { FixtureStack, ref, type Fixture } from "../../../kit/fixtures";
import { check, checkArea } from "../../helpers";

const POLICY = "backup-key-policy-restricted";
const KEY = "aws:kms/key:Key";
const urn = (name: string) => `urn:pulumi:test::fixture::${KEY}::${name}`;
const ROOT = "arn:aws:iam::123456789012:root";
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

type Statement = Record<string, unknown>;
const document = (...statements: Statement[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const admin: Statement = { Sid: "Admin", Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" };

function backupKey(stack: FixtureStack, name: string, policy?: string): Fixture {
  const key = stack.add(aws.kms.Key, name, { enableKeyRotation: true, policy });
  stack.add(aws.backup.Vault, `${name}-vault`, { kmsKeyArn: ref(key, "arn") });
  return key;
}

describe(POLICY, () => {
  it("accepts the default key policy, named principals, a conditioned wildcard and key administrators", async () => {
    const stack = new FixtureStack({ mode: "known" });
    stack.add(aws.iam.Role, "key-admin", { name: "key-admin", assumeRolePolicy: TRUST });
    backupKey(stack, "pass-default-policy");
    backupKey(
      stack,
      "pass-restricted",
      document(
        admin,
        {
          Sid: "Admins",
          Effect: "Allow",
          Principal: { AWS: ["arn:aws:iam::123456789012:role/key-admin"] },
          Action: ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"],
          Resource: "*",
        },
        {
          Sid: "Service",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "kms:Decrypt",
          Resource: "*",
          Condition: { StringEquals: { "kms:CallerAccount": "123456789012" } },
        },
        {
          Sid: "DenyAll",
          Effect: "Deny",
          Principal: "*",
          Action: "kms:*",
          Resource: "*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ),
    );
    expect(await check(stack, POLICY, { [POLICY]: { keyAdministratorArns: ["arn:aws:iam::123456789012:role/key-admin"] } })).toEqual([]);
  });

  it("rejects a wildcard principal without a condition, in Principal, AWS or NotPrincipal form", async () => {
    const stack = new FixtureStack();
    backupKey(stack, "fail-star", document(admin, { Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }));
    backupKey(
      stack,
      "fail-aws-star",
      document(admin, { Sid: "AwsStar", Effect: "Allow", Principal: { AWS: ["*"] }, Action: "kms:Encrypt", Resource: "*" }),
    );
    backupKey(
      stack,
      "fail-not-principal",
      document({ Sid: "AllBut", Effect: "Allow", NotPrincipal: { AWS: ROOT }, Action: "kms:Decrypt", Resource: "*" }),
    );
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-aws-star"),
        message:
          "Key 'fail-aws-star' (encrypts Vault 'fail-aws-star-vault') has a policy whose statement 2 allows any principal (\"*\") without a Condition on who the caller is; name the principals, or add a Condition such as kms:CallerAccount, aws:PrincipalOrgID or kms:ViaService.",
      },
      {
        policy: POLICY,
        urn: urn("fail-not-principal"),
        message:
          "Key 'fail-not-principal' (encrypts Vault 'fail-not-principal-vault') has a policy whose statement 1 allows any principal (\"*\") without a Condition on who the caller is; name the principals, or add a Condition such as kms:CallerAccount, aws:PrincipalOrgID or kms:ViaService.",
      },
      {
        policy: POLICY,
        urn: urn("fail-star"),
        message:
          "Key 'fail-star' (encrypts Vault 'fail-star-vault') has a policy whose statement 2 allows any principal (\"*\") without a Condition on who the caller is; name the principals, or add a Condition such as kms:CallerAccount, aws:PrincipalOrgID or kms:ViaService.",
      },
    ]);
  });

  it("rejects key-destroying actions granted to workload and backup identities, through wildcards and NotAction", async () => {
    const stack = new FixtureStack({ mode: "known" });
    const app = stack.add(aws.iam.Role, "app", { assumeRolePolicy: TRUST });
    const backupRole = stack.add(aws.iam.Role, "backup-role", { name: "backup-role", assumeRolePolicy: TRUST });
    const key = backupKey(stack, "fail-destroyable", "{}");
    const appArn = stack.knownOutput(app, "arn");
    const plan = stack.add(aws.backup.Plan, "plan", { rules: [{ ruleName: "daily", targetVaultName: "v" }] });
    stack.add(aws.backup.Selection, "selection", { planId: ref(plan, "id"), iamRoleArn: ref(backupRole, "arn"), resources: ["*"] });
    stack.add(aws.kms.KeyPolicy, "fail-destroyable-policy", {
      keyId: ref(key, "id"),
      policy: document(
        admin,
        { Sid: "AppWildcard", Effect: "Allow", Principal: { AWS: appArn }, Action: "kms:*Key*", Resource: "*" },
        {
          Sid: "BackupNotAction",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:role/backup-role" },
          NotAction: ["kms:Decrypt"],
          Resource: "*",
        },
      ),
    });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-destroyable"),
        message:
          "Key 'fail-destroyable' (encrypts Vault 'fail-destroyable-vault') has a policy (set by KeyPolicy 'fail-destroyable-policy') whose statement 2 grants kms:ScheduleKeyDeletion, kms:DisableKey, kms:PutKeyPolicy to the workload identity Role 'app'; remove those actions from the statement, and grant them only to the key administrators listed in keyAdministratorArns.",
      },
      {
        policy: POLICY,
        urn: urn("fail-destroyable"),
        message:
          "Key 'fail-destroyable' (encrypts Vault 'fail-destroyable-vault') has a policy (set by KeyPolicy 'fail-destroyable-policy') whose statement 3 grants kms:ScheduleKeyDeletion, kms:DisableKey, kms:PutKeyPolicy to the backup identity Role 'backup-role'; remove those actions from the statement, and grant them only to the key administrators listed in keyAdministratorArns.",
      },
    ]);
  });

  it("rejects key-destroying actions for anyone, also under an account condition, and for another account's root", async () => {
    const stack = new FixtureStack({ mode: "known" });
    backupKey(
      stack,
      "fail-account-wide",
      document(admin, {
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "kms:*",
        Resource: "*",
        Condition: { StringEquals: { "kms:CallerAccount": "123456789012" } },
      }),
    );
    backupKey(
      stack,
      "fail-tls-only",
      document(admin, {
        Effect: "Allow",
        Principal: "*",
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { Bool: { "aws:SecureTransport": "true" } },
      }),
    );
    backupKey(
      stack,
      "fail-foreign-root",
      document(admin, { Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "kms:*", Resource: "*" }),
    );
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-account-wide"),
        message:
          "Key 'fail-account-wide' (encrypts Vault 'fail-account-wide-vault') has a policy whose statement 2 grants kms:ScheduleKeyDeletion, kms:DisableKey, kms:PutKeyPolicy to any principal (\"*\"); remove those actions from the statement, and grant them only to the key administrators listed in keyAdministratorArns.",
      },
      {
        policy: POLICY,
        urn: urn("fail-foreign-root"),
        message:
          "Key 'fail-foreign-root' (encrypts Vault 'fail-foreign-root-vault') has a policy whose statement 2 grants kms:ScheduleKeyDeletion, kms:DisableKey, kms:PutKeyPolicy to the root of another AWS account; remove those actions from the statement, and grant them only to the key administrators listed in keyAdministratorArns.",
      },
      {
        policy: POLICY,
        urn: urn("fail-tls-only"),
        message:
          "Key 'fail-tls-only' (encrypts Vault 'fail-tls-only-vault') has a policy whose statement 2 allows any principal (\"*\") without a Condition on who the caller is; name the principals, or add a Condition such as kms:CallerAccount, aws:PrincipalOrgID or kms:ViaService.",
      },
    ]);
  });

  it("accepts grants an unconditional Deny takes back, and does not mistake another account's role of the same name", async () => {
    const stack = new FixtureStack({ mode: "known" });
    const app = stack.add(aws.iam.Role, "app", { name: "app", assumeRolePolicy: TRUST });
    const appArn = String(stack.knownOutput(app, "arn"));
    backupKey(
      stack,
      "pass-denied",
      document(
        admin,
        { Effect: "Allow", Principal: { AWS: appArn }, Action: "kms:*", Resource: "*" },
        {
          Effect: "Deny",
          Principal: { AWS: appArn },
          Action: ["kms:ScheduleKeyDeletion", "kms:Disable*", "kms:PutKeyPolicy"],
          Resource: "*",
        },
      ),
    );
    backupKey(
      stack,
      "pass-partner",
      document(admin, { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/app" }, Action: "kms:Decrypt", Resource: "*" }),
    );
    backupKey(
      stack,
      "pass-other-account-app",
      document(admin, { Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:role/app" }, Action: "kms:Decrypt", Resource: "*" }),
    );
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("counts only conditions that require a match on who the caller is", async () => {
    const stack = new FixtureStack({ mode: "known" });
    const grant = (condition: Record<string, unknown>) =>
      document(admin, { Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*", Condition: condition });
    backupKey(stack, "fail-null", grant({ Null: { "aws:PrincipalArn": "false" } }));
    backupKey(stack, "fail-negated", grant({ StringNotEquals: { "kms:CallerAccount": "123456789012" } }));
    backupKey(stack, "fail-if-exists", grant({ StringEqualsIfExists: { "kms:CallerAccount": "123456789012" } }));
    backupKey(stack, "fail-wildcard-value", grant({ ArnLike: { "aws:PrincipalArn": "*" } }));
    backupKey(stack, "fail-any-account-role", grant({ StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } }));
    backupKey(stack, "fail-any-org-path", grant({ "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-*" } }));
    backupKey(stack, "pass-org", grant({ StringEquals: { "aws:PrincipalOrgID": "o-abc123" } }));
    backupKey(stack, "pass-account-roles", grant({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/*" } }));
    const anyone = (name: string) => ({
      policy: POLICY,
      urn: urn(name),
      message: `Key '${name}' (encrypts Vault '${name}-vault') has a policy whose statement 2 allows any principal ("*") without a Condition on who the caller is; name the principals, or add a Condition such as kms:CallerAccount, aws:PrincipalOrgID or kms:ViaService.`,
    });
    expect(await check(stack, POLICY)).toEqual([
      anyone("fail-any-account-role"),
      anyone("fail-any-org-path"),
      anyone("fail-if-exists"),
      anyone("fail-negated"),
      anyone("fail-null"),
      anyone("fail-wildcard-value"),
    ]);
  });

  it("gives key-destroying actions granted to anyone to whoever a NotPrincipal Deny spares", async () => {
    const stack = new FixtureStack({ mode: "known" });
    const app = stack.add(aws.iam.Role, "app", { name: "app", assumeRolePolicy: TRUST });
    const admins = stack.add(aws.iam.Role, "key-admin", { name: "key-admin", assumeRolePolicy: TRUST });
    const callers = { StringEquals: { "kms:CallerAccount": "123456789012" } };
    const spare = (arn: string) => ({
      Effect: "Deny",
      NotPrincipal: { AWS: [arn] },
      Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"],
      Resource: "*",
    });
    const policyFor = (arn: string) =>
      document(admin, { Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:*", Resource: "*", Condition: callers }, spare(arn));
    backupKey(stack, "fail-spares-app", policyFor(String(stack.knownOutput(app, "arn"))));
    backupKey(stack, "pass-spares-admin", policyFor(String(stack.knownOutput(admins, "arn"))));
    const config = { [POLICY]: { keyAdministratorArns: [String(stack.knownOutput(admins, "arn"))] } };
    expect(await check(stack, POLICY, config)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-spares-app"),
        message:
          "Key 'fail-spares-app' (encrypts Vault 'fail-spares-app-vault') has a policy whose statement 2 grants kms:ScheduleKeyDeletion, kms:DisableKey, kms:PutKeyPolicy to the workload identity Role 'app'; remove those actions from the statement, and grant them only to the key administrators listed in keyAdministratorArns.",
      },
    ]);
  });

  it("counts deleting imported key material as destroying a key with imported material", async () => {
    const stack = new FixtureStack({ mode: "known" });
    const app = stack.add(aws.iam.Role, "app", { name: "app", assumeRolePolicy: TRUST });
    const grant = document(admin, {
      Effect: "Allow",
      Principal: { AWS: String(stack.knownOutput(app, "arn")) },
      Action: "kms:Delete*",
      Resource: "*",
    });
    const external = stack.add(aws.kms.ExternalKey, "fail-external", { policy: grant });
    stack.add(aws.backup.Vault, "fail-external-vault", { kmsKeyArn: ref(external, "arn") });
    backupKey(stack, "pass-symmetric", grant);
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: "urn:pulumi:test::fixture::aws:kms/externalKey:ExternalKey::fail-external",
        message:
          "ExternalKey 'fail-external' (encrypts Vault 'fail-external-vault') has a policy whose statement 2 grants kms:DeleteImportedKeyMaterial to the workload identity Role 'app'; remove those actions from the statement, and grant them only to the key administrators listed in keyAdministratorArns.",
      },
    ]);
  });

  it("judges the callers an aws:PrincipalArn condition names, and finds a KeyPolicy by its literal key id", async () => {
    const stack = new FixtureStack({ mode: "known" });
    const app = stack.add(aws.iam.Role, "app", { name: "app", assumeRolePolicy: TRUST });
    const key = backupKey(stack, "fail-principal-arn", "{}");
    stack.add(aws.kms.KeyPolicy, "literal-key-policy", {
      keyId: String(stack.knownOutput(key, "keyId")),
      policy: document(admin, {
        Effect: "Allow",
        Principal: "*",
        Action: "kms:DisableKey",
        Resource: "*",
        Condition: { ArnEquals: { "aws:PrincipalArn": [String(stack.knownOutput(app, "arn"))] } },
      }),
    });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-principal-arn"),
        message:
          "Key 'fail-principal-arn' (encrypts Vault 'fail-principal-arn-vault') has a policy (set by KeyPolicy 'literal-key-policy') whose statement 2 grants kms:DisableKey to the workload identity Role 'app'; remove those actions from the statement, and grant them only to the key administrators listed in keyAdministratorArns.",
      },
    ]);
  });

  it("rejects a policy that is not JSON or not a policy document, without echoing it", async () => {
    const stack = new FixtureStack();
    backupKey(stack, "fail-not-json", "{ s3cr3t");
    backupKey(stack, "fail-no-statement", JSON.stringify({ Version: "2012-10-17" }));
    backupKey(stack, "fail-bad-effect", document({ Sid: "Odd", Effect: "Maybe", Principal: "*", Action: "kms:*" }));
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-bad-effect"),
        message:
          "Key 'fail-bad-effect' (encrypts Vault 'fail-bad-effect-vault') has a policy that statement 1 has no Effect of \"Allow\" or \"Deny\"; set policy to a valid JSON key policy document.",
      },
      {
        policy: POLICY,
        urn: urn("fail-no-statement"),
        message:
          "Key 'fail-no-statement' (encrypts Vault 'fail-no-statement-vault') has a policy that has no Statement; set policy to a valid JSON key policy document.",
      },
      {
        policy: POLICY,
        urn: urn("fail-not-json"),
        message:
          "Key 'fail-not-json' (encrypts Vault 'fail-not-json-vault') has a policy that is a string that is not valid JSON; set policy to a valid JSON key policy document.",
      },
    ]);
  });

  it("reports a policy computed from a role created in the same stack as a gap during preview", async () => {
    const stack = new FixtureStack();
    const role = stack.add(aws.iam.Role, "reader", { assumeRolePolicy: TRUST });
    const key = stack.add(aws.kms.Key, "gap-policy", { enableKeyRotation: true, policy: ref(role, "arn") });
    stack.add(aws.backup.Vault, "gap-policy-vault", { kmsKeyArn: ref(key, "arn") });
    expect(await checkArea(stack, "encryption")).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-policy"),
        message:
          "Key 'gap-policy': 1 control could not be verified during preview:\n- backup-key-policy-restricted: the key policy is unknown during preview (it is computed from Role 'reader').",
      },
    ]);
  });
});

describe(`${POLICY}: denies as AWS evaluates them (issue 9 item 12)`, () => {
  const APP = "arn:aws:iam::123456789012:role/app";
  const grantApp: Statement = {
    Effect: "Allow",
    Principal: { AWS: APP },
    Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey"],
    Resource: "*",
  };
  const anyoneInAccount: Statement = {
    Effect: "Allow",
    Principal: "*",
    Action: "kms:*",
    Resource: "*",
    Condition: { StringEquals: { "kms:CallerAccount": "123456789012" } },
  };

  it("honours a Deny on the stack account's root and a Deny to * that spares only key administrators", async () => {
    for (const mode of ["preview", "known"] as const) {
      const stack = new FixtureStack({ mode });
      stack.add(aws.iam.Role, "app", { name: "app", assumeRolePolicy: TRUST });
      backupKey(
        stack,
        "pass-root-deny",
        document(admin, grantApp, { Effect: "Deny", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" }),
      );
      backupKey(
        stack,
        "pass-spares-admin",
        document(admin, anyoneInAccount, {
          Effect: "Deny",
          Principal: "*",
          Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"],
          Resource: "*",
          Condition: { StringNotEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/key-admin" } },
        }),
      );
      const config = { [POLICY]: { keyAdministratorArns: ["arn:aws:iam::123456789012:role/key-admin"] } };
      expect([mode, await check(stack, POLICY, config)]).toEqual([mode, []]);
    }
  });

  it("judges the principals a Deny to * spares", async () => {
    const stack = new FixtureStack();
    stack.add(aws.iam.Role, "app", { name: "app", assumeRolePolicy: TRUST });
    backupKey(
      stack,
      "fail-spares-app",
      document(admin, anyoneInAccount, {
        Effect: "Deny",
        Principal: "*",
        Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"],
        Resource: "*",
        Condition: { StringNotEquals: { "aws:PrincipalArn": APP } },
      }),
    );
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-spares-app"),
        message:
          "Key 'fail-spares-app' (encrypts Vault 'fail-spares-app-vault') has a policy whose statement 2 grants kms:ScheduleKeyDeletion, kms:DisableKey, kms:PutKeyPolicy to the workload identity Role 'app'; remove those actions from the statement, and grant them only to the key administrators listed in keyAdministratorArns.",
      },
    ]);
  });

  it("lists a Deny under a condition it cannot evaluate as a gap, not a violation", async () => {
    const stack = new FixtureStack();
    stack.add(aws.iam.Role, "app", { name: "app", assumeRolePolicy: TRUST });
    backupKey(
      stack,
      "gap-source-ip",
      document(admin, grantApp, {
        Effect: "Deny",
        Principal: "*",
        Action: "kms:*",
        Resource: "*",
        Condition: { NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } },
      }),
    );
    expect(await check(stack, POLICY)).toEqual([]);
    expect((await check(stack, "preview-verification-gaps")).filter((v) => v.urn === urn("gap-source-ip"))).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-source-ip"),
        message:
          "Key 'gap-source-ip': 1 control could not be verified during preview:\n- backup-key-policy-restricted: the key policy takes kms:ScheduleKeyDeletion, kms:DisableKey back only under a Condition that cannot be evaluated before a request is made.",
      },
    ]);
  });
});
