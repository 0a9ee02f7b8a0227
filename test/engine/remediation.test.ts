/**
 * Enforcement level `remediate`, through the real pack process in the CLI's order:
 * Remediate on each resource's inputs as it registers, then Analyze of the remediated
 * inputs, then AnalyzeStack of outputs that carry the remediated values. The pack fixes
 * exactly what its metadata says (rotation, short deletion windows, versioning of a
 * bucket that shows itself a backup bucket) and nothing secret, unknown, exempt or
 * undecidable; what it cannot fix is still reported, as mandatory; at `mandatory` the
 * same stack reports everything.
 */
import * as aws from "@pulumi/aws";
import { defaultPackDir } from "../../kit/cli";
import { PackProcess } from "../../kit/engine/analyzer";
import { formatResult } from "../../kit/engine/format";
import { analyzeView } from "../../kit/engine/run";
import { FixtureStack, ref, secret } from "../../kit/fixtures";
import { urnOf, violationsOf } from "../helpers";

const ROTATION = "backup-key-rotation-enabled";
const DELETION = "backup-key-deletion-protected";
const VERSIONING = "backup-bucket-versioning-enabled";
const KEY = "aws:kms/key:Key";
const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";

/** A split BucketVersioning is not remediated: Remediate cannot tell whose it is. */
const SUSPENDED_SPLIT = (s: FixtureStack) => ({
  policy: VERSIONING,
  urn: urnOf(s, BUCKET, "fail-split-bucket"),
  message:
    "Bucket 'fail-split-bucket' suspends versioning at versioningConfiguration.status of BucketVersioning 'fail-split-bucket-versioning', so an overwrite or delete destroys the only copy of an object; set it to Enabled.",
});

/** Exactly what remediate changes: nothing on the exempt, secret-window, signing or non-backup resources, nor on the split. */
const REMEDIATIONS = (s: FixtureStack) => [
  { policy: ROTATION, urn: urnOf(s, KEY, "fail-rotation-off-key"), properties: { enableKeyRotation: { after: true } } },
  { policy: ROTATION, urn: urnOf(s, KEY, "fail-short-key"), properties: { rotationPeriodInDays: { before: 400, after: 365 } } },
  { policy: DELETION, urn: urnOf(s, KEY, "fail-short-key"), properties: { deletionWindowInDays: { before: 7, after: 30 } } },
  { policy: VERSIONING, urn: urnOf(s, BUCKET, "fail-unversioned-bucket"), properties: { versioning: { after: { enabled: true } } } },
  {
    policy: VERSIONING,
    urn: urnOf(s, BUCKET_V2, "fail-archive-backups"),
    properties: { versionings: { after: [{ enabled: true }] } },
  },
  { policy: VERSIONING, urn: urnOf(s, BUCKET, "fail-split-bucket"), properties: { versioning: { after: { enabled: true } } } },
];

/** A secret is never replaced. */
const SECRET_WINDOW = (s: FixtureStack) => ({
  policy: DELETION,
  urn: urnOf(s, KEY, "fail-secret-window-key"),
  message:
    "Key 'fail-secret-window-key' (encrypts Vault 'vault-2') sets deletionWindowInDays to a secret value shorter than 30 days, so a scheduled deletion destroys the backups it encrypts in less than 30 days; set it to at least 30.",
});

let pack: PackProcess;
let updatePack: PackProcess;

beforeAll(async () => {
  [pack, updatePack] = await Promise.all([PackProcess.start(defaultPackDir()), PackProcess.start(defaultPackDir(), { dryRun: false })]);
});

afterAll(async () => {
  await Promise.all([pack.stop(), updatePack.stop()]);
});

