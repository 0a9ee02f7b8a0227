import { runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
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
  const result = runUnsafeSimulation(
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

/**
 * Evaluates a request as AWS does (allow minus explicit deny, boundaries, resource
 * policy, wildcards, `NotAction`, `NotResource`, condition operators) with
 * `@cloud-copilot/iam-simulate`, twice: once as permissive as unevaluable conditions
 * allow, once as strict. Both allow: allowed; neither: denied; else conditional.
 */
export function decide(request: Request, policies: Policies): Decision {
  if (!simulate(request, policies, true)) return "denied";
  return simulate(request, policies, false) ? "allowed" : "conditional";
}
