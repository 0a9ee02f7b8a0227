import { backupBucketFields, enumField, integerField } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { backupBucketSubjects, bucketObjectLock, undecidedBucketOutcome, conflictingSplits, whereSet } from "../../lib/s3/buckets";
import { S3_BUCKET_OBJECT_LOCK } from "../../lib/types";
import { describe } from "../../lib/stackIndex";

// S3 counts a retention year as 365 days.
const DAYS_PER_YEAR = 365;

export const backupBucketObjectLockEnabled = defineStackPolicy(
  {
    name: "backup-bucket-object-lock-enabled",
    description:
      "Every S3 backup bucket must have Object Lock enabled with a default retention in the required mode for at least the configured minimum of days.",
    severity: "high",
    area: "retention",
    nist: ["CP-9"],
    specification: "Backup information is protected from unauthorized modification and deletion for its retention period (CP-9d).",
    remediationSteps:
      'Set objectLockEnabled: true on the aws.s3.Bucket (or enable it on a versioned bucket) and add an aws.s3.BucketObjectLockConfiguration with rule.defaultRetention { mode: "COMPLIANCE", days: 35 } or more. In COMPLIANCE mode nobody, the root user included, can shorten the retention or delete a locked version; GOVERNANCE mode can be bypassed with s3:BypassGovernanceRetention.',
    remediation: {
      notFixed:
        "Object Lock retention in compliance mode cannot be shortened or removed once objects are written, and the default retention is usually a new resource (BucketObjectLockConfiguration).",
    },
    url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html",
    config: {
      minRetentionDays: integerField("Shortest acceptable default retention, in days.", 35, 1, 36500),
      mode: enumField("Required Object Lock mode (COMPLIANCE also satisfies GOVERNANCE).", "COMPLIANCE" as "COMPLIANCE" | "GOVERNANCE", [
        "COMPLIANCE",
        "GOVERNANCE",
      ]),
      ...backupBucketFields,
    },
  },
  {
    subjects: ({ index, config }) => backupBucketSubjects(index, config),
    check(bucket, { index, config }): Outcome {
      const undecided = undecidedBucketOutcome(index, config, bucket);
      if (undecided) return undecided;
      const conflict = conflictingSplits(index, bucket, S3_BUCKET_OBJECT_LOCK);
      if (conflict) return violated(conflict);
      const who = describe(bucket);
      const lock = bucketObjectLock(index, bucket);
      const min = config.minRetentionDays;
      const wanted = `a default retention { mode: "${config.mode}", days: ${min} } or longer`;
      if (lock.state === "unknown") {
        const at = whereSet(bucket, lock);
        return unverifiable(at, `${at} is unknown ${index.unknownWhen}`);
      }
      if (!lock.enabledAt) {
        return violated(
          `${who} does not enable Object Lock, so its objects can be deleted or overwritten at any time; set objectLockEnabled: true on the bucket and add an aws.s3.BucketObjectLockConfiguration with ${wanted}.`,
        );
      }
      const retention = lock.retention;
      if (!retention) {
        return violated(
          `${who} enables Object Lock without a default retention, so new objects are not locked; add an aws.s3.BucketObjectLockConfiguration with ${wanted}.`,
        );
      }
      const at = whereSet(bucket, retention);
      const { mode, days, years } = retention;
      const fieldAt = (name: string) => whereSet(bucket, { source: retention.source, property: `${retention.property}.${name}` });
      for (const [field, name] of [
        [mode, "mode"],
        [days, "days"],
        [years, "years"],
      ] as const) {
        if (field.state === "unknown")
          return unverifiable(`${retention.property}.${name}`, `${fieldAt(name)} is unknown ${index.unknownWhen}`);
        if (field.state === "invalid") return violated(`${who} sets ${fieldAt(name)} to ${field.found}; set ${wanted}.`);
      }
      if (mode.state !== "known" || (mode.value !== config.mode && mode.value !== "COMPLIANCE")) {
        const problem =
          mode.state === "known" && mode.value === "GOVERNANCE"
            ? `sets ${fieldAt("mode")} to GOVERNANCE, which s3:BypassGovernanceRetention can bypass`
            : `does not set a valid ${fieldAt("mode")}`;
        return violated(`${who} ${problem}; set it to ${config.mode}.`);
      }
      const total = days.state === "known" ? days.value : years.state === "known" ? years.value * DAYS_PER_YEAR : undefined;
      if (total === undefined) return violated(`${who} sets no days or years at ${at}; set days to ${min} or more.`);
      if (total < min)
        return violated(`${who} locks objects for ${total} days at ${at}, less than the minimum of ${min}; set days to ${min} or more.`);
      return SATISFIED;
    },
  },
);
