# Independent check (plain Python, not tally) of figures in this case's expected output, read
# from the shared fake SSDA903 extract: python3 spot_check.py [DATA_DIR]
import calendar, csv, datetime as dt, os, sys
from collections import defaultdict

data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get('TALLY_SHARED', os.path.join(os.path.dirname(__file__), '../../../../../shared')),
    'data/ssda903-fake')
def day(s): return dt.datetime.strptime(s, '%d/%m/%Y').date() if s else None
def age(dob, at): return at.year - dob.year - ((at.month, at.day) < (dob.month, dob.day))
def minus_months(d, n):
    y, m = divmod(d.year * 12 + d.month - 1 - n, 12)
    return dt.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))

episodes = list(csv.DictReader(open(os.path.join(data, 'episodes.csv'))))
header = {r['CHILD']: r for r in csv.DictReader(open(os.path.join(data, 'header.csv')))}
uasc = {r['CHILD']: r for r in csv.DictReader(open(os.path.join(data, 'uasc.csv')))}
by_child = defaultdict(list)
for i, e in enumerate(episodes):
    e['i'], e['decom'], e['dec'] = i, day(e['DECOM']), day(e['DEC'])
    by_child[e['CHILD']].append(e)
for es in by_child.values(): es.sort(key=lambda e: (e['decom'], e['i']))

def at(child, end):
    """The child's episode that starts last on or before `end`, if it is still open then."""
    started = [e for e in by_child[child] if e['decom'] <= end]
    if started and (started[-1]['dec'] is None or started[-1]['dec'] > end): return started[-1]
    return None

def placements_in_year(child, end, start):
    """Placements the child was in on some day from start to end (up to the episode at end)."""
    r = at(child, end)
    es = [e for e in by_child[child] if (e['decom'], e['i']) <= (r['decom'], r['i'])]
    spans = []                           # [placement start, placement end or None while open]
    if es[0]['RNE'] in ('P', 'B'):       # the file starts with a move: there was a placement before
        spans.append([None, es[0]['decom']])
    for k, e in enumerate(es):
        if e['RNE'] in ('S', 'P', 'B'):
            if spans and spans[-1][1] is None:
                spans[-1][1] = e['decom'] if e['RNE'] != 'S' else (es[k - 1]['dec'] if k else None) or dt.date.min
            spans.append([e['decom'], None])
        elif k == 0:                     # the file starts part way through a placement
            spans.append([None, None])
    return sum(1 for s, f in spans if f is None or f > start)

for year in (2016, 2017):
    start, end = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    in_care = [c for c in by_child if (e := at(c, end)) and e['LS'] not in ('V3', 'V4')]
    uasc_in_care = [c for c in in_care if c in uasc and day(uasc[c]['DUC']) > end]
    starts = [e for e in episodes if e['RNE'] == 'S' and start <= e['decom'] <= end]
    aged_10 = [e for e in starts if e['CHILD'] in header and age(day(header[e['CHILD']]['DOB']), e['decom']) >= 10]
    three = [c for c in in_care if placements_in_year(c, end, start) >= 3]
    care_cut, place_cut = minus_months(end, 30), minus_months(end, 24)
    lts_den = lts_num = 0
    for c in in_care:
        r = at(c, end)
        if c not in header or age(day(header[c]['DOB']), end) >= 16: continue
        es = [e for e in by_child[c] if (e['decom'], e['i']) <= (r['decom'], r['i'])]
        s_eps = [e for e in es if e['RNE'] == 'S']
        if not s_eps or s_eps[-1]['decom'] > care_cut: continue
        lts_den += 1
        moves = [e for e in es if e['RNE'] in ('S', 'P', 'B')]
        lts_num += bool(moves and (moves[-1]['decom'] <= place_cut or (
            r['PLACE'] in ('A3', 'A4', 'A5', 'A6') and len(moves) > 1 and moves[-2]['decom'] <= place_cut)))
    print(f"{year}-{(year + 1) % 100:02d}: looked after at 31 March {len(in_care)}, UASC {len(uasc_in_care)}, "
          f"starts {len(starts)} (aged 10+ {len(aged_10)}), 3+ placements {len(three)}, "
          f"long-term stability {lts_num}/{lts_den}")
