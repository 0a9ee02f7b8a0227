/**
 * The evidence report (`backup-guardrails report`): NIST SP 800-53 CP-9 evidence of
 * what is backed up, how often, for how long, where the copies go and under whose keys,
 * and the customer responsibility matrix of the pack's controls.
 *
 * Control statuses come from one run of the real pack process (the run `preview` and
 * `audit` make), so the report and the preview never disagree; the facts about data
 * stores, plans and vaults, and which controls have anything to judge, are read
 * in-process from the pack's own lib (imported through its package name, as an installed
 * kit imports it), over the same engine view.
 */
import { parseArn } from "aws-backup-guardrails/bin/lib/arn";
import { protection } from "aws-backup-guardrails/bin/lib/backup/coverage";
import { DATA_STORE_TYPES, kindOf } from "aws-backup-guardrails/bin/lib/backup/dataStores";
import {
  copyDestination,
  planRules,
  ruleDestination,
  type Lifecycle,
  type PlanRule,
  type VaultDestination,
} from "aws-backup-guardrails/bin/lib/backup/plans";
import { referent } from "aws-backup-guardrails/bin/lib/backup/references";
import { AWS_DEFAULT_SCHEDULE, AWS_DEFAULT_TIMEZONE, parseSchedule } from "aws-backup-guardrails/bin/lib/backup/schedules";
import { selectionMethods, type SelectionMethod } from "aws-backup-guardrails/bin/lib/backup/selections";
import { lockBounds, vaultLocks } from "aws-backup-guardrails/bin/lib/backup/vaultLocks";
import type { BackupPolicy } from "aws-backup-guardrails/bin/lib/define";
import { resolveKeyReference } from "aws-backup-guardrails/bin/lib/kms/keys";
import { regionOf } from "aws-backup-guardrails/bin/lib/regions";
import { StackIndex, type IndexedResource } from "aws-backup-guardrails/bin/lib/stackIndex";
import {
  AIR_GAPPED_VAULT,
  BACKUP_PLAN,
  BACKUP_VAULT,
  IAM_ROLE,
  KMS_EXTERNAL_KEY,
  KMS_KEY,
  KMS_REPLICA_EXTERNAL_KEY,
  KMS_REPLICA_KEY,
  S3_BUCKET,
  union,
} from "aws-backup-guardrails/bin/lib/types";
import {
  booleanField,
  isSecret,
  numberField,
  presentTopLevelProperties,
  stringField,
  unknownTopLevelProperties,
  type Field,
  type Props,
} from "aws-backup-guardrails/bin/lib/values";
import { policies as packPolicies } from "aws-backup-guardrails/bin/policies";
import cronstrue from "cronstrue";
import type { PolicyInfo } from "../engine/analyzer";
import { reconcileConfig } from "../engine/config";
import type { AnalysisResult, Diagnostic } from "../engine/run";
import { policyProps, stackPolicyResources } from "../inProcess";
import type { EngineView } from "../view";

/** The version of the JSON shape below; it changes only when a field changes meaning or goes away. */
export const REPORT_FORMAT = "backup-guardrails-evidence/1";

/** A value that could not be known: during a preview (AWS computes it), or in a stack export (an encrypted secret). */
export type Unknown = "unknown at preview" | "unknown in the stack state";

/** A value set outside this stack (a key or vault ARN), whose own settings this stack does not show. */
export const NOT_VISIBLE = "not visible from this stack";
export type NotVisible = typeof NOT_VISIBLE;

/** A value that arrived as a secret: the report never shows it. */
export const SECRET = "a secret value";

export interface ResourceRef {
  readonly urn: string;
  /** The type token, `aws:rds/instance:Instance`. */
  readonly type: string;
  /** The logical name. */
  readonly name: string;
}

/** What a report was made from: a first preview (`preview`), an update preview (`--known`), or a stack export. */
export type ReportSource = "preview" | "update" | "stack export";

export type ControlStatus = "satisfied" | "violated" | "unverifiable" | "not applicable" | "disabled";

