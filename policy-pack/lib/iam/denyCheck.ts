import { parseArn } from "../arn";
import type { StackIndex } from "../stackIndex";
import { decideAt, decideAtAny, type Address, type Filled } from "./addresses";
import type { Decision, NamedStatements } from "./evaluate";
import { parsePolicyDocument, type Statement } from "./policyDocument";
import { identityForUniqueId } from "./identities";
import { denyExemptions, describePrincipal, probeRequest, PROBE_IDENTITY_POLICY, userIdExemptions } from "./probes";
import { stringField } from "../values";

/** What a resource policy fails to deny, action by action. */
export interface DenyFindings {
  /** Actions some caller with full IAM permissions may still perform. */
  readonly notDenied: readonly string[];
  /** Actions denied only under a condition that cannot be evaluated before a request. */
  readonly conditional: readonly string[];
  /** Principals a Deny spares that may not be spared, with the actions they keep, by how messages name them. */
  readonly exempted: ReadonlyMap<string, readonly string[]>;
  /**
   * Actions whose Deny spares a principal by `aws:userid` (a unique id) that the pack
   * cannot match to a principal: not an account id, nor the known `uniqueId` of a
   * stack identity (during preview no created identity has one yet).
   */
  readonly sparedByUserId: readonly string[];
}

/**
 * Checks that a resource policy denies each action to every caller (a role of the
 * resource's account, a role of another account, each holding every IAM permission),
 * and that the principals its Denies spare by name are ones `mayBeSpared` accepts.
 */
export function checkDenies(
  index: StackIndex,
  address: Address,
  policy: NamedStatements,
  actions: readonly string[],
  resourceFor: (address: Address, filled: Filled, action: string) => readonly string[],
  mayBeSpared: (principal: string) => boolean,
): DenyFindings {
  const notDenied: string[] = [];
  const conditional: string[] = [];
  const exempted = new Map<string, string[]>();
  const sparedByUserId: string[] = [];
  const policies = { identity: [PROBE_IDENTITY_POLICY], resource: policy };
  for (const action of actions) {
    const decisions = new Set(
      ["workload", "outsider"].map((who) =>
        decideAtAny(
          address,
          (filled) => resourceFor(address, filled, action),
          (filled, resource) => probeRequest(who, filled, action, resource),
          policies,
        ),
      ),
    );
    if (decisions.has("allowed")) notDenied.push(action);
    else if (decisions.has("conditional")) conditional.push(action);
    for (const principal of denyExemptions(policy.statements, action)) {
      if (mayBeSpared(principal)) continue;
      // The worst case for an unknown account: the spared principal is in the resource's.
      const at = address.account ? address : { ...address, account: parseArn(principal)?.account || undefined };
      const decision = decideAtAny(
        at,
        (filled) => resourceFor(at, filled, action),
        (filled, resource) => probeRequest(principal, filled, action, resource),
        policies,
      );
      if (decision !== "allowed") continue;
      const who = describePrincipal(index, principal);
      exempted.set(who, [...(exempted.get(who) ?? []), action]);
    }
    for (const value of userIdExemptions(policy.statements, action)) {
      const id = value.split(":")[0] ?? "";
      // A pattern of ids (`AROA*:*`) spares the probe roles too, and was judged above.
      if (/[*?]/.test(id) || id === "" || mayBeSpared(value)) continue;
      const root = /^\d{12}$/.test(id) ? `arn:aws:iam::${id}:root` : undefined;
      const identity = root ? undefined : identityForUniqueId(index, id);
      const arn = identity ? stringField(identity.props.arn) : undefined;
      const principal = root ?? (arn?.state === "known" ? arn.value : undefined);
      if (principal === undefined) {
        if (!sparedByUserId.includes(action)) sparedByUserId.push(action);
        continue;
      }
      if (mayBeSpared(principal)) continue;
      const userId = root ? id : value.includes(":") ? `${id}:unassigned-session` : id;
      const at = address.account ? address : { ...address, account: parseArn(principal)?.account || undefined };
      const decision = decideAtAny(
        at,
        (filled) => resourceFor(at, filled, action),
        (filled, resource) => probeRequest(principal, filled, action, resource, { "aws:userid": userId }),
        policies,
      );
      if (decision !== "allowed") continue;
      const who = describePrincipal(index, principal);
      exempted.set(who, [...new Set([...(exempted.get(who) ?? []), action])]);
    }
  }
  return { notDenied, conditional, exempted, sparedByUserId };
}

/** Why a policy whose Deny spares a principal by `aws:userid` is a gap, and what to write instead. */
export function sparedByUserIdReason(policy: string, actions: readonly string[]): string {
  return `${policy} spares a principal by aws:userId (a unique id, which no role this stack creates has before it is deployed) from its Deny of ${actions.join(", ")}, so whether it spares only break-glass principals cannot be decided; name the break-glass roles by ARN instead (ArnNotEquals on aws:PrincipalArn) and list them in breakGlassPrincipalArns`;
}

/** Whether a policy's Deny statements take an action from a caller: certainly, not, or only under an unevaluable condition. */
export type Denial = "denied" | "not-denied" | "conditional";

/**
 * Whether the Deny statements of a resource policy take `action` from `principal` (an
 * ARN, an account id, or `"*"` for any caller of the resource's account or another),
 * as AWS evaluates them: a Deny on an account's root covers every principal of that
 * account, and a negated condition on `aws:PrincipalArn` spares exactly the callers it
 * names. Conditions on anything but the caller leave the answer conditional.
 */
export function denialOf(
  address: Address,
  statements: readonly Statement[],
  principal: string,
  action: string,
  resourceFor: (filled: Filled) => string,
): Denial {
  const denies = statements.filter((statement) => statement.effect === "Deny");
  if (denies.length === 0) return "not-denied";
  const caller = /^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal;
  const callers = caller === "*" ? ["workload", "outsider"] : [caller];
  const decisions = new Set<Decision | undefined>();
  for (const who of callers) {
    const grant = parsePolicyDocument({ Statement: [{ Effect: "Allow", Principal: "*", Action: action, Resource: "*" }] });
    const policy = { name: "the policy", statements: [...denies, ...(grant.state === "known" ? grant.statements : [])] };
    const at =
      address.account || who === "workload" || who === "outsider" ? address : { ...address, account: parseArn(who)?.account || undefined };
    decisions.add(
      decideAt(at, (filled) => probeRequest(who, filled, action, resourceFor(filled)), {
        identity: [PROBE_IDENTITY_POLICY],
        resource: policy,
      }),
    );
  }
  if (decisions.has("allowed")) return "not-denied";
  return decisions.has("conditional") ? "conditional" : "denied";
}
