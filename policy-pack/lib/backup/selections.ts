/**
 * Backup selections as AWS Backup applies them. A resource is selected when
 *
 *     (it is in `resources` AND it meets every `conditions` entry) OR it matches a `selectionTags` entry,
 *     and it is not in `notResources`.
 *
 * `resources` entries are ORed (an ARN edge, a literal ARN, a wildcard such as
 * `arn:aws:rds:*:*:db:*` or `*`), `selectionTags` (ListOfTags, STRINGEQUALS only) are
 * ORed with them, and `conditions` (StringEquals, StringNotEquals, StringLike,
 * StringNotLike on `aws:ResourceTag/<key>`) are ANDed and refine `resources`.
 * Tags are the resource's own over its provider's `defaultTags`.
 *
 * Every question is three-valued (`yes`, `no`, `unknown` while a value is unknown at
 * preview), and the stack's selections are indexed once (by edge target, exact ARN,
 * ARN service, tag pair and tag key), so finding the selections of one data store
 * looks only at the selections that could name it.
 */
import { parseArn, parseArnPattern, partitionOf } from "../arn";
import { globMatches } from "../glob";
import { effectiveTags } from "../s3/buckets";
import type { IndexedResource, StackIndex } from "../stackIndex";
import { BACKUP_PLAN, BACKUP_SELECTION } from "../types";
import { getPath, isObject, isUnknown, listField, stringField, stringMapField, type Value } from "../values";
import { kindOf, type DataStoreKind } from "./dataStores";
import { planRules } from "./plans";
import { referent } from "./references";

export type Tri = "yes" | "no" | "unknown";

function or(a: Tri, b: Tri): Tri {
  return a === "yes" || b === "yes" ? "yes" : a === "unknown" || b === "unknown" ? "unknown" : "no";
}
function and(a: Tri, b: Tri): Tri {
  return a === "no" || b === "no" ? "no" : a === "unknown" || b === "unknown" ? "unknown" : "yes";
}
function not(a: Tri): Tri {
  return a === "yes" ? "no" : a === "no" ? "yes" : "unknown";
}

/** One `resources` or `notResources` list. */
interface ArnList {
  /** URNs of the stack resources the list was computed from. */
  readonly edges: ReadonlySet<string>;
  /** Literal entries without a wildcard. */
  readonly exact: readonly string[];
  /** Literal entries with a wildcard (`*` alone included). */
  readonly patterns: readonly string[];
  /** Some entry (or the list) is unknown and computed from no resource of the stack. */
  readonly unknown: boolean;
  /** The stack resources the list names that AWS Backup cannot protect (edges to other types). */
  readonly unprotectable: readonly IndexedResource[];
  /** Literal ARNs of services AWS Backup does not protect. */
  readonly unprotectableLiterals: number;
  readonly empty: boolean;
}

type Operator = "equals" | "notEquals" | "like" | "notLike";

/** One tag test: a `selectionTags` entry or one entry of a `conditions` operator. */
interface TagTest {
  readonly operator: Operator;
  /** The tag key (without `aws:ResourceTag/`), or unknown. */
  readonly key: string | "unknown";
  readonly value: string | "unknown";
  /** A condition key that is not `aws:ResourceTag/<key>`: it never matches. */
  readonly foreignKey?: boolean;
}

/** Why a selection does not count as backing anything up. */
export type NotCounted =
  | { readonly reason: "plan-outside"; readonly detail: string }
  | { readonly reason: "plan-without-rule"; readonly plan: IndexedResource }
  | { readonly reason: "no-role" };

export interface ParsedSelection {
  readonly selection: IndexedResource;
  /** The plan of the stack it belongs to, when known. */
  readonly plans: readonly IndexedResource[];
  /** `counts`: plan in the stack with a rule and an IAM role set; `unknown`: that is unknown during preview. */
  readonly counts: Tri;
  readonly notCounted?: NotCounted;
  /** Why `counts` is unknown, for a gap. */
  readonly countsUnknown?: { readonly property: string; readonly reason: string };
  readonly resources: ArnList;
  readonly notResources: ArnList;
  readonly tags: readonly TagTest[];
  readonly tagsUnknown: boolean;
  readonly conditions: readonly TagTest[];
  readonly conditionsUnknown: boolean;
  /** Neither `resources` nor `selectionTags` holds anything: AWS rejects such a selection. */
  readonly empty: boolean;
}

