import * as aws from "@pulumi/aws";
import { FixtureStack, ref } from "../../../kit/fixtures";
import { check, GAPS } from "../../helpers";

const POLICY = "backup-bucket-object-lock-enabled";
const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
const urn = (type: string, name: string) => `urn:pulumi:test::fixture::${type}::${name}`;
const backup = { tags: { purpose: "backup" } };

describe(POLICY, () => {
  it("credits Object Lock through every route: split, split V2, inline on Bucket and on BucketV2, days or years", async () => {
    const stack = new FixtureStack();
    const split = stack.add(aws.s3.Bucket, "pass-split", { ...backup, objectLockEnabled: true });
    stack.add(aws.s3.BucketObjectLockConfiguration, "pass-split-lock", {
      bucket: ref(split, "id"),
      rule: { defaultRetention: { mode: "COMPLIANCE", days: 35 } },
    });
    const splitV2 = stack.add(aws.s3.BucketV2, "pass-split-v2", backup);
    stack.add(aws.s3.BucketObjectLockConfigurationV2, "pass-split-v2-lock", {
      bucket: ref(splitV2, "id"),
      objectLockEnabled: "Enabled",
      rule: { defaultRetention: { mode: "COMPLIANCE", years: 1 } },
    });
    stack.add(aws.s3.Bucket, "pass-inline", {
      ...backup,
      objectLockConfiguration: { objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "COMPLIANCE", days: 90 } } },
    });
    stack.add(aws.s3.BucketV2, "pass-inline-v2", {
      ...backup,
      objectLockEnabled: true,
      objectLockConfiguration: { objectLockEnabled: "Enabled", rules: [{ defaultRetentions: [{ mode: "COMPLIANCE", days: 35 }] }] },
    });
    stack.add(aws.s3.Bucket, "pass-not-a-backup-bucket", {});
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("rejects no Object Lock, no default retention, governance mode, 34 days and a retention that is not a number", async () => {
    const stack = new FixtureStack();
    stack.add(aws.s3.Bucket, "fail-backup-bucket-object-lock-enabled-none", backup);
    stack.add(aws.s3.Bucket, "fail-backup-bucket-object-lock-enabled-no-rule", { ...backup, objectLockEnabled: true });
    const governance = stack.add(aws.s3.Bucket, "fail-backup-bucket-object-lock-enabled-governance", {
      ...backup,
      objectLockEnabled: true,
    });
    stack.add(aws.s3.BucketObjectLockConfiguration, "governance-lock", {
      bucket: ref(governance, "id"),
      rule: { defaultRetention: { mode: "GOVERNANCE", days: 35 } },
    });
    stack.add(aws.s3.BucketV2, "fail-backup-bucket-object-lock-enabled-34-days", {
      ...backup,
      objectLockConfiguration: { objectLockEnabled: "Enabled", rules: [{ defaultRetentions: [{ mode: "COMPLIANCE", days: 34 }] }] },
    });
    stack.addType(BUCKET, "fail-backup-bucket-object-lock-enabled-odd", {
      ...backup,
      objectLockConfiguration: { objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "COMPLIANCE", days: [35] } } },
    });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-backup-bucket-object-lock-enabled-governance"),
        message:
          "Bucket 'fail-backup-bucket-object-lock-enabled-governance' sets rule.defaultRetention.mode of BucketObjectLockConfiguration 'governance-lock' to GOVERNANCE, which s3:BypassGovernanceRetention can bypass; set it to COMPLIANCE.",
      },
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-backup-bucket-object-lock-enabled-no-rule"),
        message:
          "Bucket 'fail-backup-bucket-object-lock-enabled-no-rule' enables Object Lock without a default retention, so new objects are not locked; add an aws.s3.BucketObjectLockConfiguration with a default retention { mode: \"COMPLIANCE\", days: 35 } or longer.",
      },
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-backup-bucket-object-lock-enabled-none"),
        message:
          "Bucket 'fail-backup-bucket-object-lock-enabled-none' does not enable Object Lock, so its objects can be deleted or overwritten at any time; set objectLockEnabled: true on the bucket and add an aws.s3.BucketObjectLockConfiguration with a default retention { mode: \"COMPLIANCE\", days: 35 } or longer.",
      },
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-backup-bucket-object-lock-enabled-odd"),
        message:
          "Bucket 'fail-backup-bucket-object-lock-enabled-odd' sets objectLockConfiguration.rule.defaultRetention.days to a list; set a default retention { mode: \"COMPLIANCE\", days: 35 } or longer.",
      },
      {
        policy: POLICY,
        urn: urn(BUCKET_V2, "fail-backup-bucket-object-lock-enabled-34-days"),
        message:
          "BucketV2 'fail-backup-bucket-object-lock-enabled-34-days' locks objects for 34 days at objectLockConfiguration.rules[0].defaultRetentions[0], less than the minimum of 35; set days to 35 or more.",
      },
    ]);
  });

  it("accepts governance mode when configured", async () => {
    const stack = new FixtureStack();
    const governance = stack.add(aws.s3.Bucket, "pass-governance", { ...backup, objectLockEnabled: true });
    stack.add(aws.s3.BucketObjectLockConfiguration, "pass-governance-lock", {
      bucket: ref(governance, "id"),
      rule: { defaultRetention: { mode: "GOVERNANCE", days: 35 } },
    });
    expect(await check(stack, POLICY, { [POLICY]: { mode: "GOVERNANCE" } })).toEqual([]);
  });

  it("reports a computed retention as a gap", async () => {
    const stack = new FixtureStack();
    const parameter = stack.add(aws.ssm.Parameter, "days", { type: "String", value: "35" });
    const bucket = stack.add(aws.s3.Bucket, "gap-days", { ...backup, objectLockEnabled: true });
    stack.add(aws.s3.BucketObjectLockConfiguration, "gap-days-lock", {
      bucket: ref(bucket, "id"),
      rule: { defaultRetention: { mode: "COMPLIANCE", days: ref(parameter, "value") as unknown as number } },
    });
    const gaps = (await check(stack)).filter((v) => v.message.includes(POLICY));
    expect(gaps).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn(BUCKET, "gap-days"),
        message: expect.stringContaining(
          "- backup-bucket-object-lock-enabled: rule.defaultRetention.days of BucketObjectLockConfiguration 'gap-days-lock' is unknown during preview.",
        ),
      },
    ]);
  });

  it("rejects a bucket with two Object Lock configurations, which overwrite each other", async () => {
    const stack = new FixtureStack();
    const bucket = stack.add(aws.s3.Bucket, "fail-two-locks", { ...backup, objectLockEnabled: true });
    stack.add(aws.s3.BucketObjectLockConfiguration, "strict", {
      bucket: ref(bucket, "id"),
      rule: { defaultRetention: { mode: "COMPLIANCE", days: 35 } },
    });
    stack.add(aws.s3.BucketObjectLockConfiguration, "lax", {
      bucket: ref(bucket, "id"),
      rule: { defaultRetention: { mode: "GOVERNANCE", days: 1 } },
    });
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-two-locks"),
        message:
          "Bucket 'fail-two-locks' is configured by 2 resources of one kind (BucketObjectLockConfiguration 'strict' and BucketObjectLockConfiguration 'lax'), but S3 keeps one Object Lock configuration per bucket, so they overwrite each other on every update and which one is in force is undecided; keep exactly one.",
      },
    ]);
  });
});