export interface EvidenceReport {
  readonly format: typeof REPORT_FORMAT;
  readonly policyPack: { readonly name: string; readonly version: string };
  readonly stack: { readonly project: string; readonly stack: string; readonly source: ReportSource };
  /** A mandatory control is violated: `pulumi preview` fails and `pulumi up` stops. */
  readonly failed: boolean;
  readonly summary: {
    readonly dataStores: number;
    readonly protected: number;
    readonly unprotected: number;
    /** Data stores whose protection depends on values unknown at preview. */
    readonly undecided: number;
    readonly controls: Readonly<Record<ControlStatus, number>>;
  };
  /** Every data store AWS Backup can protect, protected or not, by URN. */
  readonly dataStores: readonly DataStoreEvidence[];
  /** Every AWS Backup plan of the stack, by URN. */
  readonly plans: readonly PlanEvidence[];
  /** Every AWS Backup vault (standard and logically air-gapped) of the stack, by URN. */
  readonly vaults: readonly VaultEvidence[];
  /** Every policy of the pack, in the pack's order: the customer responsibility matrix. */
  readonly controls: readonly ControlEvidence[];
  /** What a reader must know to read the statuses right (a disabled gap list, a control this kit does not know). */
  readonly notes: readonly string[];
}

export interface DataStoreEvidence {
  readonly resource: ResourceRef;
  /** The AWS Backup resource type (an RDS cluster's depends on its engine). */
  readonly resourceType: string | Unknown;
  readonly region: string | Unknown;
  /** `protected`: a selection of a plan with a rule and a role selects it; `unprotected`: none does. */
  readonly protection: "protected" | "unprotected" | Unknown;
  /** The selections that protect it (or, while undecided, may). */
  readonly selections: readonly SelectionEvidence[];
  /**
   * The key its recovery points keep, for data stores whose snapshots AWS Backup copies
   * under the source's own key (RDS, Aurora, EBS, DocumentDB, Neptune); absent otherwise,
   * where the vault's key applies.
   */
  readonly sourceKey?: KeyCustody;
}

export interface SelectionEvidence {
  readonly selection: ResourceRef;
  /** False while whether it selects the data store (or counts) depends on values unknown at preview. */
  readonly certain: boolean;
  /** How it names the data store. */
  readonly selectedBy: readonly SelectionMethod[];
  /** URNs of its plans (see `plans`). */
  readonly plans: readonly string[];
  /** The backup identity: the IAM role AWS Backup assumes for its jobs. */
  readonly role: IdentityEvidence;
}

export interface IdentityEvidence {
  readonly state: "stack role" | "outside this stack" | "not set" | Unknown;
  readonly role?: ResourceRef;
  /** The role ARN as written, when it is outside this stack (never a secret). */
  readonly arn?: string;
}

export interface PlanEvidence {
  readonly resource: ResourceRef;
  readonly region: string | Unknown;
  readonly rules: readonly RuleEvidence[] | Unknown;
  /** URNs of the data stores it is proven to protect. */
  readonly protects: readonly string[];
}

export interface RuleEvidence {
  /** `rules[0]`: rules are named by position, as the pack names them. */
  readonly path: string;
  readonly schedule: ScheduleEvidence;
  readonly retention: RetentionEvidence;
  readonly vault: VaultTarget;
  readonly copies: readonly CopyEvidence[] | Unknown;
}

export interface ScheduleEvidence {
  /** The expression as written, AWS's default when the rule sets none (see `defaulted`). */
  readonly expression: string | Unknown;
  readonly defaulted: boolean;
  readonly timeZone: string | Unknown;
  readonly continuous: boolean | Unknown;
  /** The schedule in words. */
  readonly description: string;
}

export interface RetentionEvidence {
  /** Days until AWS deletes a recovery point; `never` when no lifecycle expires them. */
  readonly deleteAfterDays: number | "never" | Unknown | "invalid";
  /** Days until it moves to cold storage; null when it never does. */
  readonly coldStorageAfterDays: number | null | Unknown | "invalid";
}

