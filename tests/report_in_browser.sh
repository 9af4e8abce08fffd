#!/usr/bin/env bash
# Renders the example pack's committee report in a real browser (Chromium, headless) and checks
# what a reader sees: the DOM after Chromium parsed it (13 indicators once each, the summary
# 3 red / 4 amber / 6 green, a sparkline per indicator, each red's commentary, benchmarks with
# their labels, nothing fetched and no script), the printed PDF (at most two A4 pages), and keeps
# a screenshot and the PDF in OUTDIR for a person to look at.
# usage: report_in_browser.sh PATH/TO/tally REPO_ROOT OUTDIR
set -euo pipefail
tally=$1 root=$2 outdir=$3
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "no Chromium at $chromium: install it with scripts/setup.sh --tests" >&2
  exit 1
fi
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
pack=$root/examples/children-services
html=$outdir/children-services-report.html
"$tally" report "$pack/indicators" --data "$pack/data" --period 2017-18Q1 --as-at 2019-03-31 \
  --output "$html"

browse() {
  HOME=$profile timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
    --user-data-dir="$profile/chromium" --no-first-run --hide-scrollbars "$@" 2>/dev/null
}
browse --dump-dom "file://$html" >"$outdir/report.dom.html"
browse --no-pdf-header-footer --print-to-pdf="$outdir/children-services-report.pdf" "file://$html"
browse --window-size=900,2400 --screenshot="$outdir/children-services-report.png" "file://$html"

/usr/bin/python3 - "$outdir/report.dom.html" "$outdir/children-services-report.pdf" \
  "$outdir/children-services-report.png" <<'PY'
import re, sys
from html.parser import HTMLParser

dom_path, pdf_path, png_path = sys.argv[1:4]
failures = []
def check(ok, what):
    if not ok:
        failures.append(what)

class Dom(HTMLParser):
    """Collects the rows of the dashboards, the summary counts, the exceptions and their text."""
    def __init__(self):
        super().__init__()
        self.stack = []
        self.rows = []          # [code, rag, sparklines, benchmark text]
        self.counts = {}
        self.exceptions = {}    # code -> commentary text
        self.scripts = 0
        self.external = []
        self.text_in = None     # where text goes: ('row', i) or ('exception', code)
        self.depths = {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get('class') or '').split()
        if tag == 'script':
            self.scripts += 1
        for key in ('src', 'href'):
            v = a.get(key) or ''
            if v and not v.startswith('#'):
                self.external.append(v)
        if tag == 'link':
            self.external.append(a.get('href') or 'link')
        if tag == 'tr' and 'indicator' in cls:
            self.rows.append([a.get('data-code'), a.get('data-rag'), 0, ''])
            self.depths['row'] = len(self.stack)
        if tag == 'svg' and 'sparkline' in cls and 'row' in self.depths:
            self.rows[-1][2] += 1
        if tag == 'li' and 'data-rag' in a and 'data-count' in a:
            self.counts[a['data-rag']] = int(a['data-count'])
        if tag == 'article' and 'exception' in cls:
            self.exceptions[a.get('data-code')] = ''
            self.depths['exception'] = (len(self.stack), a.get('data-code'))
        if 'commentary' in cls and 'exception' in self.depths:
            self.depths['commentary'] = len(self.stack)
        if tag == 'ul' and 'bm' in cls:
            self.depths['bm'] = len(self.stack)
        if tag not in ('br', 'col', 'meta', 'img', 'input', 'link', 'rect', 'circle', 'line',
                       'polyline', 'polygon'):
            self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag in ('br', 'col', 'meta', 'img', 'input', 'link', 'rect', 'circle', 'line',
                   'polyline', 'polygon'):
            return
        if self.stack:
            self.stack.pop()
        depth = len(self.stack)
        for key in list(self.depths):
            d = self.depths[key]
            d = d[0] if isinstance(d, tuple) else d
            if depth <= d:
                del self.depths[key]
    def handle_data(self, data):
        if 'commentary' in self.depths and 'exception' in self.depths:
            self.exceptions[self.depths['exception'][1]] += data
        if 'bm' in self.depths and 'row' in self.depths:
            self.rows[-1][3] += data

dom = Dom()
dom.feed(open(dom_path, encoding='utf-8').read())
codes = [r[0] for r in dom.rows]
expected = {'VP1', 'VP2', 'VP3', 'VP4', 'VP5', 'VP6', 'VP7', 'VP8', 'VP9', 'EA1i', 'EA1ii',
            'EA1iii', 'EA2'}
check(len(codes) == 13 and set(codes) == expected, f'13 indicators once each, got {codes}')
check(dom.counts == {'red': 3, 'amber': 4, 'green': 6},
      f'summary 3 red, 4 amber, 6 green; got {dom.counts}')
rags = {r[0]: r[1] for r in dom.rows}
check(sorted(c for c, rag in rags.items() if rag == 'red') == ['VP1', 'VP7', 'VP8'],
      f'the reds are VP1, VP7, VP8; got {rags}')
for code, rag, sparklines, _ in dom.rows:
    check(sparklines == 1, f'{code}: one sparkline, got {sparklines}')
check(sorted(dom.exceptions) == ['VP1', 'VP7', 'VP8'],
      f'exceptions are the reds, got {sorted(dom.exceptions)}')
for code, phrase in (('VP8', 'legal proceedings'), ('VP7', 'staying put'),
                     ('VP1', 'settled children')):
    check(phrase in ' '.join(dom.exceptions.get(code, '').split()),
          f'{code}: its commentary ("{phrase}") under the exceptions')
benchmarks = {r[0]: ' '.join(r[3].split()) for r in dom.rows}
for code, text in (('VP8', '88% South East 2016-17'), ('VP4', '22% England 2016-17'),
                   ('EA1ii', '79% England, August 2017')):
    check(text in benchmarks.get(code, ''), f'{code}: benchmark "{text}", got "{benchmarks.get(code)}"')
check(dom.scripts == 0, 'no script')
check(not dom.external, f'nothing fetched: {dom.external}')

pdf = open(pdf_path, 'rb').read()
pages = len(re.findall(rb'/Type\s*/Page(?![A-Za-z])', pdf))
check(1 <= pages <= 2, f'printed on at most two A4 pages, got {pages}')
check(open(png_path, 'rb').read(8) == b'\x89PNG\r\n\x1a\n', 'a PNG screenshot')
for f in failures:
    print('FAIL:', f)
print(f'{len(dom.rows)} indicators, summary {dom.counts}, {pages} printed pages; screenshot {png_path}')
sys.exit(1 if failures else 0)
PY