/** Services whose resources AWS Backup protects beyond the data stores of the table. */
const PROTECTABLE_SERVICES = new Set([
  "rds",
  "dynamodb",
  "elasticfilesystem",
  "ec2",
  "fsx",
  "redshift",
  "redshift-serverless",
  "s3",
  "timestream",
  "storagegateway",
  "cloudformation",
  "backup-gateway",
  "ssm-sap",
  "dsql",
  "eks",
]);

/** Resource types AWS Backup protects that are not data stores of the coverage table. */
const OTHER_PROTECTABLE_TYPES = new Set([
  "aws:timestreamwrite/table:Table",
  "aws:storagegateway/storedIscsiVolume:StoredIscsiVolume",
  "aws:storagegateway/cachesIscsiVolume:CachesIscsiVolume",
  "aws:cloudformation/stack:Stack",
  "aws:redshiftserverless/namespace:Namespace",
  "aws:dsql/cluster:Cluster",
  "aws:eks/cluster:Cluster",
  "aws:rds/clusterInstance:ClusterInstance",
]);

export function isProtectableType(type: string): boolean {
  return kindOf(type) !== undefined || OTHER_PROTECTABLE_TYPES.has(type);
}

function parseArnList(index: StackIndex, selection: IndexedResource, property: string): ArnList {
  // Unknown without an edge: the provider fills in what the program left unset.
  const value = index.setting(selection, [property]);
  const edgeTargets = index.dependenciesOf(selection, property);
  const edges = new Set(edgeTargets.filter((target) => isProtectableType(target.type)).map((target) => target.urn));
  const unprotectable = edgeTargets.filter((target) => !isProtectableType(target.type));
  const exact: string[] = [];
  const patterns: string[] = [];
  let unknown = false;
  let unprotectableLiterals = 0;
  let entries = 0;
  if (isUnknown(value)) unknown = edgeTargets.length === 0;
  else if (Array.isArray(value)) {
    for (const item of value) {
      entries++;
      if (isUnknown(item)) {
        if (edgeTargets.length === 0) unknown = true;
      } else if (typeof item === "string" && item !== "") {
        if (item.includes("*")) patterns.push(item);
        else {
          exact.push(item);
          const arn = parseArn(item);
          if (!arn || !PROTECTABLE_SERVICES.has(arn.service)) unprotectableLiterals++;
        }
      }
    }
  }
  return {
    edges,
    exact,
    patterns,
    unknown,
    unprotectable,
    unprotectableLiterals,
    empty: entries === 0 && !isUnknown(value) && edgeTargets.length === 0,
  };
}

const RESOURCE_TAG = "aws:ResourceTag/";

function tagKey(raw: Value | undefined, prefixRequired: boolean): { key: string | "unknown"; foreign?: boolean } | undefined {
  if (isUnknown(raw)) return { key: "unknown" };
  if (typeof raw !== "string") return undefined;
  if (raw.startsWith(RESOURCE_TAG)) return { key: raw.slice(RESOURCE_TAG.length) };
  return prefixRequired ? { key: raw, foreign: true } : { key: raw };
}

function tagTest(entry: Value, operator: Operator, prefixRequired: boolean): TagTest | "unknown" | undefined {
  if (isUnknown(entry)) return "unknown";
  if (!isObject(entry)) return undefined;
  const key = tagKey(entry.key, prefixRequired);
  const value = entry.value;
  if (!key || !(typeof value === "string" || isUnknown(value))) return undefined;
  return { operator, key: key.key, value: typeof value === "string" ? value : "unknown", ...(key.foreign && { foreignKey: true }) };
}

const CONDITION_OPERATORS: readonly [string, Operator][] = [
  ["stringEquals", "equals"],
  ["stringNotEquals", "notEquals"],
  ["stringLikes", "like"],
  ["stringNotLikes", "notLike"],
];