function stack(mode: "preview" | "known" = "preview"): FixtureStack {
  const s = new FixtureStack({ mode });
  const keys = [
    s.add(aws.kms.Key, "fail-rotation-off-key", {}),
    s.add(aws.kms.Key, "fail-short-key", { enableKeyRotation: true, rotationPeriodInDays: 400, deletionWindowInDays: 7 }),
    s.add(aws.kms.Key, "fail-secret-window-key", { enableKeyRotation: true, deletionWindowInDays: secret(7) }),
    s.add(aws.kms.Key, "exempt-key", {}),
  ];
  for (const [i, key] of keys.entries()) s.add(aws.backup.Vault, `vault-${i}`, { kmsKeyArn: ref(key, "arn") });
  // Not a backup key, and not one AWS can rotate: left alone.
  s.add(aws.kms.Key, "signing-key", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" });
  s.add(aws.s3.Bucket, "fail-unversioned-bucket", { tags: { purpose: "backup" } });
  s.add(aws.s3.BucketV2, "fail-archive-backups", {});
  s.add(aws.s3.Bucket, "data-bucket", {});
  const split = s.add(aws.s3.Bucket, "fail-split-bucket", { tags: { purpose: "backup" } });
  s.add(aws.s3.BucketVersioning, "fail-split-bucket-versioning", {
    bucket: ref(split, "id"),
    versioningConfiguration: { status: "Suspended" },
  });
  return s;
}

function config(level: "remediate" | "mandatory") {
  return {
    [ROTATION]: { enforcementLevel: level, exemptions: [{ resource: "exempt-key", reason: "rotated by the HSM team, ticket SEC-9" }] },
    [DELETION]: level,
    [VERSIONING]: { enforcementLevel: level, backupBucketNamePatterns: ["*-backups"] },
  };
}

describe("enforcement level remediate", () => {
  it("remediates exactly the stated properties, and Analyze and AnalyzeStack then report only what it could not fix", async () => {
    const s = stack();
    const result = await analyzeView(pack, s.view(), { policyPackConfig: config("remediate") });

    expect(result.remediations).toEqual(REMEDIATIONS(s));

    expect(violationsOf(result, [ROTATION, DELETION, VERSIONING])).toEqual([SUSPENDED_SPLIT(s), SECRET_WINDOW(s)]);
    // What a remediation could not fix stops the deployment.
    const remaining = result.diagnostics.filter((d) => [ROTATION, DELETION, VERSIONING].includes(d.policy));
    expect(new Set(remaining.map((d) => d.enforcementLevel))).toEqual(new Set(["mandatory"]));
    expect(formatResult(result, "policy-pack").split("\n").slice(2, 5)).toEqual([
      `        - [remediate]  ${VERSIONING}  (3 resources)`,
      `        - [remediate]  ${DELETION}  (1 resource)`,
      `        - [remediate]  ${ROTATION}  (2 resources)`,
    ]);
  });

  it("remediates the same in an update, where the outputs AWS computes are known", async () => {
    const s = stack("known");
    const result = await analyzeView(updatePack, s.view(), { policyPackConfig: config("remediate") });
    expect(result.remediations).toEqual(REMEDIATIONS(s));
    expect(violationsOf(result, [ROTATION, DELETION, VERSIONING])).toEqual([SUSPENDED_SPLIT(s), SECRET_WINDOW(s)]);
  });

  it("at mandatory, the same stack is not changed and reports every one of them", async () => {
    const s = stack();
    const result = await analyzeView(pack, s.view(), { policyPackConfig: config("mandatory") });
    expect(result.remediations).toEqual([]);
    expect(violationsOf(result, [ROTATION, DELETION, VERSIONING])).toEqual([
      SUSPENDED_SPLIT(s),
      {
        policy: VERSIONING,
        urn: urnOf(s, BUCKET, "fail-unversioned-bucket"),
        message:
          "Bucket 'fail-unversioned-bucket' does not enable versioning, so an overwrite or delete destroys the only copy of an object; add an aws.s3.BucketVersioning for the bucket with versioningConfiguration.status: \"Enabled\".",
      },
      {
        policy: VERSIONING,
        urn: urnOf(s, BUCKET_V2, "fail-archive-backups"),
        message:
          "BucketV2 'fail-archive-backups' does not enable versioning, so an overwrite or delete destroys the only copy of an object; add an aws.s3.BucketVersioning for the bucket with versioningConfiguration.status: \"Enabled\".",
      },
      SECRET_WINDOW(s),
      {
        policy: DELETION,
        urn: urnOf(s, KEY, "fail-short-key"),
        message:
          "Key 'fail-short-key' (encrypts Vault 'vault-1') sets deletionWindowInDays to 7, so a scheduled deletion destroys the backups it encrypts after 7 days; set it to at least 30.",
      },
      {
        policy: ROTATION,
        urn: urnOf(s, KEY, "fail-rotation-off-key"),
        message:
          "Key 'fail-rotation-off-key' (encrypts Vault 'vault-0') does not enable automatic rotation; set enableKeyRotation: true on the key.",
      },
      {
        policy: ROTATION,
        urn: urnOf(s, KEY, "fail-short-key"),
        message:
          "Key 'fail-short-key' (encrypts Vault 'vault-1') sets rotationPeriodInDays to 400, longer than the maximum of 365; set rotationPeriodInDays to 365 or less.",
      },
    ]);
    expect(result.failed).toBe(true);
  });
});
