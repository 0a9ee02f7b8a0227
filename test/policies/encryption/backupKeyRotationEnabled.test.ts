import * as aws from "@pulumi/aws";
import { FixtureStack, ref, unknown, type Fixture } from "../../../kit/fixtures";
import { check, checkArea } from "../../helpers";

const POLICY = "backup-key-rotation-enabled";
const KEY = "aws:kms/key:Key";
const urn = (name: string) => `urn:pulumi:test::fixture::${KEY}::${name}`;

function vaultFor(stack: FixtureStack, key: Fixture) {
  stack.add(aws.backup.Vault, `${key.name}-vault`, { kmsKeyArn: ref(key, "arn") });
}

describe(POLICY, () => {
  it("accepts rotation with the default and a short period, and skips keys that cannot rotate or protect no backups", async () => {
    const stack = new FixtureStack();
    for (const [name, args] of [
      ["pass-default-period", { enableKeyRotation: true }],
      ["pass-90-days", { enableKeyRotation: true, rotationPeriodInDays: 90 }],
      ["pass-asymmetric", { customerMasterKeySpec: "RSA_4096", keyUsage: "ENCRYPT_DECRYPT" }],
      ["pass-hmac", { customerMasterKeySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC" }],
      ["pass-custom-key-store", { customKeyStoreId: "cks-1234567890abcdef0" }],
    ] as const) {
      vaultFor(stack, stack.add(aws.kms.Key, name, args));
    }
    stack.add(aws.kms.Key, "pass-not-a-backup-key", {});
    vaultFor(stack, stack.add(aws.kms.ExternalKey, "pass-imported-material", {}));
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("rejects a backup key without rotation or with a period longer than the maximum", async () => {
    const stack = new FixtureStack();
    vaultFor(stack, stack.add(aws.kms.Key, "fail-no-rotation", { enableKeyRotation: false }));
    vaultFor(stack, stack.add(aws.kms.Key, "fail-long-period", { enableKeyRotation: true, rotationPeriodInDays: 730 }));
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-long-period"),
        message:
          "Key 'fail-long-period' (encrypts Vault 'fail-long-period-vault') sets rotationPeriodInDays to 730, longer than the maximum of 365; set rotationPeriodInDays to 365 or less.",
      },
      {
        policy: POLICY,
        urn: urn("fail-no-rotation"),
        message:
          "Key 'fail-no-rotation' (encrypts Vault 'fail-no-rotation-vault') does not enable automatic rotation; set enableKeyRotation: true on the key.",
      },
    ]);
  });

  it("holds AWS's 365-day default against a stricter maximum", async () => {
    const stack = new FixtureStack();
    vaultFor(stack, stack.add(aws.kms.Key, "fail-default-period", { enableKeyRotation: true }));
    expect(await check(stack, POLICY, { [POLICY]: { maxRotationDays: 180 } })).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-default-period"),
        message:
          "Key 'fail-default-period' (encrypts Vault 'fail-default-period-vault') rotates every 365 days (the AWS default), longer than the maximum of 180; set rotationPeriodInDays to 180 or less.",
      },
    ]);
  });

  it("checks the primary of a replica key that encrypts backups", async () => {
    const stack = new FixtureStack();
    const primary = stack.add(aws.kms.Key, "fail-primary", { multiRegion: true });
    vaultFor(stack, stack.add(aws.kms.ReplicaKey, "replica", { primaryKeyArn: ref(primary, "arn") }));
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-primary"),
        message:
          "Key 'fail-primary' (primary of ReplicaKey 'replica') does not enable automatic rotation; set enableKeyRotation: true on the key.",
      },
    ]);
  });

  it("does not take an empty customKeyStoreId for a custom key store", async () => {
    const stack = new FixtureStack();
    vaultFor(stack, stack.add(aws.kms.Key, "fail-empty-store", { customKeyStoreId: "" }));
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-empty-store"),
        message:
          "Key 'fail-empty-store' (encrypts Vault 'fail-empty-store-vault') does not enable automatic rotation; set enableKeyRotation: true on the key.",
      },
    ]);
  });

  it("reports a replica key whose primary is outside the stack as a gap: its rotation is set there", async () => {
    const stack = new FixtureStack();
    const primaryKeyArn = "arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";
    vaultFor(stack, stack.add(aws.kms.ReplicaKey, "gap-replica", { primaryKeyArn }));
    expect(await checkArea(stack, "encryption")).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: "urn:pulumi:test::fixture::aws:kms/replicaKey:ReplicaKey::gap-replica",
        message:
          "ReplicaKey 'gap-replica': 1 control could not be verified during preview:\n- backup-key-rotation-enabled: its rotation is set on its primary key, which is not in this stack.",
      },
    ]);
  });

  it("skips asymmetric and HMAC keys declared with keySpec, and checks a symmetric one", async () => {
    const stack = new FixtureStack();
    // aws.kms.Key of @pulumi/aws 7.48 calls it customerMasterKeySpec; keySpec is how getKey,
    // ReplicaKey and ExternalKey (and newer schemas) name it: either one decides.
    vaultFor(stack, stack.addType(KEY, "pass-rsa-by-key-spec", { keySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }));
    vaultFor(stack, stack.addType(KEY, "pass-ecc-by-key-spec", { keySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" }));
    vaultFor(stack, stack.addType(KEY, "pass-hmac-by-key-spec", { keySpec: "HMAC_256" }));
    vaultFor(stack, stack.addType(KEY, "fail-symmetric-by-key-spec", { keySpec: "SYMMETRIC_DEFAULT" }));
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-symmetric-by-key-spec"),
        message:
          "Key 'fail-symmetric-by-key-spec' (encrypts Vault 'fail-symmetric-by-key-spec-vault') does not enable automatic rotation; set enableKeyRotation: true on the key.",
      },
    ]);
  });

  it("reports rotation computed from another resource as a gap", async () => {
    const stack = new FixtureStack();
    const flag = stack.add(aws.ssm.Parameter, "rotation-flag", { type: "String", value: "true" });
    vaultFor(stack, stack.add(aws.kms.Key, "gap-rotation", { enableKeyRotation: ref(flag, "value") as unknown as boolean }));
    // Omitted: the provider computes the period (unknown in the outputs), AWS's 365-day default.
    vaultFor(stack, stack.add(aws.kms.Key, "pass-computed-default", { enableKeyRotation: true }));
    // Set by the program to a value from outside the stack: not a default.
    vaultFor(stack, stack.add(aws.kms.Key, "gap-period-set-unknown", { enableKeyRotation: true, rotationPeriodInDays: unknown<number>() }));
    expect(await checkArea(stack, "encryption")).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-period-set-unknown"),
        message:
          "Key 'gap-period-set-unknown': 1 control could not be verified during preview:\n- backup-key-rotation-enabled: rotationPeriodInDays is unknown during preview.",
      },
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-rotation"),
        message:
          "Key 'gap-rotation': 1 control could not be verified during preview:\n- backup-key-rotation-enabled: enableKeyRotation is unknown during preview.",
      },
    ]);
  });
});