export interface VaultTarget {
  /** `stack vault`: proven; `one of`: the destination is one of `vaults`, unknown which at preview. */
  readonly state: "stack vault" | "one of" | "outside this stack" | "not set" | "invalid" | Unknown;
  /** URNs (see `vaults`). */
  readonly vaults: readonly string[];
  /** The vault name or ARN as written, when it names no vault of this stack. */
  readonly reference?: string;
}

export interface CopyEvidence {
  /** `rules[0].copyActions[0]`. */
  readonly path: string;
  readonly destination: VaultTarget;
  readonly region: string | Unknown;
  readonly account: string | Unknown;
  readonly retention: RetentionEvidence;
}

export interface VaultEvidence {
  readonly resource: ResourceRef;
  readonly region: string | Unknown;
  readonly airGapped: boolean;
  readonly key: KeyCustody;
  /** Its vault lock, `null` when it has none. */
  readonly lock: LockEvidence | null;
}

export interface LockEvidence {
  readonly mode: "compliance" | "governance" | Unknown;
  readonly minRetentionDays: number | null | Unknown;
  readonly maxRetentionDays: number | null | Unknown;
}

export interface KeyCustody {
  readonly custody:
    | "customer-managed key of this stack"
    | "AWS-managed key"
    | "key outside this stack"
    | "alias outside this stack"
    | "not encrypted"
    | "invalid key reference"
    | Unknown;
  readonly key?: ResourceRef;
  /** The key ARN or alias as written, when it is outside this stack. */
  readonly reference?: string;
  readonly rotationEnabled: boolean | "not applicable" | Unknown | NotVisible;
  readonly rotationPeriodDays: number | null | Unknown | NotVisible;
  readonly deletionWindowDays: number | null | Unknown | NotVisible;
}

export interface ControlEvidence {
  readonly policy: string;
  readonly description: string;
  readonly status: ControlStatus;
  readonly severity: string;
  readonly enforcementLevel: string;
  readonly area: string;
  /** NIST SP 800-53 Rev. 5 control ids. */
  readonly nist: readonly string[];
  /** FedRAMP Rev. 5 baselines name their controls by the NIST ids: these, as the customer's responsibility. */
  readonly fedramp: readonly string[];
  readonly hipaa: readonly string[];
  readonly ftc: readonly string[];
  /** The resources behind the status: violated, unverifiable (with why) or satisfied. */
  readonly resources: readonly ControlResource[];
}

export interface ControlResource {
  /** The resource's URN (the stack's root URN for stack-wide findings). */
  readonly urn: string;
  readonly status: "satisfied" | "violated" | "unverifiable";
  /** The violation message or the gap's reason, as the pack wrote them (they never show property values). */
  readonly detail?: string;
}

export interface ReportOptions {
  /** The parsed `--policy-pack-config` the run used. */
  readonly policyPackConfig?: unknown;
  readonly source?: ReportSource;
}

/** The gap-listing policy: its findings say which other controls could not be verified. */
export const GAPS_POLICY = "preview-verification-gaps";
/** The coverage policy, whose config says whether S3 data buckets must be in a plan. */
const COVERAGE_POLICY = "data-store-in-backup-plan";

const VAULTS = union(BACKUP_VAULT, AIR_GAPPED_VAULT);

function ref(resource: { readonly urn: string; readonly type: string; readonly name: string }): ResourceRef {
  return { urn: resource.urn, type: resource.type, name: resource.name };
}

/**
 * The pack's view of the stack, as its stack policies build it in AnalyzeStack: the
 * SDK's deserialisation of the outputs, and which inputs the program set (what Analyze
 * saw), so a property left to the provider reads as its default, as in the pack.
 */
function indexOf(view: EngineView): StackIndex {
  const saved = process.env.PULUMI_NODEJS_DRY_RUN;
  process.env.PULUMI_NODEJS_DRY_RUN = String(view.dryRun);
  try {
    const inputs = new Map<string, { present: Set<string>; unknown: Set<string> }>();
    for (const resource of view.resources) {
      if (resource.external) continue;
      const props = policyProps(resource.inputs);
      inputs.set(resource.urn, { present: new Set(presentTopLevelProperties(props)), unknown: new Set(unknownTopLevelProperties(props)) });
    }
    const read = new Set(view.resources.filter((resource) => resource.external).map((resource) => resource.urn));
    return StackIndex.fromPolicyResources(stackPolicyResources(view)).withInputs(
      (urn, property) => {
        const seen = inputs.get(urn);
        if (!seen) return undefined;
        return seen.unknown.has(property) ? "unknown" : seen.present.has(property) ? "set" : "absent";
      },
      (urn) => read.has(urn),
    );
  } finally {
    if (saved === undefined) delete process.env.PULUMI_NODEJS_DRY_RUN;
    else process.env.PULUMI_NODEJS_DRY_RUN = saved;
  }
}

