#!/usr/bin/env bash
# Opens the workbooks of run, compare, sweep and explain with a reader other than tally's writer
# (openpyxl, with /usr/bin/python3) and checks values, number formats, fills, the frozen header
# and the Definitions sheet; text that looks like a formula stays text; xlsx is refused on a
# terminal.
# usage: xlsx_with_openpyxl.sh PATH/TO/tally REPO_ROOT
set -euo pipefail
tally=$1 root=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pack=$root/examples/children-services
args=("$pack/indicators" --data "$pack/data" --period 2017-18Q1)
"$tally" run "${args[@]}" --output "$out/run.xlsx"
"$tally" compare "${args[@]}" --scenario current --scenario proposal_15 --output "$out/compare.xlsx"
"$tally" sweep "${args[@]}" --indicator VP8 --vary cp_visit_days=8..15 --format xlsx >"$out/sweep.xlsx"
"$tally" explain "${args[@]}" --indicator VP7 --output "$out/explain.xlsx"
# Public workbooks (suppress counts 1 .. 5): tests/golden/suppress/scorecard/HOW.md has the figures.
public=$root/tests/golden/suppress
"$tally" run "$public/scorecard/defs.tally" --data "$public/scorecard/data" --period 2017-18Q1 \
  --public --output "$out/public.xlsx"
"$tally" compare "$public/always/defs.tally" --data "$public/scorecard/data" --period 2017-18Q1 \
  --set strict:repeat_target=10 --output "$out/public_compare.xlsx"
"$tally" sweep "$public/always/defs.tally" --data "$public/scorecard/data" --period 2017-18Q1 \
  --vary repeat_target=10..20:5 --output "$out/public_sweep.xlsx"
hostile=$root/tests/golden/cli/hostile_text_table
"$tally" run "$hostile/defs.tally" --data "$hostile/data" --period 2017-18Q1 \
  --output "$out/hostile.xlsx" 2>/dev/null

# On a terminal (a pseudo-terminal made by script(1), when it is there) xlsx is refused.
if command -v script >/dev/null; then
  status=0
  script -qec "'$tally' run ${args[*]} --format xlsx" /dev/null >"$out/tty.txt" 2>&1 || status=$?
  if [ "$status" != 2 ] || ! grep -q "does not write it to a terminal" "$out/tty.txt"; then
    echo "FAIL: xlsx to a terminal: status $status, output:" >&2
    cat "$out/tty.txt" >&2
    exit 1
  fi
fi

/usr/bin/python3 - "$out" <<'PY'
import datetime, sys
import openpyxl

out = sys.argv[1]
failures = []
def check(ok, what):
    if not ok:
        failures.append(what)

def rows_of(ws):
    header = [c.value for c in ws[1]]
    return header, [dict(zip(header, row)) for row in ws.iter_rows(min_row=2)]

fills = {'red': 'FFF6C9C5', 'amber': 'FFFFE59A', 'green': 'FFBFE6C8'}

wb = openpyxl.load_workbook(f'{out}/run.xlsx')
check(wb.sheetnames == ['Summary', 'Child protection', 'Front door', 'Looked after', 'Schools',
                        'Definitions'], f'run sheets: {wb.sheetnames}')
summary = {r[0].value: r[1].value for r in wb['Summary'].iter_rows()}
check(summary.get('red') == 3 and summary.get('amber') == 4 and summary.get('green') == 6,
      f'summary counts: {summary}')
ws = wb['Child protection']
check(ws.freeze_panes == 'A2', f'frozen header, got {ws.freeze_panes}')
_, rows = rows_of(ws)
vp8 = [r for r in rows if r['Code'].value == 'VP8' and r['Period'].value == '2017-18 Q1']
check(len(vp8) == 1, 'one VP8 row for 2017-18 Q1')
if vp8:
    r = vp8[0]
    check(r['Numerator'].value == 1183 and r['Denominator'].value == 1448,
          f"VP8 counts {r['Numerator'].value} / {r['Denominator'].value}")
    check(abs(r['Value'].value - 1183 / 1448) < 1e-12, f"VP8 value {r['Value'].value}")
    check(r['Value'].number_format == '0.0%', f"VP8 value format {r['Value'].number_format}")
    check(r['Target'].value == 0.9 and r['Target'].number_format == '0.0%', 'VP8 target 90%')
    check(r['RAG'].value == 'red' and r['RAG'].fill.fgColor.rgb == fills['red'],
          f"VP8 RAG {r['RAG'].value} {r['RAG'].fill.fgColor.rgb}")
    check(isinstance(r['Start'].value, datetime.datetime) and r['Start'].value.date() ==
          datetime.date(2017, 4, 1), f"VP8 start {r['Start'].value}")
    check(r['Change'].number_format == '+0.0;-0.0;0.0', 'change in points')
    check(r['Benchmark 1'].value == 0.88 and r['Benchmark 1 label'].value == 'South East 2016-17',
          'VP8 benchmark and its label')
    check('legal proceedings' in (r['Commentary'].value or ''), 'VP8 commentary')
_, la = rows_of(wb['Looked after'])
vp3 = [r for r in la if r['Code'].value == 'VP3' and r['Period'].value == '2017-18 Q1']
check(vp3 and vp3[0]['Value'].value == 1 and vp3[0]['Value'].number_format == '0',
      'VP3 a count with format 0')
