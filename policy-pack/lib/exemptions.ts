import type { Exemption } from "./config";
import { globMatches } from "./glob";

export type ExemptionStatus =
  | { readonly state: "none" }
  | { readonly state: "exempt"; readonly exemption: Exemption }
  | { readonly state: "expired"; readonly exemption: Exemption };

function appliesTo(exemption: Exemption, resource: { urn: string; name: string }): boolean {
  return exemption.resource === resource.urn || globMatches(exemption.resource, resource.name);
}

/**
 * Whether a resource is exempt from a policy. An exemption lapses at the end of its
 * `expires` day (UTC); a lapsed one is remembered so the message can say so.
 */
export function exemptionStatus(exemptions: readonly Exemption[], resource: { urn: string; name: string }, now: Date): ExemptionStatus {
  let expired: Exemption | undefined;
  for (const exemption of exemptions) {
    if (!appliesTo(exemption, resource)) continue;
    const lapses = exemption.expires === undefined ? Infinity : Date.parse(exemption.expires) + 24 * 3600 * 1000;
    if (now.getTime() < lapses) return { state: "exempt", exemption };
    expired ??= exemption;
  }
  return expired ? { state: "expired", exemption: expired } : { state: "none" };
}
