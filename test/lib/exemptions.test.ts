import { exemptionStatus } from "../../policy-pack/lib/exemptions";

const resource = { urn: "urn:pulumi:prod::shop::aws:backup/vault:Vault::legacy-orders", name: "legacy-orders" };
const now = new Date("2026-11-23T12:00:00Z");

describe("exemptionStatus", () => {
  it("matches by URN or by a glob on the logical name, and lapses after the expiry day", () => {
    expect(exemptionStatus([{ resource: resource.urn, reason: "r" }], resource, now).state).toBe("exempt");
    expect(exemptionStatus([{ resource: "legacy-*", reason: "r", expires: "2026-11-23" }], resource, now).state).toBe("exempt");
    expect(exemptionStatus([{ resource: "legacy-?rders", reason: "r", expires: "2026-11-22" }], resource, now)).toEqual({
      state: "expired",
      exemption: { resource: "legacy-?rders", reason: "r", expires: "2026-11-22" },
    });
    expect(exemptionStatus([{ resource: "orders", reason: "r" }], resource, now).state).toBe("none");
  });
});
