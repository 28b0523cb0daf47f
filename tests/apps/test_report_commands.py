"""`leapsim report` and `leapsim export`: the report page of the Congtai study (a small -r) loaded by a
real headless Chromium over the DevTools pipe (no console error, no request but the file itself,
a non-blank screenshot, a PDF print, the same numbers as the HDF5 file read by h5py), the workbook
read back by openpyxl against h5py, `run --lang zh`, flag errors, and `--help` of every command."""

import csv
import hashlib
import html
import io
import os
import pathlib
import re
import shutil
import subprocess

import h5py
import numpy as np
import pytest

import chromium

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("LEAPSIM_BUILD_DIR", ROOT / "build" / "release"))
CONGTAI = ROOT / "scenarios" / "congtai-2019.yaml"  # 8 replications: under a second
TINY_STUDY = ROOT / "scenarios" / "small" / "tiny-study.yaml"
KEY_METRICS = ["tech_smes", "htes", "invention_patents_per_10k", "rd_spend", "subsidies_paid"]

# How the page prints each key metric (python/README.md, "The report page"): (divisor, decimals).
DISPLAY = {
    "zh": {"tech_smes": (1, 1), "htes": (1, 1), "invention_patents_per_10k": (1, 2), "rd_spend": (1e4, 1),
           "subsidies_paid": (1e4, 1)},
    "en": {"tech_smes": (1, 1), "htes": (1, 1), "invention_patents_per_10k": (1, 2), "rd_spend": (1e6, 2),
           "subsidies_paid": (1e6, 2)},
}
BASE_NAME = {"zh": "基准方案", "en": "base"}
COMMANDS = ["demo", "run", "compare", "info", "validate", "calibrate", "backtest", "sensitivity", "report", "export"]


def leapsim(*args, env=None, binary=None):
    """Runs the built leapsim and returns the completed process (whatever its exit code)."""
    binary = binary or BUILD / "apps" / "leapsim" / "leapsim"
    return subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True, timeout=120, env=env)


def _results_file(tmp_path_factory, study, replications):
    path = tmp_path_factory.mktemp(study.stem) / f"{study.stem}.h5"
    proc = leapsim("run", study, "-r", replications, "-q", "-o", path)
    assert proc.returncode == 0, proc.stderr
    return path


@pytest.fixture(scope="module")
def congtai(tmp_path_factory):
    return _results_file(tmp_path_factory, CONGTAI, 8)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return _results_file(tmp_path_factory, TINY_STUDY, 20)


@pytest.fixture(scope="module")
def reports(congtai, tmp_path_factory):
    """The Congtai report in each language, made by `leapsim report`: {lang: path}."""
    made = {}
    for lang in ("zh", "en"):
        out = tmp_path_factory.mktemp(f"report-{lang}") / "report.html"
        proc = leapsim("report", congtai, "-o", out, "--lang", lang)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == "" and proc.stderr == ""
        made[lang] = out
    return made


@pytest.fixture(scope="module", params=["zh", "en"])
def page(request, reports, tmp_path_factory):
    """(lang, the report file, what Chromium saw loading it)."""
    lang = request.param
    if chromium.binary() is None:
        pytest.fail("chromium is missing: scripts/install-deps.sh installs it")
    out = reports[lang]
    return lang, out, chromium.load(out.as_uri(), str(tmp_path_factory.mktemp(f"profile-{lang}")))


def test_page_is_self_contained(page):
    lang, out, loaded = page
    text = out.read_text(encoding="utf-8")
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in text
    # Nothing that loads another file: no script, stylesheet link, image source or CSS import.
    for pattern in (r"<script", r"<link", r"\ssrc=", r"@import", r"url\((?!#)"):  # url(#id): a clip path inside the SVG
        assert not re.search(pattern, text), pattern
    assert loaded.requests == [out.as_uri()]  # the page itself and nothing else, network or file


def test_page_loads_without_console_errors(page):
    _, _, loaded = page
    assert loaded.console == []
    assert loaded.exceptions == []
    assert [entry for entry in loaded.log if entry[0] in ("error", "warning")] == []


def test_screenshot_is_not_blank(page):
    import matplotlib.image
    _, _, loaded = page
    pixels = matplotlib.image.imread(io.BytesIO(loaded.screenshot), format="png")[..., :3]
    assert pixels.shape[0] >= 1000 and pixels.shape[1] >= 1000
    ink = (pixels < 0.9).any(axis=2).mean()
    assert ink > 0.03, f"only {ink:.1%} of the screenshot is not white"
    rgb = (pixels * 255).astype(np.uint32)
    colours = np.unique(rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2])
    assert len(colours) > 50  # anti-aliased text and the charts' bands


