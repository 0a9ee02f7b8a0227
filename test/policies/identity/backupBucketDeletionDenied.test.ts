import * as aws from "@pulumi/aws";
import { derived, FixtureStack, ref, type Fixture } from "../../../kit/fixtures";
import { check, GAPS } from "../../helpers";

const POLICY = "backup-bucket-deletion-denied";
const urn = (name: string) => `urn:pulumi:test::fixture::aws:s3/bucket:Bucket::${name}`;
const BREAK_GLASS = "arn:aws:iam::123456789012:role/break-glass";
const resources = (name: string) => [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`];
const REQUIRED = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketVersioning",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketObjectLockConfiguration",
];

function tls(name: string) {
  return {
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: resources(name),
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

function bucketWith(stack: FixtureStack, name: string, statements: Record<string, unknown>[] | undefined): Fixture {
  const bucket = stack.add(aws.s3.Bucket, name, { bucket: name, tags: { purpose: "backup" } });
  if (statements)
    stack.add(aws.s3.BucketPolicy, `${name}-policy`, {
      bucket: ref(bucket, "id"),
      policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
    });
  return bucket;
}

const REMEDY =
  'add a statement { Effect: "Deny", Principal: "*", Action: those actions, Resource: [the bucket ARN, the bucket ARN/*] } excepting only its backup identities and the roles listed in breakGlassPrincipalArns (ArnNotEquals on aws:PrincipalArn).';

describe(POLICY, () => {
  it("accepts a Deny to everyone but break-glass and the bucket's backup identity, with TLS enforced", async () => {
    const stack = new FixtureStack();
    bucketWith(stack, "pass-deny", [
      {
        Effect: "Deny",
        Principal: "*",
        Action: REQUIRED,
        Resource: resources("pass-deny"),
        Condition: { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } },
      },
      tls("pass-deny"),
    ]);
    const replica = stack.add(aws.s3.Bucket, "replica", { bucket: "replica" });
    const role = stack.add(aws.iam.Role, "replicator", { name: "replicator", assumeRolePolicy: "{}" });
    const source = bucketWith(stack, "pass-replicated", [
      {
        Effect: "Deny",
        NotPrincipal: { AWS: "arn:aws:iam::123456789012:role/replicator" },
        Action: ["s3:Delete*", "s3:Put*"],
        Resource: resources("pass-replicated"),
      },
      tls("pass-replicated"),
    ]);
    stack.add(aws.s3.BucketReplicationConfig, "replication", {
      bucket: ref(source, "id"),
      role: ref(role, "arn"),
      rules: [{ status: "Enabled", destination: { bucket: ref(replica, "arn") } }],
    });
    stack.add(aws.s3.BucketPolicy, "replica-policy", {
      bucket: ref(replica, "id"),
      policy: JSON.stringify({
        Statement: [{ Effect: "Deny", Principal: "*", Action: ["s3:Delete*", "s3:Put*"], Resource: "*" }, tls("replica")],
      }),
    });
    expect(await check(stack, POLICY, { [POLICY]: { breakGlassPrincipalArns: [BREAK_GLASS] } })).toEqual([]);
  });

  it("rejects a bucket without a policy, one that denies some actions, and one without TLS enforcement", async () => {
    const stack = new FixtureStack();
    bucketWith(stack, "fail-no-policy", undefined);
    bucketWith(stack, "fail-partial", [
      { Effect: "Deny", Principal: "*", Action: "s3:DeleteObject*", Resource: resources("fail-partial") },
      tls("fail-partial"),
    ]);
    bucketWith(stack, "fail-no-tls", [{ Effect: "Deny", Principal: "*", Action: REQUIRED, Resource: resources("fail-no-tls") }]);
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-no-policy"),
        message: `Bucket 'fail-no-policy' has no bucket policy; add an aws.s3.BucketPolicy that denies ${REQUIRED.join(", ")} to every principal except its backup identities and the roles listed in breakGlassPrincipalArns, and denies every request without TLS (aws:SecureTransport false).`,
      },
      {
        policy: POLICY,
        urn: urn("fail-no-tls"),
        message:
          'Bucket \'fail-no-tls\' has a bucket policy (BucketPolicy \'fail-no-tls-policy\') that does not deny requests without TLS; add a statement { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [the bucket ARN, the bucket ARN/*], Condition: { Bool: { "aws:SecureTransport": "false" } } }.',
      },
      {
        policy: POLICY,
        urn: urn("fail-partial"),
        message: `Bucket 'fail-partial' has a bucket policy (BucketPolicy 'fail-partial-policy') that does not deny ${REQUIRED.slice(2).join(", ")} to every principal; ${REMEDY}`,
      },
    ]);
  });

  it("rejects an exemption for a workload role", async () => {
    const stack = new FixtureStack();
    stack.add(aws.iam.Role, "app", { name: "app", assumeRolePolicy: "{}" });
    bucketWith(stack, "fail-exempts-app", [
      {
        Effect: "Deny",
        Principal: "*",
        Action: REQUIRED,
        Resource: resources("fail-exempts-app"),
        Condition: { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/app" } },
      },
      tls("fail-exempts-app"),
    ]);
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-exempts-app"),
        message: `Bucket 'fail-exempts-app' has a bucket policy (BucketPolicy 'fail-exempts-app-policy') whose Deny of ${REQUIRED.join(", ")} exempts Role 'app', which is neither its backup identity nor listed in breakGlassPrincipalArns; remove the exemption.`,
      },
    ]);
  });

  it("lists a Deny that spares a principal by aws:userId as a gap that says to name it by aws:PrincipalArn", async () => {
    const stack = new FixtureStack();
    bucketWith(stack, "gap-user-id", [
      {
        Effect: "Deny",
        Principal: "*",
        Action: REQUIRED,
        Resource: resources("gap-user-id"),
        Condition: { StringNotLike: { "aws:userId": "AROAEXAMPLEBREAKGLASS:*" } },
      },
      tls("gap-user-id"),
    ]);
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: GAPS,
        urn: urn("gap-user-id"),
        message: `Bucket 'gap-user-id': 1 control could not be verified during preview:\n- backup-bucket-deletion-denied: BucketPolicy 'gap-user-id-policy' spares a principal by aws:userId (a unique id, which no role this stack creates has before it is deployed) from its Deny of ${REQUIRED.join(", ")}, so whether it spares only break-glass principals cannot be decided; name the break-glass roles by ARN instead (ArnNotEquals on aws:PrincipalArn) and list them in breakGlassPrincipalArns.`,
      },
    ]);
  });

  it("reports a malformed policy, and lists one unknown during preview as a gap", async () => {
    const stack = new FixtureStack();
    const bad = stack.add(aws.s3.Bucket, "fail-malformed", { bucket: "fail-malformed", tags: { purpose: "backup" } });
    stack.add(aws.s3.BucketPolicy, "fail-malformed-policy", {
      bucket: ref(bad, "id"),
      policy: JSON.stringify({ Statement: [{ Effect: "Deny", Action: 7 }] }),
    });
    const gap = stack.add(aws.s3.Bucket, "gap-computed", { tags: { purpose: "backup" } });
    stack.add(aws.s3.BucketPolicy, "gap-computed-policy", { bucket: ref(gap, "id"), policy: derived("{}", gap) });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-malformed"),
        message:
          "Bucket 'fail-malformed' has a bucket policy (set by BucketPolicy 'fail-malformed-policy') whose document statement 1 has a malformed Action or NotAction; set policy to a valid JSON bucket policy document.",
      },
    ]);
    const gaps = await check(stack, "preview-verification-gaps");
    expect(gaps.find((v) => v.urn === urn("gap-computed"))?.message).toContain(
      "- backup-bucket-deletion-denied: the bucket policy (set by BucketPolicy 'gap-computed-policy') is unknown during preview (it is computed from Bucket 'gap-computed').",
    );
  });
});
