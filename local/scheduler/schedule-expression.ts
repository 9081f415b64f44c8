// EventBridge schedule expressions: `rate(5 minutes)` and the six-field `cron(min hour dom month dow year)`.

const UNIT_MS: Readonly<Record<string, number>> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
/** A cron that matches nothing within a year is treated as never firing. */
const MAX_CRON_SEARCH_MINUTES = 366 * 24 * 60;

/** Milliseconds from `now` to the next firing, or undefined when the expression never fires. */
export function nextDelayMs(expression: string, now: Date): number | undefined {
  const rate = /^rate\(\s*(\d+)\s+(\w+)\s*\)$/.exec(expression.trim());
  if (rate) {
    const unit = UNIT_MS[(rate[2] ?? "").toLowerCase()];
    if (!unit) throw new Error(`unsupported rate unit in ${expression}`);
    return Number(rate[1]) * unit;
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) throw new Error(`unsupported schedule expression ${expression}`);
  const fields = (cron[1] ?? "").trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`cron needs 6 fields: ${expression}`);
  const [minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  const t = new Date(now.getTime());
  t.setUTCSeconds(0, 0);
  for (let i = 0; i < MAX_CRON_SEARCH_MINUTES; i++) {
    t.setUTCMinutes(t.getUTCMinutes() + 1);
    if (
      matches(minute, t.getUTCMinutes(), 0, 59) &&
      matches(hour, t.getUTCHours(), 0, 23) &&
      matches(month, t.getUTCMonth() + 1, 1, 12, MONTHS, 1) &&
      matches(dom, t.getUTCDate(), 1, 31) &&
      matches(dow, t.getUTCDay() + 1, 1, 7, DAYS, 1) &&
      matches(year, t.getUTCFullYear(), 1970, 2199)
    ) {
      return t.getTime() - now.getTime();
    }
  }
  return undefined;
}

function matches(
  field: string,
  value: number,
  min: number,
  max: number,
  names: string[] = [],
  base = 0,
): boolean {
  if (field === "*" || field === "?") return true;
  for (const part of field.split(",")) {
    const [range = "*", stepText] = part.split("/");
    const step = stepText ? Number(stepText) : 1;
    const toNumber = (text: string) => {
      const index = names.indexOf(text.toUpperCase());
      return index >= 0 ? index + base : Number(text);
    };
    let from = min;
    let to = max;
    if (range !== "*") {
      const [a = "", b] = range.split("-");
      from = toNumber(a);
      to = b !== undefined ? toNumber(b) : stepText ? max : from;
    }
    if (value >= from && value <= to && (value - from) % step === 0) return true;
  }
  return false;
}
