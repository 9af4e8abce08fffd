"""Writes a synthetic children in need census return of N children (default 400,000) and the same
rows as the flattened CSV files of std/cin.tally, for timing the census reader against the CSV
loader (bench/census_vs_csv.sh).

usage: python3 gen_census.py OUT_DIR [CHILDREN] [SEED]

OUT_DIR/xml/census.xml holds the return, indented as the census's software writes it;
OUT_DIR/csv/ holds referrals.csv, assessments.csv, section47.csv, cp_plans.csv and
cin_children.csv with the identifiers the census reader gives (referral_id = LAchildID/n). Each
child has one to three referrals from 2015 to 2019; most referrals have an assessment, some a
section 47 enquiry, and some of those a child protection plan with reviews.
"""

import datetime
import os
import random
import sys


def main():
    out = sys.argv[1]
    children = int(sys.argv[2]) if len(sys.argv) > 2 else 400000
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 11)
    os.makedirs(os.path.join(out, "xml"), exist_ok=True)
    os.makedirs(os.path.join(out, "csv"), exist_ok=True)
    base = datetime.date(2015, 4, 1).toordinal()
    iso = lambda n: datetime.date.fromordinal(n).isoformat()  # noqa: E731
    needs = ["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"]
    sources = ["1A", "1B", "2A", "3A", "3B", "4", "5A", "6", "8", "9"]
    cats = ["NEG", "PHY", "EMO", "SAB", "MUL"]
    xml = open(os.path.join(out, "xml", "census.xml"), "w", encoding="utf-8", buffering=1 << 20)
    csvs = {
        name: open(os.path.join(out, "csv", name + ".csv"), "w", encoding="utf-8", buffering=1 << 20)
        for name in ["cin_children", "referrals", "assessments", "section47", "cp_plans"]
    }
    csvs["cin_children"].write("child_id,birth_date,sex,ethnicity\n")
    csvs["referrals"].write(
        "referral_id,child_id,referral_date,referral_source,primary_need,referral_nfa,"
        "closure_date,closure_reason\n")
    csvs["assessments"].write(
        "child_id,referral_id,assessment_start,assessment_authorised,assessment_factors\n")
    csvs["section47"].write(
        "child_id,referral_id,s47_start,icpc_target,icpc_date,icpc_not_required\n")
    csvs["cp_plans"].write(
        "child_id,referral_id,plan_start,plan_end,initial_category,latest_category\n")
    w = xml.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n  <Header>\n    <CollectionDetails>\n'
      "      <Collection>CIN</Collection>\n      <Year>2019</Year>\n"
      "      <ReferenceDate>2019-03-31</ReferenceDate>\n    </CollectionDetails>\n"
      "  </Header>\n  <Children>\n")
    for c in range(children):
        cid = f"DFE{c + 1:09d}"
        born = base - rng.randint(0, 17 * 365)
        sex = rng.choice("MF")
        w("    <Child>\n      <ChildIdentifiers>\n"
          f"        <LAchildID>{cid}</LAchildID>\n"
          f"        <UPN>A{rng.randint(10**11, 10**12 - 1)}X</UPN>\n"
          f"        <PersonBirthDate>{iso(born)}</PersonBirthDate>\n"
          f"        <Sex>{sex}</Sex>\n      </ChildIdentifiers>\n"
          "      <ChildCharacteristics>\n        <Ethnicity>WBRI</Ethnicity>\n"
          "      </ChildCharacteristics>\n")
        csvs["cin_children"].write(f"{cid},{iso(born)},{sex},WBRI\n")
        day = base + rng.randint(0, 1400)
        for r in range(rng.choice((1, 1, 1, 2, 2, 3))):
            rid = f"{cid}/{r + 1}"
            source, need = rng.choice(sources), rng.choice(needs)
            closed = day + rng.randint(10, 400)
            nfa = "true" if rng.random() < 0.1 else "false"
            w("      <CINdetails>\n"
              f"        <CINreferralDate>{iso(day)}</CINreferralDate>\n"
              f"        <ReferralSource>{source}</ReferralSource>\n"
              f"        <PrimaryNeedCode>{need}</PrimaryNeedCode>\n"
              f"        <CINclosureDate>{iso(closed)}</CINclosureDate>\n"
              "        <ReasonForClosure>RC1</ReasonForClosure>\n")
            csvs["referrals"].write(
                f"{rid},{cid},{iso(day)},{source},{need},{nfa},{iso(closed)},RC1\n")
            if rng.random() < 0.8:
                start = day + rng.randint(0, 5)
                done = start + rng.randint(5, 80)
                w("        <Assessments>\n"
                  f"          <AssessmentActualStartDate>{iso(start)}</AssessmentActualStartDate>\n"
                  f"          <AssessmentAuthorisationDate>{iso(done)}</AssessmentAuthorisationDate>\n"
                  "          <FactorsIdentifiedAtAssessment>\n"
                  "            <AssessmentFactors>2B</AssessmentFactors>\n"
                  "            <AssessmentFactors>3C</AssessmentFactors>\n"
                  "          </FactorsIdentifiedAtAssessment>\n        </Assessments>\n")
                csvs["assessments"].write(f"{cid},{rid},{iso(start)},{iso(done)},2B;3C\n")
            if rng.random() < 0.25:
                s47 = day + rng.randint(0, 10)
                target, held = s47 + 15, s47 + rng.randint(5, 25)
                w("        <Section47>\n"
                  f"          <S47ActualStartDate>{iso(s47)}</S47ActualStartDate>\n"
                  f"          <InitialCPCtarget>{iso(target)}</InitialCPCtarget>\n"
                  f"          <DateOfInitialCPC>{iso(held)}</DateOfInitialCPC>\n"
                  "          <ICPCnotRequired>false</ICPCnotRequired>\n        </Section47>\n")
                csvs["section47"].write(f"{cid},{rid},{iso(s47)},{iso(target)},{iso(held)},false\n")
                if rng.random() < 0.5:
                    start = held
                    end = start + rng.randint(60, 900)
                    cat = rng.choice(cats)
                    w("        <ChildProtectionPlans>\n"
                      f"          <CPPstartDate>{iso(start)}</CPPstartDate>\n"
                      f"          <CPPendDate>{iso(end)}</CPPendDate>\n"
                      f"          <InitialCategoryOfAbuse>{cat}</InitialCategoryOfAbuse>\n"
                      f"          <LatestCategoryOfAbuse>{cat}</LatestCategoryOfAbuse>\n"
                      "          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>\n"
                      "          <Reviews>\n")
                    for k in range(1, 1 + (end - start) // 180):
                        w(f"            <CPPreviewDate>{iso(start + 180 * k)}</CPPreviewDate>\n")
                    w("          </Reviews>\n        </ChildProtectionPlans>\n")
                    csvs["cp_plans"].write(f"{cid},{rid},{iso(start)},{iso(end)},{cat},{cat}\n")
            w(f"        <ReferralNFA>{nfa}</ReferralNFA>\n      </CINdetails>\n")
            day = closed + rng.randint(1, 300)
        w("    </Child>\n")
    w("  </Children>\n</Message>\n")
    xml.close()
    for f in csvs.values():
        f.close()


if __name__ == "__main__":
    main()
