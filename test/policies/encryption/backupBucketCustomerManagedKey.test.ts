import * as aws from "@pulumi/aws";
import { FixtureStack, ref, unknown, type Fixture } from "../../../kit/fixtures";
import { check, GAPS, checkArea } from "../../helpers";

const POLICY = "backup-bucket-customer-managed-key";
const BUCKET = "aws:s3/bucket:Bucket";
const urn = (type: string, name: string) => `urn:pulumi:test::fixture::${type}::${name}`;

function encrypt(stack: FixtureStack, bucket: Fixture, name: string, byDefault: { sseAlgorithm: string; kmsMasterKeyId?: unknown }) {
  stack.add(aws.s3.BucketServerSideEncryptionConfiguration, name, {
    bucket: ref(bucket, "id"),
    rules: [{ applyServerSideEncryptionByDefault: byDefault as { sseAlgorithm: string } }],
  });
}

describe(POLICY, () => {
  describe("satisfied", () => {
    it("accepts SSE-KMS and DSSE-KMS under a stack key, split or inline, on every bucket token", async () => {
      const stack = new FixtureStack();
      const key = stack.add(aws.kms.Key, "pass-key", { enableKeyRotation: true });
      const split = stack.add(aws.s3.Bucket, "pass-split", { tags: { purpose: "backup" } });
      encrypt(stack, split, "pass-split-sse", { sseAlgorithm: "aws:kms", kmsMasterKeyId: ref(key, "arn") });
      const v2 = stack.add(aws.s3.BucketV2, "pass-v2-dsse", { tags: { PURPOSE: "Backup" } });
      stack.add(aws.s3.BucketServerSideEncryptionConfigurationV2, "pass-v2-dsse-sse", {
        bucket: ref(v2, "id"),
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms:dsse", kmsMasterKeyId: ref(key, "arn") } }],
      });
      stack.addType(BUCKET, "pass-inline", {
        tags: { purpose: "backup" },
        serverSideEncryptionConfiguration: {
          rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: ref(key, "arn") } },
        },
      });
      expect(await checkArea(stack, "encryption")).toEqual([]);
    });

    it("ignores buckets that are not backup buckets (beside one backup bucket, so no notice either)", async () => {
      const stack = new FixtureStack();
      const data = stack.add(aws.s3.Bucket, "pass-data-bucket", { tags: { purpose: "website" } });
      encrypt(stack, data, "pass-data-bucket-sse", { sseAlgorithm: "AES256" });
      const backups = stack.add(aws.s3.Bucket, "pass-backup-bucket", { tags: { purpose: "backup" } });
      const key = stack.add(aws.kms.Key, "pass-key", { enableKeyRotation: true });
      encrypt(stack, backups, "pass-backup-bucket-sse", { sseAlgorithm: "aws:kms", kmsMasterKeyId: ref(key, "arn") });
      expect(await checkArea(stack, "encryption")).toEqual([]);
    });
  });

  describe("violated", () => {
    it("rejects SSE-S3, the AWS-managed aws/s3 key, and no encryption configuration at all", async () => {
      const stack = new FixtureStack();
      const sseS3 = stack.add(aws.s3.Bucket, "fail-sse-s3", { tags: { purpose: "backup" } });
      encrypt(stack, sseS3, "fail-sse-s3-sse", { sseAlgorithm: "AES256" });
      const awsManaged = stack.add(aws.s3.Bucket, "fail-aws-managed", { tags: { purpose: "backup" } });
      encrypt(stack, awsManaged, "fail-aws-managed-sse", { sseAlgorithm: "aws:kms" });
      stack.add(aws.s3.Bucket, "fail-no-encryption", { tags: { purpose: "backup" } });
      expect(await checkArea(stack, "encryption")).toEqual([
        {
          policy: POLICY,
          urn: urn(BUCKET, "fail-aws-managed"),
          message:
            "Bucket 'fail-aws-managed' does not set rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId of BucketServerSideEncryptionConfiguration 'fail-aws-managed-sse', so it is encrypted with the AWS-managed key alias/aws/s3; set kmsMasterKeyId to the ARN of a customer-managed aws.kms.Key.",
        },
        {
          policy: POLICY,
          urn: urn(BUCKET, "fail-no-encryption"),
          message:
            "Bucket 'fail-no-encryption' has no default encryption configuration, so S3 encrypts it with SSE-S3 (keys held by AWS); add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms (or aws:kms:dsse) and kmsMasterKeyId set to the ARN of a customer-managed aws.kms.Key.",
        },
        {
          policy: POLICY,
          urn: urn(BUCKET, "fail-sse-s3"),
          message:
            "Bucket 'fail-sse-s3' is encrypted with SSE-S3 (AES256, keys held by AWS) at rules[0].applyServerSideEncryptionByDefault.sseAlgorithm of BucketServerSideEncryptionConfiguration 'fail-sse-s3-sse'; set sseAlgorithm to aws:kms (or aws:kms:dsse) and kmsMasterKeyId to the ARN of a customer-managed aws.kms.Key.",
        },
      ]);
    });

    it("finds backup buckets by provider default tags, by name pattern, and as replication destinations", async () => {
      const stack = new FixtureStack({ config: { "aws:defaultTags": JSON.stringify({ tags: { Purpose: "BACKUP" } }) } });
      const key = stack.add(aws.kms.Key, "pass-key", { enableKeyRotation: true });
      const tagged = stack.add(aws.s3.Bucket, "pass-default-tagged", {});
      encrypt(stack, tagged, "pass-default-tagged-sse", { sseAlgorithm: "aws:kms", kmsMasterKeyId: ref(key, "arn") });
      const replica = stack.add(aws.s3.Bucket, "fail-replica", { tags: { purpose: "replica" } });
      stack.add(aws.s3.BucketReplicationConfig, "pass-default-tagged-replication", {
        bucket: ref(tagged, "id"),
        role: "arn:aws:iam::111122223333:role/replication",
        rules: [{ status: "Enabled", destination: { bucket: ref(replica, "arn") } }],
      });
      const isolated = new FixtureStack();
      isolated.add(aws.s3.Bucket, "fail-vault-archive", {});
      expect(await check(stack, POLICY)).toEqual([
        {
          policy: POLICY,
          urn: urn(BUCKET, "fail-replica"),
          message:
            "Bucket 'fail-replica' has no default encryption configuration, so S3 encrypts it with SSE-S3 (keys held by AWS); add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms (or aws:kms:dsse) and kmsMasterKeyId set to the ARN of a customer-managed aws.kms.Key.",
        },
      ]);
      expect(await check(isolated, POLICY, { [POLICY]: { backupBucketTags: {}, backupBucketNamePatterns: ["*-archive"] } })).toEqual([
        {
          policy: POLICY,
          urn: urn(BUCKET, "fail-vault-archive"),
          message:
            "Bucket 'fail-vault-archive' has no default encryption configuration, so S3 encrypts it with SSE-S3 (keys held by AWS); add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms (or aws:kms:dsse) and kmsMasterKeyId set to the ARN of a customer-managed aws.kms.Key.",
        },
      ]);
    });
  });

  it("follows every replication destination whose ARN is unknown, and matches tags in any case", async () => {
    const stack = new FixtureStack();
    const key = stack.add(aws.kms.Key, "pass-key", { enableKeyRotation: true });
    const source = stack.add(aws.s3.Bucket, "pass-source", { tags: { PURPOSE: "other", purpose: "backup" } });
    encrypt(stack, source, "pass-source-sse", { sseAlgorithm: "aws:kms", kmsMasterKeyId: ref(key, "arn") });
    const first = stack.add(aws.s3.Bucket, "fail-first-replica", {});
    const second = stack.add(aws.s3.Bucket, "fail-second-replica", {});
    stack.add(aws.s3.BucketReplicationConfig, "pass-source-replication", {
      bucket: ref(source, "id"),
      role: "arn:aws:iam::111122223333:role/replication",
      rules: [
        { status: "Enabled", destination: { bucket: ref(first, "arn") } },
        { status: "Enabled", destination: { bucket: ref(second, "arn") } },
      ],
    });
    const sseS3 = (name: string) =>
      `Bucket '${name}' has no default encryption configuration, so S3 encrypts it with SSE-S3 (keys held by AWS); add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms (or aws:kms:dsse) and kmsMasterKeyId set to the ARN of a customer-managed aws.kms.Key.`;
    expect(await checkArea(stack, "encryption")).toEqual([
      { policy: POLICY, urn: urn(BUCKET, "fail-first-replica"), message: sseS3("fail-first-replica") },
      { policy: POLICY, urn: urn(BUCKET, "fail-second-replica"), message: sseS3("fail-second-replica") },
    ]);
  });

  it("reads the deprecated BucketV2's inline lists of encryption and replication blocks", async () => {
    const stack = new FixtureStack();
    const key = stack.add(aws.kms.Key, "pass-key", { enableKeyRotation: true });
    const replica = stack.add(aws.s3.Bucket, "fail-v2-replica", {});
    stack.addType("aws:s3/bucketV2:BucketV2", "pass-v2-inline", {
      tags: { purpose: "backup" },
      serverSideEncryptionConfigurations: [
        { rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm: "aws:kms", kmsMasterKeyId: ref(key, "arn") }] }] },
      ],
      replicationConfigurations: [
        {
          role: "arn:aws:iam::111122223333:role/replication",
          rules: [{ status: "Enabled", destinations: [{ bucket: ref(replica, "arn") }] }],
        },
      ],
    });
    expect(await checkArea(stack, "encryption")).toEqual([
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-v2-replica"),
        message:
          "Bucket 'fail-v2-replica' has no default encryption configuration, so S3 encrypts it with SSE-S3 (keys held by AWS); add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms (or aws:kms:dsse) and kmsMasterKeyId set to the ARN of a customer-managed aws.kms.Key.",
      },
    ]);
  });

  describe("unverifiable", () => {
    it("reports a bucket whose tags are unknown at preview as a gap, not a violation", async () => {
      const stack = new FixtureStack();
      const source = stack.add(aws.ssm.Parameter, "tag-source", { type: "String", value: "backup" });
      stack.add(aws.s3.Bucket, "gap-bucket", { tags: ref(source, "tags") as never });
      expect(await checkArea(stack, "encryption")).toEqual([
        {
          policy: "preview-verification-gaps",
          urn: urn(BUCKET, "gap-bucket"),
          message:
            "Bucket 'gap-bucket': 1 control could not be verified during preview:\n- backup-bucket-customer-managed-key: its tags are unknown during preview, so whether it is a backup bucket cannot be decided.",
        },
      ]);
    });

    it("reports the keys of a bucket whose tags are unknown as gaps of every key control", async () => {
      const stack = new FixtureStack();
      const source = stack.add(aws.ssm.Parameter, "tag-source", { type: "String", value: "backup" });
      const key = stack.add(aws.kms.Key, "gap-key", { deletionWindowInDays: 7 });
      const bucket = stack.add(aws.s3.Bucket, "gap-tags-bucket", { tags: ref(source, "tags") as never });
      encrypt(stack, bucket, "gap-tags-bucket-sse", { sseAlgorithm: "aws:kms", kmsMasterKeyId: ref(key, "arn") });
      const why =
        "it encrypts Bucket 'gap-tags-bucket', whose tags are unknown during preview, so whether it is a backup key cannot be decided.";
      expect(await checkArea(stack, "encryption")).toEqual([
        {
          policy: "preview-verification-gaps",
          urn: "urn:pulumi:test::fixture::aws:kms/key:Key::gap-key",
          message: [
            "Key 'gap-key': 3 controls could not be verified during preview:",
            `- backup-key-deletion-protected: ${why}`,
            `- backup-key-policy-restricted: ${why}`,
            `- backup-key-rotation-enabled: ${why}`,
          ].join("\n"),
        },
        {
          policy: "preview-verification-gaps",
          urn: urn(BUCKET, "gap-tags-bucket"),
          message:
            "Bucket 'gap-tags-bucket': 1 control could not be verified during preview:\n- backup-bucket-customer-managed-key: its tags are unknown during preview, so whether it is a backup bucket cannot be decided.",
        },
      ]);
    });

    it("reports an encryption key computed from a non-key resource as a gap", async () => {
      const stack = new FixtureStack();
      const bucket = stack.add(aws.s3.Bucket, "gap-key-bucket", { tags: { purpose: "backup" } });
      const param = stack.add(aws.ssm.Parameter, "key-param", { type: "String", value: "x" });
      encrypt(stack, bucket, "gap-key-bucket-sse", { sseAlgorithm: "aws:kms", kmsMasterKeyId: ref(param, "value") });
      expect(await checkArea(stack, "encryption")).toEqual([
        {
          policy: "preview-verification-gaps",
          urn: urn(BUCKET, "gap-key-bucket"),
          message:
            "Bucket 'gap-key-bucket': 4 controls could not be verified during preview:\n" +
            "- backup-bucket-customer-managed-key: rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId of BucketServerSideEncryptionConfiguration 'gap-key-bucket-sse' is unknown during preview and none of the resources it is computed from is an aws.kms.Key, ReplicaKey, ExternalKey, ReplicaExternalKey or Alias of this stack.\n" +
            "- backup-key-deletion-protected: rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId of BucketServerSideEncryptionConfiguration 'gap-key-bucket-sse' is unknown during preview, so the deletion window, key state and lockout check of the key it will use cannot be verified.\n" +
            "- backup-key-policy-restricted: rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId of BucketServerSideEncryptionConfiguration 'gap-key-bucket-sse' is unknown during preview, so the key policy of the key it will use cannot be verified.\n" +
            "- backup-key-rotation-enabled: rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId of BucketServerSideEncryptionConfiguration 'gap-key-bucket-sse' is unknown during preview, so the rotation of the key it will use cannot be verified.",
        },
      ]);
    });
  });

  describe("buckets nobody tagged", () => {
    it("says once, on the stack, that no bucket is a backup bucket, naming the configuration that would make one", async () => {
      const stack = new FixtureStack();
      stack.add(aws.s3.Bucket, "exports", {});
      stack.add(aws.s3.BucketV2, "archive", { tags: { team: "data" } });
      expect(await checkArea(stack, "encryption")).toEqual([
        {
          policy: "preview-verification-gaps",
          urn: "urn:pulumi:test::fixture::pulumi:pulumi:Stack::fixture-test",
          message:
            "Stack 'fixture-test': 1 control could not be verified during preview:\n" +
            "- backup-bucket-customer-managed-key: the stack has 2 S3 buckets (Bucket 'exports', BucketV2 'archive') and none carries a tag of backupBucketTags ({\"purpose\":\"backup\"}) or has a name matching backupBucketNamePatterns, so no backup-bucket control checked them; if one holds backups, tag it (for example purpose=backup) or set backupBucketTags or backupBucketNamePatterns in the policy configuration.",
        },
      ]);
    });

    it("says nothing when one bucket is a backup bucket, by tag, by name pattern or as the replication destination of one", async () => {
      const tagged = new FixtureStack();
      tagged.add(aws.s3.Bucket, "exports", {});
      const backups = tagged.add(aws.s3.Bucket, "pass-backups", { tags: { Purpose: "Backup" } });
      const key = tagged.add(aws.kms.Key, "pass-key", { enableKeyRotation: true });
      encrypt(tagged, backups, "pass-backups-sse", { sseAlgorithm: "aws:kms", kmsMasterKeyId: ref(key, "arn") });
      expect((await checkArea(tagged, "encryption")).filter((v) => v.policy === POLICY || v.urn.includes("pulumi:pulumi:Stack"))).toEqual(
        [],
      );
      const named = new FixtureStack();
      named.add(aws.s3.Bucket, "nightly-dumps", {});
      expect(
        (await checkArea(named, "encryption", { [POLICY]: { backupBucketNamePatterns: ["nightly-*"] } })).filter((v) =>
          v.urn.includes("pulumi:pulumi:Stack"),
        ),
      ).toEqual([]);
    });
  });

  it("rejects a backup bucket with two default-encryption configurations, and reports one of unknown bucket as a gap", async () => {
    const stack = new FixtureStack();
    const key = stack.add(aws.kms.Key, "key", { enableKeyRotation: true });
    const bucket = stack.add(aws.s3.Bucket, "fail-two-encryptions", { tags: { purpose: "backup" } });
    encrypt(stack, bucket, "kms", { sseAlgorithm: "aws:kms", kmsMasterKeyId: ref(key, "arn") });
    encrypt(stack, bucket, "s3", { sseAlgorithm: "AES256" });
    const other = new FixtureStack();
    other.add(aws.s3.Bucket, "gap-unencrypted", { tags: { purpose: "backup" } });
    other.add(aws.s3.BucketServerSideEncryptionConfiguration, "unplaced", {
      bucket: unknown(),
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-two-encryptions"),
        message:
          "Bucket 'fail-two-encryptions' is configured by 2 resources of one kind (BucketServerSideEncryptionConfiguration 'kms' and BucketServerSideEncryptionConfiguration 's3'), but S3 keeps one default encryption configuration per bucket, so they overwrite each other on every update and which one is in force is undecided; keep exactly one.",
      },
    ]);
    expect(await check(other, [POLICY, GAPS])).toEqual([
      {
        policy: GAPS,
        urn: urn(BUCKET, "gap-unencrypted"),
        message:
          "Bucket 'gap-unencrypted': 1 control could not be verified during preview:\n- backup-bucket-customer-managed-key: its default encryption is unknown during preview.",
      },
    ]);
  });
});
