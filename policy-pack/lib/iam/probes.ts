import { parseArn } from "../arn";
import { describe, type IndexedResource, type StackIndex } from "../stackIndex";
import type { Address, Filled } from "./addresses";
import type { NamedStatements, Request } from "./evaluate";
import { accountRootOf, identityForPrincipal, UNNAMED_ROLE_USER_ID } from "./identities";
import { parsePolicyDocument, statementCoversAction, type Statement } from "./policyDocument";

/**
 * An identity policy that allows everything: the worst case of a caller's own IAM
 * permissions, for asking what a resource policy alone denies.
 */
export const PROBE_IDENTITY_POLICY: NamedStatements = (() => {
  const parsed = parsePolicyDocument({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
  return { name: "(any permissions)", statements: parsed.state === "known" ? parsed.statements : [] };
})();

/** An account that is not the stack's: the outsider a resource policy must also stop. */
const OTHER_ACCOUNT = "999999999999";

/**
 * A request by a probe caller: `"workload"` (a role of the resource's account that is
 * no one in particular), `"outsider"` (a role of another account) or a principal ARN.
 * The caller's ARN and account are known context; the request uses TLS, as SDKs do.
 */
export function probeRequest(
  caller: string,
  filled: Filled,
  action: string,
  resource: string,
  context: Readonly<Record<string, string>> = {},
): Request {
  const principal =
    caller === "workload"
      ? `arn:aws:iam::${filled.account}:role/unassigned-workload-role`
      : caller === "outsider"
        ? `arn:aws:iam::${OTHER_ACCOUNT}:role/unassigned-outsider-role`
        : caller;
  const account = accountRootOf(principal) ?? parseArn(principal)?.account ?? filled.account;
  // A probe role is no one in particular, so its unique id is none a policy names; a
  // root's is its account id. Another principal's is unknown here, unless given.
  const userId = caller === "workload" || caller === "outsider" ? UNNAMED_ROLE_USER_ID : accountRootOf(principal);
  return {
    principal,
    action,
    resource,
    resourceAccount: filled.account,
    context: {
      "aws:PrincipalArn": principal,
      "aws:PrincipalAccount": account,
      "aws:SecureTransport": "true",
      ...(userId === undefined ? {} : { "aws:userid": userId }),
      ...context,
    },
  };
}

const RECOVERY_POINT_ACTIONS: ReadonlySet<string> = new Set([
  "backup:deleterecoverypoint",
  "backup:updaterecoverypointlifecycle",
  "backup:disassociaterecoverypoint",
]);

/**
 * The ARNs a recovery point of a vault may have, one per kind of resource AWS Backup
 * keeps ("AWS Backup resource ARNs"): its own `recovery-point` ARN (EFS, advanced
 * DynamoDB, S3, …), or the snapshot, image or backup of the source service (EBS and
 * Storage Gateway, EC2, RDS, Aurora/DocumentDB/Neptune, DynamoDB, FSx, Redshift).
 * `backup:DeleteRecoveryPoint` and `…Lifecycle` are authorised against it, so a grant
 * on `arn:aws:ec2:*::snapshot/*` reaches the vault's EBS recovery points.
 */
function recoveryPointArns(filled: Filled): string[] {
  const { region: r, account: a } = filled;
  return [
    `arn:aws:backup:${r}:${a}:recovery-point:unassigned-recovery-point`,
    `arn:aws:ec2:${r}::snapshot/snap-unassigned`,
    `arn:aws:ec2:${r}::image/ami-unassigned`,
    `arn:aws:rds:${r}:${a}:snapshot:awsbackup:job-unassigned`,
    `arn:aws:rds:${r}:${a}:cluster-snapshot:awsbackup:job-unassigned`,
    `arn:aws:dynamodb:${r}:${a}:table/unassigned-table/backup/unassigned-backup`,
    `arn:aws:fsx:${r}:${a}:backup/backup-unassigned`,
    `arn:aws:redshift:${r}:${a}:snapshot:unassigned-cluster/awsbackup:job-unassigned`,
  ];
}

/** The services whose ARNs a vault's recovery points may carry. */
export const RECOVERY_POINT_SERVICES: ReadonlySet<string> = new Set(["backup", "ec2", "rds", "dynamodb", "fsx", "redshift"]);

/**
 * The resources an action on a vault is authorised against: each kind of recovery
 * point in it, or the vault.
 */
export function vaultActionResources(address: Address, filled: Filled, action: string): string[] {
  if (RECOVERY_POINT_ACTIONS.has(action.toLowerCase())) return recoveryPointArns(filled);
  return [address.arn ?? `arn:aws:backup:${filled.region}:${filled.account}:backup-vault:${filled.name}`];
}

const NEGATED_PRINCIPAL_OPERATORS = /^(StringNotEquals|StringNotEqualsIgnoreCase|StringNotLike|ArnNotEquals|ArnNotLike)(IfExists)?$/i;

/**
 * The principals a Deny of `action` spares by name: its `NotPrincipal`, and the values
 * of a negated condition on `aws:PrincipalArn` (the break-glass pattern).
 */
export function denyExemptions(statements: readonly Statement[], action: string): string[] {
  const out = new Set<string>();
  for (const statement of statements) {
    if (statement.effect !== "Deny" || !statementCoversAction(statement, action)) continue;
    for (const principal of statement.notPrincipals) if (principal.id !== "*") out.add(principal.id);
    for (const [operator, entries] of Object.entries(statement.condition)) {
      if (!NEGATED_PRINCIPAL_OPERATORS.test(operator)) continue;
      for (const [key, values] of Object.entries(entries)) {
        if (key.toLowerCase() === "aws:principalarn") values.forEach((value) => out.add(value));
      }
    }
  }
  return [...out];
}

/**
 * The values of a negated condition on `aws:userid` in the Denies of `action` (the
 * break-glass pattern of AWS's own examples, `"AROA…:*"` for a role's sessions or an
 * account id for its root): the principals they spare are known only by unique id.
 */
export function userIdExemptions(statements: readonly Statement[], action: string): string[] {
  const out = new Set<string>();
  for (const statement of statements) {
    if (statement.effect !== "Deny" || !statementCoversAction(statement, action)) continue;
    for (const [operator, entries] of Object.entries(statement.condition)) {
      if (!NEGATED_PRINCIPAL_OPERATORS.test(operator)) continue;
      for (const [key, values] of Object.entries(entries))
        if (key.toLowerCase() === "aws:userid") values.forEach((value) => out.add(value));
    }
  }
  return [...out];
}

/** Whether a principal is one of the configured break-glass principals (by ARN, or as the same stack identity). */
export function breakGlass(index: StackIndex, breakGlassArns: readonly string[], principal: string): boolean {
  if (breakGlassArns.includes(principal)) return true;
  const identity = identityForPrincipal(index, principal);
  return identity !== undefined && breakGlassArns.some((arn) => identityForPrincipal(index, arn) === identity);
}

/** Whether a stack identity is one of the configured break-glass principals. */
export function isBreakGlassIdentity(index: StackIndex, breakGlassArns: readonly string[], identity: IndexedResource): boolean {
  const arn = identity.props.arn;
  return breakGlassArns.some((glass) => glass === arn || identityForPrincipal(index, glass) === identity);
}

/** How a message names a principal without echoing a value that may have been secret. */
export function describePrincipal(index: StackIndex, principal: string): string {
  const identity = identityForPrincipal(index, principal);
  if (identity) return describe(identity);
  if (accountRootOf(principal)) return "an account root";
  if (/[*?]/.test(principal)) return "every principal matching a wildcard pattern";
  return "a principal outside the stack";
}
