import { parseArn } from "../arn";
import type { StackIndex } from "../stackIndex";
import { stringField } from "../values";
import { decideAtAny, type Filled } from "./addresses";
import { actionResources, defaultKeyPolicy, type BackupTarget } from "./backupTargets";
import type { NamedStatements, Policies } from "./evaluate";
import type { AttachedPolicy, Permissions } from "./effectivePermissions";
import { statementCoversAction, type Statement } from "./policyDocument";
import { userIdOf } from "./identities";
import { RECOVERY_POINT_SERVICES } from "./probes";

/** The destructive backup actions of CONTROLS.md. */
export const DESTRUCTIVE_ACTIONS = [
  "backup:DeleteRecoveryPoint",
  "backup:UpdateRecoveryPointLifecycle",
  "backup:DeleteBackupVault",
  "backup:PutBackupVaultAccessPolicy",
  "backup:DeleteBackupVaultAccessPolicy",
  "backup:DeleteBackupVaultLockConfiguration",
  "backup:DeleteBackupPlan",
  "backup:UpdateBackupPlan",
  "backup:DeleteBackupSelection",
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:PutObject",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketVersioning",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutReplicationConfiguration",
  "s3:DeleteBucket",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:PutKeyPolicy",
  "kms:CreateGrant",
];

const coverage = new WeakMap<readonly unknown[], Map<string, boolean>>();

/** Whether a document's Allow statements cover an action, computed once per parsed document. */
function allowsAction(statements: NamedStatements["statements"], action: string): boolean {
  let known = coverage.get(statements);
  if (!known) coverage.set(statements, (known = new Map()));
  let covers = known.get(action);
  if (covers === undefined) {
    covers = statements.some((s) => s.effect === "Allow" && statementCoversAction(s, action));
    known.set(action, covers);
  }
  return covers;
}

/**
 * The actions some Allow of the identity's readable policies covers, whatever the
 * resource: the only ones worth evaluating against each target (so an identity with
 * no such grant costs one pass over its policies, not one per target).
 */
export function coveredActions(permissions: Permissions, actions: readonly string[]): string[] {
  const policies = known(permissions.policies);
  return actions.filter((action) => policies.some((p) => allowsAction(p.statements, action)));
}

/** Why an identity's permissions cannot be fully read here (unknown or external documents). */
export function unreadablePolicies(index: StackIndex, permissions: Permissions): string[] {
  return unreadable(index, permissions.policies);
}

const SERVICE_OF_KIND: Readonly<Record<BackupTarget["kind"], string>> = { vault: "backup", plan: "backup", bucket: "s3", key: "kms" };

/**
 * A cheap over-approximation of whether a statement's `Resource` can name the target:
 * `*`, `NotResource`, a pattern of the target's service whose literal prefix fits the
 * target's known name, or any pattern when the name is unknown. The simulation decides.
 */
function mayName(statement: Statement, target: BackupTarget): boolean {
  if (statement.notResources.length > 0 || statement.resources.length === 0) return true;
  const name = target.address.arn ? undefined : target.address.name;
  return statement.resources.some((pattern) => {
    if (pattern === "*") return true;
    const [, , service = "", , , ...rest] = pattern.split(":");
    // A vault's recovery points may carry the ARN of their source service (an EBS snapshot, an RDS snapshot, …).
    if (target.kind === "vault" && service.toLowerCase() !== "backup" && RECOVERY_POINT_SERVICES.has(service.toLowerCase())) return true;
    if (!/[*?]/.test(service) && service.toLowerCase() !== SERVICE_OF_KIND[target.kind]) return false;
    const resource = rest.join(":");
    // Recovery points' ARNs do not name their vault.
    if (target.kind === "vault" && /^recovery-point|^[*?]/i.test(resource)) return true;
    const known = target.address.arn ? target.address.arn.split(":").slice(5).join(":") : name;
    if (known === undefined || /[*?]/.test(service)) return true;
    const literal = resource.split(/[*?]/)[0] ?? "";
    const candidate = target.kind === "bucket" ? `${known}/` : known;
    return candidate.startsWith(literal) || literal.startsWith(candidate) || resource.includes(known) || /[*?]/.test(resource.slice(0, 1));
  });
}

/** What an identity may do with one action on one target, and why. */
export type Capability =
  | { readonly state: "allowed"; readonly through: readonly string[] }
  | { readonly state: "denied" }
  | { readonly state: "conditional" }
  /** A policy that reaches the identity (or the target's policy) cannot be read here. */
  | { readonly state: "unknown"; readonly because: readonly string[] };

