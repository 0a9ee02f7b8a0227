import * as aws from "@pulumi/aws";
import { FixtureStack, ref, unknown } from "../../../kit/fixtures";
import { check, GAPS } from "../../helpers";

const POLICY = "backup-bucket-versioning-enabled";
const BUCKET = "aws:s3/bucket:Bucket";
const urn = (type: string, name: string) => `urn:pulumi:test::fixture::${type}::${name}`;
const backup = { tags: { purpose: "backup" } };

describe(POLICY, () => {
  it("credits versioning through every route: split, split V2, inline on Bucket and on BucketV2", async () => {
    const stack = new FixtureStack();
    const split = stack.add(aws.s3.Bucket, "pass-split", backup);
    stack.add(aws.s3.BucketVersioning, "pass-split-versioning", {
      bucket: ref(split, "id"),
      versioningConfiguration: { status: "Enabled" },
    });
    const splitV2 = stack.add(aws.s3.BucketV2, "pass-split-v2", backup);
    stack.add(aws.s3.BucketVersioningV2, "pass-split-v2-versioning", {
      bucket: ref(splitV2, "id"),
      versioningConfiguration: { status: "Enabled" },
    });
    stack.add(aws.s3.Bucket, "pass-inline", { ...backup, versioning: { enabled: true } });
    stack.add(aws.s3.BucketV2, "pass-inline-v2", { ...backup, versionings: [{ enabled: true }] });
    const named = stack.add(aws.s3.Bucket, "pass-by-name", { ...backup, bucket: "pass-by-name-bucket" });
    stack.add(aws.s3.BucketVersioning, "pass-by-name-versioning", {
      bucket: "pass-by-name-bucket",
      versioningConfiguration: { status: "Enabled" },
    });
    stack.add(aws.s3.Bucket, "pass-not-a-backup-bucket", {});
    void named;
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("rejects a backup bucket without versioning, with versioning suspended, or disabled inline", async () => {
    const stack = new FixtureStack();
    stack.add(aws.s3.Bucket, "fail-backup-bucket-versioning-enabled-none", backup);
    const suspended = stack.add(aws.s3.BucketV2, "fail-backup-bucket-versioning-enabled-suspended", backup);
    stack.add(aws.s3.BucketVersioningV2, "suspended-versioning", {
      bucket: ref(suspended, "id"),
      versioningConfiguration: { status: "Suspended" },
    });
    stack.add(aws.s3.Bucket, "fail-backup-bucket-versioning-enabled-inline", { ...backup, versioning: { enabled: false } });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-backup-bucket-versioning-enabled-inline"),
        message:
          "Bucket 'fail-backup-bucket-versioning-enabled-inline' does not enable versioning, so an overwrite or delete destroys the only copy of an object; add an aws.s3.BucketVersioning for the bucket with versioningConfiguration.status: \"Enabled\".",
      },
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-backup-bucket-versioning-enabled-none"),
        message:
          "Bucket 'fail-backup-bucket-versioning-enabled-none' does not enable versioning, so an overwrite or delete destroys the only copy of an object; add an aws.s3.BucketVersioning for the bucket with versioningConfiguration.status: \"Enabled\".",
      },
      {
        policy: POLICY,
        urn: urn("aws:s3/bucketV2:BucketV2", "fail-backup-bucket-versioning-enabled-suspended"),
        message:
          "BucketV2 'fail-backup-bucket-versioning-enabled-suspended' suspends versioning at versioningConfiguration.status of BucketVersioningV2 'suspended-versioning', so an overwrite or delete destroys the only copy of an object; set it to Enabled.",
      },
    ]);
  });

  it("requires MFA delete when configured", async () => {
    const stack = new FixtureStack();
    const mfa = stack.add(aws.s3.Bucket, "pass-mfa", backup);
    stack.add(aws.s3.BucketVersioning, "pass-mfa-versioning", {
      bucket: ref(mfa, "id"),
      versioningConfiguration: { status: "Enabled", mfaDelete: "Enabled" },
    });
    stack.add(aws.s3.Bucket, "fail-backup-bucket-versioning-enabled-no-mfa", { ...backup, versioning: { enabled: true } });
    expect(await check(stack, POLICY, { [POLICY]: { requireMfaDelete: true } })).toEqual([
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-backup-bucket-versioning-enabled-no-mfa"),
        message:
          "Bucket 'fail-backup-bucket-versioning-enabled-no-mfa' does not enable MFA delete (versioning.mfaDelete); enable it with the root user's MFA device.",
      },
    ]);
  });

  it("reports a computed status and a bucket whose tags are unknown as gaps", async () => {
    const stack = new FixtureStack();
    const parameter = stack.add(aws.ssm.Parameter, "status", { type: "String", value: "Enabled" });
    const computed = stack.add(aws.s3.Bucket, "gap-status", backup);
    stack.add(aws.s3.BucketVersioning, "gap-status-versioning", {
      bucket: ref(computed, "id"),
      versioningConfiguration: { status: ref(parameter, "value") },
    });
    stack.add(aws.s3.Bucket, "gap-tags", { tags: { purpose: ref(parameter, "value") } });
    const gaps = (await check(stack)).filter((v) => v.message.includes(POLICY));
    expect(gaps).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn(BUCKET, "gap-status"),
        message:
          "Bucket 'gap-status': 1 control could not be verified during preview:\n- backup-bucket-versioning-enabled: versioningConfiguration.status of BucketVersioning 'gap-status-versioning' is unknown during preview.",
      },
      {
        policy: "preview-verification-gaps",
        urn: urn(BUCKET, "gap-tags"),
        message: expect.stringContaining(
          "- backup-bucket-versioning-enabled: its tags are unknown during preview, so whether it is a backup bucket cannot be decided.",
        ),
      },
    ]);
  });

  it("credits the versioning S3 turns on for a bucket created with Object Lock", async () => {
    const stack = new FixtureStack();
    stack.add(aws.s3.Bucket, "pass-object-lock", { ...backup, objectLockEnabled: true });
    stack.add(aws.s3.BucketV2, "pass-object-lock-inline-v2", { ...backup, objectLockConfiguration: { objectLockEnabled: "Enabled" } });
    stack.add(aws.s3.Bucket, "pass-object-lock-inline", { ...backup, objectLockConfiguration: { objectLockEnabled: "Enabled" } });
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("reports a bucket as a gap while a versioning resource of unknown bucket may be its own, and two for one bucket as a conflict", async () => {
    const stack = new FixtureStack();
    stack.add(aws.s3.Bucket, "gap-unversioned", backup);
    const own = stack.add(aws.s3.Bucket, "pass-own-versioning", backup);
    stack.add(aws.s3.BucketVersioning, "pass-own", { bucket: ref(own, "id"), versioningConfiguration: { status: "Enabled" } });
    stack.add(aws.s3.Bucket, "pass-object-lock", { ...backup, objectLockEnabled: true });
    stack.add(aws.s3.BucketVersioning, "unplaced", { bucket: unknown(), versioningConfiguration: { status: "Enabled" } });
    const twice = stack.add(aws.s3.Bucket, "fail-two-versionings", backup);
    stack.add(aws.s3.BucketVersioning, "first", { bucket: ref(twice, "id"), versioningConfiguration: { status: "Enabled" } });
    stack.add(aws.s3.BucketVersioningV2, "second", { bucket: ref(twice, "id"), versioningConfiguration: { status: "Suspended" } });
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-two-versionings"),
        message:
          "Bucket 'fail-two-versionings' is configured by 2 resources of one kind (BucketVersioning 'first' and BucketVersioningV2 'second'), but S3 keeps one versioning configuration per bucket, so they overwrite each other on every update and which one is in force is undecided; keep exactly one.",
      },
      {
        policy: GAPS,
        urn: urn(BUCKET, "gap-unversioned"),
        message:
          "Bucket 'gap-unversioned': 1 control could not be verified during preview:\n- backup-bucket-versioning-enabled: bucket of BucketVersioning 'unplaced' is unknown during preview.",
      },
    ]);
  });
});
