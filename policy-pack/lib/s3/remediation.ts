/**
 * What `remediate` fixes on an S3 bucket from the bucket alone: Remediate sees only the
 * bucket and its provider, so a backup bucket is recognised by its logical name, its
 * own tags and its provider's `defaultTags`.
 */
import type { PropertyFix } from "../remediation";
import { plainField } from "../remediation";
import type { IndexedResource } from "../stackIndex";
import { S3_BUCKET } from "../types";
import { booleanField } from "../values";
import { classifyBucketAlone, inlineVersioningPath, objectLockEnabledOnInputs, type BackupBucketConfig } from "./buckets";

/**
 * Sets the inline versioning block's `enabled: true` (`versioning` of Bucket,
 * `versionings[0]` of BucketV2) on a bucket its own inputs show to be a backup bucket,
 * unless versioning is already on (or Object Lock turned it on at creation). Versioning
 * changes in place; `mfaDelete` and every other field of the block are kept.
 */
export function bucketVersioningFixes(bucket: IndexedResource, config: BackupBucketConfig): PropertyFix[] {
  if (!S3_BUCKET.has(bucket.type)) return [];
  if (classifyBucketAlone(bucket, config) !== "backup") return [];
  if (objectLockEnabledOnInputs(bucket)) return [];
  const path = [...inlineVersioningPath(bucket), "enabled"] as const;
  const enabled = plainField(bucket, path, booleanField);
  if (!enabled || enabled.state === "invalid" || (enabled.state === "known" && enabled.value)) return [];
  return [{ path, value: true }];
}
