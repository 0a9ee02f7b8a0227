import {
  backupKeys,
  describeBackupKey,
  keySubjects,
  storesWithUncheckedKeys,
  uncheckedKeyOutcomes,
  undecidedKeyOutcome,
} from "../../lib/kms/backupKeys";
import { formatArn } from "../../lib/arn";
import { backupBucketFields, stringListField } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import {
  conditionNarrowsCaller,
  parsePolicyDocument,
  statementAppliesToAnyone,
  statementCoversAction,
  type Statement,
} from "../../lib/iam/policyDocument";
import { keyPoliciesOf } from "../../lib/kms/keys";
import { accountRootOf, backupIdentities, identityForPrincipal, stackAccounts } from "../../lib/iam/identities";
import { addressOf, type Address, type Filled } from "../../lib/iam/addresses";
import { denialOf } from "../../lib/iam/denyCheck";
import { denyExemptions } from "../../lib/iam/probes";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe, type IndexedResource, type StackIndex } from "../../lib/stackIndex";
import { KMS_CUSTOMER_KEY, KMS_EXTERNAL_KEY, KMS_REPLICA_EXTERNAL_KEY, union } from "../../lib/types";
import type { Value } from "../../lib/values";

/** Actions that destroy a key or take it from its administrators. */
const KEY_DESTROYING_ACTIONS = ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"];
/** Deleting imported key material makes a key unusable at once, with no waiting period. */
const IMPORTED_MATERIAL_ACTIONS = [...KEY_DESTROYING_ACTIONS, "kms:DeleteImportedKeyMaterial"];
const IMPORTED_MATERIAL = union(KMS_EXTERNAL_KEY, KMS_REPLICA_EXTERNAL_KEY);

interface PolicySource {
  readonly holder: IndexedResource;
  readonly document: Value | undefined;
}

/**
 * The key's own `policy`, or the aws.kms.KeyPolicy resources that replace it (found by
 * their `keyId` edge, or by a literal naming the key).
 */
function policySources(index: StackIndex, key: IndexedResource): PolicySource[] {
  const attached = keyPoliciesOf(index, key);
  if (attached.length > 0) return attached.map((resource) => ({ holder: resource, document: resource.props.policy }));
  return [{ holder: key, document: index.setting(key, ["policy"]) }];
}

interface Checked {
  readonly index: StackIndex;
  readonly who: string;
  readonly where: string;
  readonly administrators: ReadonlySet<string>;
  readonly backupRoles: ReadonlySet<string>;
  /** The Deny statements: what they deny (as AWS evaluates them) is not granted by any Allow. */
  readonly denies: readonly Statement[];
  readonly address: Address;
  /** Actions a Deny takes back only under a condition that cannot be evaluated here. */
  readonly conditional: Set<string>;
  /** The actions that destroy this kind of key. */
  readonly destroying: readonly string[];
}

/** The ARN a request on the key is authorised against. */
function keyArn(c: Checked, filled: Filled): string {
  return c.address.arn ?? formatArn({ service: "kms", region: filled.region, account: filled.account, resource: `key/${filled.name}` });
}

/**
 * Whether the key policy's Denies take the action away from a principal, through the
 * IAM model (a Deny on the account root covers its principals; negated
 * `aws:PrincipalArn` conditions spare whom they name). A Deny that applies only under a
 * condition the pack cannot evaluate counts as taking it, and is listed as a gap.
 */
function denied(c: Checked, principal: string, action: string): boolean {
  const denial = denialOf(c.address, c.denies, principal, action, (filled) => keyArn(c, filled));
  if (denial === "conditional") c.conditional.add(action);
  return denial !== "not-denied";
}

function destroyingActions(statement: Statement, c: Checked, principal: string): string[] {
  return c.destroying.filter((action) => statementCoversAction(statement, action) && !denied(c, principal, action));
}

/**
 * Who keeps an action that a statement grants to anyone: anyone ("*") unless the
 * Denies take it from every caller, and then the principals they spare by name.
 */
function keepersOfAnyoneGrant(c: Checked, action: string): readonly string[] {
  if (!denied(c, "*", action)) return ["*"];
  return denyExemptions(c.denies, action).filter((principal) => !denied(c, principal, action));
}

/** Who a named principal is, for a message; `undefined` when it may hold the actions. */
function restrictedGrantee(principal: string, c: Checked): string | undefined {
  if (c.administrators.has(principal)) return undefined;
  const identity = identityForPrincipal(c.index, principal);
  if (identity) {
    if (c.administrators.has(identity.urn)) return undefined;
    return `the ${c.backupRoles.has(identity.urn) ? "backup" : "workload"} identity ${describe(identity)}`;
  }
  // The stack's own account root delegates to IAM, where workload identities are
  // checked; another account's root hands the key to that account.
  const account = accountRootOf(principal);
  const accounts = stackAccounts(c.index);
  if (account && accounts.size > 0 && !accounts.has(account)) return "the root of another AWS account";
  return undefined;
}

