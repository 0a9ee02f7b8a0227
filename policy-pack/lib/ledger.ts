import { presentTopLevelProperties, unknownTopLevelProperties } from "./values";

/** What a program set a top-level input property to, as seen in Analyze. */
export type InputState = "unknown" | "set" | "absent";

/** One control that could not be verified on one resource. */
export interface Gap {
  readonly policy: string;
  readonly property: string;
  readonly reason: string;
}

/**
 * What the policies learned in the current analysis that another phase needs:
 * - the gaps: what they could not verify, for `preview-verification-gaps`. The engine
 *   runs every resource policy (Analyze) before the stack policies (AnalyzeStack, in
 *   list order), so the gaps policy, listed last, sees every other policy's gaps;
 * - the resources a policy already judged from their inputs in Analyze, which its
 *   stack phase then leaves alone (inputs say what the program set; outputs of an
 *   existing stack hold what AWS filled in).
 *
 * An analysis is identified by the `stackTags` object `@pulumi/policy` hands every
 * policy: the SDK replaces it on each ConfigureStack, which the engine sends once at the
 * start of each analysis. A record from another analysis clears the ledger, so a
 * process that serves several analyses never reports a stale gap.
 */
export class AnalysisLedger {
  private analysis: object | undefined;
  private readonly fromStackPolicies = new Map<string, ReadonlyMap<string, Gap[]>>();
  private readonly fromResourcePolicies = new Map<string, Map<string, Gap[]>>();
  private readonly judgedByInputs = new Map<string, Set<string>>();
  private readonly inputs = new Map<string, { present: ReadonlySet<string>; unknown: ReadonlySet<string> }>();

  private enter(analysis: object): void {
    if (analysis === this.analysis) return;
    this.analysis = analysis;
    this.fromStackPolicies.clear();
    this.fromResourcePolicies.clear();
    this.judgedByInputs.clear();
    this.inputs.clear();
  }

  /**
   * Remembers which top-level inputs the program set on a resource, seen in Analyze, and
   * which of them are (or hold) an unknown: a property the program set is not a default
   * the provider fills in, whatever its output looks like.
   */
  recordInputs(analysis: object, urn: string, rawProps: unknown): void {
    this.enter(analysis);
    if (this.inputs.has(urn)) return;
    this.inputs.set(urn, { present: new Set(presentTopLevelProperties(rawProps)), unknown: new Set(unknownTopLevelProperties(rawProps)) });
  }

  /**
   * True when Analyze saw other resources' inputs in this analysis but not this one's:
   * the engine analyses every resource the program manages, so this one the program
   * only reads (`aws.kms.Key.get`).
   */
  wasRead(analysis: object, urn: string): boolean {
    return analysis === this.analysis && this.inputs.size > 0 && !this.inputs.has(urn);
  }

  /**
   * What the program set a top-level property of a resource to, in this analysis:
   * `"unknown"`, `"set"` (known), `"absent"`, or `undefined` when its inputs were not seen
   * (an audit, a resource only read, or no policy that looks at inputs ran).
   */
  inputState(analysis: object, urn: string, property: string): InputState | undefined {
    const inputs = analysis === this.analysis ? this.inputs.get(urn) : undefined;
    if (!inputs) return undefined;
    return inputs.unknown.has(property) ? "unknown" : inputs.present.has(property) ? "set" : "absent";
  }

  /** Remembers that a policy judged a resource from its inputs in this analysis. */
  recordJudgedByInputs(analysis: object, policy: string, urn: string): void {
    this.enter(analysis);
    let urns = this.judgedByInputs.get(policy);
    if (!urns) this.judgedByInputs.set(policy, (urns = new Set()));
    urns.add(urn);
  }

  wasJudgedByInputs(analysis: object, policy: string, urn: string): boolean {
    return analysis === this.analysis && (this.judgedByInputs.get(policy)?.has(urn) ?? false);
  }

  /** Replaces everything a stack policy recorded with this run's gaps (by resource URN). */
  recordStackRun(analysis: object, policy: string, gapsByUrn: ReadonlyMap<string, Gap[]>): void {
    this.enter(analysis);
    this.fromStackPolicies.set(policy, gapsByUrn);
  }

  /** Replaces what a resource policy recorded for one resource. */
  recordResourceRun(analysis: object, policy: string, urn: string, gaps: Gap[]): void {
    this.enter(analysis);
    let byPolicy = this.fromResourcePolicies.get(urn);
    if (!byPolicy) {
      if (gaps.length === 0) return;
      byPolicy = new Map();
      this.fromResourcePolicies.set(urn, byPolicy);
    }
    if (gaps.length === 0) byPolicy.delete(policy);
    else byPolicy.set(policy, gaps);
  }

  /** Every gap recorded for a resource in this analysis, ordered by policy and property. */
  gapsFor(analysis: object, urn: string): Gap[] {
    if (analysis !== this.analysis) return [];
    const out: Gap[] = [];
    for (const gaps of this.fromResourcePolicies.get(urn)?.values() ?? []) out.push(...gaps);
    for (const byUrn of this.fromStackPolicies.values()) out.push(...(byUrn.get(urn) ?? []));
    return out.sort((a, b) => a.policy.localeCompare(b.policy) || a.property.localeCompare(b.property));
  }
}

/** The pack's one ledger. */
export const ledger = new AnalysisLedger();