check(vp3 and vp3[0]['RAG'].fill.fgColor.rgb == fills['green'], 'VP3 green fill')
_, defs = rows_of(wb['Definitions'])
check(len(defs) == 13 and any('cp_visit_days' in (r['Definition'].value or '') for r in defs),
      'Definitions: 13 rows in words')

wb = openpyxl.load_workbook(f'{out}/compare.xlsx')
check(wb.sheetnames == ['Compare', 'Runs', 'Definitions'], f'compare sheets {wb.sheetnames}')
_, rows = rows_of(wb['Compare'])
vp8 = [r for r in rows if r['Code'].value == 'VP8' and r['Period'].value == '2017-18 Q1']
check(vp8 and vp8[0]['proposal_15 RAG'].value == 'green' and
      vp8[0]['proposal_15 RAG'].fill.fgColor.rgb == fills['green'] and
      vp8[0]['Colour changes'].value == 'yes', 'compare: VP8 turns green')
check(vp8 and abs(vp8[0]['proposal_15 value'].value - 1381 / 1448) < 1e-12, 'compare: 95.4%')
check(sum(1 for r in rows if r['Colour changes'].value == 'yes') == 2, 'two figures change colour')

wb = openpyxl.load_workbook(f'{out}/sweep.xlsx')
_, rows = rows_of(wb['Sweep'])
check(len(rows) == 8 and [r['RAG'].value for r in rows][-1] == 'green', 'sweep: 8 values')
check(rows and rows[2]['Value'].number_format == '0.0%', 'sweep: percent format')

wb = openpyxl.load_workbook(f'{out}/explain.xlsx')
_, rows = rows_of(wb['Explain'])
check(len(rows) == 9 and all(isinstance(r['Line'].value, int) for r in rows),
      f'explain: 9 rows with line numbers, got {len(rows)}')
check(all(r['Counted'].value == 'not counted' for r in rows), 'explain: the failing rows')

wb = openpyxl.load_workbook(f'{out}/hostile.xlsx')
ws = wb[wb.sheetnames[1]]
check(ws['A2'].data_type == 's' and ws['A2'].value.startswith('=HYPERLINK'),
      f'a code like a formula stays text: {ws["A2"].data_type} {ws["A2"].value}')

# A public workbook holds the text in the cell of a hidden figure, and no hidden figure anywhere:
# 3 (RR1's numerator), 18 (AT1's), 4 (DR1's denominator, DC1's value), 15% and 90% as values, the
# changes -25 and -8 (2 and 50% are shown elsewhere: the summary's count, DR1's 2016-17 Q4).
hidden_figures = {3, 18, 4, 0.15, 0.9, -25, -8}
wb = openpyxl.load_workbook(f'{out}/public.xlsx')
_, rows = rows_of(wb['Defs'])  # the service area: the file's name
q1 = {r['Code'].value: r for r in rows if r['Period'].value == '2017-18 Q1'}
for code, columns in {'RR1': ['Numerator', 'Value', 'Change'], 'AT1': ['Numerator', 'Value', 'Change'],
                      'DR1': ['Numerator', 'Denominator', 'Value', 'Change'],
                      'DC1': ['Value', 'Change']}.items():
    for c in columns:
        cell = q1[code][c] if code in q1 else None
        check(cell is not None and cell.data_type == 's' and cell.value == '*',
              f'public: {code} {c} is the text "*", got {cell.value if cell else None!r}')
check(q1.get('RR1') and q1['RR1']['Denominator'].value == 20, 'public: RR1 denominator 20 shown')
check(q1.get('RR1') and q1['RR1']['RAG'].value == 'green', 'public: the colour stays')
summary = {r[0].value: r[1].value for r in wb['Summary'].iter_rows()}
check((summary.get('Small numbers') or '').startswith('counts from 1 to 5'),
      f'public: the Summary says what is hidden: {summary.get("Small numbers")!r}')
for path in ['public.xlsx', 'public_compare.xlsx', 'public_sweep.xlsx']:
    book = openpyxl.load_workbook(f'{out}/{path}')
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    check(not any(abs(cell.value - h) < 1e-9 for h in hidden_figures),
                          f'{path} {ws.title}!{cell.coordinate} holds a hidden figure {cell.value}')
_, rows = rows_of(openpyxl.load_workbook(f'{out}/public_compare.xlsx')['Compare'])
q1 = [r for r in rows if r['Period'].value == '2017-18 Q1']
check(q1 and q1[0]['strict value'].value == '[c]' and q1[0]['strict RAG'].value == 'red',
      'public compare: the value is "[c]", the colour shown')
_, rows = rows_of(openpyxl.load_workbook(f'{out}/public_sweep.xlsx')['Sweep'])
check(len(rows) == 3 and all(r['Numerator'].value == '[c]' and r['Value'].value == '[c]'
                             for r in rows), 'public sweep: numerator and value "[c]"')

for f in failures:
    print('FAIL:', f)
print('workbooks checked' if not failures else f'{len(failures)} failures')
sys.exit(1 if failures else 0)
PY
