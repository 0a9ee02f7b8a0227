import { iamSimulate } from "../modules";
import { statementCoversAction, type Principal, type Statement } from "./policyDocument";

/**
 * Whether AWS would allow one request, as far as the pack can tell before deployment:
 * `allowed` and `denied` are certain; `conditional` means the answer hangs on a
 * condition whose context (source IP, time, tags, MFA, …) only exists at request time.
 */
export type Decision = "allowed" | "denied" | "conditional";

/** A set of statements that AWS evaluates as one policy, named for messages. */
export interface NamedStatements {
  readonly name: string;
  readonly statements: readonly Statement[];
}

/** One request: who calls, which action, on which resource, with which context known. */
export interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  /**
   * The context keys whose value the pack knows for this request (`aws:PrincipalArn`,
   * `aws:PrincipalAccount`, …); a condition on any other key is not evaluable.
   */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

export interface Policies {
  readonly identity: readonly NamedStatements[];
  /** Permission boundaries: an action outside them is denied even if allowed. */
  readonly boundaries?: readonly NamedStatements[];
  readonly resource?: NamedStatements;
}

type Json = string | string[] | Record<string, unknown>;

function principalJson(principals: readonly Principal[]): Json {
  if (principals.some((p) => p.kind === "*")) return "*";
  const out: Record<string, string[]> = {};
  for (const p of principals) (out[p.kind] ??= []).push(p.id);
  return out;
}

/**
 * A statement with its conditions cut to what can be evaluated: `keep` leaves the
 * unevaluable entries out, so the statement applies as if they held; `undefined` drops
 * the statement, as if they never held.
 */
function shaped(
  statement: Statement,
  known: ReadonlySet<string>,
  unevaluable: "assume-true" | "assume-false",
): Record<string, Json> | undefined {
  const condition: Record<string, Record<string, string[]>> = {};
  let cut = false;
  for (const [operator, entries] of Object.entries(statement.condition)) {
    for (const [key, values] of Object.entries(entries)) {
      if (!known.has(key.toLowerCase())) {
        cut = true;
        continue;
      }
      (condition[operator] ??= {})[key] = [...values];
    }
  }
  if (cut && unevaluable === "assume-false") return undefined;
  const out: Record<string, Json> = { Effect: statement.effect };
  if (statement.principals.length > 0) out.Principal = principalJson(statement.principals);
  if (statement.notPrincipals.length > 0) out.NotPrincipal = principalJson(statement.notPrincipals);
  if (statement.notActions.length > 0) out.NotAction = [...statement.notActions];
  else out.Action = [...statement.actions];
  if (statement.notResources.length > 0) out.NotResource = [...statement.notResources];
  else out.Resource = statement.resources.length > 0 ? [...statement.resources] : ["*"];
  if (Object.keys(condition).length > 0) out.Condition = condition;
  return out;
}

/** The one document AWS would evaluate, with unevaluable conditions settled one way. */
function document(policy: NamedStatements, action: string, known: ReadonlySet<string>, permissive: boolean) {
  const statements: Record<string, Json>[] = [];
  for (const statement of policy.statements) {
    // A statement whose actions do not cover the request never applies to it.
    if (!statementCoversAction(statement, action)) continue;
    // Permissive: allows apply and conditional denies do not; strict: the reverse.
    const assume = (statement.effect === "Allow") === permissive ? "assume-true" : "assume-false";
    const shapedStatement = shaped(statement, known, assume);
    if (shapedStatement) statements.push(shapedStatement);
  }
  return { name: policy.name, policy: { Version: "2012-10-17", Statement: statements } };
}

/**
 * iam-simulate 0.1.173's `runUnsafeSimulation` loads a plain resource policy without
 * its name and then crashes reading it when a statement matches; a policy already
 * marked validated (the shape `@cloud-copilot/iam-policy`'s `createValidatedPolicy`
 * returns) carries the name through.
 */
function resourcePolicy(named: { name: string; policy: unknown }) {
  return { __validated: true, policyDocument: named.policy, metadata: { name: named.name }, errors: [] };
}

function simulate(request: Request, policies: Policies, permissive: boolean): boolean {
  const known = new Set(Object.keys(request.context).map((key) => key.toLowerCase()));
  const context: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(request.context)) context[key] = typeof value === "string" ? value : [...value];
  const result = iamSimulate().runUnsafeSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: context,
      },
      identityPolicies: policies.identity.map((policy) => document(policy, request.action, known, permissive)),
      permissionBoundaryPolicies:
        policies.boundaries && policies.boundaries.length > 0
          ? policies.boundaries.map((policy) => document(policy, request.action, known, permissive))
          : undefined,
      resourcePolicy: policies.resource ? resourcePolicy(document(policies.resource, request.action, known, permissive)) : undefined,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    { simulationMode: "Strict" },
  );
  return result === "Allowed";
}

