import { ANY_VAULT, hasWildcardAction, vaultPolicies } from "../../lib/backup/vaultAccess";
import { stringListField } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { addressOf } from "../../lib/iam/addresses";
import { checkDenies, sparedByUserIdReason } from "../../lib/iam/denyCheck";
import { breakGlass, vaultActionResources } from "../../lib/iam/probes";
import { parsePolicyDocument } from "../../lib/iam/policyDocument";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe } from "../../lib/stackIndex";

const REQUIRED = ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"];

export const backupVaultDeletionDenied = defineStackPolicy(
  {
    name: "backup-vault-deletion-denied",
    description:
      "Every AWS Backup vault must have a vault access policy (aws.backup.VaultPolicy) that denies deleting recovery points, shortening their lifecycle and replacing the policy to every principal except the break-glass principals.",
    severity: "critical",
    area: "identity",
    nist: ["CP-9", "AC-3"],
    specification:
      "Backups are protected from unauthorized deletion and modification (CP-9), with access enforced by the vault itself whatever the callers' IAM permissions (AC-3).",
    remediationSteps:
      'Add an aws.backup.VaultPolicy for the vault with a statement { Effect: "Deny", Principal: "*", Action: [backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle, backup:PutBackupVaultAccessPolicy], Resource: "*" } and, if a break-glass role must keep them, a Condition { ArnNotEquals: { "aws:PrincipalArn": [<break-glass role ARN>] } }; list those ARNs in breakGlassPrincipalArns.',
    remediation: {
      notFixed:
        "the vault access policy is a new resource (aws.backup.VaultPolicy), and a remediation can only change the resource it is given.",
    },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault-access-policy.html",
    config: {
      requiredDeniedActions: stringListField(
        "Actions every vault access policy must deny to every principal except break-glass.",
        REQUIRED,
      ),
      breakGlassPrincipalArns: stringListField(
        "IAM principal ARNs a vault access policy may exempt from its Deny (the break-glass roles).",
      ),
    },
  },
  {
    subjects: ({ index }) => index.ofType(ANY_VAULT),
    check(vault, { index, config }) {
      const { byVault, unplaced } = vaultPolicies(index);
      const policies = byVault.get(vault.urn) ?? [];
      const required = config.requiredDeniedActions;
      if (policies.length === 0) {
        if (unplaced.length > 0) {
          return unverifiable(
            "(vault policy)",
            `${unplaced.map(describe).join(", ")} names its vault by a backupVaultName unknown ${index.unknownWhen}, so whether this vault has a vault access policy cannot be decided`,
          );
        }
        return violated(
          `${describe(vault)} has no VaultPolicy; add an aws.backup.VaultPolicy that denies ${required.join(", ")} to every principal ("*") except the roles listed in breakGlassPrincipalArns.`,
        );
      }
      const address = addressOf(index, vault, "name");
      const outcomes: Outcome[] = [];
      for (const holder of policies) {
        const parsed = parsePolicyDocument(holder.props.policy);
        if (parsed.state === "unknown" || parsed.state === "absent") {
          const from = index.dependenciesOf(holder, "policy").map(describe);
          const computed = from.length > 0 ? ` (it is computed from ${from.join(", ")})` : "";
          outcomes.push(unverifiable("policy", `the policy of ${describe(holder)} is unknown ${index.unknownWhen}${computed}`));
          continue;
        }
        if (parsed.state === "invalid") {
          outcomes.push(
            violated(
              `${describe(vault)} has a VaultPolicy (${describe(holder)}) whose policy ${parsed.problem}; set policy to a valid JSON vault access policy document.`,
            ),
          );
          continue;
        }
        const at = `${describe(vault)} has a VaultPolicy (${describe(holder)})`;
        for (const statement of parsed.statements.filter(hasWildcardAction)) {
          outcomes.push(
            violated(
              `${at} whose statement ${statement.label} has a wildcard in Action, which AWS Backup does not support in a vault access policy, so the statement cannot be relied on; list each action by name (${required.join(", ")}).`,
            ),
          );
        }
        const { notDenied, conditional, exempted, sparedByUserId } = checkDenies(
          index,
          address,
          { name: describe(holder), statements: parsed.statements.filter((statement) => !hasWildcardAction(statement)) },
          required,
          vaultActionResources,
          (principal) => breakGlass(index, config.breakGlassPrincipalArns, principal),
        );
        if (notDenied.length > 0) {
          outcomes.push(
            violated(
              `${at} that does not deny ${notDenied.join(", ")} to every principal; add a statement { Effect: "Deny", Principal: "*", Action: those actions, Resource: "*" } excepting only the roles listed in breakGlassPrincipalArns.`,
            ),
          );
        }
        for (const [who, actions] of exempted) {
          outcomes.push(
            violated(
              `${at} whose Deny of ${actions.join(", ")} exempts ${who}, which breakGlassPrincipalArns does not list; remove the exemption, or list the principal in breakGlassPrincipalArns if it is a break-glass role.`,
            ),
          );
        }
        if (conditional.length > 0) {
          outcomes.push(
            unverifiable(
              "policy",
              `${describe(holder)} denies ${conditional.join(", ")} only under a Condition that cannot be evaluated before a request is made`,
            ),
          );
        }
        if (sparedByUserId.length > 0) {
          outcomes.push(unverifiable("policy", sparedByUserIdReason(describe(holder), sparedByUserId)));
        }
      }
      return outcomes.length > 0 ? outcomes : SATISFIED;
    },
  },
);
