import { parseArn } from "../arn";
import { describe, type IndexedResource, type StackIndex } from "../stackIndex";
import {
  IAM_GROUP_MEMBERSHIP,
  IAM_GROUP_POLICY,
  IAM_GROUP_POLICY_ATTACHMENT,
  IAM_GROUP_POLICY_ATTACHMENTS_EXCLUSIVE,
  IAM_IDENTITY,
  IAM_POLICY,
  IAM_POLICY_ATTACHMENT,
  IAM_ROLE_POLICY,
  IAM_ROLE_POLICY_ATTACHMENT,
  IAM_ROLE_POLICY_ATTACHMENTS_EXCLUSIVE,
  IAM_USER_GROUP_MEMBERSHIP,
  IAM_USER_POLICY,
  IAM_USER_POLICY_ATTACHMENT,
  IAM_USER_POLICY_ATTACHMENTS_EXCLUSIVE,
} from "../types";
import { getPath, isUnknown, stringField, type Value } from "../values";
import { identityReferredTo } from "./identities";
import { managedPolicyDocument, managedPolicyName } from "./managedPolicies";
import { parsePolicyDocument, type ParsedPolicy } from "./policyDocument";

/** One policy that reaches an identity, parsed, with how messages name it. */
export interface AttachedPolicy {
  /** "managed policy AdministratorAccess", "inline policy 1 of Role 'app'", "RolePolicy 'x'", "Policy 'p'". */
  readonly name: string;
  /** A document that cannot be known here: `unknown` during preview, or `external` (a policy outside the stack). */
  readonly parsed: ParsedPolicy | { readonly state: "external"; readonly what: string };
  /** The resource whose property holds or names the document (for gap reasons). */
  readonly holder: IndexedResource;
  readonly property: string;
}

/** Everything that decides what an identity may do. */
export interface Permissions {
  readonly identity: IndexedResource;
  readonly policies: readonly AttachedPolicy[];
  /** Permission boundaries: what they do not allow, the identity may not do. */
  readonly boundaries: readonly AttachedPolicy[];
}

type Kind = "role" | "user" | "group";
const KIND_OF: Readonly<Record<string, Kind>> = {
  "aws:iam/role:Role": "role",
  "aws:iam/user:User": "user",
  "aws:iam/group:Group": "group",
};

/** Stack `aws.iam.Policy` resources by known ARN and by name. */
function stackPolicies(index: StackIndex): ReadonlyMap<string, IndexedResource> {
  return index.memo("stackPolicies", () => {
    const out = new Map<string, IndexedResource>();
    for (const policy of index.ofType(IAM_POLICY)) {
      const arn = stringField(policy.props.arn);
      if (arn.state === "known") out.set(arn.value, policy);
      const name = stringField(policy.props.name);
      if (name.state === "known") out.set(`policy/${name.value}`, policy);
    }
    return out;
  });
}

/** A stack policy's document, parsed once however many identities it is attached to. */
function stackPolicyGrant(index: StackIndex, policy: IndexedResource): AttachedPolicy {
  return index.memo(`policyGrant:${policy.urn}`, () => ({
    name: describe(policy),
    parsed: parsePolicyDocument(policy.props.policy),
    holder: policy,
    property: "policy",
  }));
}

function managedGrant(index: StackIndex, name: string, holder: IndexedResource, property: string): AttachedPolicy {
  const document = managedPolicyDocument(name);
  return {
    name: `managed policy ${name}`,
    parsed:
      document === undefined
        ? { state: "external", what: `AWS managed policy ${name} is not in the pinned policy data` }
        : index.memo(`managed:${name}`, () => parsePolicyDocument(document)),
    holder,
    property,
  };
}

/** The policies a policy-ARN property (one ARN or a list) attaches: by edge, managed ARN, or stack policy literal. */
function policiesNamed(index: StackIndex, holder: IndexedResource, property: string, value: Value | undefined): AttachedPolicy[] {
  const out = new Map<string, AttachedPolicy>();
  for (const policy of index.dependenciesOf(holder, property, IAM_POLICY)) out.set(policy.urn, stackPolicyGrant(index, policy));
  const values = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const edges = out.size;
  for (const item of values) {
    if (isUnknown(item)) {
      // An unknown ARN with edges is one of the edge's policies.
      if (edges === 0)
        out.set(`unknown:${out.size}`, {
          name: `a policy whose ARN is unknown (${property} of ${describe(holder)})`,
          parsed: { state: "unknown" },
          holder,
          property,
        });
      continue;
    }
    if (typeof item !== "string") continue;
    const managed = managedPolicyName(item);
    if (managed) {
      out.set(`managed:${managed}`, managedGrant(index, managed, holder, property));
      continue;
    }
    const arn = parseArn(item);
    const stack =
      stackPolicies(index).get(item) ?? (arn ? stackPolicies(index).get(`policy/${arn.resource.split("/").pop() ?? ""}`) : undefined);
    if (stack) out.set(stack.urn, stackPolicyGrant(index, stack));
    else if (edges === 0)
      out.set(`external:${out.size}`, {
        name: "a customer managed policy outside the stack",
        parsed: { state: "external", what: "a customer managed policy outside the stack" },
        holder,
        property,
      });
  }
  return [...out.values()];
}

