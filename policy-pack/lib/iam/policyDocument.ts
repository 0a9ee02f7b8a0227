import { actionMatchesPattern } from "@cloud-copilot/iam-expand";
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
  readonly hasCondition: boolean;
  /**
   * Condition keys that restrict who may call, lower-cased: those under an operator that
   * requires a match (`StringEquals`, `ArnLike`, …) with no wildcard-only value. Negated
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

function parseStatement(raw: Value, position: number): Statement | string {
  if (!isObject(raw)) return `statement ${position + 1} is not an object`;
  // Statements are named by position only: a Sid is a property value, and the policy
  // may have been a secret.
  const label = `${position + 1}`;
  const effect = getPath(raw, ["Effect"]);
  if (effect !== "Allow" && effect !== "Deny") return `statement ${label} has no Effect of "Allow" or "Deny"`;
  const parsedPrincipals = principals(getPath(raw, ["Principal"]));
  const parsedNotPrincipals = principals(getPath(raw, ["NotPrincipal"]));
  if (!parsedPrincipals || !parsedNotPrincipals) return `statement ${label} has a malformed Principal`;
  const actions = strings(getPath(raw, ["Action"]));
  const notActions = strings(getPath(raw, ["NotAction"]));
  if (!actions || !notActions) return `statement ${label} has a malformed Action or NotAction`;
  const condition = getPath(raw, ["Condition"]);
  const conditionKeys: string[] = [];
  let principalArnCondition: string[] | undefined;
  if (isObject(condition)) {
    for (const [operator, entries] of Object.entries(condition)) {
      if (!isObject(entries) || !restricts(operator)) continue;
      for (const [key, raw] of Object.entries(entries)) {
        const values = strings(raw) ?? [];
        if (values.length === 0 || values.some((value) => value === "*")) continue;
        conditionKeys.push(key.toLowerCase());
        if (key.toLowerCase() === "aws:principalarn" && !values.some((value) => /[*?]/.test(value))) {
          principalArnCondition = [...(principalArnCondition ?? []), ...values];
        }
      }
    }
  }
  return {
    label,
    effect,
    principals: parsedPrincipals,
    notPrincipals: parsedNotPrincipals,
    actions,
    notActions,
    hasCondition: isObject(condition) && Object.keys(condition).length > 0,
    conditionKeys,
    principalArnCondition,
  };
}

/** Parses an IAM policy document held as a JSON string (or an object). */
export function parsePolicyDocument(value: Value | undefined): ParsedPolicy {
  const document = jsonField(value);
  if (document.state === "absent" || document.state === "unknown") return document;
  if (document.state === "invalid") return { state: "invalid", problem: `is ${document.found}` };
  if (!isObject(document.value)) return { state: "invalid", problem: "is not a JSON object" };
  const raw = getPath(document.value, ["Statement"]);
  const list = Array.isArray(raw) ? raw : isObject(raw) ? [raw] : undefined;
  if (!list) return { state: "invalid", problem: "has no Statement" };
  const statements: Statement[] = [];
  for (const [i, item] of list.entries()) {
    const statement = parseStatement(item, i);
    if (typeof statement === "string") return { state: "invalid", problem: statement };
    statements.push(statement);
  }
  return { state: "known", statements };
}

/** True when the statement's `Action`/`NotAction` covers the action (wildcards included). */
export function statementCoversAction(statement: Statement, action: string): boolean {
  if (statement.notActions.length > 0) {
    return !statement.notActions.some((pattern) => actionMatchesPattern(action, pattern));
  }
  return statement.actions.some((pattern) => actionMatchesPattern(action, pattern));
}

/** True when the statement applies to everyone: `*`, `{AWS: "*"}`, or an Allow with NotPrincipal. */
export function statementAppliesToAnyone(statement: Statement): boolean {
  if (statement.notPrincipals.length > 0) return true;
  return statement.principals.some((principal) => principal.id === "*" && (principal.kind === "*" || principal.kind === "AWS"));
}
