import * as aws from "@pulumi/aws";
import { FixtureStack, ref, unknown, type Fixture } from "../../../kit/fixtures";
import { check, GAPS } from "../../helpers";

const POLICY = "backup-bucket-cross-region-replication";
const BUCKET = "aws:s3/bucket:Bucket";
const urn = (type: string, name: string) => `urn:pulumi:test::fixture::${type}::${name}`;
const backup = { tags: { purpose: "backup" } };

function replicate(stack: FixtureStack, source: Fixture, name: string, rule: Record<string, unknown>) {
  stack.add(aws.s3.BucketReplicationConfig, name, {
    bucket: ref(source, "id"),
    role: "arn:aws:iam::111122223333:role/replication",
    rules: [{ status: "Enabled", ...rule } as aws.types.input.s3.BucketReplicationConfigRule],
  });
}

describe(POLICY, () => {
  it("accepts an enabled V2 rule to a bucket in another region, re-encrypted with a stack key, without delete markers, split or inline", async () => {
    const stack = new FixtureStack();
    const key = stack.add(aws.kms.Key, "replica-key", { enableKeyRotation: true });
    const west = stack.add(aws.s3.Bucket, "replica-west", { region: "us-west-2" });
    const source = stack.add(aws.s3.Bucket, "pass-split", backup);
    replicate(stack, source, "pass-split-replication", {
      filter: {},
      deleteMarkerReplication: { status: "Disabled" },
      sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
      destination: { bucket: ref(west, "arn"), encryptionConfiguration: { replicaKmsKeyId: ref(key, "arn") } },
    });
    const east2 = stack.add(aws.s3.Bucket, "replica-east-2", { region: "us-east-2" });
    stack.add(aws.s3.Bucket, "pass-inline", {
      ...backup,
      replicationConfiguration: {
        role: "arn:aws:iam::111122223333:role/replication",
        rules: [
          {
            status: "Enabled",
            filter: { prefix: "" },
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { enabled: true } },
            destination: { bucket: ref(east2, "arn"), replicaKmsKeyId: ref(key, "arn") },
          },
        ],
      },
    });
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("rejects no replication, same-region replication, V1 rules (delete markers), no SSE-KMS objects and no replica key", async () => {
    const stack = new FixtureStack();
    stack.add(aws.s3.Bucket, "fail-backup-bucket-cross-region-replication-none", backup);
    const local = stack.add(aws.s3.Bucket, "replica-local", {});
    const source = stack.add(aws.s3.Bucket, "fail-backup-bucket-cross-region-replication-local", backup);
    replicate(stack, source, "local-replication", { destination: { bucket: ref(local, "arn") } });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-backup-bucket-cross-region-replication-local"),
        message:
          "Bucket 'fail-backup-bucket-cross-region-replication-local' does not replicate objects encrypted with SSE-KMS (rules[0].sourceSelectionCriteria.sseKmsEncryptedObjects.status of BucketReplicationConfig 'local-replication'), so its KMS-encrypted backups are never copied; enable it.",
      },
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-backup-bucket-cross-region-replication-local"),
        message:
          "Bucket 'fail-backup-bucket-cross-region-replication-local' does not set rules[0].destination.encryptionConfiguration.replicaKmsKeyId of BucketReplicationConfig 'local-replication', so replicas are not re-encrypted under a customer-managed key; set replicaKmsKeyId to the ARN of a customer-managed aws.kms.Key (a ReplicaKey) in the destination region.",
      },
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-backup-bucket-cross-region-replication-local"),
        message:
          "Bucket 'fail-backup-bucket-cross-region-replication-local' replicates delete markers under rules[0] of BucketReplicationConfig 'local-replication', so a deletion in the source also hides the replica; add a filter and set deleteMarkerReplication to Disabled.",
      },
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-backup-bucket-cross-region-replication-local"),
        message:
          "Bucket 'fail-backup-bucket-cross-region-replication-local' replicates only to buckets in its own region us-east-1, so its backups share the fate of that region; add an aws.s3.BucketReplicationConfig with an Enabled rule to a bucket in another region.",
      },
      {
        policy: POLICY,
        urn: urn(BUCKET, "fail-backup-bucket-cross-region-replication-none"),
        message:
          "Bucket 'fail-backup-bucket-cross-region-replication-none' does not replicate to another bucket, so its backups share the fate of one region; add an aws.s3.BucketReplicationConfig with an Enabled rule to a bucket in another region.",
      },
    ]);
  });

  it("reports a destination outside the stack as a gap: an S3 ARN carries no region", async () => {
    const stack = new FixtureStack();
    const key = stack.add(aws.kms.Key, "replica-key", { enableKeyRotation: true });
    const source = stack.add(aws.s3.Bucket, "gap-outside", backup);
    replicate(stack, source, "gap-outside-replication", {
      filter: {},
      deleteMarkerReplication: { status: "Disabled" },
      sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
      destination: { bucket: "arn:aws:s3:::somewhere-else", encryptionConfiguration: { replicaKmsKeyId: ref(key, "arn") } },
    });
    const gaps = (await check(stack)).filter((v) => v.message.includes(POLICY));
    expect(gaps).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn(BUCKET, "gap-outside"),
        message: expect.stringContaining(
          "- backup-bucket-cross-region-replication: its destination at rules[0].destination of BucketReplicationConfig 'gap-outside-replication' is not a bucket of this stack, and an S3 ARN carries no region.",
        ),
      },
    ]);
  });

  it("reports a bucket as a gap while a replication resource of unknown bucket may be its own", async () => {
    const stack = new FixtureStack();
    stack.add(aws.s3.Bucket, "gap-unreplicated", backup);
    stack.add(aws.s3.BucketReplicationConfig, "unplaced", {
      bucket: unknown(),
      role: "arn:aws:iam::123456789012:role/replication",
      rules: [],
    });
    expect(await check(stack, [POLICY, GAPS])).toEqual([
      {
        policy: GAPS,
        urn: urn(BUCKET, "gap-unreplicated"),
        message:
          "Bucket 'gap-unreplicated': 1 control could not be verified during preview:\n- backup-bucket-cross-region-replication: bucket of BucketReplicationConfig 'unplaced' is unknown during preview.",
      },
    ]);
  });
});
