/**
 * EBS encryption by default, per account and region: `aws.ebs.EncryptionByDefault`
 * makes EC2 encrypt every new volume (an unencrypted one cannot be created), and
 * `aws.ebs.DefaultKmsKey` names the key a volume without its own `kmsKeyId` is
 * encrypted with (else the AWS-managed `alias/aws/ebs`). Both apply to the volumes of
 * their own region, which is read as `lib/regions` reads it.
 */
import { regionOf } from "../regions";
import type { IndexedResource, StackIndex } from "../stackIndex";
import { EBS_DEFAULT_KMS_KEY, EBS_ENCRYPTION_BY_DEFAULT } from "../types";
import { booleanField } from "../values";

export type EbsDefault<T> =
  | { readonly state: "none" }
  | { readonly state: "found"; readonly value: T }
  | { readonly state: "unknown"; readonly property: string; readonly reason: string };

/** The settings of the stack that apply to the volume's region, or why that is unknown. */
function inRegionOf(index: StackIndex, volume: IndexedResource, settings: readonly IndexedResource[]): EbsDefault<IndexedResource[]> {
  if (settings.length === 0) return { state: "none" };
  const home = regionOf(index, volume);
  if (home.state === "unknown") return { state: "unknown", property: "region", reason: home.reason };
  const found: IndexedResource[] = [];
  for (const setting of settings) {
    const region = regionOf(index, setting);
    if (region.state === "unknown") return { state: "unknown", property: "region", reason: region.reason };
    if (region.region === home.region) found.push(setting);
  }
  return found.length > 0 ? { state: "found", value: found } : { state: "none" };
}

/** Whether EBS encryption by default is on in the volume's region (`enabled` defaults to true). */
export function encryptionByDefault(index: StackIndex, volume: IndexedResource): EbsDefault<IndexedResource> {
  const settings = inRegionOf(index, volume, index.ofType(EBS_ENCRYPTION_BY_DEFAULT));
  if (settings.state !== "found") return settings;
  for (const setting of settings.value) {
    const enabled = booleanField(index.setting(setting, ["enabled"]));
    if (enabled.state === "unknown") {
      return {
        state: "unknown",
        property: "enabled",
        reason: `enabled of EncryptionByDefault '${setting.name}' is unknown ${index.unknownWhen}`,
      };
    }
    if (enabled.state !== "known" || enabled.value) return { state: "found", value: setting };
  }
  return { state: "none" };
}

/** The `aws.ebs.DefaultKmsKey` of the volume's region, if the stack sets one. */
export function defaultEbsKey(index: StackIndex, volume: IndexedResource): EbsDefault<IndexedResource> {
  const settings = inRegionOf(index, volume, index.ofType(EBS_DEFAULT_KMS_KEY));
  return settings.state === "found" ? { state: "found", value: settings.value[0]! } : settings;
}