class Reader {
  readonly unknown: Unknown;
  constructor(readonly index: StackIndex) {
    this.unknown = index.preview ? "unknown at preview" : "unknown in the stack state";
  }

  /** A literal for the report: itself, or "a secret value". */
  shown(props: Props, path: readonly (string | number)[], value: string): string {
    return isSecret(props, path) ? SECRET : value;
  }

  region(resource: IndexedResource): string | Unknown {
    const region = regionOf(this.index, resource);
    return region.state === "known" ? region.region : this.unknown;
  }

  number(field: Field<number>, absent: number | null): number | null | Unknown {
    if (field.state === "known") return field.value;
    if (field.state === "absent") return absent;
    return field.state === "unknown" ? this.unknown : absent;
  }

  key(referrer: IndexedResource, property: string, omitted: KeyCustody["custody"]): KeyCustody {
    const value = referrer.props[property];
    const reference = resolveKeyReference(this.index, referrer, property, value);
    const outside = (custody: KeyCustody["custody"], written: string): KeyCustody => ({
      custody,
      reference: this.shown(referrer.props, [property], written),
      rotationEnabled: NOT_VISIBLE,
      rotationPeriodDays: NOT_VISIBLE,
      deletionWindowDays: NOT_VISIBLE,
    });
    const none = (custody: KeyCustody["custody"]): KeyCustody => ({
      custody,
      rotationEnabled: custody === this.unknown ? this.unknown : "not applicable",
      rotationPeriodDays: custody === this.unknown ? this.unknown : null,
      deletionWindowDays: custody === this.unknown ? this.unknown : null,
    });
    switch (reference.kind) {
      case "stack-key":
        return this.stackKey(reference.key);
      case "omitted":
        return none(omitted);
      case "aws-managed-alias":
        return { ...none("AWS-managed key"), reference: this.shown(referrer.props, [property], reference.alias) };
      case "key-arn":
        return outside("key outside this stack", reference.arn);
      case "alias":
        return outside("alias outside this stack", reference.alias);
      case "unknown":
        return none(this.unknown);
      case "invalid":
        return none("invalid key reference");
    }
  }

  private stackKey(key: IndexedResource): KeyCustody {
    const setting = (resource: IndexedResource, property: string) => this.index.setting(resource, [property]);
    const custody = (rotationEnabled: KeyCustody["rotationEnabled"], rotationPeriodDays: KeyCustody["rotationPeriodDays"]): KeyCustody => ({
      custody: "customer-managed key of this stack",
      key: ref(key),
      rotationEnabled,
      rotationPeriodDays,
      deletionWindowDays: this.number(numberField(setting(key, "deletionWindowInDays")), 30),
    });
    // Imported key material does not rotate automatically.
    if (KMS_EXTERNAL_KEY.has(key.type) || KMS_REPLICA_EXTERNAL_KEY.has(key.type)) return custody("not applicable", null);
    // A replica rotates with its primary.
    const primary = KMS_REPLICA_KEY.has(key.type) ? this.index.dependenciesOf(key, "primaryKeyArn", KMS_KEY)[0] : key;
    if (!primary) return custody(NOT_VISIBLE, NOT_VISIBLE);
    for (const property of ["keySpec", "customerMasterKeySpec"]) {
      const spec = stringField(setting(primary, property));
      if (spec.state === "known" && spec.value !== "" && spec.value !== "SYMMETRIC_DEFAULT") return custody("not applicable", null);
    }
    const enabled = booleanField(setting(primary, "enableKeyRotation"));
    const rotationEnabled = enabled.state === "known" ? enabled.value : enabled.state === "unknown" ? this.unknown : false;
    const period = this.number(numberField(setting(primary, "rotationPeriodInDays")), 365);
    return custody(rotationEnabled, rotationEnabled === false ? null : period);
  }

