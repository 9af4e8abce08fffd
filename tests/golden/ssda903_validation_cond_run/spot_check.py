# Independent count of each rule's flagged rows (numerator) and the rows it looks at
# (denominator) from the public fake SSDA903 return, in plain Python: usage
# /usr/bin/python3 spot_check.py PATH/TO/shared/data/public-ssda903/validator
import csv, datetime, re, sys
D = sys.argv[1]
d = lambda s: datetime.datetime.strptime(s, "%d/%m/%Y").date() if s else None
def age(dob, at):
    if dob is None or at is None: return None
    return at.year - dob.year - ((at.month, at.day) < (dob.month, dob.day))
hd = {r['CHILD']: r for r in csv.DictReader(open(D + '/header.csv'))}
ep = list(csv.DictReader(open(D + '/episodes.csv')))
rv = list(csv.DictReader(open(D + '/reviews.csv')))
end = datetime.date(2018, 3, 31)
out = {}
out['168'] = (sum(not re.fullmatch(r'[A-HJ-NP-RT-Z](\d{12}|\d{11}[A-Z])|UN[1-5]', r['UPN']) for r in hd.values()), len(hd))
t = [r for r in ep if r['PLACE'] in ('T0', 'T1', 'T2', 'T3', 'T4')]
out['380'] = (sum(r['RNE'] not in ('P', 'B') for r in t), len(t))
out['167'] = (sum(not re.fullmatch(r'PN[0-7]', r['REVIEW_CODE'].strip()) for r in rv), len(rv))
# 383: episodes of each child by (DECOM, DEC), a blank DEC last, ties in file order.
by = {}
for i, r in enumerate(ep):
    by.setdefault(r['CHILD'], []).append((d(r['DECOM']), d(r['DEC']) or datetime.date.max, i, r))
den = num = 0
for rows in by.values():
    rows.sort(key=lambda x: (x[0], x[1], x[2]))
    for k in range(1, len(rows) - 1):
        r = rows[k][3]
        if r['PLACE'].startswith('T'):
            den += 1
            num += rows[k + 1][3]['PLACE'] != rows[k - 1][3]['PLACE']
out['383'] = (num, den)
def ge(a, b): return a is not None and a >= b
def lt(a, b): return a is not None and a < b
def dob(r): return d(hd[r['CHILD']]['DOB']) if r['CHILD'] in hd else None
s = [r for r in ep if r['RNE'] == 'S']
out['352'] = (sum(ge(age(dob(r), d(r['DECOM'])), 18) for r in s), len(s))
j = [r for r in ep if r['LS'].startswith('J')]
out['358'] = (sum(lt(age(dob(r), d(r['DECOM'])), 10) for r in j), len(j))
p2 = [r for r in ep if r['PLACE'] == 'P2']
out['370'] = (sum(lt(age(dob(r), d(r['DECOM'])), 15) for r in p2), len(p2))
a = [r for r in ep if r['REC'] in ('E11', 'E12')]
out['386'] = (sum(ge(age(dob(r), d(r['DEC'])), 18) for r in a), len(a))
g = [r for r in ep if r['REC'] in ('E45', 'E46', 'E47', 'E48')]
out['407'] = (sum(ge(age(dob(r), d(r['DEC'])), 18) for r in g), len(g))
e17 = [r for r in ep if r['REC'] == 'E17']
out['460'] = (sum(lt(age(dob(r), d(r['DEC'])), 18) for r in e17), len(e17))
p0 = [r for r in rv if r['REVIEW_CODE'] == 'PN0']
out['440'] = (sum(age(d(r['DOB']), d(r['REVIEW'])) >= 4 for r in p0), len(p0))
p1 = [r for r in rv if re.fullmatch('PN[1-7]', r['REVIEW_CODE'])]
out['441'] = (sum(age(d(r['DOB']), d(r['REVIEW'])) < 4 for r in p1), len(p1))
j2 = [r for r in ep if r['LS'] == 'J2']
out['364'] = (sum(((d(r['DEC']) or end) - d(r['DECOM'])).days > 21 for r in j2), len(j2))
for k in sorted(out): print(k, *out[k])
