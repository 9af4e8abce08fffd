# Independent check (plain Python, not tally) of the counts of examples/ssda903-validation's
# per_child, across_tables and periods_of_care rules over the public fake SSDA903 data, for the
# year 2017-18: python3 spot_check.py [DATA_DIR]
import csv, datetime as dt, os, sys
from collections import defaultdict

data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get('TALLY_SHARED', os.path.join(os.path.dirname(__file__), '../../../../shared')),
    'data/public-ssda903/validator')
def day(s): return dt.datetime.strptime(s, '%d/%m/%Y').date() if s else None
def table(name): return list(csv.DictReader(open(os.path.join(data, name + '.csv'))))

start, end = dt.date(2017, 4, 1), dt.date(2018, 3, 31)
adoption_codes, adoption_places = ('E11', 'E12'), ('A3', 'A4', 'A5', 'A6')
episodes = table('episodes')
for i, e in enumerate(episodes):
    e['i'], e['decom'], e['dec'] = i, day(e['DECOM']), day(e['DEC'])
by_child = defaultdict(list)
for e in episodes: by_child[e['CHILD']].append(e)
for es in by_child.values(): es.sort(key=lambda e: (e['decom'], e['i']))
header = {r['CHILD']: r for r in table('header')}
pfa = {r['CHILD'] for r in table('placed_for_adoption')}
ad1 = {r['CHILD'] for r in table('ad1')}
oc2 = table('oc2')
oc3 = table('oc3')
oc2_children, oc3_children = {r['CHILD'] for r in oc2}, {r['CHILD'] for r in oc3}

counts = {}
# per_child
counts['302'] = sum(1 for e in episodes if e['CHILD'] in header
                    and e['decom'] == min(x['decom'] for x in by_child[e['CHILD']])
                    and e['decom'] < day(header[e['CHILD']]['DOB']))
counts['437'] = sum(1 for e in episodes if e['REC'] in ('E2', 'E15')
                    and e['decom'] < max(x['decom'] for x in by_child[e['CHILD']]))
def adopted_on(c):
    ds = [x['dec'] for x in by_child[c] if x['REC'] in adoption_codes and x['dec']]
    return min(ds) if ds else None
counts['199'] = sum(1 for e in episodes if adopted_on(e['CHILD']) and e['decom'] >= adopted_on(e['CHILD']))
# across_tables
counts['551'] = sum(1 for e in episodes if e['PLACE'] in adoption_places and e['CHILD'] not in pfa)
counts['553'] = sum(1 for e in episodes if e['LS'] == 'E1' and e['CHILD'] not in pfa)
counts['601'] = sum(1 for e in episodes if e['REC'] in adoption_codes and e['dec']
                    and start <= e['dec'] <= end and e['CHILD'] not in ad1)
counts['602'] = sum(1 for r in table('ad1') if not any(
    x['REC'] in adoption_codes and x['dec'] and start <= x['dec'] <= end for x in by_child[r['CHILD']]))
counts['1002'] = sum(1 for r in oc3 if not by_child[r['CHILD']])
counts['187'] = sum(1 for r in oc2 if r['CHILD'] in ad1 or r['CHILD'] in oc3_children)
def open_at(x, d): return x['decom'] <= d and (x['dec'] is None or x['dec'] > d)
items = ('CONVICTED', 'HEALTH_CHECK', 'IMMUNISATIONS', 'TEETH_CHECK', 'HEALTH_ASSESSMENT', 'SUBSTANCE_MISUSE')
counts['190'] = sum(1 for r in oc2 if any(r[k] != '' for k in items)
                    and not any(open_at(x, end) for x in by_child[r['CHILD']]))
# a missing or away episode with no episode of the child covering MIS_START (begun on or before it,
# not ceased before it)
counts['missing'] = sum(1 for m in table('missing') if not any(
    x['decom'] <= day(m['MIS_START']) and (x['dec'] is None or x['dec'] >= day(m['MIS_START']))
    for x in by_child[m['CHILD']]))
# periods_of_care: a period of care is a run of episodes, each after one that ended with X1
poc_first = {}
for es in by_child.values():
    run, runs = None, []
    for k, e in enumerate(es):
        if k == 0 or es[k - 1]['REC'] != 'X1':
            run = e
            runs.append(e)
        poc_first[e['i']] = (run, len(runs))
counts['504'] = sum(1 for e in episodes if e['CIN'] != poc_first[e['i']][0]['CIN'])
counts['432'] = sum(1 for e in episodes if poc_first[e['i']][1] > 1
                    and e['decom'] == poc_first[e['i']][0]['decom'] and e['RNE'] != 'S')
def minus_12_months(d): return d.replace(year=d.year - 1)
counts['191'] = sum(1 for e in episodes if open_at(e, end)
                    and poc_first[e['i']][0]['decom'] <= minus_12_months(end) and e['CHILD'] not in oc2_children)
for code in ('302', '437', '199', '551', '553', '601', '602', '1002', '187', '190', 'missing', '504', '432',
             '191'):
    print(code, counts[code])
