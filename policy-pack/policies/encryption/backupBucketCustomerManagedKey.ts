import { backupBuckets, bucketEncryption, conflictingSplits, type BackupBucketConfig, type BucketEncryption } from "../../lib/s3/buckets";
import { S3_BUCKET, S3_BUCKET_ENCRYPTION } from "../../lib/types";
import { backupBucketFields, keyCustodyFields } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { keyCustodyOutcome, resolveKeyReference, type KeyCustodyConfig } from "../../lib/kms/keys";
import { unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe, type IndexedResource, type StackIndex } from "../../lib/stackIndex";
import { isSecret, stringField } from "../../lib/values";

const KMS_ALGORITHMS: ReadonlySet<string> = new Set(["aws:kms", "aws:kms:dsse"]);
const REMEDY = "set sseAlgorithm to aws:kms (or aws:kms:dsse) and kmsMasterKeyId to the ARN of a customer-managed aws.kms.Key";

/** `rules[0]…sseAlgorithm of BucketServerSideEncryptionConfiguration 'x'`, or the inline path. */
function where(bucket: IndexedResource, rule: BucketEncryption, path: string): string {
  return rule.source === bucket ? path : `${path} of ${describe(rule.source)}`;
}

function ruleOutcome(index: StackIndex, bucket: IndexedResource, rule: BucketEncryption, config: KeyCustodyConfig): Outcome {
  const algorithmAt = where(bucket, rule, rule.algorithmProperty);
  const algorithm = stringField(rule.algorithm);
  if (algorithm.state === "unknown") {
    return unverifiable(rule.algorithmProperty, `${algorithmAt} is unknown ${index.unknownWhen}`);
  }
  if (algorithm.state !== "known") {
    return violated(`${describe(bucket)} has no sseAlgorithm at ${algorithmAt}; ${REMEDY}.`);
  }
  if (algorithm.value === "AES256") {
    return violated(`${describe(bucket)} is encrypted with SSE-S3 (AES256, keys held by AWS) at ${algorithmAt}; ${REMEDY}.`);
  }
  if (!KMS_ALGORITHMS.has(algorithm.value)) {
    return violated(`${describe(bucket)} sets ${algorithmAt} to an algorithm S3 does not support; ${REMEDY}.`);
  }
  const reference = resolveKeyReference(index, rule.source, rule.edgeProperty, rule.key);
  return keyCustodyOutcome(
    reference,
    {
      resource: bucket,
      property: where(bucket, rule, rule.keyProperty),
      defaultKey: "the AWS-managed key alias/aws/s3",
      remedy: "set kmsMasterKeyId to the ARN of a customer-managed aws.kms.Key",
      secret: isSecret(rule.source.props, [rule.edgeProperty]),
    },
    config,
    index.unknownWhen,
  );
}

/**
 * The notice for a stack whose S3 buckets match neither backupBucketTags nor
 * backupBucketNamePatterns: no bucket control looked at them, which is right only if
 * none of them holds backups.
 */
function untaggedBuckets(index: StackIndex, config: BackupBucketConfig): Outcome {
  const buckets = index.ofType(S3_BUCKET);
  const named = buckets.slice(0, 3).map(describe).join(", ") + (buckets.length > 3 ? `, and ${buckets.length - 3} more` : "");
  const count = buckets.length === 1 ? "1 S3 bucket" : `${buckets.length} S3 buckets`;
  return unverifiable(
    "backupBucketTags",
    `the stack has ${count} (${named}) and none carries a tag of backupBucketTags (${JSON.stringify(config.backupBucketTags)}) or has a name matching backupBucketNamePatterns, so no backup-bucket control checked ${buckets.length === 1 ? "it" : "them"}; if one holds backups, tag it (for example purpose=backup) or set backupBucketTags or backupBucketNamePatterns in the policy configuration`,
  );
}

export const backupBucketCustomerManagedKey = defineStackPolicy(
  {
    name: "backup-bucket-customer-managed-key",
    description:
      "Every S3 backup bucket must default-encrypt objects with SSE-KMS (aws:kms or aws:kms:dsse) under a customer-managed KMS key.",
    severity: "high",
    area: "encryption",
    nist: ["SC-28(1)", "CP-9(8)"],
    specification: "Backup information at rest is protected by cryptography under keys the organization controls (CP-9(8), SC-28(1)).",
    references: ["HIPAA 164.312(a)(2)(iv)", "FTC Safeguards 16 CFR 314.4(c)(3)"],
    remediationSteps:
      'Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with applyServerSideEncryptionByDefault { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn } where key is a customer-managed aws.kms.Key, and bucketKeyEnabled: true to keep KMS request costs down.',
    remediation: {
      notFixed:
        "which key encrypts the bucket is the customer's choice (its key policy must let the bucket's writers use it), and default encryption is usually a separate BucketServerSideEncryptionConfiguration that Remediate sees without its bucket.",
    },
    url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
    config: { ...keyCustodyFields, ...backupBucketFields },
  },
  {
    subjects({ index, config }) {
      const buckets = backupBuckets(index, config);
      const subjects = [...[...buckets.byUrn.values()].map((entry) => entry.bucket), ...buckets.undecidable];
      // Buckets, none of them a backup bucket: most often nobody tagged them. Said once, on the stack.
      const root = index.resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
      if (subjects.length === 0 && root && index.ofType(S3_BUCKET).length > 0) subjects.push(root);
      return subjects;
    },
    check(bucket, { index, config }) {
      if (!S3_BUCKET.has(bucket.type)) return untaggedBuckets(index, config);
      if (!backupBuckets(index, config).byUrn.has(bucket.urn)) {
        return unverifiable("tags", `its tags are unknown ${index.unknownWhen}, so whether it is a backup bucket cannot be decided`);
      }
      const conflict = conflictingSplits(index, bucket, S3_BUCKET_ENCRYPTION);
      if (conflict) return violated(conflict);
      const rules = bucketEncryption(index, bucket);
      if (rules === undefined) {
        return unverifiable("serverSideEncryptionConfiguration", `its default encryption is unknown ${index.unknownWhen}`);
      }
      if (rules.length === 0) {
        return violated(
          `${describe(bucket)} has no default encryption configuration, so S3 encrypts it with SSE-S3 (keys held by AWS); add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms (or aws:kms:dsse) and kmsMasterKeyId set to the ARN of a customer-managed aws.kms.Key.`,
        );
      }
      return rules.map((rule) => ruleOutcome(index, bucket, rule, config));
    },
  },
);
