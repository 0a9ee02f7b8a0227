import * as aws from "@pulumi/aws";
import { FixtureStack, ref, type Fixture } from "../../../kit/fixtures";
import { check, checkArea } from "../../helpers";

const POLICY = "backup-key-deletion-protected";
const urn = (type: string, name: string) => `urn:pulumi:test::fixture::${type}::${name}`;

function vaultFor(stack: FixtureStack, key: Fixture) {
  stack.add(aws.backup.Vault, `${key.name}-vault`, { kmsKeyArn: ref(key, "arn") });
}

describe(POLICY, () => {
  it("accepts the default and a 30-day window on every kind of key, and ignores keys that protect no backups", async () => {
    const stack = new FixtureStack();
    vaultFor(stack, stack.add(aws.kms.Key, "pass-default-window", { enableKeyRotation: true }));
    vaultFor(stack, stack.add(aws.kms.Key, "pass-30-days", { enableKeyRotation: true, deletionWindowInDays: 30, isEnabled: true }));
    vaultFor(stack, stack.add(aws.kms.ExternalKey, "pass-external", { deletionWindowInDays: 30, enabled: true }));
    stack.add(aws.kms.Key, "pass-unused", { deletionWindowInDays: 7 });
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("rejects a short window, a disabled key and a bypassed lockout check, on the key and on a KeyPolicy", async () => {
    const stack = new FixtureStack();
    vaultFor(stack, stack.add(aws.kms.Key, "fail-short-window", { enableKeyRotation: true, deletionWindowInDays: 7 }));
    vaultFor(
      stack,
      stack.add(aws.kms.ReplicaKey, "fail-disabled-replica", {
        primaryKeyArn: "arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
        enabled: false,
      }),
    );
    const bypassed = stack.add(aws.kms.Key, "fail-bypass", { enableKeyRotation: true });
    vaultFor(stack, bypassed);
    stack.add(aws.kms.KeyPolicy, "fail-bypass-policy", { keyId: ref(bypassed, "id"), policy: "{}", bypassPolicyLockoutSafetyCheck: true });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("aws:kms/key:Key", "fail-bypass"),
        message:
          "Key 'fail-bypass' (encrypts Vault 'fail-bypass-vault') sets bypassPolicyLockoutSafetyCheck: true on KeyPolicy 'fail-bypass-policy', which lets a policy lock every administrator out of the key; remove it.",
      },
      {
        policy: POLICY,
        urn: urn("aws:kms/key:Key", "fail-short-window"),
        message:
          "Key 'fail-short-window' (encrypts Vault 'fail-short-window-vault') sets deletionWindowInDays to 7, so a scheduled deletion destroys the backups it encrypts after 7 days; set it to at least 30.",
      },
      {
        policy: POLICY,
        urn: urn("aws:kms/replicaKey:ReplicaKey", "fail-disabled-replica"),
        message:
          "ReplicaKey 'fail-disabled-replica' (encrypts Vault 'fail-disabled-replica-vault') is disabled (enabled: false), so nothing it encrypts can be restored; set enabled: true.",
      },
    ]);
  });

  it("finds a backup key through a literal alias name of the stack, and leaves a replica's primary alone", async () => {
    const stack = new FixtureStack();
    const key = stack.add(aws.kms.Key, "fail-aliased", { enableKeyRotation: true, deletionWindowInDays: 7 });
    stack.add(aws.kms.Alias, "aliased", { name: "alias/backup-cmk", targetKeyId: ref(key, "keyId") });
    const bucket = stack.add(aws.s3.Bucket, "bucket", { tags: { purpose: "backup" } });
    stack.add(aws.s3.BucketServerSideEncryptionConfiguration, "bucket-sse", {
      bucket: ref(bucket, "id"),
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/backup-cmk" } }],
    });
    const primary = stack.add(aws.kms.Key, "pass-primary-short-window", {
      enableKeyRotation: true,
      multiRegion: true,
      deletionWindowInDays: 7,
    });
    vaultFor(stack, stack.add(aws.kms.ReplicaKey, "pass-replica", { primaryKeyArn: ref(primary, "arn") }));
    expect(await checkArea(stack, "encryption")).toEqual([
      {
        policy: POLICY,
        urn: urn("aws:kms/key:Key", "fail-aliased"),
        message:
          "Key 'fail-aliased' (encrypts Bucket 'bucket') sets deletionWindowInDays to 7, so a scheduled deletion destroys the backups it encrypts after 7 days; set it to at least 30.",
      },
    ]);
  });

  it("rejects imported key material that expires", async () => {
    const stack = new FixtureStack();
    vaultFor(stack, stack.add(aws.kms.ExternalKey, "fail-expiring-material", { validTo: "2027-01-01T00:00:00Z" }));
    vaultFor(stack, stack.add(aws.kms.ExternalKey, "pass-lasting-material", {}));
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("aws:kms/externalKey:ExternalKey", "fail-expiring-material"),
        message:
          "ExternalKey 'fail-expiring-material' (encrypts Vault 'fail-expiring-material-vault') imports key material that expires (validTo), when AWS deletes it at once and nothing the key encrypts can be restored until the same material is imported again; remove validTo.",
      },
    ]);
  });

  it("takes a configured minimum", async () => {
    const stack = new FixtureStack();
    vaultFor(stack, stack.add(aws.kms.Key, "pass-14-days", { enableKeyRotation: true, deletionWindowInDays: 14 }));
    vaultFor(stack, stack.add(aws.kms.Key, "fail-10-days", { enableKeyRotation: true, deletionWindowInDays: 10 }));
    expect(await check(stack, POLICY, { [POLICY]: { minDeletionWindowDays: 14 } })).toEqual([
      {
        policy: POLICY,
        urn: urn("aws:kms/key:Key", "fail-10-days"),
        message:
          "Key 'fail-10-days' (encrypts Vault 'fail-10-days-vault') sets deletionWindowInDays to 10, so a scheduled deletion destroys the backups it encrypts after 10 days; set it to at least 14.",
      },
    ]);
  });

  it("reports a window computed from another resource as a gap", async () => {
    const stack = new FixtureStack();
    const source = stack.add(aws.ssm.Parameter, "window", { type: "String", value: "30" });
    vaultFor(
      stack,
      stack.add(aws.kms.Key, "gap-window", { enableKeyRotation: true, deletionWindowInDays: ref(source, "value") as unknown as number }),
    );
    expect(await checkArea(stack, "encryption")).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn("aws:kms/key:Key", "gap-window"),
        message:
          "Key 'gap-window': 1 control could not be verified during preview:\n- backup-key-deletion-protected: deletionWindowInDays is unknown during preview.",
      },
    ]);
  });
});
