/**
 * What `remediate` fixes on a KMS key from the key alone. At Remediate time the stores
 * that use a key are not registered yet, so whether it is a backup key is unknown: the
 * fixes apply to every key they suit, since each is harmless for any key. Rotation keeps
 * every earlier key material (nothing encrypted becomes unreadable), and a longer
 * deletion window only delays a deletion someone schedules. Both change in place.
 */
import type { PropertyFix } from "../remediation";
import { plainField } from "../remediation";
import type { IndexedResource } from "../stackIndex";
import { KMS_CUSTOMER_KEY, KMS_KEY } from "../types";
import { booleanField, numberField, stringField } from "../values";

// AWS rotates a key yearly unless rotationPeriodInDays says otherwise, and waits 30 days before deleting one.
const AWS_DEFAULT_ROTATION_DAYS = 365;
const AWS_DEFAULT_DELETION_WINDOW_DAYS = 30;

/**
 * True when the key's own inputs show a symmetric encryption key in AWS KMS's own key
 * store, the only keys AWS rotates automatically: every spec, usage and key store
 * input absent or known (not unknown, not a secret) and saying so.
 */
function rotatableAlone(key: IndexedResource): boolean {
  if (!KMS_KEY.has(key.type)) return false; // replicas follow their primary; imported material never rotates
  for (const property of ["keySpec", "customerMasterKeySpec"]) {
    const spec = plainField(key, [property], stringField);
    if (!spec || spec.state === "invalid") return false;
    if (spec.state === "known" && spec.value !== "" && spec.value !== "SYMMETRIC_DEFAULT") return false;
  }
  const usage = plainField(key, ["keyUsage"], stringField);
  if (!usage || usage.state === "invalid" || (usage.state === "known" && usage.value !== "" && usage.value !== "ENCRYPT_DECRYPT")) {
    return false;
  }
  const store = plainField(key, ["customKeyStoreId"], stringField);
  if (store === undefined || store.state === "invalid" || (store.state === "known" && store.value !== "")) return false;
  // KMS refuses EnableKeyRotation on a disabled key (DisabledException), so turning rotation
  // on there would fail the update instead of fixing it.
  const enabled = plainField(key, ["isEnabled"], booleanField);
  return enabled !== undefined && enabled.state !== "invalid" && !(enabled.state === "known" && !enabled.value);
}

/**
 * Turns automatic rotation on (`enableKeyRotation: true`) and lowers a rotation period
 * longer than `maxRotationDays` (AWS's 365 when unset) to it, on an `aws.kms.Key` its
 * inputs show to be symmetric. A secret, unknown or malformed `enableKeyRotation` leaves
 * the key alone; such a `rotationPeriodInDays` is left as it is.
 */
export function keyRotationFixes(key: IndexedResource, maxRotationDays: number): PropertyFix[] {
  if (!rotatableAlone(key)) return [];
  const enabled = plainField(key, ["enableKeyRotation"], booleanField);
  if (!enabled || enabled.state === "invalid") return [];
  const fixes: PropertyFix[] = [];
  if (!(enabled.state === "known" && enabled.value)) fixes.push({ path: ["enableKeyRotation"], value: true });
  const period = plainField(key, ["rotationPeriodInDays"], numberField);
  if (period && period.state !== "invalid") {
    const days = period.state === "known" ? period.value : AWS_DEFAULT_ROTATION_DAYS;
    if (days > maxRotationDays) fixes.push({ path: ["rotationPeriodInDays"], value: maxRotationDays });
  }
  return fixes;
}

/**
 * Raises a known `deletionWindowInDays` shorter than `minDeletionWindowDays` to it on any
 * customer-managed key (Key, ReplicaKey, ExternalKey, ReplicaExternalKey). Unset is
 * AWS's 30 days, the most a window can be, so it needs nothing.
 */
export function deletionWindowFixes(key: IndexedResource, minDeletionWindowDays: number): PropertyFix[] {
  if (!KMS_CUSTOMER_KEY.has(key.type)) return [];
  const window = plainField(key, ["deletionWindowInDays"], numberField);
  if (!window || window.state === "invalid") return [];
  const days = window.state === "known" ? window.value : AWS_DEFAULT_DELETION_WINDOW_DAYS;
  return days < minDeletionWindowDays ? [{ path: ["deletionWindowInDays"], value: minDeletionWindowDays }] : [];
}
