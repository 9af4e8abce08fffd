"""Recounts, from the CSV files in data/ alone, the figures of the indicators the staff, teams and
population tables make possible, for every quarter of 2018-19 and 2019-20, with the arithmetic
shown as exact fractions. An independent count to check tally against (it does not use tally):

  (a) 12-month rolling voluntary turnover of qualified social workers, over the mean of the
      headcounts on the window's first and last days
  (b) the same leavers over the average daily headcount of the window
  (c) children looked after at the quarter's end per 10,000 children aged 0 to 17
  (d) VP8 (cp_visits_on_time) by the team holding the plan, within 10 and within 15 days
  (e) which team figures of (d) at 10 days small-number suppression of counts 1 to 5 would hide

usage: recount_new.py [--data DIR] > recount_new.txt. Python 3 standard library only.
"""

import argparse
import csv
import datetime
import os
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.dirname(HERE)

QUALIFIED = ("social worker", "senior practitioner")
SHORT_BREAKS = ("V3", "V4")
SUPPRESS_LOW, SUPPRESS_HIGH = 1, 5


def read(data, name):
    with open(os.path.join(data, name + ".csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def iso(text):
    return datetime.date.fromisoformat(text) if text else None


def dmy(text):
    if not text:
        return None
    d, m, y = text.split("/")
    return datetime.date(int(y), int(m), int(d))


def add_months(d, n):
    """d moved by n months, the day kept (these are always first days of a month)."""
    months = d.year * 12 + d.month - 1 + n
    return datetime.date(months // 12, months % 12 + 1, d.day)


def quarters():
    """(label, start, end, financial year) of each quarter of 2018-19 and 2019-20."""
    out = []
    for year in (2018, 2019):
        for q in range(4):
            start = add_months(datetime.date(year, 4, 1), 3 * q)
            end = add_months(start, 3) - datetime.timedelta(days=1)
            out.append((f"{year}-{(year + 1) % 100:02} Q{q + 1}", start, end, year))
    return out


def active(start, leave, day):
    """The language's active(): started by the day and not yet ended on it."""
    return start <= day and (leave is None or leave > day)


def show(f):
    """An exact fraction as written by hand: 7, or 125/2."""
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def one_place(f):
    """Rounded to one decimal place, half away from zero, as tally shows a value."""
    tenths = abs(f) * 10
    whole = tenths.numerator // tenths.denominator
    if tenths - whole >= Fraction(1, 2):
        whole += 1
    sign = "-" if f < 0 and whole else ""
    return f"{sign}{whole // 10}.{whole % 10}"


def wrap(items, indent, width=100):
    lines, line = [], indent
    for item in items:
        if len(line) + len(item) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += item + " "
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines) if lines else indent + "(none)"


def turnover(staff, periods):
    print("(a) and (b): 12-month rolling voluntary turnover of qualified social workers")
    print()
    print('Staff counted: role "social worker" or "senior practitioner", agency false.')
    print("Window: the 12 whole months ending on the quarter's last day, both ends included.")
    print('Leavers: leave_date within the window and leave_reason "voluntary".')
    print("Active on day d: start_date <= d and (leave_date missing or leave_date > d).")
    print("(a) denominator: (headcount active on the window's first day + on its last day) / 2.")
    print("(b) denominator: the average daily headcount, the sum over staff of the window's days")
    print("    they are active, divided by the window's days.")
    print("value = 100 x leavers / denominator, shown to one place (half away from zero).")
    qualified = [s for s in staff if s["role"] in QUALIFIED and s["agency"] in ("0", "false")]
    for label, _, end, _ in periods:
        w_end = end
        w_start = add_months(end + datetime.timedelta(days=1), -12)
        days = (w_end - w_start).days + 1
        leavers = [
            s
            for s in qualified
            if s["leave_date"]
            and w_start <= iso(s["leave_date"]) <= w_end
            and s["leave_reason"] == "voluntary"
        ]
        def headcount(day):
            return sum(active(iso(s["start_date"]), iso(s["leave_date"]), day) for s in qualified)

        at_start, at_end = headcount(w_start), headcount(w_end)
        person_days = 0
        for s in qualified:
            first = max(iso(s["start_date"]), w_start)
            leave = iso(s["leave_date"])
            last = w_end if leave is None else min(leave - datetime.timedelta(days=1), w_end)
            if last >= first:
                person_days += (last - first).days + 1
        n = len(leavers)
        mean = Fraction(at_start + at_end, 2)
        daily = Fraction(person_days, days)
        a = 100 * Fraction(n) / mean
        b = 100 * Fraction(n) / daily
        print()
        print(f"{label}: window {w_start} .. {w_end} ({days} days)")
        print(f"  voluntary leavers: {n}")
        print(wrap([f"{s['staff_id']} ({s['leave_date']})" for s in leavers], "    "))
        print(
            f"  (a) headcount on {w_start}: {at_start}; on {w_end}: {at_end};"
            f" mean ({at_start} + {at_end}) / 2 = {show(mean)}"
        )
        print(f"      value = 100 x {n} / ({show(mean)}) = {show(a)} = {one_place(a)}")
        print(
            f"  (b) active staff-days {person_days}; average daily headcount"
            f" {person_days} / {days} = {show(daily)}"
        )
        print(f"      value = 100 x {n} / ({show(daily)}) = {show(b)} = {one_place(b)}")


def looked_after_rate(episodes, population, periods):
    print()
    print("(c) Children looked after at the quarter's end per 10,000 children aged 0 to 17")
    print()
    print("Counted: distinct child_id of the episodes with decom <= the quarter's end and")
    print("(dec missing or dec > the quarter's end), ls not V3 or V4.")
    print("Population: population.children of the year the financial year starts (2018 for")
    print("2018-19).")
    print("value = 10000 x children looked after / population, shown to one place.")
    children = {int(r["year"]): int(r["children"]) for r in population}
    print()
    for label, _, end, year in periods:
        looked_after = {
            e["child_id"]
            for e in episodes
            if dmy(e["decom"]) <= end
            and (dmy(e["dec"]) is None or dmy(e["dec"]) > end)
            and e["ls"] not in SHORT_BREAKS
        }
        n = len(looked_after)
        rate = Fraction(10000 * n, children[year])
        print(
            f"{label} (at {end}): {n} children; population {year}: {children[year]};"
            f" 10000 x {n} / {children[year]} = {show(rate)} = {one_place(rate)}"
        )


def visits_by_team(plans, visits, teams, periods):
    print()
    print("(d) VP8, CP visits on time, by the team holding the plan")
    print()
    print("Due: visits in the quarter with an earlier visit under the same plan_id (the previous")
    print("visit by visit_date, ties in file order). On time: the gap, in calendar days from the")
    print("previous visit, is at most 10 (or 15). Team: cp_plans.team_id of the visit's plan_id.")
    print("value = 100 x on time / due, shown to one place.")
    team_of = {p["plan_id"]: p["team_id"] for p in plans}
    by_plan = {}
    for i, v in enumerate(visits):
        by_plan.setdefault(v["plan_id"], []).append((iso(v["visit_date"]), i))
    gaps = []  # (date, team, gap in days)
    for plan_id, rows in by_plan.items():
        rows.sort(key=lambda r: r[0])  # a stable sort: ties stay in file order
        for k in range(1, len(rows)):
            gaps.append((rows[k][0], team_of[plan_id], (rows[k][0] - rows[k - 1][0]).days))
    names = {t["team_id"]: f"{t['team_id']} {t['name']} ({t['locality']})" for t in teams}
    figures = {}  # quarter label -> [(team, due, within 10, within 15)], the total last
    for label, start, end, _ in periods:
        print()
        print(f"{label} ({start} .. {end})")
        print(f"  {'team':<48} {'within 10 days':>24} {'within 15 days':>24}")
        rows = []
        for team in sorted(names):
            mine = [g for g in gaps if g[1] == team and start <= g[0] <= end]
            within = [sum(g[2] <= days for g in mine) for days in (10, 15)]
            rows.append((team, len(mine), within[0], within[1]))
        rows.append(("all",) + tuple(sum(r[k] for r in rows) for k in (1, 2, 3)))
        figures[label] = rows
        for team, due, by10, by15 in rows:
            cells = []
            for n in (by10, by15):
                value = one_place(Fraction(100 * n, due)) if due else "-"
                cells.append(f"{n} / {due} = {value}")
            name = "all teams" if team == "all" else names[team]
            print(f"  {name:<48} {cells[0]:>24} {cells[1]:>24}")
    return figures


def small(n):
    return SUPPRESS_LOW <= n <= SUPPRESS_HIGH


def suppression(figures, periods):
    print()
    bounds = f"{SUPPRESS_LOW} .. {SUPPRESS_HIGH}"
    print(f"(e) VP8 by team: the figures hidden by suppressing counts {bounds}")
    print()
    print("A figure is hidden when its numerator, its denominator, or denominator minus numerator")
    print("(the visits not on time) is from 1 to 5: its numerator and value are hidden, and its")
    print("denominator too when that is itself from 1 to 5. Where exactly one team of a quarter is")
    print("hidden, the rule for breakdowns hides the team with the next smallest denominator too.")
    for days, column in ((10, 2), (15, 3)):
        print()
        why_shown = "the question asked" if days == 10 else "for comparison"
        print(f"Within {days} days ({why_shown})")
        for label, _, _, _ in periods:
            hidden = []
            for row in figures[label]:
                team, due, on_time = row[0], row[1], row[column]
                counts = (
                    ("numerator", on_time),
                    ("denominator", due),
                    ("denominator - numerator", due - on_time),
                )
                why = [f"{what} = {n}" for what, n in counts if small(n)]
                if why:
                    also = " and denominator" if small(due) else ""
                    name = "all teams" if team == "all" else team
                    text = f"{name} {on_time} / {due} ({', '.join(why)}):"
                    hidden.append((team, f"{text} numerator, value{also} hidden"))
            if not hidden:
                print(f"  {label}: nothing hidden")
                continue
            for _, text in hidden:
                print(f"  {label}: {text}")
            teams_hidden = [team for team, _ in hidden if team != "all"]
            if len(teams_hidden) == 1:
                others = sorted(
                    (r for r in figures[label] if r[0] not in ("all", teams_hidden[0])),
                    key=lambda r: (r[1], r[0]),
                )
                nxt = others[0]
                print(
                    f"  {label}: and by the rule for breakdowns {nxt[0]} {nxt[column]} / {nxt[1]}"
                    f" (the next smallest denominator): numerator, value hidden"
                )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.path.join(PACK, "data"))
    args = ap.parse_args()
    periods = quarters()
    print("Recount of the figures of the staff, teams and population tables, from the CSV files")
    print("alone (generator/recount_new.py). Quarters of 2018-19 and 2019-20.")
    print()
    turnover(read(args.data, "staff"), periods)
    looked_after_rate(read(args.data, "episodes"), read(args.data, "population"), periods)
    figures = visits_by_team(
        read(args.data, "cp_plans"), read(args.data, "cp_visits"), read(args.data, "teams"), periods
    )
    suppression(figures, periods)


if __name__ == "__main__":
    main()
