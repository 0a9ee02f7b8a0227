import { iamExpand } from "../modules";
import { getPath, isObject, jsonField, type Value } from "../values";

/** A principal as written in a resource policy: `{AWS: "arn:…"}`, `{Service: "…"}` or `*`. */
export interface Principal {
  readonly kind: string;
  readonly id: string;
}

/** One statement, normalised: every list is a list, every name as written. */
export interface Statement {
  /** Its 1-based position in the document. */
  readonly label: string;
  readonly effect: "Allow" | "Deny";
  readonly principals: readonly Principal[];
  readonly notPrincipals: readonly Principal[];
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly hasCondition: boolean;
  /** The `Condition` block as written (operator → key → values), `{}` when there is none. */
  readonly condition: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /**
   * Condition keys that restrict who may call, lower-cased: those under an operator that
   * requires a match (`StringEquals`, `ArnLike`, …) whose every value pins something down
   * (not `*`, `arn:aws:iam::*:role/*`, …: see `valueNarrows`). Negated
   * operators, `Null`, `…IfExists` and `ForAllValues:` can be satisfied by anyone.
   */
  readonly conditionKeys: readonly string[];
  /**
   * The callers a restricting `aws:PrincipalArn` condition names, or `undefined` when it
   * names none (no such condition, or a pattern that matches more than named principals).
   */
  readonly principalArnCondition: readonly string[] | undefined;
}

/** Whether a condition operator requires the key to match one of its values. */
function restricts(operator: string): boolean {
  const name = operator.replace(/^ForAnyValue:/i, "");
  if (/^ForAllValues:/i.test(name) || /IfExists$/i.test(name) || /^Null$/i.test(name)) return false;
  return /^(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|Bool|NumericEquals|IpAddress)$/i.test(name);
}

const ARN_KEYS: ReadonlySet<string> = new Set(["aws:principalarn", "aws:sourcearn"]);

/**
 * Whether one value of a matching condition pins something down, rather than matching
 * anyone who cares to: a pattern such as `*`, `arn:aws:iam::*:role/*` or `AROA*` matches
 * principals of every account, so it narrows nothing. An ARN pattern narrows when its
 * account is literal (or, for an ARN without an account, such as a bucket's, its
 * resource starts literally); `aws:userid` when its unique id, before `:`, is literal;
 * `aws:PrincipalOrgPaths` when its organization is; any other value when it has no
 * wildcard at all.
 */
function valueNarrows(key: string, value: string): boolean {
  const wild = (text: string) => text === "" || /[*?]/.test(text);
  const lower = key.toLowerCase();
  if (ARN_KEYS.has(lower)) {
    const [prefix = "", , service = "", , account = "", ...rest] = value.split(":");
    if (prefix !== "arn" || wild(service)) return false;
    if (account !== "") return !wild(account);
    const resource = rest.join(":");
    return resource !== "" && !/^[*?]/.test(resource);
  }
  if (lower === "aws:userid") return !wild(value.split(":")[0] ?? "");
  if (lower === "aws:principalorgpaths") return !wild(value.split("/")[0] ?? "");
  return !wild(value);
}

/**
 * Condition keys that narrow who the caller can be (an account, an organisation, named
 * principals, a service acting on someone's behalf). `aws:SecureTransport`, times and
 * MFA narrow how, not who.
 */
const CALLER_CONDITION_KEYS: ReadonlySet<string> = new Set([
  "aws:principalaccount",
  "aws:principalarn",
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:principalservicename",
  "aws:sourceaccount",
  "aws:sourcearn",
  "aws:sourceowner",
  "aws:userid",
  "aws:username",
  "kms:calleraccount",
  "kms:viaservice",
]);

export function conditionNarrowsCaller(statement: Statement): boolean {
  return statement.conditionKeys.some((key) => CALLER_CONDITION_KEYS.has(key));
}

/**
 * Keys whose fixed values also make a bucket policy statement non-public for S3 ("The
 * meaning of public"): a VPC, a VPC endpoint, a KMS key id, besides the caller keys.
 */
const NON_PUBLIC_BUCKET_KEYS: ReadonlySet<string> = new Set([
  ...CALLER_CONDITION_KEYS,
  "aws:sourcevpc",
  "aws:sourcevpce",
  "s3:x-amz-server-side-encryption-aws-kms-key-id",
]);

/** Whether S3 would not count an Allow to `*` as public: its Condition fixes the caller, network or key. */
export function conditionMakesBucketStatementNonPublic(statement: Statement): boolean {
  if (statement.conditionKeys.some((key) => NON_PUBLIC_BUCKET_KEYS.has(key))) return true;
  // A set of CIDRs (aws:SourceIp), short of the whole internet.
  const cidrs = Object.entries(statement.condition)
    .filter(([operator]) => /^(ForAnyValue:)?IpAddress$/i.test(operator))
    .flatMap(([, entries]) =>
      Object.entries(entries)
        .filter(([key]) => key.toLowerCase() === "aws:sourceip")
        .flatMap(([, values]) => values),
    );
  return cidrs.length > 0 && !cidrs.some((cidr) => /^(0\.0\.0\.0|::)\/0$/.test(cidr.trim()));
}

