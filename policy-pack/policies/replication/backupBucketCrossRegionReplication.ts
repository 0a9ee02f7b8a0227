import { backupBucketFields, booleanField, keyCustodyFields } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { keyCustodyOutcome, resolveKeyReference, type KeyCustodyConfig } from "../../lib/kms/keys";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { regionOf } from "../../lib/regions";
import {
  backupBucketSubjects,
  bucketReplicationRules,
  replicaBuckets,
  undecidedBucketOutcome,
  conflictingSplits,
  whereSet,
  type ReplicationRuleView,
} from "../../lib/s3/buckets";
import { S3_BUCKET_REPLICATION } from "../../lib/types";
import { describe, type IndexedResource, type StackIndex } from "../../lib/stackIndex";

const KEY_REMEDY = "set replicaKmsKeyId to the ARN of a customer-managed aws.kms.Key (a ReplicaKey) in the destination region";

/** Whether a rule's destination is in another region: `true`, `false`, or why it cannot be told. */
function crossRegion(index: StackIndex, bucket: IndexedResource, rule: ReplicationRuleView, home: string): boolean | Outcome {
  const at = whereSet(bucket, { source: rule.source, property: `${rule.property}.destination` });
  if (rule.destinations.length === 0) {
    // S3 ARNs carry no region: a bucket outside the stack cannot be placed.
    return unverifiable(at, `its destination at ${at} is not a bucket of this stack, and an S3 ARN carries no region`);
  }
  for (const destination of rule.destinations) {
    const region = regionOf(index, destination);
    if (region.state === "unknown") return unverifiable(at, region.reason);
    if (region.region === home) return false;
  }
  return true;
}

function ruleChecks(index: StackIndex, bucket: IndexedResource, rule: ReplicationRuleView, config: ReplicationConfig): Outcome[] {
  const who = describe(bucket);
  const out: Outcome[] = [];
  const markersAt = whereSet(bucket, { source: rule.source, property: rule.deleteMarkerProperty });
  if (!config.replicateDeleteMarkers) {
    const markers = rule.replicatesDeleteMarkers;
    if (markers.state === "unknown")
      out.push(unverifiable(markersAt, `whether ${whereSet(bucket, rule)} replicates delete markers is unknown ${index.unknownWhen}`));
    else if (markers.state === "known" && markers.value) {
      out.push(
        violated(
          `${who} replicates delete markers under ${whereSet(bucket, rule)}, so a deletion in the source also hides the replica; add a filter and set deleteMarkerReplication to Disabled.`,
        ),
      );
    }
  }
  const kmsAt = whereSet(bucket, { source: rule.source, property: rule.kmsObjectsProperty });
  const kms = rule.replicatesKmsObjects;
  if (kms.state === "unknown") out.push(unverifiable(kmsAt, `${kmsAt} is unknown ${index.unknownWhen}`));
  else if (kms.state !== "known" || !kms.value) {
    out.push(
      violated(
        `${who} does not replicate objects encrypted with SSE-KMS (${kmsAt}), so its KMS-encrypted backups are never copied; enable it.`,
      ),
    );
  }
  const keyAt = whereSet(bucket, { source: rule.source, property: rule.replicaKeyProperty });
  const reference = resolveKeyReference(index, rule.source, rule.edgeProperty, rule.replicaKey);
  if (reference.kind === "omitted") {
    out.push(violated(`${who} does not set ${keyAt}, so replicas are not re-encrypted under a customer-managed key; ${KEY_REMEDY}.`));
  } else {
    out.push(
      keyCustodyOutcome(
        reference,
        { resource: bucket, property: keyAt, defaultKey: "no key", remedy: KEY_REMEDY },
        config,
        index.unknownWhen,
      ),
    );
  }
  return out;
}

const fields = {
  replicateDeleteMarkers: booleanField("Allow replication rules to replicate delete markers.", false),
  ...keyCustodyFields,
  ...backupBucketFields,
};
interface ReplicationConfig extends KeyCustodyConfig {
  readonly replicateDeleteMarkers: boolean;
}

export const backupBucketCrossRegionReplication = defineStackPolicy(
  {
    name: "backup-bucket-cross-region-replication",
    description:
      "Every S3 backup bucket must replicate, with an enabled rule, to a bucket in another region, re-encrypt the replicas with a customer-managed KMS key, and not replicate delete markers.",
    severity: "high",
    area: "replication",
    nist: ["CP-6(1)", "CP-9(3)"],
    specification:
      "Backup copies are kept at an alternate site far enough from the primary that both are not affected by the same event (CP-6(1), CP-9(3)).",
    remediationSteps:
      'Add an aws.s3.BucketReplicationConfig for the backup bucket with an Enabled rule whose destination.bucket is a versioned bucket created in another region (region set, or an explicit aws.Provider), with a filter, deleteMarkerReplication { status: "Disabled" }, sourceSelectionCriteria.sseKmsEncryptedObjects { status: "Enabled" } and destination.encryptionConfiguration.replicaKmsKeyId set to a customer-managed key of that region (an aws.kms.ReplicaKey).',
    remediation: {
      notFixed: "replication needs a destination bucket, a replication role and a replica key, new resources only the customer can choose.",
    },
    url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html",
    config: fields,
  },
  {
    // Replicas are backup buckets too, but need not replicate again.
    subjects: ({ index, config }) => {
      const replicas = replicaBuckets(index, config);
      return backupBucketSubjects(index, config).filter((bucket) => !replicas.has(bucket.urn));
    },
    check(bucket, { index, config }): Outcome | Outcome[] {
      const undecided = undecidedBucketOutcome(index, config, bucket);
      if (undecided) return undecided;
      const conflict = conflictingSplits(index, bucket, S3_BUCKET_REPLICATION);
      if (conflict) return violated(conflict);
      const who = describe(bucket);
      const rules = bucketReplicationRules(index, bucket);
      if (!Array.isArray(rules)) {
        const at = whereSet(bucket, rules);
        return unverifiable(at, `${at} is unknown ${index.unknownWhen}`);
      }
      const remedy = "add an aws.s3.BucketReplicationConfig with an Enabled rule to a bucket in another region";
      const enabled: ReplicationRuleView[] = [];
      let pending: Outcome | undefined;
      for (const rule of rules) {
        if (rule.enabled.state === "unknown") {
          const at = whereSet(bucket, { source: rule.source, property: `${rule.property}.status` });
          pending ??= unverifiable(at, `${at} is unknown ${index.unknownWhen}`);
        } else if (rule.enabled.state === "known" && rule.enabled.value) enabled.push(rule);
      }
      if (enabled.length === 0) {
        if (pending) return pending;
        return violated(`${who} does not replicate to another bucket, so its backups share the fate of one region; ${remedy}.`);
      }
      const home = regionOf(index, bucket);
      if (home.state === "unknown") return unverifiable("region", home.reason);
      const outcomes: Outcome[] = enabled.flatMap((rule) => ruleChecks(index, bucket, rule, config));
      let crosses = false;
      for (const rule of enabled) {
        const verdict = crossRegion(index, bucket, rule, home.region);
        if (verdict === true) crosses = true;
        else if (verdict !== false) pending ??= verdict;
      }
      if (crosses) return [SATISFIED, ...outcomes];
      if (pending) return [pending, ...outcomes];
      return [
        violated(
          `${who} replicates only to buckets in its own region ${home.region}, so its backups share the fate of that region; ${remedy}.`,
        ),
        ...outcomes,
      ];
    },
  },
);
