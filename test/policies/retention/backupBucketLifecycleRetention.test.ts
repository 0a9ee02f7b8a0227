import * as aws from "@pulumi/aws";
import { FixtureStack, ref, unknown } from "../../../kit/fixtures";
import { check, GAPS } from "../../helpers";

const POLICY = "backup-bucket-lifecycle-retention";
const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
const urn = (type: string, name: string) => `urn:pulumi:test::fixture::${type}::${name}`;
const backup = { tags: { purpose: "backup" } };

describe(POLICY, () => {
  it("accepts 35-day expirations through every route, disabled rules and buckets without lifecycle", async () => {
    const stack = new FixtureStack();
    const split = stack.add(aws.s3.Bucket, "pass-split", backup);
    stack.add(aws.s3.BucketLifecycleConfiguration, "pass-split-lifecycle", {
      bucket: ref(split, "id"),
      rules: [
        { id: "keep", status: "Enabled", expiration: { days: 35 }, noncurrentVersionExpiration: { noncurrentDays: 35 } },
        { id: "off", status: "Disabled", expiration: { days: 1 } },
      ],
    });
    const splitV2 = stack.add(aws.s3.BucketV2, "pass-split-v2", backup);
    stack.add(aws.s3.BucketLifecycleConfigurationV2, "pass-split-v2-lifecycle", {
      bucket: ref(splitV2, "id"),
      rules: [{ id: "keep", status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: 400 } }],
    });
    stack.add(aws.s3.Bucket, "pass-inline", {
      ...backup,
      lifecycleRules: [{ enabled: true, expiration: { days: 35 }, noncurrentVersionExpiration: { days: 90 } }],
    });
    stack.add(aws.s3.BucketV2, "pass-inline-v2", {
      ...backup,
      lifecycleRules: [{ enabled: true, expirations: [{ days: 365 }], noncurrentVersionExpirations: [{ days: 35 }] }],
    });
    stack.add(aws.s3.Bucket, "pass-no-lifecycle", backup);
    stack.add(aws.s3.Bucket, "pass-not-a-backup-bucket", { lifecycleRules: [{ enabled: true, expiration: { days: 1 } }] });
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("rejects 34-day current and noncurrent expirations, a fixed expiry date, split over inline and inline on BucketV2", async () => {
    const stack = new FixtureStack();
    const split = stack.add(aws.s3.Bucket, "fail-backup-bucket-lifecycle-retention-split", {
      ...backup,
      lifecycleRules: [{ enabled: true, expiration: { days: 365 } }],
    });
    stack.add(aws.s3.BucketLifecycleConfiguration, "short-lifecycle", {
      bucket: ref(split, "id"),
      rules: [
        { id: "current", status: "Enabled", expiration: { days: 34 } },
        { id: "date", status: "Enabled", expiration: { date: "2027-01-01T00:00:00Z" } },
      ],
    });
    stack.add(aws.s3.BucketV2, "fail-backup-bucket-lifecycle-retention-v2", {
      ...backup,
      lifecycleRules: [{ enabled: true, noncurrentVersionExpirations: [{ days: 7 }] }],
    });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-backup-bucket-lifecycle-retention-split"),
        message:
          "Bucket 'fail-backup-bucket-lifecycle-retention-split' expires current object versions after 34 days at rules[0].expiration.days of BucketLifecycleConfiguration 'short-lifecycle', less than the minimum of 35; set it to 35 or more, or remove the expiration.",
      },
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-backup-bucket-lifecycle-retention-split"),
        message:
          "Bucket 'fail-backup-bucket-lifecycle-retention-split' expires current object versions on a fixed date at rules[1] of BucketLifecycleConfiguration 'short-lifecycle', whatever their age; expire by days (35 or more) instead.",
      },
      {
        policy: POLICY,
        urn: urn(BUCKET_V2, "fail-backup-bucket-lifecycle-retention-v2"),
        message:
          "BucketV2 'fail-backup-bucket-lifecycle-retention-v2' deletes noncurrent object versions after 7 days at lifecycleRules[0].noncurrentVersionExpirations[0].days, less than the minimum of 35; set it to 35 or more.",
      },
    ]);
  });

  it("reports computed days, and a computed status on a rule that would expire too early, as gaps", async () => {
    const stack = new FixtureStack();
    const parameter = stack.add(aws.ssm.Parameter, "value", { type: "String", value: "Enabled" });
    const bucket = stack.add(aws.s3.Bucket, "gap-lifecycle", backup);
    stack.add(aws.s3.BucketLifecycleConfiguration, "gap-lifecycle-rules", {
      bucket: ref(bucket, "id"),
      rules: [
        { id: "days", status: "Enabled", expiration: { days: ref(parameter, "value") as unknown as number } },
        { id: "status", status: ref(parameter, "value"), expiration: { days: 7 } },
        { id: "fine", status: ref(parameter, "value"), expiration: { days: 70 } },
      ],
    });
    const gaps = (await check(stack)).filter((v) => v.message.includes(POLICY));
    expect(gaps).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn(BUCKET, "gap-lifecycle"),
        message: expect.stringContaining(
          "- backup-bucket-lifecycle-retention: rules[0].expiration.days of BucketLifecycleConfiguration 'gap-lifecycle-rules' is unknown during preview.\n- backup-bucket-lifecycle-retention: rules[1].status of BucketLifecycleConfiguration 'gap-lifecycle-rules' is unknown during preview, and the rule would expire versions too early.",
        ),
      },
    ]);
  });

  it("reads 0 days as no expiration (the provider sends none, S3 takes positive days only)", async () => {
    const stack = new FixtureStack();
    const split = stack.add(aws.s3.Bucket, "pass-zero-days", backup);
    stack.add(aws.s3.BucketLifecycleConfiguration, "pass-zero-days-lifecycle", {
      bucket: ref(split, "id"),
      rules: [
        {
          id: "markers",
          status: "Enabled",
          expiration: { days: 0, expiredObjectDeleteMarker: true },
          noncurrentVersionExpiration: { noncurrentDays: 0 },
        },
      ],
    });
    stack.add(aws.s3.Bucket, "pass-zero-days-inline", {
      ...backup,
      lifecycleRules: [{ enabled: true, expiration: { days: 0 }, noncurrentVersionExpiration: { days: 0 } }],
    });
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("reports a bucket as a gap while a lifecycle resource of unknown bucket may be its own", async () => {
    const stack = new FixtureStack();
    stack.add(aws.s3.Bucket, "gap-no-lifecycle", backup);
    stack.add(aws.s3.BucketLifecycleConfiguration, "unplaced", {
      bucket: unknown(),
      rules: [{ id: "expire", status: "Enabled", expiration: { days: 1 } }],
    });
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: GAPS,
        urn: urn(BUCKET, "gap-no-lifecycle"),
        message:
          "Bucket 'gap-no-lifecycle': 1 control could not be verified during preview:\n- backup-bucket-lifecycle-retention: bucket of BucketLifecycleConfiguration 'unplaced' is unknown during preview.",
      },
    ]);
  });
});