  retention(lifecycle: Lifecycle): RetentionEvidence {
    // The provider does not send 0, and AWS reads -1 as "not set".
    const read = <A extends "never" | null>(field: Field<number>, absent: A): number | A | Unknown | "invalid" => {
      if (field.state === "known") return field.value === 0 || field.value === -1 ? absent : field.value;
      if (field.state === "unknown") return this.unknown;
      return field.state === "invalid" ? "invalid" : absent;
    };
    return { deleteAfterDays: read(lifecycle.deleteAfter, "never"), coldStorageAfterDays: read(lifecycle.coldStorageAfter, null) };
  }

  target(destination: VaultDestination, props: Props, path: readonly (string | number)[]): VaultTarget {
    switch (destination.kind) {
      case "stack":
        return { state: destination.definite ? "stack vault" : "one of", vaults: destination.vaults.map((vault) => vault.urn) };
      case "literal":
        return { state: "outside this stack", vaults: [], reference: this.shown(props, path, destination.value) };
      case "unknown":
        return { state: this.unknown, vaults: [] };
      case "absent":
        return { state: "not set", vaults: [] };
      case "invalid":
        return { state: "invalid", vaults: [] };
    }
  }

  schedule(plan: IndexedResource, rule: PlanRule): ScheduleEvidence {
    const continuous =
      rule.enableContinuousBackup.state === "known"
        ? rule.enableContinuousBackup.value
        : rule.enableContinuousBackup.state === "unknown"
          ? this.unknown
          : false;
    const zoneField = rule.scheduleExpressionTimezone;
    const timeZone =
      zoneField.state === "unknown"
        ? this.unknown
        : zoneField.state === "known" && zoneField.value !== ""
          ? this.shown(plan.props, ["rules", rule.position, "scheduleExpressionTimezone"], zoneField.value)
          : AWS_DEFAULT_TIMEZONE;
    const field = rule.schedule;
    const defaulted = field.state === "absent" || (field.state === "known" && field.value === "");
    const secret = isSecret(plan.props, ["rules", rule.position, "schedule"]);
    const expression =
      field.state === "unknown"
        ? this.unknown
        : defaulted
          ? AWS_DEFAULT_SCHEDULE
          : secret
            ? SECRET
            : field.state === "known"
              ? field.value
              : "invalid";
    let words: string;
    if (field.state === "unknown") words = `a schedule ${this.unknown}`;
    else if (secret) words = "a schedule set from a secret value";
    else if (field.state === "invalid") words = "not a valid schedule";
    else words = describeSchedule(defaulted ? AWS_DEFAULT_SCHEDULE : field.state === "known" ? field.value : AWS_DEFAULT_SCHEDULE);
    if (defaulted) words += " (AWS's default: the rule sets no schedule)";
    const zone = timeZone === this.unknown ? `time zone ${this.unknown}` : `time zone ${timeZone}`;
    const prefix =
      continuous === true
        ? "Continuous backup (point-in-time recovery), and snapshots: "
        : continuous === this.unknown
          ? `Continuous backup ${this.unknown}; snapshots: `
          : "";
    return { expression, defaulted, timeZone, continuous, description: `${prefix}${words}, ${zone}` };
  }

  role(selection: IndexedResource): IdentityEvidence {
    const value = selection.props.iamRoleArn;
    if (value === undefined || value === null || value === "") return { state: "not set" };
    const found = referent(this.index, selection, "iamRoleArn", IAM_ROLE, ["arn", "name"]);
    if (found.kind === "stack") return { state: "stack role", role: ref(found.targets[0]!) };
    if (found.kind === "literal") return { state: "outside this stack", arn: this.shown(selection.props, ["iamRoleArn"], found.value) };
    return found.kind === "unknown" ? { state: this.unknown } : { state: "not set" };
  }

