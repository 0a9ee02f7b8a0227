import { longestGapHours, parseSchedule } from "../../../policy-pack/lib/backup/schedules";

// A fixed start, so the year evaluated holds both of this year's daylight-saving changes.
const FROM = new Date(Date.UTC(2026, 11, 3, 13, 0));

function gap(expression: string, timeZone = "Etc/UTC"): number | string {
  const parsed = parseSchedule(expression);
  return parsed.state === "ok" ? longestGapHours(parsed.schedule, timeZone, FROM) : `${parsed.state}: ${parsed.problem}`;
}

describe("AWS Backup schedules", () => {
  it.each([
    ["cron(0 5 ? * * *)", "Etc/UTC", 24],
    ["cron(0 5 ? * MON-FRI *)", "Etc/UTC", 72],
    ["cron(0 5 ? * 2-6 *)", "Etc/UTC", 72],
    ["cron(0 */12 ? * * *)", "Europe/Berlin", 13],
    ["cron(0 0,12 ? * * *)", "Etc/UTC", 12],
    ["cron(30 1-3,5 ? * * *)", "Etc/UTC", 20],
    ["cron(0 5 1 * ? *)", "Etc/UTC", 31 * 24],
    ["cron(0 5 L * ? *)", "Etc/UTC", 31 * 24],
    ["cron(0 5 15W * ? *)", "Etc/UTC", 32 * 24],
    ["cron(0 5 ? * 2#1 *)", "Etc/UTC", 35 * 24],
    ["cron(0 5 ? * 6L *)", "Etc/UTC", 35 * 24],
    ["cron(0 5 ? * L *)", "Etc/UTC", 7 * 24],
    ["cron(15 * ? * * *)", "Etc/UTC", 1],
  ])("%s in %s leaves at most %d hours between runs", (expression, zone, hours) => {
    expect(gap(expression, zone)).toBe(hours);
  });

  it("counts daylight-saving changes: a daily run at a local time is 25 hours apart once a year", () => {
    expect(gap("cron(0 1 ? * * *)", "America/New_York")).toBe(25);
    expect(gap("cron(0 1 ? * * *)", "Asia/Tokyo")).toBe(24);
  });

  it("skips a local time the clocks jump over when daylight saving starts, as AWS's zoned schedulers do", () => {
    // 02:30 does not happen in New York on 8 March 2026: the runs before and after are 47 hours apart.
    expect(gap("cron(30 2 ? * * *)", "America/New_York")).toBe(47);
    expect(gap("cron(30 1 ? * * *)", "America/New_York")).toBe(25);
    expect(gap("cron(30 2,14 ? * * *)", "America/New_York")).toBe(23);
  });

  it("counts the time before the first and after the last run, so a schedule that stops never passes", () => {
    expect(gap("cron(0 5 ? * * 2020)")).toBe(366 * 24);
    expect(gap("cron(0 5 31 2 ? *)")).toBe(366 * 24);
    expect(gap("cron(0 5 1 1 ? *)")).toBeGreaterThan(24 * 27);
  });

  it("rejects what AWS rejects, saying why without echoing the expression", () => {
    expect(gap("cron(0 5 * * * *)")).toBe("invalid: exactly one of its day-of-month and day-of-week fields must be ?");
    expect(gap("cron(0 5 ? * ? *)")).toBe("invalid: exactly one of its day-of-month and day-of-week fields must be ?");
    expect(gap("cron(0 5 ? * *)")).toBe("invalid: its cron() has 5 fields instead of 6");
    expect(gap("cron(0 25 ? * * *)")).toBe("invalid: the hours field holds a number outside 0-23");
    expect(gap("cron(0 x ? * * *)")).toBe("invalid: the hours field holds something that is not a number");
    expect(gap("cron(0 5/ ? * * *)")).toBe("invalid: the hours field has a malformed step");
    expect(gap("cron(0 5 ? * 2#6 *)")).toBe("invalid: the day-of-week field asks for a week of the month outside 1-5");
    expect(gap("at(2026-01-01T00:00:00)")).toBe("invalid: it is not a cron() expression");
  });

  it("rejects ? outside the day fields, rate() and runs less than 60 minutes apart, as AWS Backup does", () => {
    expect(gap("cron(? 5 ? * * *)")).toBe("invalid: the minutes field holds ?, which AWS allows only in day-of-month or day-of-week");
    expect(gap("cron(0 ? ? * * *)")).toBe("invalid: the hours field holds ?, which AWS allows only in day-of-month or day-of-week");
    expect(gap("cron(0 5 ? ? * *)")).toBe("invalid: the month field holds ?, which AWS allows only in day-of-month or day-of-week");
    expect(gap("cron(0 5 ? * * ?)")).toBe("invalid: the year field holds ?, which AWS allows only in day-of-month or day-of-week");
    expect(gap("rate(12 hours)")).toBe("invalid: AWS Backup takes cron() expressions only, not rate()");
    expect(gap("rate(5 weeks)")).toBe("invalid: AWS Backup takes cron() expressions only, not rate()");
    const tooOften = "invalid: it runs more than once an hour, and AWS Backup takes schedules at least 60 minutes apart";
    expect(gap("cron(0/30 * ? * * *)")).toBe(tooOften);
    expect(gap("cron(0,59 5 ? * * *)")).toBe(tooOften);
    expect(gap("cron(* 5 ? * * *)")).toBe(tooOften);
  });

  it("says so, rather than guessing, for valid forms the parser cannot evaluate", () => {
    expect(gap("cron(0 5 LW * ? *)")).toBe("unsupported: the day-of-month form LW cannot be evaluated");
    expect(gap("cron(0 1,5/2 ? * * *)")).toBe("unsupported: the hours field mixes a list with a step");
    expect(gap("cron(0 5 ? * FRI-MON *)")).toBe("unsupported: the day-of-week field has a range that wraps around");
  });
});
