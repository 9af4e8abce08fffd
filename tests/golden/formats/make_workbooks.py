"""Writes the Excel workbooks of the formats golden cases, so that no binary is kept in git.

usage: /usr/bin/python3 make_workbooks.py KIND FILE

KIND is one of: values, values_1904, bad_cells, inline_strings, missing_column, not_a_workbook,
annex_a, quoted_sheet.
Workbooks are written with openpyxl, except inline_strings, whose parts are written by hand
(writers rarely use inline strings) and zipped with zipfile. Everything is fixed: the same
KIND always gives the same cells.
"""

import datetime
import sys
import zipfile


def values(path, epoch_1904=False):
    import openpyxl
    from openpyxl.styles import PatternFill
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    if epoch_1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "visits"
    ws["A1"] = "Visits extract, quarter 1"  # a title above the header
    ws.append([])
    ws.append(["child_id", "visit_date", "due", "score", "amount", "flag"])
    rows = [
        # child_id as a number, a date cell, a date as text, a number stored as text, ...
        (1001, datetime.date(2017, 4, 3), "05/04/2017", "42", 1.5, True),
        ("C2", datetime.date(2017, 4, 28), "01/05/2017", 7, 0.0015, False),
        ("C3", datetime.date(2017, 5, 31), "30/05/2017", " 12 ", 2, True),
        ("C4", datetime.date(2017, 6, 30), "01/07/2017", 3, 1e-3, False),
    ]
    for r in rows:
        ws.append(list(r))
    # Formatted but empty rows at the end, as an edited sheet often has.
    fill = PatternFill("solid", fgColor="FFFF00")
    for row in range(8, 12):
        for col in range(1, 7):
            ws.cell(row=row, column=col).fill = fill
    wb.save(path)


def bad_cells(path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["child_id", "visit_date", "due", "score", "amount", "flag"])
    ws.append(["C1", datetime.date(2017, 4, 3), "05/04/2017", 4, 1, True])
    ws.append(["C2", "2017-04-31", "31/02/2017", "abc", "1,5", "maybe"])
    ws.append(["C3", 60, "01/05/2017", 2.5, 1, True])  # 60: 29 February 1900, which never was
    ws.append(["C1", datetime.date(2017, 5, 2), None, 1, 1, False])  # duplicate key, empty due
    c = ws.cell(row=6, column=1, value="C5")
    ws.cell(row=6, column=2, value=datetime.date(2017, 5, 3))
    ws.cell(row=6, column=3, value="02/05/2017")
    err = ws.cell(row=6, column=4, value="#N/A")
    err.data_type = "e"
    ws.cell(row=6, column=5, value=1)
    ws.cell(row=6, column=6, value=True)
    del c
    second = wb.create_sheet("Q1 visits")
    second.append(["child_id", "visit_date", "due", "score", "amount", "flag"])
    second.append(["C9", 0, "01/04/2017", 1, 1, True])
    wb.save(path)


def quoted_sheet(path):
    """A first sheet whose name needs quoting in a reference, with a serial 0 date."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Q1 visits"
    ws.append(["child_id", "visit_date", "due", "score", "amount", "flag"])
    ws.append(["C9", 0, "01/04/2017", 1, 1, True])
    ws.append(["C10", datetime.date(2017, 4, 3), "01/04/2017", 1, 1, True])
    wb.save(path)


def missing_column(path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "visits"
    ws.append(["Child ID", "visit_date", "due", "score", "amount"])
    ws.append(["C1", datetime.date(2017, 4, 3), "05/04/2017", 4, 1])
    wb.save(path)


INLINE_SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>child_id</t></is></c><c r="B1" t="inlineStr"><is><r><t>visit</t></r><r><t>_date</t></r></is></c><c r="C1" t="s"><v>0</v></c><c r="D1" t="str"><v>score</v></c><c r="E1" t="inlineStr"><is><t>amount</t></is></c><c r="F1" t="inlineStr"><is><t>flag</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve">C1</t><rPh sb="0" eb="1"><t>reading</t></rPh></is></c><c r="B2"><v>42828</v></c><c r="C2" t="inlineStr"><is><t>05/04/2017</t></is></c><c r="D2" t="inlineStr"><is><t>42</t></is></c><c r="E2"><v>1.5E-3</v></c><c r="F2" t="b"><v>1</v></c></row>
<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3" t="d"><v>2017-05-02T00:00:00</v></c><c r="C3" t="inlineStr"><is><t>01/05/2017</t></is></c><c r="D3"><v>7</v></c><c r="E3"><v>2</v></c><c r="F3" t="b"><v>0</v></c></row>
<row r="5"><c r="A5" t="inlineStr"><is><t>C3</t></is></c><c r="B5"><v>42900</v></c><c r="C5" t="inlineStr"><is><t>01/06/2017</t></is></c><c r="D5"><v>1</v></c><c r="E5"><v>1</v></c><c r="F5" t="b"><v>0</v></c></row>
<row r="9"/>
</sheetData>
</worksheet>
"""

