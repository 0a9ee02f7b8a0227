import {
  conditionMakesBucketStatementNonPublic,
  conditionNarrowsCaller,
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
      resources: [],
      notResources: [],
      hasCondition: false,
      condition: {},
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

  it("does not count a condition whose values match principals of every account as narrowing the caller", () => {
    const anyone = (Condition: Record<string, unknown>) => statement({ Effect: "Allow", Principal: "*", Action: "kms:*", Condition });
    for (const broad of [
      { StringLike: { "aws:PrincipalArn": "*" } },
      { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } },
      { ArnLike: { "aws:PrincipalArn": ["arn:aws:iam::111122223333:role/admin", "arn:*:iam::*:*"] } },
      { StringLike: { "aws:PrincipalAccount": "1111*" } },
      { StringLike: { "aws:userid": "AROA*:*" } },
      { StringLike: { "aws:PrincipalOrgPaths": "*/r-ab12/*" } },
      { ArnLike: { "aws:SourceArn": "arn:aws:s3:::*" } },
    ]) {
      expect({ broad, narrows: conditionNarrowsCaller(anyone(broad)) }).toEqual({ broad, narrows: false });
    }
    for (const narrow of [
      { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/*" } },
      { StringEquals: { "aws:PrincipalAccount": "111122223333" } },
      { StringLike: { "aws:userid": "AROAEXAMPLEID12345678:*" } },
      { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/*" } },
      { ArnLike: { "aws:SourceArn": "arn:aws:s3:::backup-logs" } },
    ]) {
      expect({ narrow, narrows: conditionNarrowsCaller(anyone(narrow)) }).toEqual({ narrow, narrows: true });
    }
    const vpce = (value: string) => conditionMakesBucketStatementNonPublic(anyone({ StringLike: { "aws:SourceVpce": value } }));
    expect([vpce("vpce-*"), vpce("vpce-1a2b3c4d")]).toEqual([false, true]);
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

describe("IAM policy documents in every shape", () => {
  const shapes: [string, unknown][] = [
    [
      "a JSON string with one statement",
      JSON.stringify({ Version: "2008-10-17", Statement: { Effect: "allow", Action: "s3:GetObject", Resource: "*" } }),
    ],
    ["an object with a list", { Version: "2012-10-17", Statement: [{ Effect: "ALLOW", Action: ["s3:GetObject"], Resource: ["*"] }] }],
    ["getPolicyDocument arguments", { statements: [{ actions: ["s3:GetObject"], resources: ["*"] }] }],
  ];
  it.each(shapes)("reads %s", (_, document) => {
    const parsed = parsePolicyDocument(document as never);
    expect(parsed.state === "known" && parsed.statements.map((s) => [s.effect, s.actions, s.resources])).toEqual([
      ["Allow", ["s3:GetObject"], ["*"]],
    ]);
  });

  it("reads getPolicyDocument principals and conditions", () => {
    const parsed = parsePolicyDocument({
      statements: [
        {
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    expect(parsed.state === "known" && parsed.statements[0]).toMatchObject({
      effect: "Deny",
      principals: [{ kind: "*", id: "*" }],
      condition: { Bool: { "aws:SecureTransport": ["false"] } },
    });
  });

  it("says what is wrong with a malformed document and never throws", () => {
    const cases: [unknown, string][] = [
      ["{", "is a string that is not valid JSON"],
      [JSON.stringify([1]), "is not a JSON object"],
      [JSON.stringify({ Statement: "x" }), "has no Statement"],
      [JSON.stringify({ Statement: [{ Effect: "Permit" }] }), 'statement 1 has no Effect of "Allow" or "Deny"'],
      [JSON.stringify({ Statement: [{ Effect: "Allow", Resource: 3 }] }), "statement 1 has a malformed Resource or NotResource"],
      [JSON.stringify({ Statement: [{ Effect: "Allow", Condition: { Bool: 1 } }] }), "statement 1 has a malformed Condition"],
    ];
    for (const [document, problem] of cases) expect(parsePolicyDocument(document as never)).toEqual({ state: "invalid", problem });
  });

  it("parses a document of 500 statements", () => {
    const Statement = Array.from({ length: 500 }, (_, i) => ({ Effect: "Allow", Action: `s3:Get${i}`, Resource: "*" }));
    const parsed = parsePolicyDocument(JSON.stringify({ Statement }));
    expect(parsed.state === "known" && parsed.statements.length).toBe(500);
  });
});