  /** The account of a copy's destination: a literal ARN's, or the stack vault's ARN's when known. */
  account(destination: VaultDestination, props: Props, path: readonly (string | number)[]): string | Unknown {
    if (destination.kind === "literal") {
      const account = parseArn(destination.value)?.account;
      return account ? this.shown(props, path, account) : this.unknown;
    }
    if (destination.kind === "stack" && destination.definite) {
      const arn = destination.vaults[0]?.props.arn;
      const account = typeof arn === "string" ? parseArn(arn)?.account : undefined;
      if (account) return account;
    }
    return this.unknown;
  }

  copyRegion(destination: VaultDestination, props: Props, path: readonly (string | number)[]): string | Unknown {
    if (destination.kind === "literal") {
      const region = parseArn(destination.value)?.region;
      return region ? this.shown(props, path, region) : this.unknown;
    }
    if (destination.kind === "stack" && destination.definite && destination.vaults[0]) return this.region(destination.vaults[0]);
    return this.unknown;
  }
}

/** An AWS Backup schedule in words: `cron(...)` through cronstrue (AWS Backup takes no `rate(...)`). */
export function describeSchedule(expression: string): string {
  const parsed = parseSchedule(expression);
  if (parsed.state === "invalid") return `not a valid AWS Backup schedule (${parsed.problem})`;
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  // AWS's six fields (minutes … year), names as numbers, weekdays 1-7 from Sunday; cronstrue takes seconds first.
  const fields = parsed.state === "ok" ? parsed.schedule.text : (match?.[1] ?? "");
  try {
    return cronstrue.toString(`0 ${fields}`, {
      use24HourTimeFormat: true,
      dayOfWeekStartIndexZero: false,
      throwExceptionOnParseError: true,
    });
  } catch {
    return `the cron expression ${expression}`;
  }
}

/** The resources of the gap-listing policy's findings, with each gap's reason, by policy. */
function gapsByPolicy(diagnostics: readonly Diagnostic[]): Map<string, ControlResource[]> {
  const out = new Map<string, ControlResource[]>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.policy !== GAPS_POLICY) continue;
    // "<Resource>: 2 controls could not be verified …:\n- <policy>: <reason>.\n- …" (lib/ledger.ts, preview-verification-gaps).
    for (const line of diagnostic.message.split("\n").slice(1)) {
      const match = /^- ([a-z0-9-]+): (.*)$/.exec(line);
      if (!match) continue;
      const list = out.get(match[1]!) ?? [];
      list.push({ urn: diagnostic.urn, status: "unverifiable", detail: match[2] });
      out.set(match[1]!, list);
    }
  }
  return out;
}