function statementOutcomes(statement: Statement, c: Checked): Outcome[] {
  if (statement.effect !== "Allow") return [];
  const out: Outcome[] = [];
  const at = `${c.who} has a policy${c.where} whose statement ${statement.label}`;
  const remedy = "remove those actions from the statement, and grant them only to the key administrators listed in keyAdministratorArns";
  if (statementAppliesToAnyone(statement)) {
    if (!conditionNarrowsCaller(statement)) {
      out.push(
        violated(
          `${at} allows any principal ("*") without a Condition on who the caller is; name the principals, or add a Condition such as kms:CallerAccount, aws:PrincipalOrgID or kms:ViaService.`,
        ),
      );
    }
    // aws:PrincipalArn names the only callers; otherwise anyone the Denies spare.
    const byGrantee = new Map<string, string[]>();
    for (const action of c.destroying.filter((a) => statementCoversAction(statement, a))) {
      const callers = statement.principalArnCondition ?? keepersOfAnyoneGrant(c, action);
      for (const caller of callers) {
        const grantee = caller === "*" ? 'any principal ("*")' : restrictedGrantee(caller, c);
        if (!grantee || (caller !== "*" && denied(c, caller, action))) continue;
        byGrantee.set(grantee, [...(byGrantee.get(grantee) ?? []), action]);
      }
    }
    for (const [grantee, actions] of byGrantee) out.push(violated(`${at} grants ${actions.join(", ")} to ${grantee}; ${remedy}.`));
    return out;
  }
  for (const principal of statement.principals) {
    if (principal.kind !== "AWS") continue;
    const grantee = restrictedGrantee(principal.id, c);
    const actions = grantee ? destroyingActions(statement, c, principal.id) : [];
    if (grantee && actions.length > 0) out.push(violated(`${at} grants ${actions.join(", ")} to ${grantee}; ${remedy}.`));
  }
  return out;
}

export const backupKeyPolicyRestricted = defineStackPolicy(
  {
    name: "backup-key-policy-restricted",
    description:
      'Every KMS key that encrypts a backup store must have a key policy that allows "*" only under a condition on the caller and lets no workload identity, backup identity, other account or "*" delete, disable or re-permission the key.',
    severity: "high",
    area: "encryption",
    nist: ["AC-6", "SC-12"],
    specification:
      "Only designated key administrators can destroy or re-permission the keys that protect backups (least privilege, AC-6; key management, SC-12).",
    remediationSteps:
      'Write the key policy with named principals only; keep kms:ScheduleKeyDeletion, kms:DisableKey and kms:PutKeyPolicy (and kms:DeleteImportedKeyMaterial on keys with imported material) for the key administrators (list their ARNs in keyAdministratorArns), and add a Condition (kms:CallerAccount, aws:PrincipalOrgID, kms:ViaService) to any statement with Principal "*".',
    remediation: {
      notFixed:
        "who may use and administer a key is the organization's decision, and a rewritten key policy could lock its administrators out.",
    },
    url: "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
    config: {
      keyAdministratorArns: stringListField(
        "IAM principal ARNs allowed to hold kms:ScheduleKeyDeletion, kms:DisableKey and kms:PutKeyPolicy on backup keys.",
      ),
      ...backupBucketFields,
    },
  },
  {
    subjects: ({ index, config }) => [...keySubjects(index, config, true), ...storesWithUncheckedKeys(index, config)],
    check(key, { index, config }) {
      if (!KMS_CUSTOMER_KEY.has(key.type)) return uncheckedKeyOutcomes(index, config, key, "key policy");
      const undecided = undecidedKeyOutcome(index, config, key);
      if (undecided) return undecided;
      const who = describeBackupKey(key, backupKeys(index, config).get(key.urn));
      const administrators = new Set<string>(config.keyAdministratorArns);
      for (const arn of config.keyAdministratorArns) {
        const identity = identityForPrincipal(index, arn);
        if (identity) administrators.add(identity.urn);
      }
      const backupRoles = new Set(backupIdentities(index, config).keys());
      const outcomes: Outcome[] = [];
      const address = addressOf(index, key, "keyId");
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
        const denies = parsed.statements.filter((statement) => statement.effect === "Deny");
        const destroying = IMPORTED_MATERIAL.has(key.type) ? IMPORTED_MATERIAL_ACTIONS : KEY_DESTROYING_ACTIONS;
        const conditional = new Set<string>();
        const checked: Checked = { index, who, where, administrators, backupRoles, denies, destroying, address, conditional };
        for (const statement of parsed.statements) outcomes.push(...statementOutcomes(statement, checked));
        if (conditional.size > 0) {
          outcomes.push(
            unverifiable(
              "policy",
              `the key policy${where} takes ${[...conditional].join(", ")} back only under a Condition that cannot be evaluated before a request is made`,
            ),
          );
        }
      }
      return outcomes.length > 0 ? outcomes : SATISFIED;
    },
  },
);
