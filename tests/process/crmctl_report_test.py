#!/usr/bin/env python3
"""crmctl report --html against a live crm-server, rendered in headless Chromium.

The server runs with --demo-data (63 customers with two years of purchases); the test
adds a purchase at a store whose id is markup, a campaign whose name is markup (started
by one pass of crm-scheduler, with responses after it) and a draft campaign, runs a
value analysis, writes the report and checks it: in the file (self-contained, escaped),
in Chromium's DOM (every chart drawn, every section there, no NaN) and in a screenshot
(a real picture with the chart colours in it). Sections without data, and real errors
that must not write a file, are checked on other tenants and keys.

Set CRMCTL_REPORT_SCREENSHOT=/some/file.png to keep the screenshot.
"""
import datetime
import html.parser
import json
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import unittest
import zlib

import crmctl_harness

CHROMIUM = "/usr/bin/chromium"
SCHEDULER = os.path.abspath(os.environ.get(
    "CRM_SCHEDULER_BIN", os.path.join(os.path.dirname(crmctl_harness.CRMCTL), "crm-scheduler")))
EVIL = "<script>alert(1)</script>"
CHART_IDS = ["chart-rfm", "chart-rfm-revenue", "chart-pareto", "chart-clv", "chart-lifecycle",
             "chart-gap-stores", "chart-clusters", "chart-campaigns"]
HEADINGS = ["RFM segments", "Pareto curve", "CLV distribution", "Lifecycle stages", "Gap analysis",
            "Store clusters", "Campaigns"]
BAR_BLUE = (0x4E, 0x79, 0xA7)  # SeriesColor(0), the colour of every first-series bar


def rfc3339(delta):
    moment = datetime.datetime.now(datetime.timezone.utc) + delta
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def run_chromium(args, workdir, timeout=90):
    """Runs headless Chromium in its own process group and always kills the group."""
    profile = tempfile.mkdtemp(prefix="chromium-", dir=workdir)
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
               "--no-first-run", "--disable-extensions", "--disable-background-networking",
               "--disable-sync", "--hide-scrollbars", *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        stdout, _ = proc.communicate(timeout=timeout)
        return proc.returncode, stdout.decode("utf-8", "replace")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # renderer and zygote children too
        except ProcessLookupError:
            pass
        proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


class DomSummary(html.parser.HTMLParser):
    """What the tests need from Chromium's DOM: charts and their shapes, headings, text."""

    def __init__(self):
        super().__init__()
        self.shapes = {}       # chart id -> rect/path/circle elements inside it
        self.headings = []     # <h2> texts
        self.scripts = 0
        self.text = []
        self._chart = None
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        elif tag == "svg" and "chart" in (attrs.get("class") or "").split():
            self._chart = attrs.get("id")
            self.shapes[self._chart] = 0
        elif tag in ("rect", "path", "circle") and self._chart is not None:
            self.shapes[self._chart] += 1
        elif tag == "h2":
            self._in_h2 = True
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag == "svg":
            self._chart = None
        elif tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_h2:
            self.headings[-1] += data