def test_pdf_print_has_a_page_per_section(page):
    _, _, loaded = page
    assert loaded.pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", loaded.pdf))
    assert pages >= 9  # nine sections, each starting a page (python/leapsim/report.py, @media print)


def _cell(value, metric, lang, signed=False):
    divisor, places = DISPLAY[lang][metric]
    return f"{value / divisor:{'+' if signed else ''}.{places}f}"


def test_page_text_holds_the_files_numbers(page, congtai):
    lang, _, loaded = page
    lines = set(loaded.text.splitlines())
    with h5py.File(congtai, "r") as f:
        years = f["years"][()].astype(int)
        scenarios = list(f.attrs["scenarios"])
        for scenario in scenarios:
            for y, year in enumerate(years):  # the yearly table: mean [p05, p95]
                cells = []
                for m in KEY_METRICS:
                    mean, _, p05, _, p95 = f[f"scenarios/{scenario}/summary/{m}"][y]
                    cells.append(f"{_cell(mean, m, lang)} [{_cell(p05, m, lang)}, {_cell(p95, m, lang)}]")
                row = "\t".join([str(year), *cells])
                assert row in lines, f"{scenario} {year}: {row!r} not on the page"
        targets = f["targets"]
        for t, label in enumerate(targets.attrs["label"]):
            cells = [f"{100 * p:.1f}% [{100 * lo:.1f}%, {100 * hi:.1f}%]" for p, lo, hi in
                     zip(targets["probability"][t], targets["wilson95_low"][t], targets["wilson95_high"][t])]
            assert "\t".join([label, *cells]) in lines, label
        for alternative in scenarios[1:]:
            cells = []
            for m in KEY_METRICS:
                mean, low, high = f[f"comparisons/{alternative}/{m}"][-1][:3]
                cells.append(f"{_cell(mean, m, lang, True)} [{_cell(low, m, lang, True)}, {_cell(high, m, lang, True)}]")
            assert "\t".join([alternative, *cells]) in lines, alternative
        # The summary's headline: the base's HTEs in the last year with its 90% band.
        mean, _, p05, _, p95 = f["scenarios/base/summary/htes"][-1]
        band = f"{mean:.1f}" + (" 家（90%区间 " if lang == "zh" else " firms (90% band ") + f"{p05:.1f}"
        assert band in loaded.text
        # Provenance: the seed, the replications and the study file's hash.
        assert f"\t{f.attrs['seed']}" in loaded.text and f"\t{f.attrs['replications']}" in loaded.text
        assert f.attrs["leapsim_version"] in loaded.text
    assert hashlib.sha256(CONGTAI.read_bytes()).hexdigest() in loaded.text
    assert BASE_NAME[lang] in loaded.text


def test_absent_sections_say_so(page):
    lang, _, loaded = page
    assert {"zh": "未提供敏感性分析，本节从略", "en": "No sensitivity analysis was given"}[lang] in loaded.text
    # The Congtai study draws its behaviour from the Hebei posterior: that section is drawn, not absent.
    assert {"zh": "此结果文件不含后验分布", "en": "holds no posterior"}[lang] not in loaded.text
    assert {"zh": "各次模拟的参数抽自后验分布", "en": "Each replication drew its parameters from the posterior"}[lang] \
        in html.unescape(loaded.text)
    # The cost books are the file's own: their sections are drawn (tests/python/test_cost_effectiveness.py
    # checks their values and a file from before them).
    assert {"zh": "此结果文件不含成本账目", "en": "holds no cost books"}[lang] not in loaded.text
    for words in {"zh": ["成本（按支付方和项目）", "县级财政合计", "效率前沿："],
                  "en": ["Costs by payer and item", "county, total", "Efficiency frontier: "]}[lang]:
        assert words in loaded.text
    # The mechanisms are computed from the file's own counters, so that section is never absent.
    assert {"zh": "比基准方案变化", "en": "against the base: "}[lang] in html.unescape(loaded.text)