INLINE_PARTS = {
    "[Content_Types].xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>
""",
    "_rels/.rels": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>
""",
    "xl/workbook.xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Extract" sheetId="1" r:id="rId1"/></sheets>
</workbook>
""",
    "xl/_rels/workbook.xml.rels": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/>
</Relationships>
""",
    "xl/sharedStrings.xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">
<si><t>due</t></si>
<si><r><t>C</t></r><r><rPr><b/></rPr><t>2</t></r></si>
</sst>
""",
    "xl/worksheets/sheet1.xml": INLINE_SHEET,
}


def inline_strings(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in INLINE_PARTS.items():
            info = zipfile.ZipInfo(name, date_time=(2017, 7, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)


def annex_a(path):
    """Two lists of an Annex A workbook, with the template's headers and a title row above each."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 3 - Referrals"
    ws.append(["List 3: Referrals in the six months before the inspection"])
    ws.append([])
    ws.append(["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
               "Date of Referral", "Referral Source", "Number of Referrals in Last 12 Months"])
    d = datetime.date
    ws.append(["C1", "Female", "WBRI", d(2010, 1, 5), 7, d(2017, 4, 3), "Police", 1])
    ws.append(["C1", "Female", "WBRI", d(2010, 1, 5), 7, "10/05/2017", "School", 2])
    ws.append(["C2", "Male", "WBRI", d(2012, 3, 1), 5, d(2017, 4, 20), "Health", 2])
    ws.append(["C3", "Male", "AOTH", d(2015, 6, 9), 1, d(2017, 6, 1), "Police", 1])
    ws.append(["C4", "Female", "WBRI", d(2003, 2, 2), 14, d(2017, 3, 15), "Police", 1])
    ws.append(["C4", "Female", "WBRI", d(2003, 2, 2), 14, d(2017, 6, 20), "Police", "2"])
    ws4 = wb.create_sheet("List 4 - Assessments")
    ws4.append(["List 4: Assessments"])
    ws4.append(["Child Unique ID", "Gender", "Continuous Assessment Start Date",
                "Assessment Completion Date", "Allocated Team"])
    ws4.append(["C1", "Female", d(2017, 3, 1), d(2017, 4, 28), "East"])
    ws4.append(["C2", "Male", "03/04/2017", "15/05/2017", "East"])
    ws4.append(["C3", "Male", d(2017, 4, 3), d(2017, 7, 3), "West"])
    ws4.append(["C5", "Male", d(2017, 4, 10), None, "West"])
    ws4.append(["C6", "Female", d(2017, 2, 1), d(2017, 6, 30), "West"])
    wb.save(path)


def not_a_workbook(path):
    with open(path, "w") as f:
        f.write("child_id,visit_date\nC1,2017-04-03\n")


def main():
    kind, path = sys.argv[1], sys.argv[2]
    {
        "values": lambda p: values(p),
        "values_1904": lambda p: values(p, epoch_1904=True),
        "bad_cells": bad_cells,
        "inline_strings": inline_strings,
        "missing_column": missing_column,
        "not_a_workbook": not_a_workbook,
        "annex_a": annex_a,
        "quoted_sheet": quoted_sheet,
    }[kind](path)


if __name__ == "__main__":
    main()
