#!/usr/bin/env bash
# previous/next over rows that already come by (key, date) are walked in place, in stretches
# cut where a key ends; rows whose key or date is missing lie among the others. The figures must
# be those of the same rows shuffled (which are sorted instead), on 1, 2 and 3 threads, and so
# must those of rows in two halves each grouped by key on its own (which are sorted too); then
# the same without the rows missing a cell. Keys are text codes (child_id) and whole numbers in
# falling order (case_no), which are grouped but not sorted.
# usage: cli_in_place_walk.sh PATH/TO/tally
set -euo pipefail
tally=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sorted" "$work/shuffled"

cat >"$work/defs.tally" <<'DEFS'
table visits "Visits, some without a child or a date" {
  child_id   text?
  visit_date date?
  kind       text
  case_no    int?          # the child's case number, falling as the child ids rise
}

# A child's case number is one to one with its id: the gaps per case number are the same.
indicator gaps_within_10_days {
  code        "W1"
  title       "Visits within 10 days of the child's previous visit, on the same case number"
  from        visits
  period      quarter
  let gap      = days(previous(visit_date per child_id), visit_date)
  let case_gap = days(previous(visit_date per case_no), visit_date)
  denominator count where visit_date in period and gap is known
  numerator   count where gap <= 10 days and case_gap = gap
  unit        percent
  polarity    higher
  target      90%
  rag {
    green when value >= target
    red   otherwise
  }
}

indicator followed_by_a_home_visit {
  code        "W2"
  title       "Visits followed by a home visit to the same child within 20 days"
  from        visits
  period      quarter
  let next_home = next(visit_date per child_id where kind = "home")
  denominator count where visit_date in period
  numerator   count where next_home <= visit_date + 20 days
  unit        percent
  polarity    higher
  target      50%
  rag {
    green when value >= target
    red   otherwise
  }
}

indicator next_visit_within_10_days {
  code        "W3"
  title       "Visits followed by another to the same child within 10 days"
  from        visits
  period      quarter
  let next_visit = next(visit_date per child_id)
  denominator count where visit_date in period
  numerator   count where days(visit_date, next_visit) <= 10 days
  unit        percent
  polarity    higher
  target      50%
  rag {
    green when value >= target
    red   otherwise
  }
}
DEFS

# 210,000 rows by child and date, nine per child at widening gaps: every 13th without a child, every 17th
# without a date, and so are the rows where 2 or 3 threads would cut, amid a child's rows.
awk 'BEGIN {
  print "child_id,visit_date,kind,case_no"
  for (i = 0; i < 210000; i++) {
    child = sprintf("C%06d", int(i / 9))
    k = i % 9
    d = k * (k + 1) / 2 + int(i / 9) % 3  # gaps of 1 to 8 days and more: next and previous differ
    month = 4 + int(i / 9) % 5 + int(d / 28)
    day = 1 + d % 28
    date = sprintf("2019-%02d-%02d", month, day)
    case_no = 900000 - int(i / 9)  # rows grouped by case number, in falling order
    if (i % 13 == 5) { child = ""; case_no = "" }
    if (i % 17 == 3 || i % 35000 == 0) date = ""
    print child "," date "," (i % 3 == 0 ? "home" : "office") "," case_no
  }
}' >"$work/sorted/visits.csv"
{ head -n 1 "$work/sorted/visits.csv"
  tail -n +2 "$work/sorted/visits.csv" | awk 'BEGIN { srand(11) } { print rand() "\t" $0 }' |
    sort -k1,1 | cut -f2-; } >"$work/shuffled/visits.csv"

# The rows of even number, then those of odd number, each in order: on two threads each half is
# grouped by child on its own, but every child is in both, so the rows must still be sorted.
mkdir -p "$work/halves"
awk 'NR == 1 { print; next } NR % 2 == 0 { print } NR % 2 == 1 { odd[++n] = $0 }
     END { for (k = 1; k <= n; k++) print odd[k] }' "$work/sorted/visits.csv" >"$work/halves/visits.csv"

# The same rows without those missing a cell, sorted and shuffled: columns with every cell known
# are walked by a loop of their own.
for set in sorted shuffled; do
  mkdir -p "$work/complete-$set"
  grep -v -e '^,' -e ',,' "$work/$set/visits.csv" >"$work/complete-$set/visits.csv"
done
# And grouped by child with each child's visits latest first: grouped but not in order, so they
# are sorted, their dates' range taken where a child's dates fall.
mkdir -p "$work/complete-reversed"
awk -F, 'NR == 1 { print; next }
         $1 != child { for (k = n; k >= 1; k--) print rows[k]; n = 0; child = $1 }
         { rows[++n] = $0 }
         END { for (k = n; k >= 1; k--) print rows[k] }' \
  "$work/complete-sorted/visits.csv" >"$work/complete-reversed/visits.csv"

args=(--period 2019-20Q2 --history 2 --format json)
# shellcheck source=tests/runs_agree.sh
source "$(dirname "$0")/runs_agree.sh"
runs_agree "$tally" "$work/defs.tally" "$work" 6 shuffled sorted halves
runs_agree "$tally" "$work/defs.tally" "$work" 6 complete-shuffled complete-sorted complete-reversed
echo "previous/next in place agree with sorted rows on 1, 2 and 3 threads"