function parseSelectionTags(value: Value | undefined): { tests: TagTest[]; unknown: boolean } {
  const list = listField(value);
  if (list.state === "unknown") return { tests: [], unknown: true };
  const tests: TagTest[] = [];
  let unknown = false;
  for (const entry of list.state === "known" ? list.value : []) {
    // ListOfTags supports STRINGEQUALS only; its keys may be written with or without aws:ResourceTag/.
    const type = getPath(entry, ["type"]);
    if (isUnknown(type)) {
      unknown = true;
      continue;
    }
    if (typeof type === "string" && type.toUpperCase() !== "STRINGEQUALS") continue;
    const test = tagTest(entry, "equals", false);
    if (test === "unknown") unknown = true;
    else if (test) tests.push(test);
  }
  return { tests, unknown };
}

function parseConditions(value: Value | undefined): { tests: TagTest[]; unknown: boolean } {
  const list = listField(value);
  if (list.state === "unknown") return { tests: [], unknown: true };
  const tests: TagTest[] = [];
  let unknown = false;
  for (const block of list.state === "known" ? list.value : []) {
    if (isUnknown(block)) {
      unknown = true;
      continue;
    }
    for (const [property, operator] of CONDITION_OPERATORS) {
      const entries = getPath(block, [property]);
      if (isUnknown(entries)) {
        unknown = true;
        continue;
      }
      if (!Array.isArray(entries)) continue;
      for (const entry of entries) {
        const test = tagTest(entry, operator, true);
        if (test === "unknown") unknown = true;
        else if (test) tests.push(test);
      }
    }
  }
  return { tests, unknown };
}

/** Whether a selection counts: its plan is in the stack and has a rule, and its role is set. */
function countsOf(
  index: StackIndex,
  selection: IndexedResource,
): Pick<ParsedSelection, "plans" | "counts" | "notCounted" | "countsUnknown"> {
  const role = selection.props.iamRoleArn;
  if (role === undefined || role === null || role === "") return { plans: [], counts: "no", notCounted: { reason: "no-role" } };
  const plan = referent(index, selection, "planId", BACKUP_PLAN, ["id", "arn", "name"]);
  if (plan.kind === "absent") return { plans: [], counts: "no", notCounted: { reason: "plan-outside", detail: "sets no planId" } };
  if (plan.kind === "literal") {
    return { plans: [], counts: "no", notCounted: { reason: "plan-outside", detail: "names a plan that is not in this stack" } };
  }
  if (plan.kind === "unknown") {
    return {
      plans: [],
      counts: "unknown",
      countsUnknown: { property: "planId", reason: `the planId of Selection '${selection.name}' is unknown ${index.unknownWhen}` },
    };
  }
  let counts: Tri = "no";
  let withoutRule: IndexedResource | undefined;
  let countsUnknown: ParsedSelection["countsUnknown"];
  for (const target of plan.targets) {
    const rules = planRules(target);
    if (rules.state === "known" && rules.rules.length > 0) counts = "yes";
    else if (rules.state === "unknown" && counts === "no") {
      counts = "unknown";
      countsUnknown = { property: "rules", reason: `the rules of Plan '${target.name}' are unknown ${index.unknownWhen}` };
    } else withoutRule ??= target;
  }
  if (counts === "no" && withoutRule)
    return { plans: plan.targets, counts, notCounted: { reason: "plan-without-rule", plan: withoutRule } };
  return { plans: plan.targets, counts, ...(counts === "unknown" && { countsUnknown }) };
}

export function parseSelection(index: StackIndex, selection: IndexedResource): ParsedSelection {
  const resources = parseArnList(index, selection, "resources");
  const tags = parseSelectionTags(index.setting(selection, ["selectionTags"]));
  const conditions = parseConditions(index.setting(selection, ["conditions"]));
  return {
    selection,
    ...countsOf(index, selection),
    resources,
    notResources: parseArnList(index, selection, "notResources"),
    tags: tags.tests,
    tagsUnknown: tags.unknown,
    conditions: conditions.tests,
    conditionsUnknown: conditions.unknown,
    empty: resources.empty && tags.tests.length === 0 && !tags.unknown,
  };
}

