import { backupBucketFields, booleanField } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { backupBucketSubjects, bucketVersioning, undecidedBucketOutcome, whereSet } from "../../lib/s3/buckets";
import { describe } from "../../lib/stackIndex";

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
    url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html",
    config: {
      requireMfaDelete: booleanField("Also require MFA delete on every backup bucket.", false),
      ...backupBucketFields,
    },
  },
  {
    subjects: ({ index, config }) => backupBucketSubjects(index, config),
    check(bucket, { index, config }): Outcome {
      const undecided = undecidedBucketOutcome(index, config, bucket);
      if (undecided) return undecided;
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
