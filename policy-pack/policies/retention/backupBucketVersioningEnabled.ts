import { backupBucketFields, booleanField } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { backupBucketSubjects, bucketVersioning, conflictingSplits, undecidedBucketOutcome, whereSet } from "../../lib/s3/buckets";
import { bucketVersioningFixes } from "../../lib/s3/remediation";
import { describe } from "../../lib/stackIndex";
import { S3_BUCKET, S3_BUCKET_VERSIONING } from "../../lib/types";

const REMEDY = 'add an aws.s3.BucketVersioning for the bucket with versioningConfiguration.status: "Enabled"';

export const backupBucketVersioningEnabled = defineStackPolicy(
  {
    name: "backup-bucket-versioning-enabled",
    description:
      "Every S3 backup bucket must have versioning Enabled, so that an overwrite or delete keeps the previous version, with MFA delete when configured.",
    severity: "high",
    area: "retention",
    nist: ["CP-9"],
    specification: "The confidentiality, integrity and availability of backup information are protected (CP-9d).",
    remediationSteps:
      'Add an aws.s3.BucketVersioning with bucket: bucket.id and versioningConfiguration: { status: "Enabled" } (and mfaDelete: "Enabled" when requireMfaDelete is set; MFA delete can only be enabled by the root user with its MFA device). Versioning can be suspended but never turned off once enabled, and Object Lock requires it.',
    remediation: {
      fixes:
        "on an aws.s3.Bucket or BucketV2 that its own inputs (logical name, tags, its provider's defaultTags) show to be a backup bucket, the inline versioning block (versioning; versionings[0] on BucketV2) is set to enabled: true unless versioning is already on; it changes in place, and mfaDelete is kept. A split aws.s3.BucketVersioning is not changed: Remediate sees it without its bucket (whose id is unknown at preview), so it cannot tell a backup bucket's from another's. A bucket that is a backup bucket only as a replication destination, or whose tags are unknown, is not changed, and MFA delete (only the root user's MFA device can turn it on) is never set.",
    },
    url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html",
    config: {
      requireMfaDelete: booleanField("Also require MFA delete on every backup bucket.", false),
      ...backupBucketFields,
    },
  },
  {
    remediate: { resourceTypes: S3_BUCKET, fixes: (bucket, { config }) => bucketVersioningFixes(bucket, config) },
    subjects: ({ index, config }) => backupBucketSubjects(index, config),
    check(bucket, { index, config }): Outcome {
      const undecided = undecidedBucketOutcome(index, config, bucket);
      if (undecided) return undecided;
      const conflict = conflictingSplits(index, bucket, S3_BUCKET_VERSIONING);
      if (conflict) return violated(conflict);
      const who = describe(bucket);
      const versioning = bucketVersioning(index, bucket);
      const at = whereSet(bucket, versioning);
      if (versioning.state === "unknown") return unverifiable(at, `${at} is unknown ${index.unknownWhen}`);
      if (versioning.state === "invalid") return violated(`${who} sets ${at} to ${versioning.found}; ${REMEDY}.`);
      if (versioning.status === "Suspended") {
        return violated(
          `${who} suspends versioning at ${at}, so an overwrite or delete destroys the only copy of an object; set it to Enabled.`,
        );
      }
      if (versioning.status === "Disabled") {
        return violated(`${who} does not enable versioning, so an overwrite or delete destroys the only copy of an object; ${REMEDY}.`);
      }
      if (!config.requireMfaDelete) return SATISFIED;
      const mfaAt = whereSet(bucket, { source: versioning.source, property: versioning.mfaDeleteProperty });
      if (versioning.mfaDelete.state === "unknown") return unverifiable(mfaAt, `${mfaAt} is unknown ${index.unknownWhen}`);
      if (versioning.mfaDelete.state === "known" && versioning.mfaDelete.value) return SATISFIED;
      return violated(`${who} does not enable MFA delete (${mfaAt}); enable it with the root user's MFA device.`);
    },
  },
);