/** What a data store looks like to a selection: its ARN (parts maybe unknown) and tags. */
interface Subject {
  readonly resource: IndexedResource;
  readonly kind: DataStoreKind;
  /** The known ARN, when AWS's ARN is known. */
  readonly arn?: string;
  /** The ARN's segments, unknown ones as `undefined`: partition, service, region, account, resource. */
  readonly segments: readonly (string | undefined)[];
  readonly tags: Readonly<Record<string, string>>;
  /** Tag keys whose values are unknown; `*` for the whole map. */
  readonly unknownTagKeys: ReadonlySet<string>;
}

function regionOf(resource: IndexedResource): string | undefined {
  const own = resource.props.region;
  if (typeof own === "string" && own !== "") return own;
  const provider = resource.provider?.props.region;
  return typeof provider === "string" && provider !== "" ? provider : undefined;
}

function subjectOf(index: StackIndex, resource: IndexedResource, kind: DataStoreKind): Subject {
  const arnValue = stringField(resource.props.arn);
  const arn = arnValue.state === "known" && parseArn(arnValue.value) ? arnValue.value : undefined;
  const raw = kind.resourceName ? kind.resourceName(resource) : resource.props[kind.nameProperty];
  const resourcePart = typeof raw === "string" && raw !== "" ? `${kind.resourcePrefix}${raw}` : undefined;
  const parsed = arn ? parseArn(arn) : undefined;
  // The partition follows the region (an S3 ARN carries no region, but its bucket has one).
  const region = regionOf(resource);
  const segments = parsed
    ? [parsed.partition, parsed.service, parsed.region, parsed.account, parsed.resource]
    : [region && partitionOf(region), kind.service, kind.global ? "" : region, kind.global ? "" : undefined, resourcePart];
  const { tags, unknownKeys } = effectiveTags(index, resource);
  return { resource, kind, ...(arn && { arn }), segments, tags, unknownTagKeys: new Set(unknownKeys) };
}

/** Whether an ARN literal or pattern names the subject. */
function arnMatches(pattern: string, subject: Subject): Tri {
  if (pattern === "*") return "yes";
  if (subject.arn) return globMatches(pattern, subject.arn) ? "yes" : "no";
  const parsed = parseArnPattern(pattern);
  if (!parsed) return pattern.startsWith("arn:") ? "unknown" : "no";
  const wanted = [parsed.partition, parsed.service, parsed.region, parsed.account, parsed.resource];
  let result: Tri = "yes";
  for (const [i, segment] of wanted.entries()) {
    const actual = subject.segments[i];
    if (actual !== undefined) {
      if (!globMatches(segment, actual)) return "no";
    } else if (i === 4) result = and(result, resourceWithUnknownName(segment, subject.kind.resourcePrefix));
    else if (segment !== "*") result = "unknown";
  }
  return result;
}

/** A resource segment pattern against `<prefix><a name unknown during preview>`. */
function resourceWithUnknownName(pattern: string, prefix: string): Tri {
  if (pattern === "*" || pattern === `${prefix}*`) return "yes";
  const literal = pattern.split("*")[0] ?? "";
  return literal.startsWith(prefix) || prefix.startsWith(literal) ? "unknown" : "no";
}

function inList(list: ArnList, subject: Subject): Tri {
  if (list.edges.has(subject.resource.urn)) return "yes";
  let result: Tri = list.unknown ? "unknown" : "no";
  for (const literal of list.exact) result = or(result, arnMatches(literal, subject));
  for (const pattern of list.patterns) result = or(result, arnMatches(pattern, subject));
  return result;
}