/** True when some statement that applies to the request has a condition on a key the request's context lacks. */
function settlesConditions(request: Request, policies: Policies): boolean {
  const known = new Set(Object.keys(request.context).map((key) => key.toLowerCase()));
  const all = [...policies.identity, ...(policies.boundaries ?? []), ...(policies.resource ? [policies.resource] : [])];
  return all.some((policy) =>
    policy.statements.some(
      (statement) =>
        statementCoversAction(statement, request.action) &&
        Object.values(statement.condition).some((entries) => Object.keys(entries).some((key) => !known.has(key.toLowerCase()))),
    ),
  );
}

const BLIND = new WeakMap<readonly Statement[], boolean>();
const ACCOUNT_PRINCIPAL = /^(?:\d{12}|arn:aws[\w-]*:iam::\d{12}:root)$/;

/**
 * True when no statement can tell one caller of an account from another: principals
 * only `*`, services or whole accounts, no `NotPrincipal`, no condition on
 * `aws:PrincipalArn` and no policy variable. Computed once per parsed document.
 */
function principalBlind(statements: readonly Statement[]): boolean {
  let blind = BLIND.get(statements);
  if (blind === undefined) {
    blind = statements.every(
      (statement) =>
        statement.notPrincipals.length === 0 &&
        statement.principals.every(
          (p) => p.kind === "*" || p.kind === "Service" || (p.kind === "AWS" && (p.id === "*" || ACCOUNT_PRINCIPAL.test(p.id))),
        ) &&
        Object.values(statement.condition).every((entries) =>
          Object.keys(entries).every((key) => key.toLowerCase() !== "aws:principalarn"),
        ) &&
        !JSON.stringify(statement).includes("${"),
    );
    BLIND.set(statements, blind);
  }
  return blind;
}

/** An IAM role or user ARN's name replaced, where the policies cannot see it: the caller's account and kind remain. */
const NAMED_PRINCIPAL = /^(arn:[\w-]+:iam::\d*:(?:role|user)\/).+$/;

function canonical(request: Request, policies: Policies): Request {
  const named = NAMED_PRINCIPAL.exec(request.principal);
  if (!named) return request;
  const all = [...policies.identity, ...(policies.boundaries ?? []), ...(policies.resource ? [policies.resource] : [])];
  if (!all.every((policy) => principalBlind(policy.statements))) return request;
  const principal = `${named[1]}any-caller`;
  const context: Record<string, string | readonly string[]> = {};
  for (const [key, value] of Object.entries(request.context)) context[key] = value === request.principal ? principal : value;
  return { ...request, principal, context };
}

const MAX_DECISIONS = 100_000;
const IDS = new WeakMap<object, number>();
/** Ids by content, so that equal documents (the same vault policy on many vaults) share decisions; bounded. */
const CONTENT_IDS = new Map<string, number>();
let nextId = 0;
const idOf = (statements: readonly Statement[]) => {
  let id = IDS.get(statements);
  if (id === undefined) {
    const content = JSON.stringify(statements);
    id = CONTENT_IDS.get(content);
    if (id === undefined) {
      if (CONTENT_IDS.size >= MAX_DECISIONS) CONTENT_IDS.clear();
      CONTENT_IDS.set(content, (id = nextId++));
    }
    IDS.set(statements, id);
  }
  return id;
};

/** Decisions by request and documents; bounded, since a pack process may serve many analyses. */
const DECISIONS = new Map<string, Decision>();

/**
 * Evaluates a request as AWS does (allow minus explicit deny, boundaries, resource
 * policy, wildcards, `NotAction`, `NotResource`, condition operators) with
 * `@cloud-copilot/iam-simulate`, twice: once as permissive as unevaluable conditions
 * allow, once as strict (only when such a condition applies: otherwise both runs see
 * the same documents). Both allow: allowed; neither: denied; else conditional.
 * Remembered per request and documents; a caller the documents cannot tell from
 * another of its account and kind (see `principalBlind`) shares their answer.
 */
export function decide(request: Request, policies: Policies): Decision {
  const asked = canonical(request, policies);
  const key = JSON.stringify([
    asked.principal,
    asked.action,
    asked.resource,
    asked.resourceAccount,
    asked.context,
    policies.identity.map((p) => idOf(p.statements)),
    (policies.boundaries ?? []).map((p) => idOf(p.statements)),
    policies.resource ? idOf(policies.resource.statements) : null,
  ]);
  const known = DECISIONS.get(key);
  if (known) return known;
  // With no condition to settle either way, the strict documents are the permissive ones.
  const decision: Decision = !simulate(asked, policies, true)
    ? "denied"
    : !settlesConditions(asked, policies) || simulate(asked, policies, false)
      ? "allowed"
      : "conditional";
  if (DECISIONS.size >= MAX_DECISIONS) DECISIONS.clear();
  DECISIONS.set(key, decision);
  return decision;
}