def test_chromium_command_line_prints_and_screenshots(reports, tmp_path):
    out = reports["zh"]
    base = [chromium.binary(), *chromium.FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    pdf, png = tmp_path / "report.pdf", tmp_path / "report.png"
    subprocess.run([*base, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", out.as_uri()], check=True,
                   capture_output=True, timeout=60)
    subprocess.run([*base, f"--screenshot={png}", "--window-size=1200,1400", out.as_uri()], check=True,
                   capture_output=True, timeout=60)
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 50_000
    import matplotlib.image
    pixels = matplotlib.image.imread(png)[..., :3]
    assert (pixels < 0.9).any(axis=2).mean() > 0.03


def _sheet_rows(book, name):
    rows = list(book[name].iter_rows(values_only=True))
    return rows[0], rows[1:]


def _value(cell):
    return float(cell) if isinstance(cell, str) else cell  # "inf", "-inf", "nan" are written as text


def assert_as_written(cells, expected, where):
    """openpyxl writes a float with 16 significant digits ('%.16g'), which is within half a unit of
    the 16th digit of the double, so the workbook equals the file to a relative 1e-15."""
    cells = np.array([_value(c) for c in cells], dtype=float)
    assert np.allclose(cells, np.asarray(expected, dtype=float), rtol=1e-15, atol=0, equal_nan=True), where


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_workbook_equals_the_file(tiny, tmp_path, lang):
    import openpyxl
    out = tmp_path / "tiny.xlsx"
    proc = leapsim("export", tiny, "-o", out, "--lang", lang)
    assert proc.returncode == 0, proc.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    names = {"zh": ["逐年预测", "目标达成概率", "方案比较", "成本", "成本效益", "说明"],
             "en": ["Yearly summary", "Target probabilities", "Comparisons", "Costs", "Cost-effectiveness",
                    "About"]}[lang]
    assert book.sheetnames == names
    with h5py.File(tiny, "r") as f:
        years = list(f["years"][()].astype(int))
        header, rows = _sheet_rows(book, names[0])
        assert header[5:] == (("均值", "标准差", "5%分位数", "中位数", "95%分位数") if lang == "zh" else
                              ("mean", "standard deviation", "5% quantile", "median", "95% quantile"))
        assert header[4] == ("单位" if lang == "zh" else "unit")
        metrics = list(f["scenarios/base/summary"])
        assert len(rows) == len(f.attrs["scenarios"]) * len(years) * len(metrics)
        for scenario, year, metric, _, unit, *stats in rows:
            expected = f[f"scenarios/{scenario}/summary/{metric}"][years.index(year)]
            assert_as_written(stats, expected, (scenario, year, metric))
        assert {r[4] for r in rows if r[2] == "rd_spend"} == {"元" if lang == "zh" else "yuan"}

        _, rows = _sheet_rows(book, names[1])
        targets = f["targets"]
        scenarios = list(targets.attrs["scenarios"])
        assert len(rows) == len(targets.attrs["label"]) * len(scenarios)
        for label, metric, _, year, comparison, threshold, _, scenario, p, lo, hi, met in rows:
            t = list(targets.attrs["label"]).index(label)
            s = scenarios.index(scenario)
            assert (metric, year, comparison, threshold) == (targets.attrs["metric"][t], targets.attrs["year"][t],
                                                             targets.attrs["comparison"][t], targets.attrs["threshold"][t])
            assert_as_written([p, lo, hi, met], [targets[d][t, s] for d in
                                                 ("probability", "wilson95_low", "wilson95_high", "replications_met")],
                              (label, scenario))

        _, rows = _sheet_rows(book, names[2])
        assert len(rows) == (len(scenarios) - 1) * len(years) * len(metrics)
        infinite = 0
        for alternative, year, metric, _, _, *values in rows:
            expected = f[f"comparisons/{alternative}/{metric}"][years.index(year)]
            infinite += sum(v in ("inf", "-inf") for v in values)
            assert_as_written(values, expected, (alternative, year, metric))
        assert infinite > 0  # the tiny study has differences that never vary: written as "inf"

        _, about = _sheet_rows(book, names[5])
        about = dict(r[:2] for r in about)
        assert str(f.attrs["seed"]) in about.values()
        assert hashlib.sha256(TINY_STUDY.read_bytes()).hexdigest() in about.values()


def test_csv_is_utf8_with_bom_and_equals_the_file(tiny, tmp_path):
    out = tmp_path / "tiny.csv"
    assert leapsim("export", tiny, "-o", out).returncode == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[:3] == ["方案", "年份", "指标代码"]
    with h5py.File(tiny, "r") as f:
        years = list(f["years"][()].astype(int))
        for scenario, year, metric, name, unit, *stats in rows:
            assert [float(v) for v in stats] == list(f[f"scenarios/{scenario}/summary/{metric}"][years.index(int(year))])
        assert {r[3] for r in rows if r[2] == "htes"} == {f["scenarios/base/summary/htes"].attrs["description_zh"]}


@pytest.mark.parametrize("command", ["report", "export", "run", "compare"])
def test_unknown_lang_is_a_flag_error(tiny, tmp_path, command):
    out = tmp_path / ("out.xlsx" if command == "export" else "out.html")
    args = {"report": [tiny, "-o", out], "export": [tiny, "-o", out], "run": [TINY_STUDY, "-r", 1, "-q"],
            "compare": [tiny]}[command]
    proc = leapsim(command, *args, "--lang", "fr")
    assert proc.returncode == 2  # the exit code of every bad flag (README)
    assert "--lang: fr not in {" in proc.stderr
    assert not out.exists()


def test_existing_output_is_kept_without_force(tiny, tmp_path):
    for name in ("kept.html", "kept.xlsx", "kept.csv"):
        out = tmp_path / name
        out.write_text("not ours")
        proc = leapsim("report" if name.endswith(".html") else "export", tiny, "-o", out)
        assert proc.returncode == 1
        assert proc.stderr == f"leapsim: error: {out} exists; use --force (force=True) to replace it\n"
        assert out.read_text() == "not ours"
    assert leapsim("export", tiny, "-o", tmp_path / "kept.csv", "--force").returncode == 0
    assert (tmp_path / "kept.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert [p.name for p in tmp_path.iterdir() if ".partial-" in p.name] == []


def test_export_refuses_another_extension(tiny, tmp_path):
    proc = leapsim("export", tiny, "-o", tmp_path / "tiny.ods")
    assert proc.returncode == 2 and "must end in .xlsx or .csv" in proc.stderr


def test_report_without_the_python_package_says_where_it_looked(tiny, tmp_path):
    lonely = tmp_path / "apps" / "leapsim" / "leapsim"
    lonely.parent.mkdir(parents=True)
    shutil.copy(BUILD / "apps" / "leapsim" / "leapsim", lonely)
    proc = leapsim("report", tiny, "-o", tmp_path / "r.html", binary=lonely)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"leapsim: error: the LeapSim Python package is missing: expected it in "
                                  f"{tmp_path / 'python'}")
    assert not (tmp_path / "r.html").exists()


def _cells(stdout, metric_column):
    """The yearly cells of one column of every forecast table, in order."""
    return [re.findall(r"[-+\d.]+ \[[-+\d.]+, [-+\d.]+\]", line)[metric_column]
            for line in stdout.splitlines() if re.match(r"^\d{4}\s", line)]


def test_run_prints_the_report_in_chinese(tiny):
    en = leapsim("run", TINY_STUDY, "-r", 20, "-q")
    zh = leapsim("run", TINY_STUDY, "-r", 20, "-q", "--lang", "zh")
    assert en.returncode == zh.returncode == 0
    for phrase in ("科技型中小企业", "高新技术企业", "均值 [90%区间]", "目标达成概率", "配对差值", "万元"):
        assert phrase in zh.stdout
    assert "mean [90% interval]" in en.stdout and "科技" not in en.stdout
    for column in (0, 1, 2):  # counts and rates print alike in both languages
        assert _cells(zh.stdout, column) == _cells(en.stdout, column)
    # Money: 万元 in Chinese, million yuan in English, from the same means.
    for zh_cell, en_cell in zip(_cells(zh.stdout, 3), _cells(en.stdout, 3)):
        assert abs(float(zh_cell.split()[0]) / 100 - float(en_cell.split()[0])) <= 0.5 + 0.005
    # Columns line up in terminal cells: each heading line is as wide as the rows below it.
    lines = zh.stdout.splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("年份"))
    assert _width(lines[heading]) == _width(lines[heading + 1])


def _width(text):
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_defaults_and_examples(command):
    proc = leapsim(command, "--help")
    assert proc.returncode == 0
    assert "Example" in proc.stdout and f"leapsim {command} " in proc.stdout
    assert "UINT" not in proc.stdout and " in [" not in proc.stdout
    defaults = {"demo": "(default: 0)", "run": "(default: en)", "compare": "(default: en)",
                "calibrate": "(default: 40)", "report": "(default: zh)", "export": "(default: zh)"}
    if command in defaults:
        assert defaults[command] in proc.stdout
