import * as aws from "@pulumi/aws";
import { derived, FixtureStack, ref, unknown, type Fixture } from "../../../kit/fixtures";
import { check, GAPS } from "../../helpers";

const POLICY = "backup-bucket-public-access-blocked";
const BUCKET = "aws:s3/bucket:Bucket";
const urn = (name: string) => `urn:pulumi:test::fixture::${BUCKET}::${name}`;
const BACKUP = { tags: { purpose: "backup" } };
const ALL_ON = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

function blocked(stack: FixtureStack, name: string, settings: Record<string, unknown> = ALL_ON): Fixture {
  const bucket = stack.add(aws.s3.Bucket, name, BACKUP);
  stack.add(aws.s3.BucketPublicAccessBlock, `${name}-pab`, { bucket: ref(bucket, "id"), ...settings });
  return bucket;
}

const publicRead = JSON.stringify({
  Version: "2008-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }],
});

describe(POLICY, () => {
  it("accepts a backup bucket with all four settings on and a policy with named principals or an org condition", async () => {
    const stack = new FixtureStack();
    blocked(stack, "pass-blocked");
    const withPolicy = blocked(stack, "pass-org-policy");
    stack.add(aws.s3.BucketPolicy, "pass-org-policy-policy", {
      bucket: ref(withPolicy, "id"),
      policy: JSON.stringify({
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } },
          },
          { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": false } } },
        ],
      }),
    });
    stack.add(aws.s3.Bucket, "pass-not-a-backup-bucket", {});
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("accepts a bucket without a block of its own (S3 turns all four on for new buckets), whatever the account-level block says", async () => {
    const stack = new FixtureStack();
    stack.add(aws.s3.BucketV2, "pass-default", BACKUP);
    stack.add(aws.s3.Bucket, "pass-default-unknown-account", BACKUP);
    const settings = stack.add(aws.ssm.Parameter, "account-settings", { type: "String", value: "false" });
    stack.add(aws.s3.AccountPublicAccessBlock, "account", {
      blockPublicAcls: false,
      blockPublicPolicy: false,
      ignorePublicAcls: ref(settings, "value") as unknown as boolean,
    });
    expect(await check(stack, [POLICY, GAPS])).toEqual([]);
  });

  it("accepts the settings a bucket's block leaves off from an account-level block of the stack", async () => {
    const stack = new FixtureStack();
    blocked(stack, "pass-account-block", { blockPublicAcls: false });
    stack.add(aws.s3.AccountPublicAccessBlock, "account", ALL_ON);
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("rejects a block that turns settings off or leaves them unset, unless the account-level block turns them on", async () => {
    const stack = new FixtureStack();
    blocked(stack, "fail-all-off", {
      blockPublicAcls: false,
      blockPublicPolicy: false,
      ignorePublicAcls: false,
      restrictPublicBuckets: false,
    });
    blocked(stack, "fail-partial", { blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true });
    stack.add(aws.s3.AccountPublicAccessBlock, "account", { blockPublicAcls: true, blockPublicPolicy: false });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-all-off"),
        message:
          "Bucket 'fail-all-off' does not turn on blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets (BucketPublicAccessBlock 'fail-all-off-pab'); set them to true, so that all of blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets are on.",
      },
      {
        policy: POLICY,
        urn: urn("fail-partial"),
        message:
          "Bucket 'fail-partial' does not turn on blockPublicPolicy, restrictPublicBuckets (BucketPublicAccessBlock 'fail-partial-pab'); set them to true, so that all of blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets are on.",
      },
    ]);
  });

  it("rejects a policy statement that allows anyone, in a BucketPolicy or the deprecated inline policy", async () => {
    const stack = new FixtureStack();
    const split = blocked(stack, "fail-public-policy");
    stack.add(aws.s3.BucketPolicy, "fail-public-policy-policy", { bucket: ref(split, "id"), policy: publicRead });
    const inline = stack.add(aws.s3.Bucket, "fail-inline-policy", { ...BACKUP, policy: publicRead });
    stack.add(aws.s3.BucketPublicAccessBlock, "fail-inline-policy-pab", { bucket: ref(inline, "id"), ...ALL_ON });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-inline-policy"),
        message:
          "Bucket 'fail-inline-policy' has a bucket policy whose statement 1 allows any principal (\"*\") without a Condition on who the caller is; name the principals, or add a Condition such as aws:PrincipalAccount or aws:PrincipalOrgID.",
      },
      {
        policy: POLICY,
        urn: urn("fail-public-policy"),
        message:
          "Bucket 'fail-public-policy' has a bucket policy (set by BucketPolicy 'fail-public-policy-policy') whose statement 1 allows any principal (\"*\") without a Condition on who the caller is; name the principals, or add a Condition such as aws:PrincipalAccount or aws:PrincipalOrgID.",
      },
    ]);
  });

  it("reports a malformed bucket policy as such", async () => {
    const stack = new FixtureStack();
    const bucket = blocked(stack, "fail-malformed");
    stack.add(aws.s3.BucketPolicy, "fail-malformed-policy", { bucket: ref(bucket, "id"), policy: JSON.stringify({ Statement: 7 }) });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-malformed"),
        message:
          "Bucket 'fail-malformed' has a bucket policy (set by BucketPolicy 'fail-malformed-policy') whose document has no Statement; set policy to a valid JSON bucket policy document.",
      },
    ]);
  });

  it("lists settings and policies unknown during preview as gaps", async () => {
    const stack = new FixtureStack();
    const settings = stack.add(aws.ssm.Parameter, "settings", { type: "String", value: "true" });
    const bucket = blocked(stack, "gap-bucket", { ...ALL_ON, restrictPublicBuckets: ref(settings, "value") as unknown as boolean });
    stack.add(aws.s3.BucketPolicy, "gap-bucket-policy", { bucket: ref(bucket, "id"), policy: derived(publicRead, bucket) });
    stack.add(aws.s3.Bucket, "gap-tags", { tags: { purpose: unknown() } });
    expect(await check(stack, "preview-verification-gaps")).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-bucket"),
        message: [
          "Bucket 'gap-bucket': 3 controls could not be verified during preview:",
          "- backup-bucket-deletion-denied: the bucket policy (set by BucketPolicy 'gap-bucket-policy') is unknown during preview (it is computed from Bucket 'gap-bucket').",
          "- backup-bucket-public-access-blocked: the bucket policy (set by BucketPolicy 'gap-bucket-policy') is unknown during preview.",
          "- backup-bucket-public-access-blocked: restrictPublicBuckets of BucketPublicAccessBlock 'gap-bucket-pab' is unknown during preview.",
        ].join("\n"),
      },
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-tags"),
        message: expect.stringContaining(
          "- backup-bucket-public-access-blocked: its tags are unknown during preview, so whether it is a backup bucket cannot be decided.",
        ) as unknown as string,
      },
    ]);
  });

  it("accepts an Allow to * that a VPC, a VPC endpoint or a set of CIDRs fixes, and rejects one open to the internet", async () => {
    const stack = new FixtureStack();
    const bucket = blocked(stack, "fail-network");
    const allow = (Condition: Record<string, unknown>) => ({
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: "*",
      Condition,
    });
    stack.add(aws.s3.BucketPolicy, "fail-network-policy", {
      bucket: ref(bucket, "id"),
      policy: JSON.stringify({
        Statement: [
          allow({ StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } }),
          allow({ StringEquals: { "aws:SourceVpc": "vpc-111bbb22" } }),
          allow({ IpAddress: { "aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"] } }),
          allow({ IpAddress: { "aws:SourceIp": "0.0.0.0/0" } }),
        ],
      }),
    });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-network"),
        message:
          "Bucket 'fail-network' has a bucket policy (set by BucketPolicy 'fail-network-policy') whose statement 4 allows any principal (\"*\") without a Condition on who the caller is; name the principals, or add a Condition such as aws:PrincipalAccount or aws:PrincipalOrgID.",
      },
    ]);
  });
});
