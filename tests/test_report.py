"""`actlab report`: the static HTML page, checked on disk and as a person sees it (headless Chromium).

The Chromium tests need Debian's ``chromium`` package (``apt-get install -y chromium``); without a
Chromium binary they skip and say so.  The page itself is generated and checked without Chromium.
"""
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import actlab

pytest.importorskip("matplotlib")
pytest.importorskip("typer")

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install -y "
                                                              "chromium); the page is still checked on disk")


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.ids, self.rows, self.text = [], set(), 0, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.images.append(a["src"])
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "tr":
            self.rows += 1

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from actlab.cli.main import entry
    out = tmp_path_factory.mktemp("report")
    assert entry(["report", "--out", str(out)]) == 0
    page = Page()
    page.feed((out / "index.html").read_text(encoding="utf-8"))
    return out, page


def test_report_has_gallery_table_and_experiments(report):
    out, page = report
    spec_names = actlab.names()
    assert {"gallery", "properties", "experiments", "page-check"} <= page.ids
    assert {f"exp-{n}" for n in ("xor", "propagation", "selu", "dying", "saturation")} <= page.ids
    gallery = [s for s in page.images if s.startswith("gallery/")]
    assert sorted(Path(s).stem for s in gallery) == sorted(spec_names)       # registry-driven
    assert [s for s in page.images if s.startswith("experiments/")] == [
        f"experiments/{n}.png" for n in ("xor", "propagation", "selu", "dying", "saturation")]
    for src in page.images:                                                  # every figure is on disk
        data = (out / src).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 3000, src
    assert page.rows == len(spec_names) + 1                                  # header + one row each
    text = "".join(page.text)
    assert "reduced for this page" in text and "actlab demo selu --seed 0" in text
    assert "Var(z_L)/Var(z_1)" in text and "identity" in text
    record = json.loads((out / "report.json").read_text())
    assert set(record["experiments"]) == {"xor", "propagation", "selu", "dying", "saturation"}


def test_report_rejects_unknown_experiment(tmp_path):
    from actlab.plotting.report import write_report
    with pytest.raises(ValueError, match="unknown experiment"):
        write_report(tmp_path, experiments=("nope",))


def chromium(*args, tmp_path, width=1280, height=2000):
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}", f"--window-size={width},{height}",
           "--virtual-time-budget=20000", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def page_check(index, tmp_path, width):
    run = chromium("--dump-dom", index.as_uri(), tmp_path=tmp_path, width=width)
    match = re.search(r'<pre id="page-check">(.*?)</pre>', run.stdout, re.S)
    assert match and match.group(1), f"no status in the rendered page; chromium stderr:\n{run.stderr[-2000:]}"
    return json.loads(match.group(1))


@needs_chromium
@pytest.mark.parametrize("width", [1280, 800])
def test_every_figure_loads_and_nothing_overflows_in_chromium(report, tmp_path, width):
    out, page = report
    status = page_check(out / "index.html", tmp_path, width)
    assert status["images"] == len(page.images)
    assert status["broken"] == []
    assert not status["overflow"], status
    shot = tmp_path / f"report-{width}.png"
    chromium(f"--screenshot={shot}", (out / "index.html").as_uri(), tmp_path=tmp_path, width=width, height=3000)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshot: {shot}")


@needs_chromium
def test_the_page_check_detects_a_missing_figure(report, tmp_path):
    out, _ = report
    broken = out / "broken.html"
    broken.write_text((out / "index.html").read_text().replace('src="experiments/selu.png"',
                                                               'src="experiments/missing.png"'))
    status = page_check(broken, tmp_path, 1280)
    assert status["broken"] == ["experiments/missing.png"]