export type ParsedPolicy =
  | { readonly state: "known"; readonly statements: readonly Statement[] }
  | { readonly state: "absent" }
  | { readonly state: "unknown" }
  | { readonly state: "invalid"; readonly problem: string };

function strings(value: Value | undefined): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((item): item is string => typeof item === "string")) return value;
  return undefined;
}

function principals(value: Value | undefined): Principal[] | undefined {
  if (value === undefined || value === null) return [];
  if (value === "*") return [{ kind: "*", id: "*" }];
  if (!isObject(value)) return undefined;
  const out: Principal[] = [];
  for (const [kind, ids] of Object.entries(value)) {
    const list = strings(ids);
    if (!list) return undefined;
    for (const id of list) out.push({ kind, id });
  }
  return out;
}

/** Scalars in a policy may be written as numbers or booleans (`"aws:SecureTransport": false`). */
function scalarStrings(value: Value | undefined): string[] | undefined {
  if (typeof value === "boolean" || typeof value === "number") return [String(value)];
  if (Array.isArray(value) && value.every((item) => typeof item === "boolean" || typeof item === "number" || typeof item === "string")) {
    return value.map(String);
  }
  return strings(value);
}

type Condition = Record<string, Record<string, string[]>>;

function parseCondition(value: Value | undefined): Condition | undefined {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) return undefined;
  const out: Condition = {};
  for (const [operator, entries] of Object.entries(value)) {
    if (!isObject(entries)) return undefined;
    const block: Record<string, string[]> = {};
    for (const [key, raw] of Object.entries(entries)) {
      const values = scalarStrings(raw);
      if (!values) return undefined;
      block[key] = values;
    }
    out[operator] = block;
  }
  return out;
}

/** `"Allow"`, `"allow"`, `"ALLOW"`: IAM documents in the wild use every case. */
function effectOf(value: Value | undefined): "Allow" | "Deny" | undefined {
  if (typeof value !== "string") return undefined;
  const lower = value.toLowerCase();
  return lower === "allow" ? "Allow" : lower === "deny" ? "Deny" : undefined;
}

/** The fields of one statement, whichever of the two shapes it was written in. */
interface RawStatement {
  effect: Value | undefined;
  principal: Principal[] | undefined;
  notPrincipal: Principal[] | undefined;
  action: Value | undefined;
  notAction: Value | undefined;
  resource: Value | undefined;
  notResource: Value | undefined;
  condition: Condition | undefined;
}

/** A statement as an IAM JSON document writes it (`Effect`, `Action`, `Principal: {AWS: …}`). */
function jsonStatement(raw: { [key: string]: Value }): RawStatement {
  return {
    effect: getPath(raw, ["Effect"]),
    principal: principals(getPath(raw, ["Principal"])),
    notPrincipal: principals(getPath(raw, ["NotPrincipal"])),
    action: getPath(raw, ["Action"]),
    notAction: getPath(raw, ["NotAction"]),
    resource: getPath(raw, ["Resource"]),
    notResource: getPath(raw, ["NotResource"]),
    condition: parseCondition(getPath(raw, ["Condition"])),
  };
}

/** `[{type, identifiers}]`, as `aws.iam.getPolicyDocument` takes principals. */
function argsPrincipals(value: Value | undefined): Principal[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return undefined;
  const out: Principal[] = [];
  for (const item of value) {
    const kind = getPath(item, ["type"]);
    const ids = strings(getPath(item, ["identifiers"]));
    if (typeof kind !== "string" || !ids) return undefined;
    for (const id of ids) out.push(kind === "*" || id === "*" ? { kind: kind === "*" ? "*" : kind, id: "*" } : { kind, id });
  }
  return out;
}

/** `[{test, variable, values}]`, as `aws.iam.getPolicyDocument` takes conditions. */
function argsCondition(value: Value | undefined): Condition | undefined {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) return undefined;
  const out: Condition = {};
  for (const item of value) {
    const test = getPath(item, ["test"]);
    const variable = getPath(item, ["variable"]);
    const values = scalarStrings(getPath(item, ["values"]));
    if (typeof test !== "string" || typeof variable !== "string" || !values) return undefined;
    out[test] = { ...out[test], [variable]: [...(out[test]?.[variable] ?? []), ...values] };
  }
  return out;
}

