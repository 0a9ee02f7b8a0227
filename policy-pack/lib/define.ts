import type {
  EnforcementLevel,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { ConfigError, configSchema, exemptionsField, parseConfig, type ConfigFields, type Exemption } from "./config";
import { exemptionStatus } from "./exemptions";
import { ledger, type Gap } from "./ledger";
import type { Outcome } from "./outcome";
import { applyFixes, type RemediationNote, type Remedy } from "./remediation";
import { indexResource, StackIndex, type IndexedResource } from "./stackIndex";
import type { TypeSet } from "./types";

/** The areas of the control catalogue; a policy's folder is its area. */
export type Area = "encryption" | "identity" | "retention" | "replication" | "coverage";

/** Everything a policy says about itself, written once and rendered into every document. */
export interface PolicyMetadata<C> {
  /** Kebab-case, the only id (public API: users put it in config files). */
  readonly name: string;
  /** One sentence with "must", naming the AWS resource. */
  readonly description: string;
  readonly severity: Severity;
  readonly area: Area;
  /** NIST SP 800-53 Rev. 5 control ids, most specific first. */
  readonly nist: readonly string[];
  /** What the NIST controls require of this system, in a sentence. */
  readonly specification: string;
  /** Other frameworks' references, e.g. "HIPAA 164.312(a)(2)(iv)". */
  readonly references?: readonly string[];
  readonly remediationSteps: string;
  /**
   * What enforcement level `remediate` fixes automatically (`fixes`, when the rule has a
   * `remediate`), or why the policy fixes nothing itself (`notFixed`). Appended to
   * `remediationSteps` and rendered in the README.
   */
  readonly remediation: RemediationNote;
  /** AWS documentation of the behaviour the policy enforces. */
  readonly url: string;
  readonly config: ConfigFields<C>;
}

/** What a rule sees: the parsed config (defaults applied) and, for stack rules, the index. */
export interface RuleContext<C> {
  readonly config: C;
}

export interface StackRuleContext<C> extends RuleContext<C> {
  readonly index: StackIndex;
  /** Identifies the analysis this run belongs to (see `GapLedger`). */
  readonly analysis: object;
}

export interface StackRule<C> {
  /**
   * What the resource's own inputs already decide, checked in Analyze before the
   * resource changes (so `pulumi up` stops it): an outcome, or `undefined` to leave the
   * resource to the stack check. A resource judged here is skipped by the stack check.
   */
  readonly inputs?: ResourceRule<C>;
  /**
   * The fixes enforcement level `remediate` applies to one resource's inputs in
   * Remediate, before Analyze and AnalyzeStack see them (see `lib/remediation`).
   */
  readonly remediate?: Remedy<C>;
  /** The resources the control applies to. */
  subjects(context: StackRuleContext<C>): Iterable<IndexedResource>;
  /** The control's outcome(s) on one of them; `undefined` when it does not apply after all. */
  check(subject: IndexedResource, context: StackRuleContext<C>): Outcome | readonly Outcome[] | undefined;
}

export interface ResourceRule<C> {
  readonly resourceTypes: TypeSet;
  /** The outcome(s) on one resource's inputs; `undefined` when the control does not apply. */
  check(resource: IndexedResource, context: RuleContext<C>): Outcome | readonly Outcome[] | undefined;
}

/** Critical and high stop a deployment by default; medium and low warn. */
export function defaultEnforcement(severity: Severity): EnforcementLevel {
  return severity === "critical" || severity === "high" ? "mandatory" : "advisory";
}

type WithExemptions<C> = C & { readonly exemptions: readonly Exemption[] };

/** The sentence `remediationSteps` ends with, saying what `remediate` does for this policy. */
export function remediationSentence(note: RemediationNote): string {
  return "fixes" in note
    ? `Under enforcement level remediate the pack fixes this itself: ${note.fixes}`
    : `Enforcement level remediate fixes nothing here automatically (it acts as mandatory): ${note.notFixed}`;
}

function metadataFields<C>(meta: PolicyMetadata<C>) {
  const fields = { ...meta.config, exemptions: exemptionsField } as ConfigFields<WithExemptions<C>>;
  return {
    fields,
    policy: {
      name: meta.name,
      description: meta.description,
      enforcementLevel: defaultEnforcement(meta.severity),
      severity: meta.severity,
      framework: {
        name: "NIST SP 800-53",
        version: "Rev. 5",
        reference: meta.nist.join(", "),
        specification: meta.specification,
      },
      tags: [`area:${meta.area}`, ...(meta.references ?? [])],
      remediationSteps: `${meta.remediationSteps} ${remediationSentence(meta.remediation)}`,
      url: meta.url,
      configSchema: configSchema(fields),
    },
    remediation: meta.remediation,
  };
}

/** Runs a rule on one subject, turning anything it throws into an unverifiable outcome. */
function evaluate(run: () => Outcome | readonly Outcome[] | undefined): readonly Outcome[] {
  try {
    const result = run();
    if (result === undefined) return [];
    return Array.isArray(result) ? result : [result as Outcome];
  } catch (error) {
    // A policy that throws aborts the user's whole preview; one resource we could not
    // read must not. Say so instead (the message is ours, never a property value).
    return [{ status: "unverifiable", property: "(whole resource)", reason: couldNotEvaluate(error) }];
  }
}

function couldNotEvaluate(error: unknown): string {
  return `the policy could not evaluate it (${error instanceof Error ? error.constructor.name : "an error"})`;
}

interface Reported {
  violations: { message: string; urn: string }[];
  gaps: Gap[];
}

function judge<C>(name: string, subject: IndexedResource, config: WithExemptions<C>, outcomes: readonly Outcome[], now: Date): Reported {
  const out: Reported = { violations: [], gaps: [] };
  if (outcomes.length === 0) return out;
  const exemption = exemptionStatus(config.exemptions, subject, now);
  if (exemption.state === "exempt") return out;
  const lapsed = exemption.state === "expired" ? ` (Its exemption lapsed after ${exemption.exemption.expires}.)` : "";
  for (const outcome of outcomes) {
    if (outcome.status === "violated") out.violations.push({ message: outcome.message + lapsed, urn: subject.urn });
    else if (outcome.status === "unverifiable") out.gaps.push({ policy: name, property: outcome.property, reason: outcome.reason });
  }
  return out;
}

function readConfig<C>(name: string, fields: ConfigFields<C>, raw: unknown, report: ReportViolation, urn?: string): C | undefined {
  try {
    const bag = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
    return parseConfig(name, fields, bag);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    report(error.message, urn);
    return undefined;
  }
}

/**
 * Runs a rule on one resource's inputs in Analyze and reports its violations (the
 * engine attributes them to that resource); `undefined` when the rule does not apply
 * to the resource or its configuration is invalid (already reported).
 */
function checkInputs<C>(
  name: string,
  fields: ConfigFields<WithExemptions<C>>,
  rule: ResourceRule<C>,
  args: ResourceValidationArgs,
  report: ReportViolation,
): { outcomes: readonly Outcome[]; gaps: Gap[] } | undefined {
  if (!rule.resourceTypes.has(args.type)) return undefined;
  const config = readConfig(name, fields, args.getConfig(), report);
  if (!config) return undefined;
  const resource = indexResource(args);
  const outcomes = evaluate(() => rule.check(resource, { config }));
  const { violations, gaps } = judge(name, resource, config, outcomes, new Date());
  for (const violation of violations) report(violation.message);
  return { outcomes, gaps };
}

/**
 * Runs a remedy in Remediate (only at enforcement level `remediate`: @pulumi/policy
 * calls no other). An invalid configuration, an exempt resource, or anything the remedy
 * cannot read leaves the inputs as they are: the Analyze and AnalyzeStack that follow
 * report what remains, and a remediation must never fail the preview.
 */
function remediate<C>(
  name: string,
  fields: ConfigFields<WithExemptions<C>>,
  remedy: Remedy<C>,
  args: ResourceValidationArgs,
): Record<string, unknown> | undefined {
  if (!remedy.resourceTypes.has(args.type)) return undefined;
  try {
    const raw: unknown = args.getConfig();
    const config = parseConfig(name, fields, typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {});
    const resource = indexResource(args);
    if (exemptionStatus(config.exemptions, resource, new Date()).state === "exempt") return undefined;
    const fixes = remedy.fixes(resource, { config });
    return fixes.length > 0 ? applyFixes(args.props, fixes) : undefined;
  } catch {
    return undefined;
  }
}

/** A policy of this pack, with the metadata the docs are rendered from. */
export type BackupStackPolicy = StackValidationPolicy &
  Partial<Pick<ResourceValidationPolicy, "validateResource" | "remediateResource">> & {
    readonly area: Area;
    readonly remediation: RemediationNote;
    /** Types whose inputs the policy also checks in Analyze (see `StackRule.inputs`). */
    readonly inputTypes?: TypeSet;
    readonly subjectsOf: SubjectsOf;
  };
export type BackupResourcePolicy = ResourceValidationPolicy & {
  readonly area: Area;
  readonly resourceTypes: TypeSet;
  readonly remediation: RemediationNote;
  readonly subjectsOf: SubjectsOf;
};

/**
 * The resources a control applies to in a stack, with the given (reconciled) config
 * properties, as its own check would find them: for reports that say which controls
 * have nothing to judge. `undefined` when the config is invalid (the check reports
 * that). The gap-listing policy's subjects depend on the other policies' run, so
 * outside an analysis it has none.
 */
export type SubjectsOf = (index: StackIndex, config: unknown) => readonly IndexedResource[] | undefined;

function parsedOrUndefined<C>(name: string, fields: ConfigFields<C>, raw: unknown): C | undefined {
  try {
    return parseConfig(name, fields, typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {});
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}
export type BackupPolicy = BackupStackPolicy | BackupResourcePolicy;

/** The index of the last analysis, with what identifies its stack. */
let lastIndex: { analysis: object; index: StackIndex } | undefined;

/**
 * One index per analysis. `@pulumi/policy` deserialises the stack afresh for every stack
 * policy, but within one analysis (one `stackTags` object, see `AnalysisLedger`) they all
 * see the same resources, so they share one index and its memos (backup stores, keys,
 * identities are derived once, not once per policy). The URNs are compared too, so a
 * host that sends no ConfigureStack between analyses never gets a stale index.
 */
function stackIndexFor(args: StackValidationArgs): StackIndex {
  const last = lastIndex;
  const same =
    last !== undefined &&
    last.analysis === args.stackTags &&
    last.index.resources.length === args.resources.length &&
    args.resources.every((resource, i) => last.index.resources[i]?.urn === resource.urn);
  if (same) return last.index;
  const index = StackIndex.fromPolicyResources(args.resources).withInputs(
    (urn, property) => ledger.inputState(args.stackTags, urn, property),
    (urn) => ledger.wasRead(args.stackTags, urn),
  );
  lastIndex = { analysis: args.stackTags, index };
  return index;
}

/**
 * A control that relates resources: runs once per `AnalyzeStack` over one index of
 * the stack, applies exemptions, contains errors per resource, reports violations on
 * the resource they concern and hands unverifiable outcomes to the gap ledger.
 */
export function defineStackPolicy<C>(meta: PolicyMetadata<C>, rule: StackRule<C>): BackupStackPolicy {
  const { fields, policy, remediation } = metadataFields(meta);
  if ("fixes" in remediation !== (rule.remediate !== undefined)) {
    throw new Error(
      `${meta.name}: metadata says ${"fixes" in remediation ? "it fixes" : "it does not fix"}, but the rule ${rule.remediate ? "has" : "has no"} remediate`,
    );
  }
  const inputs = rule.inputs;
  const remedy = rule.remediate;
  return {
    ...policy,
    area: meta.area,
    remediation,
    ...(remedy && { remediateResource: (args: ResourceValidationArgs) => remediate(meta.name, fields, remedy, args) }),
    subjectsOf: (index, raw) => {
      const config = parsedOrUndefined(meta.name, fields, raw);
      if (!config) return undefined;
      const found = new Set<IndexedResource>(rule.subjects({ config, index, analysis: {} }));
      // Resources judged from their inputs in Analyze (never the ones the program only reads).
      if (inputs) for (const resource of index.ofType(inputs.resourceTypes)) if (!index.isRead(resource)) found.add(resource);
      return [...found];
    },
    ...(inputs && {
      inputTypes: inputs.resourceTypes,
      validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
        // Which inputs the program set to unknown values: the stack check must not read them as defaults.
        ledger.recordInputs(args.stackTags, args.urn, args.props);
        // What the inputs leave open (no outcome, or only unknowns) the stack check settles.
        const checked = checkInputs(meta.name, fields, inputs, args, report);
        if (checked?.outcomes.some((outcome) => outcome.status !== "unverifiable")) {
          ledger.recordJudgedByInputs(args.stackTags, meta.name, args.urn);
        }
      },
    }),
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const config = readConfig(meta.name, fields, args.getConfig(), report);
      if (!config) return;
      const context: StackRuleContext<WithExemptions<C>> = {
        config,
        index: stackIndexFor(args),
        analysis: args.stackTags,
      };
      const now = new Date();
      const gapsByUrn = new Map<string, Gap[]>();
      let subjects: Iterable<IndexedResource>;
      try {
        subjects = [...rule.subjects(context)];
      } catch (error) {
        // Finding the resources the control applies to failed: a gap on the stack itself.
        const root = context.index.resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
        if (root) gapsByUrn.set(root.urn, [{ policy: meta.name, property: "(stack)", reason: couldNotEvaluate(error) }]);
        subjects = [];
      }
      for (const subject of subjects) {
        if (ledger.wasJudgedByInputs(args.stackTags, meta.name, subject.urn)) continue;
        const subjectContext = context.index.isRead(subject) ? { ...context, index: context.index.forReadSubject(subject) } : context;
        const outcomes = evaluate(() => rule.check(subject, subjectContext));
        const { violations, gaps } = judge(meta.name, subject, config, outcomes, now);
        for (const violation of violations) report(violation.message, violation.urn);
        if (gaps.length > 0) gapsByUrn.set(subject.urn, [...(gapsByUrn.get(subject.urn) ?? []), ...gaps]);
      }
      ledger.recordStackRun(args.stackTags, meta.name, gapsByUrn);
    },
  };
}

/**
 * A control whose facts all sit on one resource: runs in `Analyze`, before the
 * resource changes, so a mandatory violation stops it in `pulumi up`.
 */
export function defineResourcePolicy<C>(meta: PolicyMetadata<C>, rule: ResourceRule<C>): BackupResourcePolicy {
  const { fields, policy, remediation } = metadataFields(meta);
  if ("fixes" in remediation) throw new Error(`${meta.name}: metadata says it fixes, but resource rules have no remediate`);
  return {
    ...policy,
    area: meta.area,
    remediation,
    resourceTypes: rule.resourceTypes,
    // Resource policies run on every resource of their types the program manages.
    subjectsOf: (index, raw) =>
      parsedOrUndefined(meta.name, fields, raw) === undefined
        ? undefined
        : index.ofType(rule.resourceTypes).filter((resource) => !index.isRead(resource)),
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      ledger.recordInputs(args.stackTags, args.urn, args.props);
      const checked = checkInputs(meta.name, fields, rule, args, report);
      if (checked) ledger.recordResourceRun(args.stackTags, meta.name, args.urn, checked.gaps);
    },
  };
}
