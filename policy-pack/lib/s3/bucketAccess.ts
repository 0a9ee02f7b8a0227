import type { IndexedResource, StackIndex } from "../stackIndex";
import { S3_ACCOUNT_PUBLIC_ACCESS_BLOCK, S3_BUCKET_POLICY, S3_BUCKET_PUBLIC_ACCESS_BLOCK } from "../types";
import { booleanField, type Value } from "../values";
import { bucketAttachments } from "./buckets";

/** A bucket policy in force on a bucket, from a `BucketPolicy` or the deprecated inline `policy`. */
export interface BucketPolicySource {
  /** The resource holding the document: a `BucketPolicy`, or the bucket itself. */
  readonly holder: IndexedResource;
  readonly document: Value | undefined;
}

/**
 * The bucket policies in force on a bucket. An `aws.s3.BucketPolicy` replaces the
 * bucket's deprecated inline `policy` (both set the one policy S3 keeps per bucket).
 */
export function bucketPolicies(index: StackIndex, bucket: IndexedResource): BucketPolicySource[] {
  const split = bucketAttachments(index, S3_BUCKET_POLICY).get(bucket.urn) ?? [];
  if (split.length > 0) return split.map((holder) => ({ holder, document: holder.props.policy }));
  const inline = index.setting(bucket, ["policy"]);
  return inline === undefined || inline === "" ? [] : [{ holder: bucket, document: inline }];
}

/** The four settings of S3 Block Public Access. */
export const PUBLIC_ACCESS_SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
export type PublicAccessSetting = (typeof PUBLIC_ACCESS_SETTINGS)[number];

/** One setting as the stack leaves it on a bucket; `on` without `by` is S3's default. */
export type SettingState =
  | { readonly state: "on"; readonly by?: IndexedResource }
  | { readonly state: "off"; readonly by: IndexedResource }
  | { readonly state: "unknown"; readonly by: IndexedResource };

/**
 * The effective Block Public Access settings of a bucket. Since April 2023 S3 turns all
 * four on for every new bucket, so a bucket without a `BucketPublicAccessBlock` has them
 * on; one with it has what it sets (an unset setting is false, as the resource writes
 * the whole configuration). An `AccountPublicAccessBlock` of the stack can only add:
 * S3 applies the stricter of the account's and the bucket's settings.
 */
export function publicAccessSettings(index: StackIndex, bucket: IndexedResource): Record<PublicAccessSetting, SettingState> {
  const own = bucketAttachments(index, S3_BUCKET_PUBLIC_ACCESS_BLOCK).get(bucket.urn) ?? [];
  const accountBlocks = index.ofType(S3_ACCOUNT_PUBLIC_ACCESS_BLOCK);
  const out = {} as Record<PublicAccessSetting, SettingState>;
  for (const setting of PUBLIC_ACCESS_SETTINGS) {
    // Without a block of its own, the bucket keeps S3's default; with one, it has what the block sets.
    let state: SettingState = { state: "on" };
    for (const [i, block] of (own.length > 0 ? [...own, ...accountBlocks] : []).entries()) {
      const value = booleanField(index.setting(block, [setting]));
      if (value.state === "known" && value.value) {
        state = { state: "on", by: block };
        break;
      }
      if (value.state === "unknown") state = { state: "unknown", by: block };
      else if (i === 0) state = { state: "off", by: block };
    }
    out[setting] = state;
  }
  return out;
}
