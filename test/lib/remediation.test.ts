/**
 * The remediation functions, on inputs built exactly as @pulumi/policy builds them for
 * Remediate (secrets kept as `Secret`s behind two proxies, unknowns as sentinels): they
 * fix only what the resource alone shows, never a secret or an unknown, and the inputs
 * they return carry every other value back unchanged.
 */
import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import { deletionWindowFixes, keyRotationFixes } from "../../policy-pack/lib/kms/remediation";
import { applyFixes } from "../../policy-pack/lib/remediation";
import { bucketVersioningFixes } from "../../policy-pack/lib/s3/remediation";
import { indexResource, type IndexedResource } from "../../policy-pack/lib/stackIndex";
import { secretJson, UNKNOWN_SENTINEL, type JsonObject } from "../../kit/view";

// The SDK's own (de)serialisation and proxy, internal to @pulumi/policy and shipped without declarations.
const { deserializeProperties, serializeProperties } = require("@pulumi/policy/deserialize") as {
  deserializeProperties(struct: Struct, keepSecrets: boolean): unknown;
  serializeProperties(props: unknown): Promise<JsonObject>;
};
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(value: T): T };

/** Props as Remediate hands them to a policy. */
function remediateProps(wire: JsonObject): unknown {
  return unknownCheckingProxy(deserializeProperties(Struct.fromJavaScript(wire as Record<string, JavaScriptValue>), true));
}

function resource(type: string, name: string, wire: JsonObject, providerInputs?: JsonObject): IndexedResource {
  const provider = providerInputs && {
    urn: "urn:pulumi:test::fixture::pulumi:providers:aws::default_7_48_0",
    type: "pulumi:providers:aws",
    name: "default_7_48_0",
    props: remediateProps(providerInputs) as Record<string, unknown>,
  };
  return indexResource({ urn: `urn:pulumi:test::fixture::${type}::${name}`, type, name, props: remediateProps(wire), provider });
}

const KEY = "aws:kms/key:Key";
const key = (wire: JsonObject) => resource(KEY, "key", wire);
const BACKUP = { backupBucketTags: { purpose: "backup" }, backupBucketNamePatterns: ["*-backups"] };

