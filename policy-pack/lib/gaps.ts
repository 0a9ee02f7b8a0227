/** One control that could not be verified on one resource during preview. */
export interface Gap {
  readonly policy: string;
  readonly property: string;
  readonly reason: string;
}

/**
 * What the policies could not verify in this run, for `preview-verification-gaps`.
 * The engine runs every resource policy (Analyze) before the stack policies
 * (AnalyzeStack, in list order), so the gaps policy, listed last, sees every other
 * policy's gaps. Entries are replaced on each run of a policy, so the ledger never
 * holds more than one entry per policy and resource.
 */
export class GapLedger {
  private readonly fromStackPolicies = new Map<string, Map<string, Gap[]>>();
  private readonly fromResourcePolicies = new Map<string, Map<string, Gap[]>>();

  /** Replaces everything a stack policy recorded with this run's gaps (by resource URN). */
  recordStackRun(policy: string, gapsByUrn: ReadonlyMap<string, Gap[]>): void {
    this.fromStackPolicies.set(policy, new Map(gapsByUrn));
  }

  /** Replaces what a resource policy recorded for one resource. */
  recordResourceRun(policy: string, urn: string, gaps: Gap[]): void {
    let byPolicy = this.fromResourcePolicies.get(urn);
    if (!byPolicy) {
      if (gaps.length === 0) return;
      byPolicy = new Map();
      this.fromResourcePolicies.set(urn, byPolicy);
    }
    if (gaps.length === 0) byPolicy.delete(policy);
    else byPolicy.set(policy, gaps);
  }

  /** Every gap recorded for a resource, ordered by policy name. */
  gapsFor(urn: string): Gap[] {
    const out: Gap[] = [];
    for (const gaps of this.fromResourcePolicies.get(urn)?.values() ?? []) out.push(...gaps);
    for (const byUrn of this.fromStackPolicies.values()) out.push(...(byUrn.get(urn) ?? []));
    return out.sort((a, b) => a.policy.localeCompare(b.policy) || a.property.localeCompare(b.property));
  }

  clear(): void {
    this.fromStackPolicies.clear();
    this.fromResourcePolicies.clear();
  }
}

/** The pack's one ledger: one pack serves one preview per process. */
export const gapLedger = new GapLedger();
