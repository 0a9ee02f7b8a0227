import {
  parsePolicyDocument,
  statementAppliesToAnyone,
  statementCoversAction,
  type Statement,
} from "../../../policy-pack/lib/iam/policyDocument";

function statement(raw: Record<string, unknown>): Statement {
  const parsed = parsePolicyDocument(JSON.stringify({ Statement: raw }));
  if (parsed.state !== "known") throw new Error(JSON.stringify(parsed));
  return parsed.statements[0]!;
}

describe("IAM policy documents", () => {
  it("normalises a single statement, string lists and principals", () => {
    expect(statement({ Effect: "Allow", Principal: { AWS: "arn:a", Service: ["s3.amazonaws.com"] }, Action: "kms:Decrypt" })).toEqual({
      label: "1",
      effect: "Allow",
      principals: [
        { kind: "AWS", id: "arn:a" },
        { kind: "Service", id: "s3.amazonaws.com" },
      ],
      notPrincipals: [],
      actions: ["kms:Decrypt"],
      notActions: [],
      hasCondition: false,
      conditionKeys: [],
      principalArnCondition: undefined,
    });
  });

  it("matches actions through wildcards, case-insensitively, and through NotAction", () => {
    expect(statementCoversAction(statement({ Effect: "Allow", Action: "KMS:schedule*" }), "kms:ScheduleKeyDeletion")).toBe(true);
    expect(statementCoversAction(statement({ Effect: "Allow", Action: ["kms:Dis?bleKey"] }), "kms:DisableKey")).toBe(true);
    expect(statementCoversAction(statement({ Effect: "Allow", Action: "kms:Decrypt" }), "kms:DisableKey")).toBe(false);
    expect(statementCoversAction(statement({ Effect: "Allow", NotAction: "kms:Decrypt" }), "kms:DisableKey")).toBe(true);
    expect(statementCoversAction(statement({ Effect: "Allow", NotAction: "kms:*" }), "kms:DisableKey")).toBe(false);
  });

  it("knows who a statement applies to", () => {
    expect(statementAppliesToAnyone(statement({ Effect: "Allow", Principal: "*" }))).toBe(true);
    expect(statementAppliesToAnyone(statement({ Effect: "Allow", Principal: { AWS: ["arn:a", "*"] } }))).toBe(true);
    expect(statementAppliesToAnyone(statement({ Effect: "Allow", NotPrincipal: { AWS: "arn:a" } }))).toBe(true);
    expect(statementAppliesToAnyone(statement({ Effect: "Allow", Principal: { Service: "*" } }))).toBe(false);
  });

  it("says what is wrong with a malformed document, without echoing it", () => {
    expect(parsePolicyDocument("[1]")).toEqual({ state: "invalid", problem: "is not a JSON object" });
    expect(parsePolicyDocument('{"Statement":[3]}')).toEqual({ state: "invalid", problem: "statement 1 is not an object" });
    expect(parsePolicyDocument('{"Statement":{"Sid":"x","Effect":"Allow","Principal":7}}')).toEqual({
      state: "invalid",
      problem: "statement 1 has a malformed Principal",
    });
    expect(parsePolicyDocument('{"Statement":{"Effect":"Deny","Action":[1]}}')).toEqual({
      state: "invalid",
      problem: "statement 1 has a malformed Action or NotAction",
    });
    expect(parsePolicyDocument(undefined)).toEqual({ state: "absent" });
  });
});
