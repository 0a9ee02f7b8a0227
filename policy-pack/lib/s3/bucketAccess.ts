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

/** One setting as the stack leaves it on a bucket. */
export type SettingState =
  | { readonly state: "on"; readonly by: IndexedResource }
  | { readonly state: "off"; readonly by?: IndexedResource }
  | { readonly state: "unknown"; readonly by: IndexedResource };

/**
 * The effective Block Public Access settings of a bucket: a setting is on when its
 * `BucketPublicAccessBlock` or an `AccountPublicAccessBlock` of the stack turns it on
 * (S3 applies the most restrictive of the two).
 */
export function publicAccessSettings(index: StackIndex, bucket: IndexedResource): Record<PublicAccessSetting, SettingState> {
  const blocks = [
    ...(bucketAttachments(index, S3_BUCKET_PUBLIC_ACCESS_BLOCK).get(bucket.urn) ?? []),
    ...index.ofType(S3_ACCOUNT_PUBLIC_ACCESS_BLOCK),
  ];
  const out = {} as Record<PublicAccessSetting, SettingState>;
  for (const setting of PUBLIC_ACCESS_SETTINGS) {
    let state: SettingState = { state: "off" };
    for (const block of blocks) {
      const value = booleanField(index.setting(block, [setting]));
      if (value.state === "known" && value.value) {
        state = { state: "on", by: block };
        break;
      }
      if (value.state === "unknown") state = { state: "unknown", by: block };
      else if (state.state === "off" && !state.by) state = { state: "off", by: block };
    }
    out[setting] = state;
  }
  return out;
}

/** The `BucketPublicAccessBlock` resources of a bucket. */
export function publicAccessBlocksOf(index: StackIndex, bucket: IndexedResource): readonly IndexedResource[] {
  return bucketAttachments(index, S3_BUCKET_PUBLIC_ACCESS_BLOCK).get(bucket.urn) ?? [];
}