describe("keyRotationFixes: rotation on every key its inputs show is symmetric", () => {
  it("turns rotation on and lowers a period longer than the maximum (unset is AWS's 365)", () => {
    expect(keyRotationFixes(key({}), 365)).toEqual([{ path: ["enableKeyRotation"], value: true }]);
    expect(keyRotationFixes(key({ enableKeyRotation: false }), 180)).toEqual([
      { path: ["enableKeyRotation"], value: true },
      { path: ["rotationPeriodInDays"], value: 180 },
    ]);
    expect(keyRotationFixes(key({ enableKeyRotation: true, rotationPeriodInDays: 400 }), 365)).toEqual([
      { path: ["rotationPeriodInDays"], value: 365 },
    ]);
    expect(keyRotationFixes(key({ enableKeyRotation: true, rotationPeriodInDays: 90, keySpec: "SYMMETRIC_DEFAULT" }), 365)).toEqual([]);
  });

  it("leaves disabled keys alone (KMS refuses to turn rotation on for them)", () => {
    expect(keyRotationFixes(key({ isEnabled: false }), 365)).toEqual([]);
    expect(keyRotationFixes(key({ isEnabled: UNKNOWN_SENTINEL }), 365)).toEqual([]);
    expect(keyRotationFixes(key({ isEnabled: true }), 365)).toEqual([{ path: ["enableKeyRotation"], value: true }]);
  });

  it("leaves asymmetric, HMAC, custom-key-store and undecidable keys alone", () => {
    expect(keyRotationFixes(key({ customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }), 365)).toEqual([]);
    expect(keyRotationFixes(key({ keySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC" }), 365)).toEqual([]);
    expect(keyRotationFixes(key({ customKeyStoreId: "cks-1234567890abcdef0" }), 365)).toEqual([]);
    expect(keyRotationFixes(key({ customerMasterKeySpec: UNKNOWN_SENTINEL }), 365)).toEqual([]);
    expect(keyRotationFixes(key({ keyUsage: secretJson("ENCRYPT_DECRYPT") }), 365)).toEqual([]);
    expect(keyRotationFixes(key({ keySpec: 7 }), 365)).toEqual([]);
    expect(keyRotationFixes(resource("aws:kms/replicaKey:ReplicaKey", "replica", {}), 365)).toEqual([]);
  });

  it("never replaces a secret, unknown or malformed value", () => {
    expect(keyRotationFixes(key({ enableKeyRotation: secretJson(false) }), 365)).toEqual([]);
    expect(keyRotationFixes(key({ enableKeyRotation: UNKNOWN_SENTINEL }), 365)).toEqual([]);
    expect(keyRotationFixes(key({ enableKeyRotation: "sometimes" }), 365)).toEqual([]);
    expect(keyRotationFixes(key({ rotationPeriodInDays: secretJson(400) }), 365)).toEqual([{ path: ["enableKeyRotation"], value: true }]);
    expect(keyRotationFixes(key({ rotationPeriodInDays: UNKNOWN_SENTINEL }), 180)).toEqual([{ path: ["enableKeyRotation"], value: true }]);
  });
});

describe("deletionWindowFixes: a short deletion window raised on any customer-managed key", () => {
  it("raises a known window below the minimum, on every key type, and nothing else", () => {
    expect(deletionWindowFixes(key({ deletionWindowInDays: 7 }), 30)).toEqual([{ path: ["deletionWindowInDays"], value: 30 }]);
    expect(deletionWindowFixes(resource("aws:kms/replicaKey:ReplicaKey", "r", { deletionWindowInDays: "10" }), 14)).toEqual([
      { path: ["deletionWindowInDays"], value: 14 },
    ]);
    expect(deletionWindowFixes(resource("aws:kms/externalKey:ExternalKey", "e", { deletionWindowInDays: 7 }), 7)).toEqual([]);
    expect(deletionWindowFixes(key({}), 30)).toEqual([]);
    expect(deletionWindowFixes(resource("aws:s3/bucket:Bucket", "b", { deletionWindowInDays: 7 }), 30)).toEqual([]);
  });

  it("never replaces a secret, unknown or malformed window", () => {
    expect(deletionWindowFixes(key({ deletionWindowInDays: secretJson(7) }), 30)).toEqual([]);
    expect(deletionWindowFixes(key({ deletionWindowInDays: UNKNOWN_SENTINEL }), 30)).toEqual([]);
    expect(deletionWindowFixes(key({ deletionWindowInDays: { days: 7 } }), 30)).toEqual([]);
  });
});

describe("bucketVersioningFixes: versioning on a bucket its own inputs show is a backup bucket", () => {
  it("recognises a backup bucket by its tags, its provider's defaultTags or its logical name", () => {
    const on = [{ path: ["versioning", "enabled"], value: true }];
    expect(bucketVersioningFixes(resource("aws:s3/bucket:Bucket", "b", { tags: { Purpose: "Backup" } }), BACKUP)).toEqual(on);
    expect(
      bucketVersioningFixes(
        resource("aws:s3/bucket:Bucket", "b", {}, { defaultTags: JSON.stringify({ tags: { purpose: "backup" } }) }),
        BACKUP,
      ),
    ).toEqual(on);
    expect(bucketVersioningFixes(resource("aws:s3/bucket:Bucket", "vault-backups", {}), BACKUP)).toEqual(on);
    expect(bucketVersioningFixes(resource("aws:s3/bucketV2:BucketV2", "vault-backups", { versionings: [] }), BACKUP)).toEqual([
      { path: ["versionings", 0, "enabled"], value: true },
    ]);
  });

  it("leaves other buckets, undecidable ones and buckets already versioned alone", () => {
    expect(bucketVersioningFixes(resource("aws:s3/bucket:Bucket", "logs", { tags: { purpose: "logs" } }), BACKUP)).toEqual([]);
    expect(bucketVersioningFixes(resource("aws:s3/bucket:Bucket", "b", { tags: UNKNOWN_SENTINEL }), BACKUP)).toEqual([]);
    expect(bucketVersioningFixes(resource("aws:s3/bucket:Bucket", "b", { tags: { purpose: UNKNOWN_SENTINEL } }), BACKUP)).toEqual([]);
    const tags = { purpose: "backup" };
    expect(bucketVersioningFixes(resource("aws:s3/bucket:Bucket", "b", { tags, versioning: { enabled: true } }), BACKUP)).toEqual([]);
    expect(bucketVersioningFixes(resource("aws:s3/bucket:Bucket", "b", { tags, objectLockEnabled: true }), BACKUP)).toEqual([]);
    expect(bucketVersioningFixes(resource("aws:s3/bucket:Bucket", "b", { tags, versioning: UNKNOWN_SENTINEL }), BACKUP)).toEqual([]);
    expect(
      bucketVersioningFixes(resource("aws:s3/bucket:Bucket", "b", { tags, versioning: { enabled: secretJson(false) } }), BACKUP),
    ).toEqual([]);
    expect(
      bucketVersioningFixes(resource("aws:s3/bucket:Bucket", "b", { tags, versioning: secretJson({ enabled: false }) }), BACKUP),
    ).toEqual([]);
    expect(bucketVersioningFixes(resource("aws:s3/bucketVersioning:BucketVersioning", "v", { bucket: UNKNOWN_SENTINEL }), BACKUP)).toEqual(
      [],
    );
  });
});

describe("applyFixes: the inputs a remediation returns", () => {
  it("sets the fixed values and sends every secret and unknown back as it came", async () => {
    const wire: JsonObject = {
      tags: { purpose: "backup" },
      bucket: UNKNOWN_SENTINEL,
      policy: secretJson("{}"),
      versioning: { mfaDelete: secretJson(false) },
    };
    const props = remediateProps(wire);
    const fixed = applyFixes(props, [{ path: ["versioning", "enabled"], value: true }]);
    expect(fixed).toBeDefined();
    expect(await serializeProperties(fixed)).toEqual({ ...wire, versioning: { mfaDelete: secretJson(false), enabled: true } });
  });

  it("builds missing lists and objects along the path, and copies only what changes", async () => {
    const wire: JsonObject = { keep: { nested: [1, 2] } };
    const props = remediateProps(wire);
    const fixed = applyFixes(props, [
      { path: ["versionings", 0, "enabled"], value: true },
      { path: ["rotationPeriodInDays"], value: 90 },
    ]);
    expect(await serializeProperties(fixed)).toEqual({
      keep: { nested: [1, 2] },
      versionings: [{ enabled: true }],
      rotationPeriodInDays: 90,
    });
    expect(await serializeProperties(props)).toEqual(wire);
  });

  it("changes nothing when a path runs through a secret, an unknown or a scalar, or the bag is not an object", () => {
    expect(applyFixes(remediateProps({ versioning: secretJson({}) }), [{ path: ["versioning", "enabled"], value: true }])).toBeUndefined();
    expect(
      applyFixes(remediateProps({ versioning: UNKNOWN_SENTINEL }), [{ path: ["versioning", "enabled"], value: true }]),
    ).toBeUndefined();
    expect(applyFixes(remediateProps({ versioning: "on" }), [{ path: ["versioning", "enabled"], value: true }])).toBeUndefined();
    expect(applyFixes(null, [{ path: ["a"], value: 1 }])).toBeUndefined();
    expect(applyFixes([1], [{ path: ["a"], value: 1 }])).toBeUndefined();
  });
});
