import { backupBucketFields, stringListField } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { backupTargetsByKind, targetKindOf } from "../../lib/iam/backupTargets";
import { capability, coveredActions, DESTRUCTIVE_ACTIONS, unreadablePolicies } from "../../lib/iam/destruction";
import { effectivePermissions } from "../../lib/iam/effectivePermissions";
import { backupIdentities } from "../../lib/iam/identities";
import { isBreakGlassIdentity } from "../../lib/iam/probes";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe } from "../../lib/stackIndex";
import { IAM_IDENTITY } from "../../lib/types";

export const workloadIdentityCannotDestroyBackups = defineStackPolicy(
  {
    name: "workload-identity-cannot-destroy-backups",
    description:
      "No IAM role, user or group of the stack other than a backup identity must be effectively allowed a destructive action on a backup vault, plan, backup bucket or backup key of the stack.",
    severity: "critical",
    area: "identity",
    nist: ["AC-5", "AC-6", "CP-9"],
    specification:
      "Production identities are separated from the backups that protect them (separation of duties, AC-5; least privilege, AC-6), so that a compromised workload cannot destroy the backups (CP-9).",
    remediationSteps:
      "Remove the destructive actions (or the wildcards that include them, such as AmazonS3FullAccess, AdministratorAccess or backup:*) from the workload identity's policies, scope its Resource to stores that are not backups, or add an explicit Deny of those actions on the backup vaults, buckets and keys; list true break-glass roles in breakGlassPrincipalArns.",
    remediation: {
      notFixed:
        "the fix is a narrower permission for a workload (or a deny in the store's policy), which could break the workload, and the permissions are usually other resources or outside the stack.",
    },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/security-considerations.html",
    config: {
      breakGlassPrincipalArns: stringListField("IAM principal ARNs that may hold destructive backup actions (break-glass roles)."),
      destructiveActions: stringListField(
        "The actions that destroy or weaken backups, on the backup vaults, plans, buckets and keys they apply to.",
        DESTRUCTIVE_ACTIONS,
      ),
      ...backupBucketFields,
    },
  },
  {
    subjects({ index, config }) {
      const backup = backupIdentities(index, config);
      return index
        .ofType(IAM_IDENTITY)
        .filter((identity) => !backup.has(identity.urn) && !isBreakGlassIdentity(index, config.breakGlassPrincipalArns, identity));
    },
    check(identity, { index, config }) {
      const permissions = effectivePermissions(index).get(identity.urn);
      if (!permissions) return undefined;
      const outcomes: Outcome[] = [];
      for (const policy of [...permissions.policies, ...permissions.boundaries]) {
        if (policy.parsed.state !== "invalid") continue;
        outcomes.push(
          violated(
            `${describe(identity)} has a policy (${policy.name}, ${policy.property}) that ${policy.parsed.problem}; set ${policy.property} to a valid JSON IAM policy document.`,
          ),
        );
      }
      const doubts = new Set<string>();
      const covered = coveredActions(permissions, config.destructiveActions);
      if (covered.length === 0) {
        // No readable grant of a destructive action: only what cannot be read may hold one.
        unreadablePolicies(index, permissions).forEach((reason) => doubts.add(reason));
      }
      const kinds = new Set(covered.map(targetKindOf));
      for (const [kind, targets] of backupTargetsByKind(index, config)) {
        if (!kinds.has(kind)) continue;
        for (const target of targets) {
          const allowed: string[] = [];
          const through = new Set<string>();
          const conditional: string[] = [];
          for (const action of covered) {
            if (targetKindOf(action) !== target.kind) continue;
            const can = capability(index, permissions, target, action);
            if (can.state === "allowed") {
              allowed.push(action);
              can.through.forEach((name) => through.add(name));
            } else if (can.state === "conditional") conditional.push(action);
            else if (can.state === "unknown") can.because.forEach((reason) => doubts.add(reason));
          }
          if (allowed.length > 0) {
            outcomes.push(
              violated(
                `${describe(identity)} may ${allowed.join(", ")} on ${describe(target.resource)} through ${[...through].join(", ")}; remove ${allowed.length === 1 ? "that action" : "those actions"} from its policies or add an explicit Deny on the backup store.`,
              ),
            );
          }
          if (conditional.length > 0) {
            outcomes.push(
              unverifiable(
                "(permissions)",
                `it may ${conditional.join(", ")} on ${describe(target.resource)} under a Condition that cannot be evaluated before a request is made`,
              ),
            );
          }
        }
      }
      if (doubts.size > 0) {
        outcomes.push(unverifiable("(permissions)", `${[...doubts].join("; ")}, so whether it may destroy backups cannot be decided`));
      }
      return outcomes.length > 0 ? outcomes : SATISFIED;
    },
  },
);