function tagMatches(test: TagTest, subject: Subject): Tri {
  if (test.foreignKey) return "no";
  const negated = test.operator === "notEquals" || test.operator === "notLike";
  if (test.key === "unknown") return "unknown";
  if (subject.unknownTagKeys.has("*") || subject.unknownTagKeys.has(test.key)) {
    if (!Object.prototype.hasOwnProperty.call(subject.tags, test.key)) return "unknown";
  }
  const actual = Object.prototype.hasOwnProperty.call(subject.tags, test.key) ? subject.tags[test.key] : undefined;
  // As in IAM, a negated operator is met by a resource without the tag.
  if (actual === undefined) return negated ? "yes" : "no";
  if (test.value === "unknown") return "unknown";
  const like = test.operator === "like" || test.operator === "notLike";
  const matched = like ? globMatches(test.value, actual) : test.value === actual;
  return negated ? (matched ? "no" : "yes") : matched ? "yes" : "no";
}

/** Whether one selection selects the subject (ignoring whether the selection counts). */
export function selects(selection: ParsedSelection, subject: Subject): Tri {
  let conditions: Tri = selection.conditionsUnknown ? "unknown" : "yes";
  for (const test of selection.conditions) conditions = and(conditions, tagMatches(test, subject));
  const byResources = and(inList(selection.resources, subject), conditions);
  let byTags: Tri = selection.tagsUnknown ? "unknown" : "no";
  for (const test of selection.tags) byTags = or(byTags, tagMatches(test, subject));
  return and(or(byResources, byTags), not(inList(selection.notResources, subject)));
}

/**
 * How a selection names a data store, for evidence: by ARN (a reference to its ARN or a
 * literal one), by a wildcard ARN pattern, by one of its own tags, by a tag its
 * provider's `defaultTags` put on it, and whether `conditions` refine the match. Every
 * way that may apply (`yes` or `unknown`) is listed.
 */
export type SelectionMethod = "ARN" | "wildcard" | "tag" | "default tags" | "condition";

export function selectionMethods(index: StackIndex, selection: ParsedSelection, resource: IndexedResource): SelectionMethod[] {
  const kind = kindOf(resource.type);
  if (!kind) return [];
  const subject = subjectOf(index, resource, kind);
  const out: SelectionMethod[] = [];
  let conditions: Tri = selection.conditionsUnknown ? "unknown" : "yes";
  for (const test of selection.conditions) conditions = and(conditions, tagMatches(test, subject));
  if (conditions !== "no") {
    const byArn = selection.resources.edges.has(resource.urn) || selection.resources.exact.some((arn) => arnMatches(arn, subject) !== "no");
    const byPattern = selection.resources.patterns.some((pattern) => arnMatches(pattern, subject) !== "no");
    if (byArn) out.push("ARN");
    if (byPattern) out.push("wildcard");
    if ((byArn || byPattern) && selection.conditions.length > 0) out.push("condition");
  }
  const ownTags = stringMapField(index.setting(resource, ["tags"]));
  for (const test of selection.tags) {
    if (tagMatches(test, subject) === "no") continue;
    // A tag the resource does not set itself comes from its provider's defaultTags.
    const own =
      test.key === "unknown" ||
      ownTags.state === "unknown" ||
      (ownTags.state === "known" &&
        (Object.prototype.hasOwnProperty.call(ownTags.value.known, test.key) || ownTags.value.unknownKeys.includes(test.key)));
    const method: SelectionMethod = own ? "tag" : "default tags";
    if (!out.includes(method)) out.push(method);
  }
  return out;
}

/** How one selection relates to one data store. */
export interface SelectionVerdict {
  readonly selection: ParsedSelection;
  /** Whether the selection names the data store (before notResources and whether it counts). */
  readonly named: Tri;
  /** Whether it selects it (after notResources). */
  readonly selected: Tri;
}

