import { backupBucketFields, integerField } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import {
  backupBucketSubjects,
  bucketLifecycleRules,
  undecidedBucketOutcome,
  conflictingSplits,
  whereSet,
  type LifecycleRuleView,
} from "../../lib/s3/buckets";
import { S3_BUCKET_LIFECYCLE } from "../../lib/types";
import { describe, type IndexedResource, type StackIndex } from "../../lib/stackIndex";
import { ABSENT, type Field } from "../../lib/values";

function unsetWhenZero(field: Field<number>): Field<number> {
  return field.state === "known" && field.value === 0 ? ABSENT : field;
}

function ruleOutcomes(index: StackIndex, bucket: IndexedResource, rule: LifecycleRuleView, min: number): Outcome[] {
  const who = describe(bucket);
  const at = (property: string) => whereSet(bucket, { source: rule.source, property });
  const found: Outcome[] = [];
  // The provider sends no 0-day expiration (S3 takes positive days only): 0 expires nothing.
  const { currentDate } = rule;
  const currentDays = unsetWhenZero(rule.currentDays);
  const noncurrentDays = unsetWhenZero(rule.noncurrentDays);
  for (const [field, property] of [
    [currentDays, rule.currentDaysProperty],
    [noncurrentDays, rule.noncurrentDaysProperty],
  ] as const) {
    if (field.state === "unknown") found.push(unverifiable(at(property), `${at(property)} is unknown ${index.unknownWhen}`));
    else if (field.state === "invalid")
      found.push(violated(`${who} sets ${at(property)} to ${field.found}; set it to ${min} days or more.`));
  }
  if (currentDays.state === "known" && currentDays.value < min) {
    found.push(
      violated(
        `${who} expires current object versions after ${currentDays.value} days at ${at(rule.currentDaysProperty)}, less than the minimum of ${min}; set it to ${min} or more, or remove the expiration.`,
      ),
    );
  }
  if (currentDate.state === "unknown")
    found.push(
      unverifiable(at(`${rule.property}.expiration.date`), `the expiration date of ${at(rule.property)} is unknown ${index.unknownWhen}`),
    );
  else if (currentDate.state === "known" && currentDate.value !== "") {
    found.push(
      violated(
        `${who} expires current object versions on a fixed date at ${at(rule.property)}, whatever their age; expire by days (${min} or more) instead.`,
      ),
    );
  }
  if (noncurrentDays.state === "known" && noncurrentDays.value < min) {
    found.push(
      violated(
        `${who} deletes noncurrent object versions after ${noncurrentDays.value} days at ${at(rule.noncurrentDaysProperty)}, less than the minimum of ${min}; set it to ${min} or more.`,
      ),
    );
  }
  return found;
}

export const backupBucketLifecycleRetention = defineStackPolicy(
  {
    name: "backup-bucket-lifecycle-retention",
    description:
      "No enabled lifecycle rule of an S3 backup bucket must expire current or noncurrent object versions before the configured minimum of days.",
    severity: "medium",
    area: "retention",
    nist: ["SI-12", "CP-9"],
    specification: "Backup information is retained for the period the organization defines, and not deleted before (SI-12, CP-9).",
    remediationSteps:
      "In the bucket's aws.s3.BucketLifecycleConfiguration (or inline lifecycleRules), set expiration.days and noncurrentVersionExpiration.noncurrentDays to at least the configured minimum, or remove them; do not expire backups on a fixed date.",
    remediation: {
      notFixed:
        "a lifecycle expiration is a retention and cost decision, and the rules are usually a separate BucketLifecycleConfiguration resource.",
    },
    url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html",
    config: {
      minRetentionDays: integerField("Shortest acceptable age, in days, at which a lifecycle rule may expire a version.", 35, 1, 36500),
      ...backupBucketFields,
    },
  },
  {
    subjects: ({ index, config }) => backupBucketSubjects(index, config),
    check(bucket, { index, config }): Outcome | Outcome[] {
      const undecided = undecidedBucketOutcome(index, config, bucket);
      if (undecided) return undecided;
      const conflict = conflictingSplits(index, bucket, S3_BUCKET_LIFECYCLE);
      if (conflict) return violated(conflict);
      const rules = bucketLifecycleRules(index, bucket);
      if (!Array.isArray(rules)) {
        const at = whereSet(bucket, rules);
        return unverifiable(at, `${at} is unknown ${index.unknownWhen}`);
      }
      const outcomes: Outcome[] = [SATISFIED];
      for (const rule of rules) {
        const found = ruleOutcomes(index, bucket, rule, config.minRetentionDays);
        if (found.length === 0 || (rule.enabled.state === "known" && !rule.enabled.value)) continue;
        if (rule.enabled.state === "unknown" && found.some((outcome) => outcome.status === "violated")) {
          const at = whereSet(bucket, { source: rule.source, property: rule.enabledProperty });
          outcomes.push(unverifiable(at, `${at} is unknown ${index.unknownWhen}, and the rule would expire versions too early`));
          continue;
        }
        outcomes.push(...found);
      }
      return outcomes;
    },
  },
);
