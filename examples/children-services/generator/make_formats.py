"""Writes the pack's case data in the forms a council receives it, from the CSV files in data/:

  census.xml   the referrals as a children in need census return (the DfE's XML: each child with
               its identifiers, then one CINdetails per referral, in the CSV's order)
  pack.xlsx    every other table as a sheet of one Excel workbook named as the table, dates as
               Excel dates (also the episodes' dd/mm/yyyy ones), yes/no as Excel booleans, a title
               row above each header

tally reads that folder as it reads data/, with the same figures:

  /usr/bin/python3 examples/children-services/generator/make_formats.py   # writes formats/
  build/tally run examples/children-services/indicators --data examples/children-services/formats --period 2017-18Q1

usage: make_formats.py [--data DIR] [--out DIR]. Needs openpyxl (Debian: python3-openpyxl).
"""

import argparse
import csv
import datetime
import os
import sys
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.dirname(HERE)

# The declared type of every column the workbook holds (indicators/tables.tally).
SHEETS = {
    "children": {"dob": "date", "uasc": "bool"},
    "cp_plans": {"start_date": "date", "end_date": "date"},
    "cp_visits": {"visit_date": "date"},
    "episodes": {
        "decom": "dmy",
        "dec": "dmy",
        "care_start": "dmy",
        "pl_distance": "decimal",
        "area_distance": "decimal",
    },
    "schools": {"pupils": "int"},
    "inspections": {"published": "date"},
    "teams": {},
    "staff": {"agency": "bool", "start_date": "date", "leave_date": "date"},
    "population": {"year": "int", "children": "int"},
}


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def cell(value, kind):
    if value == "":
        return None
    if kind == "date":
        return datetime.date.fromisoformat(value)
    if kind == "dmy":
        d, m, y = value.split("/")
        return datetime.date(int(y), int(m), int(d))
    if kind == "bool":
        return value == "1"
    if kind == "int":
        return int(value)
    if kind == "decimal":
        # A float holds these one-place decimals; Excel writes them back as written (25.6).
        return float(value)
    return value


def write_workbook(data, out):
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    for name, kinds in SHEETS.items():
        header, rows = read_csv(os.path.join(data, name + ".csv"))
        ws = wb.create_sheet(name)
        ws.append([f"{name}: extract of 31 March 2020"])
        ws.append([])
        ws.append(header)
        for row in rows:
            ws.append([cell(v, kinds.get(h, "text")) for h, v in zip(header, row)])
    wb.save(os.path.join(out, "pack.xlsx"))


def write_census(data, out):
    header, rows = read_csv(os.path.join(data, "referrals.csv"))
    at = {h: k for k, h in enumerate(header)}
    c_header, c_rows = read_csv(os.path.join(data, "children.csv"))
    c_at = {h: k for k, h in enumerate(c_header)}
    children = {r[c_at["child_id"]]: r for r in c_rows}
    by_child = {}
    for r in rows:  # children in the order of their first referral, referrals in file order
        by_child.setdefault(r[at["child_id"]], []).append(r)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<Message>",
        "  <Header>",
        "    <CollectionDetails>",
        "      <Collection>CIN</Collection>",
        "      <Year>2020</Year>",
        "      <ReferenceDate>2020-03-31</ReferenceDate>",
        "    </CollectionDetails>",
        "  </Header>",
        "  <Children>",
    ]
    for child_id, referrals in by_child.items():
        lines.append("    <Child>")
        lines.append("      <ChildIdentifiers>")
        lines.append(f"        <LAchildID>{escape(child_id)}</LAchildID>")
        known = children.get(child_id)
        if known:
            lines.append(f"        <PersonBirthDate>{known[c_at['dob']]}</PersonBirthDate>")
            lines.append(f"        <Sex>{escape(known[c_at['sex']])}</Sex>")
        lines.append("      </ChildIdentifiers>")
        for r in referrals:
            lines.append("      <CINdetails>")
            lines.append(f"        <CINreferralDate>{r[at['referral_date']]}</CINreferralDate>")
            lines.append("        <ReferralNFA>false</ReferralNFA>")
            lines.append("      </CINdetails>")
        lines.append("    </Child>")
    lines += ["  </Children>", "</Message>", ""]
    with open(os.path.join(out, "census.xml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.path.join(PACK, "data"))
    ap.add_argument("--out", default=os.path.join(PACK, "formats"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    write_census(args.data, args.out)
    write_workbook(args.data, args.out)
    print(f"wrote {args.out}/census.xml and {args.out}/pack.xlsx", file=sys.stderr)


if __name__ == "__main__":
    main()