const KIND_OF: Readonly<Record<string, string>> = {
  "aws:iam/role:Role": "role",
  "aws:iam/user:User": "user",
  "aws:iam/group:Group": "user",
};

function known(policies: readonly AttachedPolicy[]): NamedStatements[] {
  return policies.flatMap((p) => (p.parsed.state === "known" ? [{ name: p.name, statements: p.parsed.statements }] : []));
}

function unreadable(index: StackIndex, policies: readonly AttachedPolicy[]): string[] {
  return policies.flatMap((p) => {
    // A malformed document is reported by the policy; AWS would refuse it.
    if (p.parsed.state === "known" || p.parsed.state === "absent" || p.parsed.state === "invalid") return [];
    if (p.parsed.state === "external") return [`${p.name} cannot be read here`];
    return [`${p.name} is unknown ${index.unknownWhen}`];
  });
}

/** The principal ARN the identity calls as (a group's members call as users). */
function principalOf(permissions: Permissions, filled: Filled): string {
  const arn = stringField(permissions.identity.props.arn);
  if (arn.state === "known" && parseArn(arn.value) && permissions.identity.type !== "aws:iam/group:Group") return arn.value;
  const name = stringField(permissions.identity.props.name);
  const kind = KIND_OF[permissions.identity.type] ?? "role";
  const suffix = permissions.identity.type === "aws:iam/group:Group" ? "member-of-" : "";
  return `arn:aws:iam::${filled.account}:${kind}/${suffix}${name.state === "known" ? name.value : "unassigned-identity-name"}`;
}

/**
 * What `capability` derives from an identity's policies, once per permissions (each
 * index derives its own) and wording of unknowns.
 */
interface PermissionFacts {
  readonly unknownWhen: string;
  readonly identity: readonly NamedStatements[];
  readonly boundaries: readonly NamedStatements[];
  readonly unreadableIdentity: readonly string[];
  readonly unreadableBoundaries: readonly string[];
  /** No statement of the identity's policies or boundaries names a resource: every target of a kind answers alike. */
  readonly anyResource: boolean;
  /** The policies with an Allow covering each action, by action. */
  readonly covering: Map<string, readonly NamedStatements[]>;
  /** Capabilities already evaluated, by action and class of target. */
  readonly capabilities: Map<string, Capability>;
}

const FACTS = new WeakMap<Permissions, PermissionFacts>();

function factsOf(index: StackIndex, permissions: Permissions): PermissionFacts {
  const cached = FACTS.get(permissions);
  if (cached && cached.unknownWhen === index.unknownWhen) return cached;
  const identity = known(permissions.policies);
  const boundaries = known(permissions.boundaries);
  const facts: PermissionFacts = {
    unknownWhen: index.unknownWhen,
    identity,
    boundaries,
    unreadableIdentity: unreadable(index, permissions.policies),
    unreadableBoundaries: unreadable(index, permissions.boundaries),
    anyResource: [...identity, ...boundaries].every((p) =>
      p.statements.every((s) => s.notResources.length === 0 && s.resources.every((r) => r === "*")),
    ),
    covering: new Map(),
    capabilities: new Map(),
  };
  FACTS.set(permissions, facts);
  return facts;
}

const TARGET_CLASSES = new WeakMap<BackupTarget, string>();

/**
 * What a capability depends on about a target: its kind, address and resource policy
 * (by content, so that stores with the same policy share their evaluations). A policy
 * the pack cannot read is named in the reason, so such a target is its own class.
 */
function targetClass(index: StackIndex, target: BackupTarget): string {
  let found = TARGET_CLASSES.get(target);
  if (found === undefined) {
    const { arn, region, account, name } = target.address;
    const policy =
      target.policy.state === "known"
        ? `policy:${contentId(index, target.policy.policy.statements)}`
        : target.policy.state === "absent"
          ? "absent"
          : `unknown:${target.resource.urn}`;
    found = JSON.stringify([target.kind, arn ?? null, region ?? null, account ?? null, name ?? null, policy]);
    TARGET_CLASSES.set(target, found);
  }
  return found;
}

/** A short id for a list of statements, equal for equal contents. */
function contentId(index: StackIndex, statements: readonly Statement[]): number {
  const ids = index.memo("statementContentIds", () => new Map<string, number>());
  const text = JSON.stringify(statements);
  let id = ids.get(text);
  if (id === undefined) ids.set(text, (id = ids.size));
  return id;
}