function documentGrant(name: string, holder: IndexedResource, property: string, document: Value | undefined): AttachedPolicy {
  return { name, parsed: parsePolicyDocument(document), holder, property };
}

interface Draft {
  identity: IndexedResource;
  policies: AttachedPolicy[];
  boundaries: AttachedPolicy[];
}

/**
 * The effective permissions of every IAM role, user and group of the stack: every
 * policy that reaches it (inline policies and managed ARNs of the role, `RolePolicy`,
 * `RolePolicyAttachment`, `PolicyAttachment`, the `*AttachmentsExclusive` resources,
 * user and group policies and attachments, a user's groups) and its permission
 * boundary. Built in one pass over those resources.
 */
export function effectivePermissions(index: StackIndex): ReadonlyMap<string, Permissions> {
  return index.memo("effectivePermissions", () => {
    const drafts = new Map<string, Draft>();
    for (const identity of index.ofType(IAM_IDENTITY)) drafts.set(identity.urn, { identity, policies: [], boundaries: [] });
    const add = (identities: readonly IndexedResource[], grants: readonly AttachedPolicy[]) => {
      for (const identity of identities) drafts.get(identity.urn)?.policies.push(...grants);
    };
    const targets = (resource: IndexedResource, property: string, kind: Kind) =>
      identityReferredTo(index, resource, property, kind, resource.props[property]);

    for (const identity of index.ofType(IAM_IDENTITY)) {
      const draft = drafts.get(identity.urn)!;
      if (KIND_OF[identity.type] === "role") {
        const inline = index.setting(identity, ["inlinePolicies"]);
        if (isUnknown(inline))
          draft.policies.push({
            name: `the inline policies of ${describe(identity)}`,
            parsed: { state: "unknown" },
            holder: identity,
            property: "inlinePolicies",
          });
        else if (Array.isArray(inline)) {
          inline.forEach((entry, i) => {
            const document = getPath(entry, ["policy"]);
            if (document === undefined || document === null || document === "") return;
            draft.policies.push(
              documentGrant(`inline policy ${i + 1} of ${describe(identity)}`, identity, `inlinePolicies[${i}].policy`, document),
            );
          });
        }
        draft.policies.push(...policiesNamed(index, identity, "managedPolicyArns", index.setting(identity, ["managedPolicyArns"])));
      }
      const boundary = index.setting(identity, ["permissionsBoundary"]);
      if (boundary !== undefined && boundary !== null && boundary !== "")
        draft.boundaries.push(...policiesNamed(index, identity, "permissionsBoundary", boundary));
    }
    for (const [types, property, kind] of [
      [IAM_ROLE_POLICY, "role", "role"],
      [IAM_USER_POLICY, "user", "user"],
      [IAM_GROUP_POLICY, "group", "group"],
    ] as const) {
      for (const resource of index.ofType(types))
        add(targets(resource, property, kind), [documentGrant(describe(resource), resource, "policy", resource.props.policy)]);
    }
    for (const [types, property, kind, arns] of [
      [IAM_ROLE_POLICY_ATTACHMENT, "role", "role", "policyArn"],
      [IAM_USER_POLICY_ATTACHMENT, "user", "user", "policyArn"],
      [IAM_GROUP_POLICY_ATTACHMENT, "group", "group", "policyArn"],
      [IAM_ROLE_POLICY_ATTACHMENTS_EXCLUSIVE, "roleName", "role", "policyArns"],
      [IAM_USER_POLICY_ATTACHMENTS_EXCLUSIVE, "userName", "user", "policyArns"],
      [IAM_GROUP_POLICY_ATTACHMENTS_EXCLUSIVE, "groupName", "group", "policyArns"],
    ] as const) {
      for (const resource of index.ofType(types))
        add(targets(resource, property, kind), policiesNamed(index, resource, arns, resource.props[arns]));
    }
    for (const attachment of index.ofType(IAM_POLICY_ATTACHMENT)) {
      const grants = policiesNamed(index, attachment, "policyArn", attachment.props.policyArn);
      add(
        [...targets(attachment, "roles", "role"), ...targets(attachment, "users", "user"), ...targets(attachment, "groups", "group")],
        grants,
      );
    }
    // A user has its groups' policies too.
    const groupsOfUser = new Map<string, Set<IndexedResource>>();
    const join = (users: readonly IndexedResource[], groups: readonly IndexedResource[]) => {
      for (const user of users)
        for (const group of groups) (groupsOfUser.get(user.urn) ?? groupsOfUser.set(user.urn, new Set()).get(user.urn)!).add(group);
    };
    for (const membership of index.ofType(IAM_GROUP_MEMBERSHIP))
      join(targets(membership, "users", "user"), targets(membership, "group", "group"));
    for (const membership of index.ofType(IAM_USER_GROUP_MEMBERSHIP))
      join(targets(membership, "user", "user"), targets(membership, "groups", "group"));
    const out = new Map<string, Permissions>();
    for (const [urn, draft] of drafts) {
      const inherited: AttachedPolicy[] = [];
      for (const group of groupsOfUser.get(urn) ?? []) {
        for (const grant of drafts.get(group.urn)?.policies ?? [])
          inherited.push({ ...grant, name: `${grant.name} (through ${describe(group)})` });
      }
      out.set(urn, { identity: draft.identity, policies: [...draft.policies, ...inherited], boundaries: draft.boundaries });
    }
    return out;
  });
}
