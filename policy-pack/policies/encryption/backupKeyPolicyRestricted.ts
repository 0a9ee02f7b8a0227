import { backupKeys, describeBackupKey } from "../../lib/backupKeys";
import { backupBucketFields, stringListField } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { parsePolicyDocument, statementAppliesToAnyone, statementCoversAction, type Statement } from "../../lib/iamPolicy";
import { backupIdentities, identityForPrincipal } from "../../lib/identities";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe, type IndexedResource, type StackIndex } from "../../lib/stackIndex";
import { KMS_KEY_POLICY } from "../../lib/types";
import type { Value } from "../../lib/values";

/** Actions that destroy a key or take it from its administrators. */
const KEY_DESTROYING_ACTIONS = ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"] as const;

interface PolicySource {
  readonly holder: IndexedResource;
  readonly document: Value | undefined;
}

/** The key's own `policy`, or the aws.kms.KeyPolicy resources that replace it. */
function policySources(index: StackIndex, key: IndexedResource): PolicySource[] {
  const attached = index
    .referrersOf(key, KMS_KEY_POLICY)
    .filter((referrer) => referrer.property === "keyId")
    .map(({ resource }) => ({ holder: resource, document: resource.props.policy }));
  return attached.length > 0 ? attached : [{ holder: key, document: index.setting(key, ["policy"]) }];
}

interface Checked {
  readonly index: StackIndex;
  readonly key: IndexedResource;
  readonly who: string;
  readonly where: string;
  readonly administrators: ReadonlySet<string>;
  readonly backupRoles: ReadonlySet<string>;
}

function statementOutcomes(statement: Statement, c: Checked): Outcome[] {
  if (statement.effect !== "Allow") return [];
  const out: Outcome[] = [];
  if (statementAppliesToAnyone(statement) && !statement.hasCondition) {
    out.push(
      violated(
        `${c.who} has a policy${c.where} whose statement ${statement.label} allows any principal ("*") without a Condition; name the principals, or add a Condition such as kms:CallerAccount or aws:PrincipalOrgID.`,
      ),
    );
  }
  const actions = KEY_DESTROYING_ACTIONS.filter((action) => statementCoversAction(statement, action));
  if (actions.length === 0) return out;
  for (const principal of statement.principals) {
    if (principal.kind !== "AWS" || c.administrators.has(principal.id)) continue;
    const identity = identityForPrincipal(c.index, principal.id);
    if (!identity || c.administrators.has(identity.urn)) continue;
    const role = c.backupRoles.has(identity.urn) ? "backup identity" : "workload identity";
    out.push(
      violated(
        `${c.who} has a policy${c.where} whose statement ${statement.label} grants ${actions.join(", ")} to the ${role} ${describe(identity)}; remove those actions from the statement, and grant them only to the key administrators listed in keyAdministratorArns.`,
      ),
    );
  }
  return out;
}

export const backupKeyPolicyRestricted = defineStackPolicy(
  {
    name: "backup-key-policy-restricted",
    description:
      'Every KMS key that encrypts a backup store must have a key policy that allows no principal "*" without a condition and lets no workload or backup identity delete, disable or re-permission the key.',
    severity: "high",
    area: "encryption",
    nist: ["AC-6", "SC-12"],
    specification:
      "Only designated key administrators can destroy or re-permission the keys that protect backups (least privilege, AC-6; key management, SC-12).",
    remediationSteps:
      'Write the key policy with named principals only; keep kms:ScheduleKeyDeletion, kms:DisableKey and kms:PutKeyPolicy for the key administrators (list their ARNs in keyAdministratorArns), and add a Condition (kms:CallerAccount, aws:PrincipalOrgID, kms:ViaService) to any statement with Principal "*".',
    url: "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
    config: {
      keyAdministratorArns: stringListField(
        "IAM principal ARNs allowed to hold kms:ScheduleKeyDeletion, kms:DisableKey and kms:PutKeyPolicy on backup keys.",
      ),
      ...backupBucketFields,
    },
  },
  {
    subjects: ({ index, config }) => [...backupKeys(index, config).values()].map((entry) => entry.key),
    check(key, { index, config }) {
      const who = describeBackupKey(key, backupKeys(index, config).get(key.urn));
      const administrators = new Set<string>(config.keyAdministratorArns);
      for (const arn of config.keyAdministratorArns) {
        const identity = identityForPrincipal(index, arn);
        if (identity) administrators.add(identity.urn);
      }
      const backupRoles = new Set(backupIdentities(index, config).keys());
      const outcomes: Outcome[] = [];
      for (const { holder, document } of policySources(index, key)) {
        const where = holder === key ? "" : ` (set by ${describe(holder)})`;
        const parsed = parsePolicyDocument(document);
        if (parsed.state === "absent") continue; // AWS's default key policy: the account root only.
        if (parsed.state === "unknown") {
          const from = index.dependenciesOf(holder, "policy").map(describe);
          const computed = from.length > 0 ? ` (it is computed from ${from.join(", ")})` : "";
          outcomes.push(unverifiable("policy", `the key policy${where} is unknown ${index.unknownWhen}${computed}`));
          continue;
        }
        if (parsed.state === "invalid") {
          outcomes.push(violated(`${who} has a policy${where} that ${parsed.problem}; set policy to a valid JSON key policy document.`));
          continue;
        }
        const checked = { index, key, who, where, administrators, backupRoles };
        for (const statement of parsed.statements) outcomes.push(...statementOutcomes(statement, checked));
      }
      return outcomes.length > 0 ? outcomes : SATISFIED;
    },
  },
);
