import { describe, type IndexedResource, type StackIndex } from "../stackIndex";
import { ECS_TASK_DEFINITION, EKS_POD_IDENTITY_ASSOCIATION, IAM_INSTANCE_PROFILE, IAM_ROLE, LAMBDA_FUNCTION, type TypeSet } from "../types";
import { identityForPrincipal, identityReferredTo } from "./identities";
import { parsePolicyDocument, statementCoversAction, type Statement } from "./policyDocument";

/** The properties through which workloads run as a role. */
const WORKLOAD_USES: readonly (readonly [TypeSet, string])[] = [
  [IAM_INSTANCE_PROFILE, "role"],
  [LAMBDA_FUNCTION, "role"],
  [ECS_TASK_DEFINITION, "taskRoleArn"],
  [ECS_TASK_DEFINITION, "executionRoleArn"],
  [EKS_POD_IDENTITY_ASSOCIATION, "roleArn"],
];

const ASSUME_ACTIONS = ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"];

/**
 * Who else runs as each role of the stack, by role URN: instance profiles, Lambda
 * functions, ECS task definitions, EKS pod identity associations, and other roles whose
 * trust policy lets this role assume them (so it can act as them). One pass.
 */
export function roleUses(index: StackIndex): ReadonlyMap<string, readonly string[]> {
  return index.memo("roleUses", () => {
    const out = new Map<string, string[]>();
    const add = (role: IndexedResource, how: string) => {
      const list = out.get(role.urn) ?? out.set(role.urn, []).get(role.urn)!;
      if (!list.includes(how)) list.push(how);
    };
    for (const [types, property] of WORKLOAD_USES) {
      for (const user of index.ofType(types)) {
        for (const role of identityReferredTo(index, user, property, "role", user.props[property])) add(role, describe(user));
      }
    }
    for (const other of index.ofType(IAM_ROLE)) {
      const trusted = new Set(index.dependenciesOf(other, "assumeRolePolicy", IAM_ROLE));
      const parsed = parsePolicyDocument(other.props.assumeRolePolicy);
      if (parsed.state === "known") {
        for (const statement of parsed.statements) {
          if (statement.effect !== "Allow" || !ASSUME_ACTIONS.some((a) => statementCoversAction(statement, a))) continue;
          for (const principal of statement.principals) {
            const identity = principal.kind === "AWS" ? identityForPrincipal(index, principal.id) : undefined;
            if (identity && IAM_ROLE.has(identity.type)) trusted.add(identity);
          }
        }
      }
      for (const role of trusted) if (role !== other) add(role, `the trust policy of ${describe(other)}`);
    }
    return out;
  });
}

/** How a trust policy's principals read, by class, for messages (values are never echoed). */
export type TrustFinding = "anyone" | "other-service" | "aws-principal" | "federated";

/** The principals beyond `services` that a trust policy lets assume the role. */
export function trustFindings(statements: readonly Statement[], services: ReadonlySet<string>): Set<TrustFinding> {
  const out = new Set<TrustFinding>();
  for (const statement of statements) {
    if (statement.effect !== "Allow" || !ASSUME_ACTIONS.some((a) => statementCoversAction(statement, a))) continue;
    if (statement.notPrincipals.length > 0) out.add("anyone");
    for (const principal of statement.principals) {
      if (principal.id === "*" || principal.kind === "*") out.add("anyone");
      else if (principal.kind === "Service") {
        if (!services.has(principal.id)) out.add("other-service");
      } else if (principal.kind === "Federated") out.add("federated");
      else out.add("aws-principal");
    }
  }
  return out;
}