/** The stack's selections, indexed by what could make them name a data store. */
export interface SelectionIndex {
  readonly selections: readonly ParsedSelection[];
  byUrn: Map<string, ParsedSelection>;
  byEdge: Map<string, ParsedSelection[]>;
  /** Exact ARN literals, and also by service and resource segment (for ARNs with unknown parts). */
  byExactArn: Map<string, ParsedSelection[]>;
  byServiceResource: Map<string, ParsedSelection[]>;
  /**
   * Wildcard patterns by their service segment (`*` for any), then by the literal start
   * of their resource segment (`db:prod-` for `…:db:prod-*`), each pattern once: a data
   * store is judged only against the patterns whose literal start begins its name.
   */
  patternsByService: Map<string, PatternBucket>;
  /** `selectionTags` entries by tag pair, by key when the value is unknown, and all by key (for resources whose tags are unknown). */
  byTagPair: Map<string, ParsedSelection[]>;
  byTagKeyOfUnknownValue: Map<string, ParsedSelection[]>;
  byTagKey: Map<string, ParsedSelection[]>;
  /**
   * Pattern selections whose conditions require a tag pair (StringEquals): only a
   * resource with that pair (or with that tag unknown) can be selected by them.
   */
  byConditionPair: Map<string, ParsedSelection[]>;
  byConditionKey: Map<string, ParsedSelection[]>;
  /** Selections every data store must be checked against (unknown lists, negated-only tests, unknown keys). */
  always: ParsedSelection[];
}

/** The patterns of one service, by the literal start of their resource segment. */
interface PatternBucket {
  readonly byStart: Map<string, Map<string, ParsedSelection[]>>;
  /** Per resource prefix of a kind (`db:`), the starts that extend it, for names unknown at preview. */
  readonly extending: Map<string, readonly string[]>;
}

/** The resource segment of a pattern up to its first wildcard (`""` for `*` or a wildcard partition-to-resource). */
function literalStart(pattern: string): string {
  const arn = parseArnPattern(pattern);
  const resource = arn ? arn.resource : "";
  const wildcard = resource.search(/[*?]/);
  return wildcard < 0 ? resource : resource.slice(0, wildcard);
}

/** The pattern groups of a bucket that could name a resource segment (`undefined`: a name unknown at preview). */
function candidatePatterns(bucket: PatternBucket, resource: string | undefined, prefix: string): Map<string, ParsedSelection[]>[] {
  const out: Map<string, ParsedSelection[]>[] = [];
  const known = resource ?? prefix;
  for (let i = 0; i <= known.length; i++) {
    const group = bucket.byStart.get(known.slice(0, i));
    if (group) out.push(group);
  }
  if (resource === undefined) {
    let starts = bucket.extending.get(prefix);
    if (!starts) {
      starts = [...bucket.byStart.keys()].filter((start) => start.length > prefix.length && start.startsWith(prefix));
      bucket.extending.set(prefix, starts);
    }
    for (const start of starts) out.push(bucket.byStart.get(start)!);
  }
  return out;
}

function push<K>(map: Map<K, ParsedSelection[]>, key: K, selection: ParsedSelection): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== selection) list.push(selection);
  } else map.set(key, [selection]);
}

function buildIndex(index: StackIndex): SelectionIndex {
  const built: SelectionIndex = {
    selections: [],
    byUrn: new Map(),
    byEdge: new Map(),
    byExactArn: new Map(),
    byServiceResource: new Map(),
    patternsByService: new Map(),
    byTagPair: new Map(),
    byTagKeyOfUnknownValue: new Map(),
    byTagKey: new Map(),
    byConditionPair: new Map(),
    byConditionKey: new Map(),
    always: [],
  };
  const selections: ParsedSelection[] = [];
  for (const resource of index.ofType(BACKUP_SELECTION)) {
    const selection = parseSelection(index, resource);
    selections.push(selection);
    built.byUrn.set(resource.urn, selection);
    const { resources } = selection;
    let always = resources.unknown || selection.tagsUnknown;
    for (const urn of resources.edges) push(built.byEdge, urn, selection);
    for (const literal of resources.exact) {
      push(built.byExactArn, literal, selection);
      const arn = parseArn(literal);
      if (arn) push(built.byServiceResource, `${arn.service}|${arn.resource}`, selection);
    }
    const anchor = selection.conditionsUnknown
      ? undefined
      : selection.conditions.find(
          (test) => test.operator === "equals" && !test.foreignKey && test.key !== "unknown" && test.value !== "unknown",
        );
    if (anchor && resources.patterns.length > 0) {
      push(built.byConditionPair, `${anchor.key}\u0000${anchor.value}`, selection);
      push(built.byConditionKey, anchor.key, selection);
    } else
      for (const pattern of resources.patterns) {
        const arn = parseArnPattern(pattern);
        const service = pattern === "*" || !arn || arn.service.includes("*") ? "*" : arn.service;
        let bucket = built.patternsByService.get(service);
        if (!bucket) built.patternsByService.set(service, (bucket = { byStart: new Map(), extending: new Map() }));
        const start = literalStart(pattern);
        let patterns = bucket.byStart.get(start);
        if (!patterns) bucket.byStart.set(start, (patterns = new Map()));
        push(patterns, pattern, selection);
      }
    for (const test of selection.tags) {
      if (test.key === "unknown") always = true;
      else {
        push(built.byTagKey, test.key, selection);
        if (test.value === "unknown") push(built.byTagKeyOfUnknownValue, test.key, selection);
        else push(built.byTagPair, `${test.key}\u0000${test.value}`, selection);
      }
    }
    if (always) built.always.push(selection);
  }
  return { ...built, selections };
}

