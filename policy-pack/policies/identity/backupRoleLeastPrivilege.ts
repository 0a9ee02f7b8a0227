import { backupBucketFields } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { decideAt } from "../../lib/iam/addresses";
import { backupTargets, targetKindOf, type TargetKind } from "../../lib/iam/backupTargets";
import { capability, coveredActions, DESTRUCTIVE_ACTIONS, unreadablePolicies } from "../../lib/iam/destruction";
import { effectivePermissions, type AttachedPolicy, type Permissions } from "../../lib/iam/effectivePermissions";
import type { NamedStatements } from "../../lib/iam/evaluate";
import { backupIdentities } from "../../lib/iam/identities";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe } from "../../lib/stackIndex";
import { stringField } from "../../lib/values";

/** AWS Backup's own service-role policies: what they grant, a backup role may hold. */
const SERVICE_ROLE_POLICIES: ReadonlySet<string> = new Set(
  [
    "AWSBackupServiceRolePolicyForBackup",
    "AWSBackupServiceRolePolicyForRestores",
    "AWSBackupServiceRolePolicyForS3Backup",
    "AWSBackupServiceRolePolicyForS3Restore",
    "AWSBackupServiceRolePolicyForItemRestores",
    "AWSBackupServiceRolePolicyForIndexing",
    "AWSBackupServiceRolePolicyForScans",
    "AWSBackupServiceLinkedRolePolicyForBackupTest",
  ].map((name) => `managed policy ${name}`),
);

/** IAM actions that let a role give itself or others more permissions. */
const IAM_WRITE = [
  "iam:CreateRole",
  "iam:PutRolePolicy",
  "iam:AttachRolePolicy",
  "iam:UpdateAssumeRolePolicy",
  "iam:CreatePolicyVersion",
  "iam:CreateUser",
  "iam:CreateAccessKey",
  "iam:PutUserPolicy",
  "iam:AttachUserPolicy",
];

/** The destructive actions on each kind of target, in the list's order. */
const ACTIONS_BY_KIND: ReadonlyMap<TargetKind | undefined, readonly string[]> = DESTRUCTIVE_ACTIONS.reduce((out, action) => {
  const kind = targetKindOf(action);
  out.set(kind, [...(out.get(kind) ?? []), action]);
  return out;
}, new Map<TargetKind | undefined, string[]>());

function knownStatements(policies: readonly AttachedPolicy[]): NamedStatements[] {
  return policies.flatMap((p) => (p.parsed.state === "known" ? [{ name: p.name, statements: p.parsed.statements }] : []));
}

/** Policies that grant every action, or every action of a service, or all but some (`NotAction`). */
function wildcardGrants(policies: readonly NamedStatements[]): string[] {
  return policies
    .filter((p) =>
      p.statements.some(
        (s) => s.effect === "Allow" && (s.notActions.length > 0 || s.actions.some((a) => a === "*" || /^[\w-]+:\*$/.test(a))),
      ),
    )
    .map((p) => p.name);
}

export const backupRoleLeastPrivilege = defineStackPolicy(
  {
    name: "backup-role-least-privilege",
    description:
      "No IAM role that AWS Backup or S3 replication assumes for backups must hold administrator or wildcard permissions, IAM write access, or destructive backup actions beyond what AWS Backup's own service-role policies grant.",
    severity: "high",
    area: "identity",
    nist: ["AC-6", "AC-6(10)"],
    specification:
      "The backup identity holds only the permissions backups need (AC-6) and cannot change permissions or destroy what it protects (AC-6(10)).",
    remediationSteps:
      "Attach AWS Backup's service-role policies (arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup and …ForRestores, or …ForS3Backup/…ForS3Restore for S3) instead of broad policies; remove wildcard actions, IAM write actions and destructive backup actions from the role's other policies.",
    remediation: {
      notFixed:
        "which permissions a backup role needs depends on what it backs up and restores; removing them automatically could make backups or restores fail.",
    },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html",
    config: { ...backupBucketFields },
  },
  {
    subjects: ({ index, config }) => [...backupIdentities(index, config).values()].map((use) => use.role),
    check(role, { index, config }) {
      const permissions = effectivePermissions(index).get(role.urn);
      const use = backupIdentities(index, config).get(role.urn);
      if (!permissions || !use) return undefined;
      const who = `${describe(role)} (the backup identity of ${describe(use.assumedFor)})`;
      const extra: Permissions = { ...permissions, policies: permissions.policies.filter((p) => !SERVICE_ROLE_POLICIES.has(p.name)) };
      const baseline: Permissions = { ...permissions, policies: permissions.policies.filter((p) => SERVICE_ROLE_POLICIES.has(p.name)) };
      const outcomes: Outcome[] = [];
      const known = knownStatements(extra.policies);
      const wildcards = wildcardGrants(known);
      if (wildcards.length > 0) {
        outcomes.push(
          violated(
            `${who} holds wildcard permissions through ${wildcards.join(", ")}; grant AWS Backup's service-role policies and the named actions it needs instead.`,
          ),
        );
      }
      const boundaries = knownStatements(permissions.boundaries);
      const iamWrite = IAM_WRITE.filter((action) => {
        const decision = decideAt(
          {},
          (filled) => {
            const arn = stringField(role.props.arn);
            const principal = arn.state === "known" ? arn.value : `arn:aws:iam::${filled.account}:role/unassigned-backup-role`;
            return {
              principal,
              action,
              resource: `arn:aws:iam::${filled.account}:role/unassigned-role`,
              resourceAccount: filled.account,
              context: { "aws:PrincipalArn": principal, "aws:PrincipalAccount": filled.account },
            };
          },
          { identity: known, boundaries },
        );
        return decision === "allowed";
      });
      if (iamWrite.length > 0) {
        outcomes.push(violated(`${who} may ${iamWrite.join(", ")} (IAM write access); remove IAM write actions from its policies.`));
      }
      const doubts = new Set<string>();
      // An action no readable Allow of `extra` covers is denied, or unknown for its unreadable policies.
      const covered = new Set(coveredActions(extra, DESTRUCTIVE_ACTIONS));
      const unreadable = unreadablePolicies(index, extra);
      const visited = (kind: TargetKind) => unreadable.length > 0 || (ACTIONS_BY_KIND.get(kind) ?? []).some((a) => covered.has(a));
      for (const target of backupTargets(index, config)) {
        if (!visited(target.kind)) continue;
        const beyond: string[] = [];
        const through = new Set<string>();
        for (const action of ACTIONS_BY_KIND.get(target.kind) ?? []) {
          if (!covered.has(action)) {
            unreadable.forEach((reason) => doubts.add(reason));
            continue;
          }
          const can = capability(index, extra, target, action);
          if (can.state === "unknown") can.because.forEach((reason) => doubts.add(reason));
          if (can.state !== "allowed" || capability(index, baseline, target, action).state === "allowed") continue;
          beyond.push(action);
          can.through.forEach((name) => through.add(name));
        }
        if (beyond.length > 0) {
          outcomes.push(
            violated(
              `${who} may ${beyond.join(", ")} on ${describe(target.resource)} through ${[...through].join(", ")}, beyond what AWS Backup's service-role policies grant; remove ${beyond.length === 1 ? "that action" : "those actions"}.`,
            ),
          );
        }
      }
      if (doubts.size > 0) outcomes.push(unverifiable("(permissions)", `${[...doubts].join("; ")}, so its permissions cannot be decided`));
      return outcomes.length > 0 ? outcomes : SATISFIED;
    },
  },
);