/**
 * Whether an identity may perform `action` on a backup target, as AWS evaluates it:
 * the identity's policies (allow minus explicit deny), its permission boundaries and
 * the target's resource policy (a vault or bucket policy may deny; a key policy must
 * allow), with wildcards, `NotAction` and `NotResource`, by `@cloud-copilot/iam-simulate`.
 * Evaluated once per identity, action and class of target (kind, address, resource
 * policy): the many stores a stack has rarely differ in what decides the answer.
 */
export function capability(index: StackIndex, permissions: Permissions, target: BackupTarget, action: string): Capability {
  const facts = factsOf(index, permissions);
  const { identity, unreadableIdentity } = facts;
  let covering = facts.covering.get(action);
  if (!covering) facts.covering.set(action, (covering = identity.filter((p) => allowsAction(p.statements, action))));
  // No Allow that could cover the action: nothing to evaluate.
  if (covering.length === 0) return unreadableIdentity.length > 0 ? { state: "unknown", because: unreadableIdentity } : { state: "denied" };
  // Policies that name no resource answer alike for every target of a kind without a
  // policy of its own: one evaluation, however many vaults or buckets the stack has.
  const where = facts.anyResource && target.policy.state === "absent" && target.kind !== "key" ? target.kind : targetClass(index, target);
  const key = `${action}\u0000${where}`;
  const cached = facts.capabilities.get(key);
  if (cached) return cached;
  const result = evaluateCapability(permissions, facts, covering, target, action);
  facts.capabilities.set(key, result);
  return result;
}

function evaluateCapability(
  permissions: Permissions,
  facts: PermissionFacts,
  covering: readonly NamedStatements[],
  target: BackupTarget,
  action: string,
): Capability {
  const { identity, boundaries, unreadableIdentity, anyResource } = facts;
  // Statements naming other resources cannot reach this target: skip the simulation.
  if (!covering.some((p) => p.statements.some((s) => s.effect === "Allow" && statementCoversAction(s, action) && mayName(s, target)))) {
    return unreadableIdentity.length > 0 ? { state: "unknown", because: unreadableIdentity } : { state: "denied" };
  }
  const policiesWith =
    (granting: readonly NamedStatements[]) =>
    (filled: Filled): Policies => ({
      identity: granting,
      boundaries,
      resource:
        target.policy.state === "known"
          ? target.policy.policy
          : target.kind === "key" && target.policy.state === "absent"
            ? defaultKeyPolicy(filled.account)
            : undefined,
    });
  // Policies that name no resource answer alike for every kind of recovery point: one
  // evaluation, unless the target's own policy names resources and tells them apart.
  const alike =
    anyResource &&
    (target.policy.state !== "known" ||
      target.policy.policy.statements.every((s) => s.notResources.length === 0 && s.resources.every((r) => r === "*")));
  const resources = (filled: Filled) => {
    const all = actionResources(target, filled, action);
    return alike ? all.slice(0, 1) : all;
  };
  const decideWith = (granting: readonly NamedStatements[]) =>
    decideAtAny(
      target.address,
      resources,
      (filled, resource) => {
        const principal = principalOf(permissions, filled);
        return {
          principal,
          action,
          resource,
          resourceAccount: filled.account,
          context: {
            "aws:PrincipalArn": principal,
            "aws:PrincipalAccount": filled.account,
            "aws:SecureTransport": "true",
            "aws:userid": userIdOf(permissions.identity),
          },
        };
      },
      policiesWith(granting),
    );
  const decision = decideWith(identity);
  /**
   * The policies that grant the action on this target by themselves (with the others'
   * denies out of the way, which did not stop it): not every policy whose Allow covers
   * the action, since its Resource may name other stores.
   */
  const through = (): string[] => {
    const naming = covering.filter((p) =>
      p.statements.some((s) => s.effect === "Allow" && statementCoversAction(s, action) && mayName(s, target)),
    );
    if (naming.length <= 1) return (naming.length === 1 ? naming : covering).map((p) => p.name);
    const granting = naming.filter((p) => decideWith([p]) === "allowed");
    return (granting.length > 0 ? granting : naming).map((p) => p.name);
  };
  const doubts = [
    ...unreadableIdentity,
    ...facts.unreadableBoundaries,
    ...(target.policy.state === "unknown" ? [target.policy.reason] : []),
  ];
  if (decision === "allowed") return doubts.length > 0 ? { state: "unknown", because: doubts } : { state: "allowed", through: through() };
  if (decision === "conditional") return { state: "conditional" };
  return unreadableIdentity.length > 0 ? { state: "unknown", because: unreadableIdentity } : { state: "denied" };
}
