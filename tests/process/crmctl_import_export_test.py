"""crmctl import contacts|purchases and export contacts against a live crm-server.

Bad rows (malformed CSV, bad values, rows the server rejects) land in the error
report with their file line and column while the good rows are imported; an export
re-imports without duplicates; usage and file errors have their exit codes.
"""
import csv
import io
import json
import os
import shutil
import tempfile
import unittest

import crmctl_harness

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_REJECTED = 6
EXIT_PARTIAL = 7
EXIT_LOCAL_FILE = 8


def read_report(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


class ImportExportTest(crmctl_harness.CrmctlTestCase):

    def setUp(self):
        self.key = self.new_tenant_key()
        self.dir = tempfile.mkdtemp(prefix="crmctl-import-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text, *, bom=False, crlf=False):
        data = text.replace("\n", "\r\n") if crlf else text
        with open(self.path(name), "wb") as f:
            f.write((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))
        return self.path(name)

    def run_ok(self, *args, expect=EXIT_OK):
        result = self.crmctl(*args, key=self.key)
        self.assertEqual(result.returncode, expect,
                         f"crmctl {' '.join(args)}\nstdout: {result.stdout}\nstderr: {result.stderr}")
        return result

    def contacts(self):
        listed = self.crmctl_json("contacts", "list", "--all", "--page-size", "1000", key=self.key)
        return {c["external_id"]: c for c in listed.get("contacts", [])}

    def contact_name(self, external_id):
        return self.contacts()[external_id]["name"]

    def test_bad_rows_go_to_the_report_and_the_good_ones_are_imported(self):
        # UTF-8 BOM, CRLF line ends; the address of C2 spans two lines (3-4).
        source = self.write("contacts.csv", "\n".join([
            "external_id,given_name,family_name,emails,address,birthday,gender,tags,consent_email,attr.tier",
            'C1,Ann,"Lee, Jr.",ANN@Example.com;ann@work.example,,1985-04-23,female,vip;gold,yes,A',
            'C2,Bob,Smith,bob@example.com,"1 Main St\nFlat 2",,male,,no,',
            "C3,Cy,Ray,cy@example.com,,1985-02-30,,,,",        # line 5: no such day
            "C4,Dee,Doe,not-an-email,,,,,,",                   # line 6: the server rejects it
            "C5,Eve,Short,eve@example.com",                    # line 7: too few fields
            "C6,Fay,Kay,fay@example.com,,,woman,,,",           # line 8: not a gender
            'C7,"Gus,Roe,gus@example.com,,,,,,',               # line 9: quote never closed
            "C8,Hal,Moe,hal@example.com,,,,,,B",               # line 10: fine again
        ]) + "\n", bom=True, crlf=True)
        result = self.run_ok("import", "contacts", source, expect=EXIT_PARTIAL)
        self.assertIn("8 rows read, 3 imported (3 created, 0 updated), 5 failed", result.stdout)
        report_path = source + ".errors.csv"
        self.assertIn(f"failed rows: {report_path}", result.stdout)
        self.assertNotIn("\r", result.stderr, "no progress bar when stderr is not a terminal")

        report = read_report(report_path)
        by_line = {int(row["line"]): row for row in report}
        self.assertEqual(sorted(by_line), [5, 6, 7, 8, 9])
        self.assertEqual(by_line[5]["column"], "birthday")
        self.assertIn("not a day of the calendar", by_line[5]["message"])
        self.assertEqual(by_line[6]["column"], "emails")
        self.assertEqual(by_line[6]["code"], "INVALID_ARGUMENT")
        self.assertIn("emails[0]", by_line[6]["message"])  # the server's own words
        self.assertEqual(by_line[7]["column"], "address")  # the first missing column
        self.assertIn("the row has 4 fields, the header 10", by_line[7]["message"])
        self.assertEqual(by_line[8]["column"], "gender")
        self.assertIn("not one of FEMALE, MALE, OTHER", by_line[8]["message"])
        self.assertEqual(by_line[9]["column"], "given_name")
        self.assertIn("never closed", by_line[9]["message"])
        self.assertEqual(by_line[6]["row"], "C4,Dee,Doe,not-an-email,,,,,,")
        self.assertEqual(by_line[9]["row"], 'C7,"Gus,Roe,gus@example.com,,,,,,')
        for line in by_line:  # stderr echoes the first ones with their place
            if line <= 9:
                self.assertIn(f"line {line}, {by_line[line]['column']}:", result.stderr)

        contacts = self.contacts()
        self.assertEqual(sorted(contacts), ["C1", "C2", "C8"])
        ann = contacts["C1"]
        self.assertEqual(ann["family_name"], "Lee, Jr.")
        self.assertEqual(ann["emails"], ["ann@example.com", "ann@work.example"])
        self.assertEqual(ann["birthday"], {"year": 1985, "month": 4, "day": 23})
        self.assertEqual(ann["gender"], "GENDER_FEMALE")
        self.assertEqual(ann["tags"], ["vip", "gold"])
        self.assertEqual(ann["attributes"], {"tier": "A"})
        self.assertEqual([(c["channel"], c["state"]) for c in ann["consents"]],
                         [("CHANNEL_EMAIL", "CONSENT_STATE_OPTED_IN")])
        self.assertEqual(contacts["C2"]["address"], "1 Main St\r\nFlat 2")
        self.assertEqual(contacts["C8"]["attributes"], {"tier": "B"})

    def test_a_clean_import_exits_zero_and_leaves_no_report(self):
        source = self.write("ok.csv", "external_id,display_name\nK1,Kim\nK2,Lou\n")
        stale = self.write("ok.csv.errors.csv", "from an earlier run\n")
        result = self.run_ok("-o", "json", "import", "contacts", source)
        summary = json.loads(result.stdout)
        self.assertEqual(summary["rows_read"], 2)
        self.assertEqual(summary["created"], 2)
        self.assertEqual(summary["failed"], 0)
        self.assertIsNone(summary["error_report"])
        self.assertFalse(os.path.exists(stale), "a report on disk is always this run's")

    def test_purchases_for_imported_contacts(self):
        contacts = self.write("c.csv", "external_id,display_name\nP1,Pia\nP2,Quinn\n")
        self.run_ok("import", "contacts", contacts)
        pia = self.contact_name("P1")
        purchases = self.write("p.csv", "\n".join([
            "external_id,contact,contact_external_id,purchase_time,amount,gross_margin,quantity,"
            "category,product,channel,store_id,type,currency",
            f"R1,{pia},,2025-03-01T10:00:00Z,120.50,40.25,2,skin,serum,STORE,S1,,EUR",
            "R2,,P2,2025-04-01T12:00:00+02:00,0.000001,,1,skin,cream,online,,PURCHASE,",
            "R3,,P2,2025-04-02T12:00:00Z,19.99,,1,,,,,refund,",
            "R4,,NOBODY,2025-04-03T12:00:00Z,5,,1,,,,,,",     # line 5: unknown contact
            "R5,,P2,2025-04-04T12:00:00Z,12;50,,1,,,,,,",     # line 6: not an amount
            "R6,,P2,2025-04-05T12:00:00Z,-3,,1,,,,,,",        # line 7: the server refuses
            "R7,,P2,2025-04-06T12:00:00Z,1,,1,,,,,,USD",      # line 8: not the tenant's currency
        ]) + "\n")
        result = self.run_ok("-o", "json", "import", "purchases", purchases, expect=EXIT_PARTIAL)
        summary = json.loads(result.stdout)
        self.assertEqual(summary["rows_read"], 7)
        self.assertEqual(summary["imported"], 3)
        self.assertEqual(summary["failed"], 4)
        report = {int(row["line"]): row for row in read_report(summary["error_report"])}
        self.assertEqual(sorted(report), [5, 6, 7, 8])
        self.assertEqual((report[5]["column"], report[5]["code"]), ("contact_external_id", "NOT_FOUND"))
        self.assertEqual(report[6]["column"], "amount")
        self.assertEqual(report[7]["column"], "amount")
        self.assertIn("negative", report[7]["message"])
        self.assertEqual(report[8]["column"], "currency")

        # Receipts already stored are skipped: importing the file again adds nothing.
        again = json.loads(self.run_ok("-o", "json", "import", "purchases", purchases,
                                       expect=EXIT_PARTIAL).stdout)
        self.assertEqual((again["imported"], again["skipped"], again["failed"]), (0, 3, 4))

    def test_an_export_imports_back_without_duplicates(self):
        source = self.write("full.csv", "\n".join([
            "external_id,given_name,family_name,display_name,emails,phones,birthday,gender,region,"
            "city,address,owner,store_id,source,tags,consent_email,consent_email_time,consent_sms,"
            "attr.favourite_line,attr.size",
            'E1,Zoë,"O\'Neil, Jr.","Zoë ""Z"" O\'Neil",zoe@example.com;z@work.example,'
            '+86 138 1234 5678,1990-12-31,other,East,Shanghai,"Line 1\nLine 2",rep-3,S-07,'
            'exhibition,vip;tier:gold,opted_in,2024-01-02T03:04:05Z,no,"anti-ageing, night",M',
            "E2,Yan,,,,,,,,,,,,,,,,,,",
            "E3,Xi,Wu,,xi@example.com,,,female,,,,,,,vip,,,yes,,L",
        ]) + "\n")
        self.run_ok("import", "contacts", source)
        first = self.path("export1.csv")
        result = self.run_ok("export", "contacts", "--output-file", first)
        self.assertIn("exported 3 contacts", result.stderr)
        self.assertFalse(os.path.exists(first + ".partial"))
        with open(first, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual([r["external_id"] for r in rows], ["E1", "E2", "E3"])
        self.assertEqual(rows[0]["phones"], "+8613812345678")
        self.assertEqual(rows[0]["emails"], "zoe@example.com;z@work.example")
        self.assertEqual(rows[0]["attr.favourite_line"], "anti-ageing, night")
        self.assertEqual(rows[0]["consent_email_time"], "2024-01-02T03:04:05Z")
        self.assertEqual(rows[1]["display_name"], "Yan")

        before = self.contacts()
        reimport = json.loads(self.run_ok("-o", "json", "import", "contacts", first).stdout)
        self.assertEqual((reimport["created"], reimport["updated"], reimport["failed"]), (0, 3, 0))
        after = self.contacts()
        self.assertEqual(sorted(after), ["E1", "E2", "E3"])
        for external_id, contact in before.items():
            self.assertEqual(after[external_id]["name"], contact["name"])
            for field in ("given_name", "family_name", "display_name", "emails", "phones",
                          "birthday", "gender", "address", "tags", "attributes", "consents"):
                self.assertEqual(after[external_id].get(field), contact.get(field),
                                 f"{external_id}.{field} changed in the round trip")
        second = self.path("export2.csv")
        self.run_ok("export", "contacts", "--output-file", second)
        with open(first, "rb") as a, open(second, "rb") as b:
            self.assertEqual(a.read(), b.read())

        # JSON lines on stdout: one proto-JSON contact per line; a filter narrows it.
        lines = self.run_ok("export", "contacts", "--format", "jsonl").stdout.splitlines()
        self.assertEqual(sorted(json.loads(line)["external_id"] for line in lines),
                         ["E1", "E2", "E3"])
        vip = self.run_ok("export", "contacts", "--format", "jsonl", "--filter", 'tags:"vip"')
        self.assertEqual(sorted(json.loads(line)["external_id"] for line in vip.stdout.splitlines()),
                         ["E1", "E3"])
        stdout_csv = self.run_ok("export", "contacts", "--filter", 'external_id = "E3"').stdout
        self.assertEqual(len(list(csv.DictReader(io.StringIO(stdout_csv)))), 1)

    def test_a_bad_filter_is_shown_plainly(self):
        target = self.path("never.csv")
        result = self.run_ok("export", "contacts", "--filter", "shoe_size > 3", "--output-file", target,
                             expect=EXIT_REJECTED)
        self.assertIn("INVALID_ARGUMENT", result.stderr)
        self.assertIn("shoe_size", result.stderr)
        self.assertFalse(os.path.exists(target))
        self.assertFalse(os.path.exists(target + ".partial"))

    def test_an_unknown_column_is_a_usage_error_before_anything_is_sent(self):
        source = self.write("u.csv", "external_id,given_name,shoe_size\nU1,Una,42\n")
        result = self.run_ok("import", "contacts", source, expect=EXIT_USAGE)
        self.assertIn('unknown column "shoe_size" (column 3)', result.stderr)
        self.assertEqual(self.contacts(), {})
        self.assertFalse(os.path.exists(source + ".errors.csv"))
        purchases = self.write("up.csv", "contact,purchase_time,amount,price\n")
        result = self.run_ok("import", "purchases", purchases, expect=EXIT_USAGE)
        self.assertIn('unknown column "price"', result.stderr)

    def test_file_problems(self):
        result = self.run_ok("import", "contacts", self.path("missing.csv"), expect=EXIT_LOCAL_FILE)
        self.assertIn("missing.csv", result.stderr)
        self.run_ok("import", "purchases", self.path("missing.csv"), expect=EXIT_LOCAL_FILE)
        source = self.write("ok.csv", "external_id,display_name\nF1,Flo\n")
        self.run_ok("import", "contacts", source, "--errors",
                    self.path("no-such-dir/report.csv"), expect=EXIT_LOCAL_FILE)
        self.run_ok("import", "contacts", source, "--batch-size", "1001", expect=EXIT_USAGE)
        self.assertEqual(self.contacts(), {})

    def test_all_or_nothing_fails_the_batch_of_a_bad_row(self):
        source = self.write("aon.csv", "\n".join([
            "external_id,display_name,emails",
            "A1,One,one@example.com",    # batch 1 (lines 2-3): line 3 rejected by the server
            "A2,Two,not-an-email",
            "A3,Three,three@example.com",  # batch 2 (lines 4-5): fine
            "A4,Four,four@example.com",
        ]) + "\n")
        result = self.run_ok("import", "contacts", source, "--all-or-nothing", "--batch-size", "2",
                             expect=EXIT_PARTIAL)
        report = {int(row["line"]): row for row in read_report(source + ".errors.csv")}
        self.assertEqual(report[3]["code"], "INVALID_ARGUMENT")
        self.assertEqual(report[2]["code"], "ABORTED")
        self.assertIn("line 3", report[2]["message"])
        self.assertEqual(sorted(report), [2, 3])
        self.assertIn("2 imported", result.stdout)
        self.assertEqual(sorted(self.contacts()), ["A3", "A4"])


if __name__ == "__main__":
    unittest.main()