function referencesOf(info: PolicyInfo, prefix: string): string[] {
  return info.tags.filter((tag) => tag.startsWith(prefix)).map((tag) => tag.slice(prefix.length));
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/**
 * Builds the evidence report of one analysis: `result` is the run of the real pack
 * process over `view` (as `runPolicyPack` or `analyzeView` returns it), with the same
 * `policyPackConfig`.
 */
export function buildReport(view: EngineView, result: AnalysisResult, options: ReportOptions = {}): EvidenceReport {
  const index = indexOf(view);
  const read = new Reader(index);
  const notes: string[] = [];

  const config = reconcileConfig(result.info, options.policyPackConfig ?? {}, []);

  // Data stores: every one AWS Backup can protect, and the S3 buckets that a selection backs
  // up (or may) or that data-store-in-backup-plan requires in a plan (includeS3).
  const requiredBuckets = new Set(
    (packPolicies as readonly BackupPolicy[])
      .find((policy) => policy.name === COVERAGE_POLICY)
      ?.subjectsOf(index, config[COVERAGE_POLICY]?.properties ?? {})
      ?.filter((subject) => S3_BUCKET.has(subject.type))
      .map((bucket) => bucket.urn) ?? [],
  );
  const candidates = [
    ...index.ofType(DATA_STORE_TYPES),
    ...index.ofType(S3_BUCKET).filter((bucket) => requiredBuckets.has(bucket.urn) || protection(index, bucket).state !== "no"),
  ];
  const protectsByPlan = new Map<string, string[]>();
  const dataStores: DataStoreEvidence[] = candidates.map((resource) => {
    const kind = kindOf(resource.type);
    const found = protection(index, resource);
    const selections = found.selections.map((selection): SelectionEvidence => {
      if (found.state === "yes") {
        for (const plan of selection.plans) protectsByPlan.set(plan.urn, [...(protectsByPlan.get(plan.urn) ?? []), resource.urn]);
      }
      return {
        selection: ref(selection.selection),
        certain: found.state === "yes",
        selectedBy: selectionMethods(index, selection, resource),
        plans: selection.plans.map((plan) => plan.urn),
        role: read.role(selection.selection),
      };
    });
    const sourceKey =
      kind?.sourceKeyProperty && kind.encryptedProperty
        ? sourceKeyOf(read, resource, kind.sourceKeyProperty, kind.encryptedProperty)
        : undefined;
    return {
      resource: ref(resource),
      resourceType: kind?.protectedType(resource) ?? read.unknown,
      region: read.region(resource),
      protection: found.state === "yes" ? "protected" : found.state === "no" ? "unprotected" : read.unknown,
      selections,
      ...(sourceKey && { sourceKey }),
    };
  });

  const plans: PlanEvidence[] = index.ofType(BACKUP_PLAN).map((plan) => {
    const rules = planRules(plan);
    return {
      resource: ref(plan),
      region: read.region(plan),
      rules:
        rules.state === "unknown" ? read.unknown : rules.state === "invalid" ? [] : rules.rules.map((rule) => ruleOf(read, plan, rule)),
      protects: unique(protectsByPlan.get(plan.urn) ?? []),
    };
  });

  const vaults: VaultEvidence[] = index.ofType(VAULTS).map((vault) => {
    const airGapped = AIR_GAPPED_VAULT.has(vault.type);
    return {
      resource: ref(vault),
      region: read.region(vault),
      airGapped,
      key: read.key(vault, airGapped ? "encryptionKeyArn" : "kmsKeyArn", "AWS-managed key"),
      lock: airGapped ? null : lockOf(read, vault),
    };
  });

  const controls = controlsOf(index, result, config, notes);
  const count = (status: ControlStatus) => controls.filter((control) => control.status === status).length;
  return {
    format: REPORT_FORMAT,
    policyPack: result.pack,
    stack: { project: view.project, stack: view.stack, source: options.source ?? (view.dryRun ? "preview" : "update") },
    failed: result.failed,
    summary: {
      dataStores: dataStores.length,
      protected: dataStores.filter((store) => store.protection === "protected").length,
      unprotected: dataStores.filter((store) => store.protection === "unprotected").length,
      undecided: dataStores.filter((store) => store.protection === read.unknown).length,
      controls: {
        satisfied: count("satisfied"),
        violated: count("violated"),
        unverifiable: count("unverifiable"),
        "not applicable": count("not applicable"),
        disabled: count("disabled"),
      },
    },
    dataStores,
    plans,
    vaults,
    controls,
    notes,
  };
}

function sourceKeyOf(read: Reader, resource: IndexedResource, keyProperty: string, encryptedProperty: string): KeyCustody {
  const encrypted = booleanField(read.index.setting(resource, [encryptedProperty]));
  if (encrypted.state === "unknown") {
    return { custody: read.unknown, rotationEnabled: read.unknown, rotationPeriodDays: read.unknown, deletionWindowDays: read.unknown };
  }
  if (encrypted.state !== "known" || !encrypted.value) {
    return { custody: "not encrypted", rotationEnabled: "not applicable", rotationPeriodDays: null, deletionWindowDays: null };
  }
  return read.key(resource, keyProperty, "AWS-managed key");
}

function lockOf(read: Reader, vault: IndexedResource): LockEvidence | null {
  const { locks, open } = vaultLocks(read.index, vault);
  const lock = locks[0];
  if (!lock) return open.length > 0 ? { mode: read.unknown, minRetentionDays: read.unknown, maxRetentionDays: read.unknown } : null;
  const bounds = lockBounds(lock, read.index);
  const changeable = bounds.changeableForDays;
  return {
    mode: changeable.state === "unknown" ? read.unknown : changeable.state === "known" ? "compliance" : "governance",
    minRetentionDays: read.number(bounds.minRetentionDays, null),
    maxRetentionDays: read.number(bounds.maxRetentionDays, null),
  };
}

function ruleOf(read: Reader, plan: IndexedResource, rule: PlanRule): RuleEvidence {
  const destination = ruleDestination(read.index, plan, rule);
  const rulePath = ["rules", rule.position];
  return {
    path: rule.path,
    schedule: read.schedule(plan, rule),
    retention: read.retention(rule.lifecycle),
    vault: read.target(destination, plan.props, [...rulePath, "targetVaultName"]),
    copies:
      rule.copyActions === "unknown"
        ? read.unknown
        : rule.copyActions.map((action, i): CopyEvidence => {
            const copy = copyDestination(read.index, plan, rule, action);
            const path = [...rulePath, "copyActions", i, "destinationVaultArn"];
            return {
              path: action.path,
              destination: read.target(copy, plan.props, path),
              region: read.copyRegion(copy, plan.props, path),
              account: read.account(copy, plan.props, path),
              retention: read.retention(action.lifecycle),
            };
          }),
  };
}

function controlsOf(
  index: StackIndex,
  result: AnalysisResult,
  config: ReturnType<typeof reconcileConfig>,
  notes: string[],
): ControlEvidence[] {
  const gaps = gapsByPolicy(result.diagnostics);
  const known = new Map((packPolicies as readonly BackupPolicy[]).map((policy) => [policy.name, policy]));
  const gapsPolicy = result.info.policies.find((policy) => policy.name === GAPS_POLICY);
  const gapsLevel = config[GAPS_POLICY]?.enforcementLevel ?? gapsPolicy?.enforcementLevel;
  if (!gapsPolicy || gapsLevel === "disabled") {
    notes.push(
      `${GAPS_POLICY} is disabled, so this run lists no unverifiable control: a control reported satisfied may have been unverifiable on some resource.`,
    );
  }
  return result.info.policies.map((info): ControlEvidence => {
    const level = config[info.name]?.enforcementLevel ?? info.enforcementLevel;
    const violations = result.diagnostics.filter((d) => d.policy === info.name);
    const unverified = info.name === GAPS_POLICY ? [] : (gaps.get(info.name) ?? []);
    const policy = known.get(info.name);
    let subjects: readonly { urn: string }[] | undefined;
    if (info.name === GAPS_POLICY) subjects = index.resources.filter((resource) => resource.type === "pulumi:pulumi:Stack");
    else if (policy) subjects = policy.subjectsOf(index, config[info.name]?.properties ?? {});
    if (!policy && info.name !== GAPS_POLICY) {
      notes.push(`${info.name} is not a policy of aws-backup-guardrails, so whether it applies to this stack is not known here.`);
    }
    const resources: ControlResource[] = [
      ...violations.map((d): ControlResource => ({ urn: d.urn, status: "violated", detail: d.message })),
      ...unverified,
    ];
    const judged = new Set(resources.map((resource) => resource.urn));
    for (const subject of subjects ?? []) {
      if (!judged.has(subject.urn)) resources.push({ urn: subject.urn, status: "satisfied" });
      judged.add(subject.urn);
    }
    const status: ControlStatus =
      level === "disabled"
        ? "disabled"
        : violations.length > 0
          ? "violated"
          : unverified.length > 0
            ? "unverifiable"
            : subjects !== undefined && subjects.length === 0
              ? "not applicable"
              : "satisfied";
    const nist = info.framework ? info.framework.reference.split(", ").filter((id) => id !== "") : [];
    return {
      policy: info.name,
      description: info.description,
      status,
      severity: info.severity,
      enforcementLevel: level,
      area: referencesOf(info, "area:")[0] ?? "",
      nist,
      fedramp: nist,
      hipaa: referencesOf(info, "HIPAA "),
      ftc: referencesOf(info, "FTC Safeguards "),
      resources: status === "disabled" ? [] : resources,
    };
  });
}