/** A statement as the arguments of `aws.iam.getPolicyDocument` write it (`effect`, `actions`, …). */
function argsStatement(raw: { [key: string]: Value }): RawStatement {
  return {
    effect: getPath(raw, ["effect"]) ?? "Allow",
    principal: argsPrincipals(getPath(raw, ["principals"])),
    notPrincipal: argsPrincipals(getPath(raw, ["notPrincipals"])),
    action: getPath(raw, ["actions"]),
    notAction: getPath(raw, ["notActions"]),
    resource: getPath(raw, ["resources"]),
    notResource: getPath(raw, ["notResources"]),
    condition: argsCondition(getPath(raw, ["conditions"])),
  };
}

function parseStatement(raw: Value, position: number, shape: "json" | "args"): Statement | string {
  if (!isObject(raw)) return `statement ${position + 1} is not an object`;
  // Statements are named by position only: a Sid is a property value, and the policy
  // may have been a secret.
  const label = `${position + 1}`;
  const fields = shape === "json" ? jsonStatement(raw) : argsStatement(raw);
  const effect = effectOf(fields.effect);
  if (!effect) return `statement ${label} has no Effect of "Allow" or "Deny"`;
  if (!fields.principal || !fields.notPrincipal) return `statement ${label} has a malformed Principal`;
  const actions = strings(fields.action);
  const notActions = strings(fields.notAction);
  if (!actions || !notActions) return `statement ${label} has a malformed Action or NotAction`;
  const resources = strings(fields.resource);
  const notResources = strings(fields.notResource);
  if (!resources || !notResources) return `statement ${label} has a malformed Resource or NotResource`;
  const condition = fields.condition;
  if (!condition) return `statement ${label} has a malformed Condition`;
  const conditionKeys: string[] = [];
  let principalArnCondition: string[] | undefined;
  for (const [operator, entries] of Object.entries(condition)) {
    if (!restricts(operator)) continue;
    for (const [key, values] of Object.entries(entries)) {
      if (values.length === 0 || values.some((value) => !valueNarrows(key, value))) continue;
      conditionKeys.push(key.toLowerCase());
      if (key.toLowerCase() === "aws:principalarn" && !values.some((value) => /[*?]/.test(value))) {
        principalArnCondition = [...(principalArnCondition ?? []), ...values];
      }
    }
  }
  return {
    label,
    effect,
    principals: fields.principal,
    notPrincipals: fields.notPrincipal,
    actions,
    notActions,
    resources,
    notResources,
    hasCondition: Object.keys(condition).length > 0,
    condition,
    conditionKeys,
    principalArnCondition,
  };
}

/**
 * Parses an IAM policy document however a program hands it over: a JSON string (as
 * `JSON.stringify`, `aws.iam.getPolicyDocument(...).json` or a file gives it) or an
 * object; `Statement` as one statement or a list; `Version` 2008 or 2012; `Action`,
 * `Resource` and principals as one string or many; `Effect` in any case; or the
 * arguments of `aws.iam.getPolicyDocument` (`statements: [{effect, actions, …}]`).
 */
export function parsePolicyDocument(value: Value | undefined): ParsedPolicy {
  const document = jsonField(value);
  if (document.state === "absent" || document.state === "unknown") return document;
  if (document.state === "invalid") return { state: "invalid", problem: `is ${document.found}` };
  if (!isObject(document.value)) return { state: "invalid", problem: "is not a JSON object" };
  const json = getPath(document.value, ["Statement"]);
  const args = json === undefined ? getPath(document.value, ["statements"]) : undefined;
  const raw = json ?? args;
  const list = Array.isArray(raw) ? raw : isObject(raw) ? [raw] : undefined;
  if (!list) return { state: "invalid", problem: "has no Statement" };
  const statements: Statement[] = [];
  for (const [i, item] of list.entries()) {
    const statement = parseStatement(item, i, json === undefined ? "args" : "json");
    if (typeof statement === "string") return { state: "invalid", problem: statement };
    statements.push(statement);
  }
  return { state: "known", statements };
}

const covered = new WeakMap<Statement, Map<string, boolean>>();

/**
 * True when the statement's `Action`/`NotAction` covers the action (wildcards included).
 * Remembered per statement: AWS managed policies list thousands of actions and are
 * attached to many identities.
 */
export function statementCoversAction(statement: Statement, action: string): boolean {
  let known = covered.get(statement);
  if (!known) covered.set(statement, (known = new Map()));
  let covers = known.get(action);
  if (covers === undefined) {
    covers =
      statement.notActions.length > 0
        ? !statement.notActions.some((pattern) => iamExpand().actionMatchesPattern(action, pattern))
        : statement.actions.some((pattern) => iamExpand().actionMatchesPattern(action, pattern));
    known.set(action, covers);
  }
  return covers;
}

/** True when the statement applies to everyone: `*`, `{AWS: "*"}`, or an Allow with NotPrincipal. */
export function statementAppliesToAnyone(statement: Statement): boolean {
  if (statement.notPrincipals.length > 0) return true;
  return statement.principals.some((principal) => principal.id === "*" && (principal.kind === "*" || principal.kind === "AWS"));
}
