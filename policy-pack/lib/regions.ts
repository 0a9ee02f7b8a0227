/**
 * The AWS region a resource lives in: its own `region` argument (`@pulumi/aws` 7
 * resources take one), else its provider's `region` (an explicit provider, or the
 * default provider configured by `aws:region`). ARNs carry their own region, except
 * S3's, which is why a bucket's region is read from the bucket resource.
 */
import { describe, type IndexedResource, type StackIndex } from "./stackIndex";
import { stringField } from "./values";

export type Region = { readonly state: "known"; readonly region: string } | { readonly state: "unknown"; readonly reason: string };

export function regionOf(index: StackIndex, resource: IndexedResource): Region {
  const own = stringField(index.setting(resource, ["region"]));
  if (own.state === "known" && own.value !== "") return { state: "known", region: own.value };
  if (own.state === "unknown") return { state: "unknown", reason: `the region of ${describe(resource)} is unknown ${index.unknownWhen}` };
  const region = stringField(resource.provider?.props.region);
  if (region.state === "known" && region.value !== "") return { state: "known", region: region.value };
  return { state: "unknown", reason: `the region of ${describe(resource)}'s provider is unknown ${index.unknownWhen}` };
}