export function selectionIndex(index: StackIndex): SelectionIndex {
  return index.memo("selectionIndex", buildIndex);
}

/** Every selection that could select the data store, each judged against it. */
export function selectionsOf(index: StackIndex, resource: IndexedResource): SelectionVerdict[] {
  const kind = kindOf(resource.type);
  if (!kind) return [];
  const selections = selectionIndex(index);
  const subject = subjectOf(index, resource, kind);
  const candidates = new Set<ParsedSelection>(selections.always);
  const add = (list: readonly ParsedSelection[] | undefined) => {
    for (const selection of list ?? []) candidates.add(selection);
  };
  add(selections.byEdge.get(resource.urn));
  if (subject.arn) add(selections.byExactArn.get(subject.arn));
  else if (subject.segments[4] !== undefined) add(selections.byServiceResource.get(`${kind.service}|${subject.segments[4]}`));
  for (const service of [kind.service, "*"]) {
    const bucket = selections.patternsByService.get(service);
    if (!bucket) continue;
    for (const group of candidatePatterns(bucket, subject.segments[4], kind.resourcePrefix)) {
      for (const [pattern, list] of group) if (arnMatches(pattern, subject) !== "no") add(list);
    }
  }
  for (const [key, value] of Object.entries(subject.tags)) {
    add(selections.byTagPair.get(`${key}\u0000${value}`));
    add(selections.byTagKeyOfUnknownValue.get(key));
    add(selections.byConditionPair.get(`${key}\u0000${value}`));
  }
  if (subject.unknownTagKeys.size > 0) {
    const all = subject.unknownTagKeys.has("*");
    for (const map of [selections.byTagKey, selections.byConditionKey]) {
      for (const [key, list] of map) if (all || subject.unknownTagKeys.has(key)) add(list);
    }
  }
  const out: SelectionVerdict[] = [];
  for (const selection of candidates) {
    const named = selects({ ...selection, notResources: EMPTY_LIST }, subject);
    if (named === "no") continue;
    out.push({ selection, named, selected: and(named, not(inList(selection.notResources, subject))) });
  }
  return out;
}

const EMPTY_LIST: ArnList = {
  edges: new Set(),
  exact: [],
  patterns: [],
  unknown: false,
  unprotectable: [],
  unprotectableLiterals: 0,
  empty: true,
};

/** The parsed selections of each plan of the stack, by plan URN. */
export function selectionsByPlan(index: StackIndex): ReadonlyMap<string, readonly ParsedSelection[]> {
  return index.memo("selectionsByPlan", () => {
    const map = new Map<string, ParsedSelection[]>();
    for (const selection of selectionIndex(index).selections) for (const plan of selection.plans) push(map, plan.urn, selection);
    return map;
  });
}

/** Selections whose plan is unknown during preview: they may belong to any plan. */
export function selectionsWithUnknownPlan(index: StackIndex): readonly ParsedSelection[] {
  return index.memo("selectionsWithUnknownPlan", () =>
    selectionIndex(index).selections.filter((selection) => selection.countsUnknown?.property === "planId"),
  );
}