def png_pixels(path, max_rows):
    """(width, height, rows of RGB tuples) of an 8-bit RGB/RGBA PNG, stdlib only."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    i, idat = 8, b""
    while i < len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        chunk = data[i + 8:i + 8 + length]
        i += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            idat += chunk
    assert depth == 8 and colour in (2, 6), f"unexpected PNG format {depth}/{colour}"
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, previous, at = [], bytearray(stride), 0
    for _ in range(min(height, max_rows)):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = previous[x]
            c = previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        previous = line
    return width, height, rows


class CrmctlReportTest(crmctl_harness.CrmctlTestCase):
    server_args = ("--demo-data",)
    seeded = False

    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="crmctl-report-")
        self.addCleanup(shutil.rmtree, self.workdir, True)
        cls = type(self)
        with open(os.path.join(self.server.data_dir, "demo-tenant.key")) as f:
            cls.demo_key = f.read().strip()
        if not cls.seeded:
            self.seed_demo_tenant()
            cls.seeded = True

    def ok(self, *args, key=None, **kwargs):
        result = self.crmctl(*args, key=key, **kwargs)
        self.assertEqual(result.returncode, 0, f"crmctl {' '.join(args)}: {result.stdout}{result.stderr}")
        return result

    def seed_demo_tenant(self):
        contacts = self.crmctl_json("contacts", "list", "--page-size", "100", key=self.demo_key)["contacts"]
        names = [c["name"] for c in contacts]
        # A store whose id is markup: it must come out as text in tables, charts and tooltips.
        evil_csv = os.path.join(self.workdir, "evil.csv")
        with open(evil_csv, "w") as f:
            f.write("contact,purchase_time,amount,store_id,external_id\n")
            f.write(f"{names[0]},{rfc3339(datetime.timedelta(days=-2))},321.50,{EVIL},report-evil-1\n")
        self.ok("import", "purchases", evil_csv, key=self.demo_key)

        # A campaign named with markup, started (its audience frozen and sent) by one pass
        # of the scheduler, then some purchases so test and control have responses.
        campaign_yaml = os.path.join(self.workdir, "campaign.yaml")
        with open(campaign_yaml, "w") as f:
            f.write(f'display_name: "Spring {EVIL}"\n'
                    "objective: OBJECTIVE_PROMOTION\n"
                    "control_percent: 20\n"
                    "cells:\n"
                    '  - display_name: "web <b>members</b>"\n'
                    "    channel: CAMPAIGN_CHANNEL_MEMBER_WEB\n"
                    "schedule:\n"
                    f'  start_time: "{rfc3339(datetime.timedelta(minutes=-1))}"\n'
                    f'  end_time: "{rfc3339(datetime.timedelta(days=30))}"\n')
        campaign = self.crmctl_json("campaigns", "create", campaign_yaml, key=self.demo_key)["name"]
        self.ok("campaigns", "schedule", campaign, key=self.demo_key)
        scheduler_key = self.new_key("tenants/demo", "SCHEDULER")
        deliveries = os.path.join(self.workdir, "deliveries")
        scheduler = subprocess.run(
            [SCHEDULER, "--target", self.server.address, "--adapter", "jsonl", "--jsonl-dir", deliveries,
             "--exit-when-idle-seconds", "1", "--poll-interval-ms", "200"],
            env={**os.environ, "CRM_API_KEY": scheduler_key}, capture_output=True, text=True, timeout=120)
        self.assertEqual(scheduler.returncode, 0, scheduler.stderr)
        responses_csv = os.path.join(self.workdir, "responses.csv")
        with open(responses_csv, "w") as f:
            f.write("contact,purchase_time,amount,store_id,external_id\n")
            for i, name in enumerate(names[:40:2]):
                f.write(f"{name},{rfc3339(datetime.timedelta(minutes=1))},{200 + 10 * i}.00,store-sh-01,"
                        f"report-response-{i}\n")
        self.ok("import", "purchases", responses_csv, key=self.demo_key)

        draft_yaml = os.path.join(self.workdir, "draft.yaml")
        with open(draft_yaml, "w") as f:
            f.write('display_name: "Autumn draft"\n'
                    "objective: OBJECTIVE_RETENTION\n"
                    "cells:\n"
                    '  - display_name: "all"\n'
                    "    channel: CAMPAIGN_CHANNEL_MEMBER_WEB\n"
                    "schedule:\n"
                    f'  start_time: "{rfc3339(datetime.timedelta(days=10))}"\n'
                    f'  end_time: "{rfc3339(datetime.timedelta(days=40))}"\n')
        self.ok("campaigns", "create", draft_yaml, key=self.demo_key)
        self.ok("analysis", "run", "--wait", key=self.demo_key)

    def report(self, *args, key, name="report.html"):
        path = os.path.join(self.workdir, name)
        return path, self.crmctl("report", "--html", path, *args, key=key)

    def test_report_is_drawn_in_chromium(self):
        path, result = self.report("--tenant", "demo", key=self.demo_key)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"wrote {path}", result.stdout)
        with open(path, encoding="utf-8") as f:
            page = f.read()
        # Self-contained: nothing to fetch, nothing to run.
        for fetching in ("<script", "src=", "href=", "url(", "@import", "http://", "https://", "<link", "<img"):
            self.assertNotIn(fetching, page)
        self.assertIn("default-src 'none'", page)
        # Markup from the data is text: the store id and the campaign and cell names.
        self.assertNotIn(EVIL, page)
        self.assertNotIn("<b>members", page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)
        self.assertIn("Spring &lt;script&gt;", page)
        self.assertIn("<h1>Demo Cosmetics Ltd</h1>", page)
        self.assertIn("CNY ", page)
        self.assertIn("Asia/Shanghai", page)
        self.assertIn("Autumn draft: not started (DRAFT)", page)
        self.assertNotIn('class="note"', page)  # every section has its data

        code, dom = run_chromium(["--dump-dom", f"file://{path}"], self.workdir)
        self.assertEqual(code, 0)
        summary = DomSummary()
        summary.feed(dom)
        self.assertEqual(summary.scripts, 0)
        self.assertEqual(summary.headings, HEADINGS)
        for chart in CHART_IDS:
            self.assertIn(chart, summary.shapes, f"{chart} missing")
            self.assertGreater(summary.shapes[chart], 0, f"{chart} draws nothing")
        text = "".join(summary.text)
        for broken in ("NaN", "undefined", "Infinity"):
            self.assertNotIn(broken, text)
        self.assertIn(EVIL, text)  # shown literally, as text

        screenshot = os.path.join(self.workdir, "report.png")
        code, _ = run_chromium(["--window-size=1280,4000", f"--screenshot={screenshot}", f"file://{path}"],
                               self.workdir)
        self.assertEqual(code, 0)
        self.assertTrue(os.path.exists(screenshot))
        self.assertGreater(os.path.getsize(screenshot), 50_000)
        if os.environ.get("CRMCTL_REPORT_SCREENSHOT"):
            shutil.copyfile(screenshot, os.environ["CRMCTL_REPORT_SCREENSHOT"])
        width, height, rows = png_pixels(screenshot, max_rows=1400)  # header and RFM charts
        self.assertEqual((width, height), (1280, 4000))
        colours = {pixel for row in rows for pixel in row[::3]}
        self.assertGreater(len(colours), 50, "the screenshot is (nearly) one colour")
        self.assertIn(BAR_BLUE, colours, "no bar of the RFM charts was painted")

    def test_json_summary_cap_and_period(self):
        path, result = self.report("--max-customers", "20", "--period", "quarter", "--clusters", "2",
                                   "-o", "json", key=self.demo_key)
        self.assertEqual(result.returncode, 0, result.stderr)
        summary = json.loads(result.stdout)
        self.assertEqual(summary["file"], path)
        self.assertTrue(summary["clv_capped"])
        self.assertEqual([s["id"] for s in summary["sections"]],
                         ["rfm", "pareto", "clv", "lifecycle", "gaps", "clusters", "campaigns"])
        self.assertTrue(all(s["shown"] for s in summary["sections"]), summary)
        with open(path, encoding="utf-8") as f:
            page = f.read()
        self.assertIn("Capped: only the first 20 customer values", page)
        self.assertRegex(page, r"\d{4} Q[1-4] \(")  # the gap analysis of a quarter
        self.assertIn("k = 2,", page)
        self.assertIn("pass --tenant to show the tenant&#39;s name", page)

    def test_tenant_without_data_gets_notes(self):
        key = self.new_tenant_key()
        path, result = self.report(key=key)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(path, encoding="utf-8") as f:
            page = f.read()
        to_stdout = self.crmctl("report", "--html", "-", key=key)
        self.assertEqual(to_stdout.returncode, 0, to_stdout.stderr)
        self.assertTrue(to_stdout.stdout.startswith("<!DOCTYPE html>"))
        self.assertNotIn("<svg", page)
        self.assertEqual(page.count("No successful value-analysis run yet"), 4)  # RFM, Pareto, CLV, stages
        self.assertIn("record or import purchases first", page)  # gap analysis: FAILED_PRECONDITION
        self.assertIn("no purchases with a store_id", page)       # clustering: FAILED_PRECONDITION
        self.assertIn("No campaigns yet", page)
        self.assertEqual(page.count("<h2>"), 7)

    def test_analyst_key_gets_the_report_without_the_tenant_record(self):
        path, result = self.report("--tenant", "tenants/demo", key=self.new_key("tenants/demo", "ANALYST"))
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(path, encoding="utf-8") as f:
            page = f.read()
        self.assertIn("this key&#39;s role may not read the tenant record", page)
        self.assertIn('id="chart-rfm"', page)
        self.assertIn("CNY ", page)  # the currency still comes from the money fields

    def test_real_errors_write_no_file(self):
        cases = [
            ("unreachable", 3, {"key": self.demo_key, "address": f"127.0.0.1:{crmctl_harness.free_port()}"}, ()),
            ("unknown key", 4, {"key": "crm_aaaaaaaaaaaaaaaa_" + "b" * 52}, ()),
            ("platform key", 4, {"key": self.admin_key}, ()),
            ("bad period", 2, {"key": self.demo_key}, ("--period", "fortnight")),
            ("foreign tenant", 5, {"key": self.demo_key}, ("--tenant", "no-such-tenant")),
        ]
        for name, code, kwargs, extra in cases:
            with self.subTest(name):
                path = os.path.join(self.workdir, f"{name.replace(' ', '-')}.html")
                result = self.crmctl("report", "--html", path, *extra, "--timeout", "5", **kwargs)
                self.assertEqual(result.returncode, code, result.stderr)
                self.assertIn("error:", result.stderr)
                self.assertFalse(os.path.exists(path))
        path = os.path.join(self.workdir, "missing-dir", "report.html")
        result = self.crmctl("report", "--html", path, key=self.demo_key)
        self.assertEqual(result.returncode, 8, result.stderr)
        self.assertFalse(os.path.exists(path))


if __name__ == "__main__":
    unittest.main()
