"""`leapsim run -o`, `info` and `compare`: the results file (docs/output-format.md) read back with
h5py and h5dump and checked against the printed report and against numpy; the same bits on any
thread count; --force; atomic writing under SIGKILL; SIGINT and SIGTERM write nothing."""

import math
import operator
import os
import pathlib
import re
import shutil
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

from report_tables import forecast_rows
from results_files import assert_same_results

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY_STUDY = ROOT / "scenarios" / "small" / "tiny-study.yaml"
TINY_SCENARIO = ROOT / "scenarios" / "small" / "tiny.yaml"
HEBEI = ROOT / "scenarios" / "hebei-2016.yaml"  # about 190,000 firms: about 1 s per replication
H5DUMP = "/usr/bin/h5dump"

REPLICATIONS = 20
YEARS = [2019, 2020, 2021, 2022]  # tiny.yaml: start_year 2019, end_year 2022
SCENARIOS = ["base", "bigger-reward", "coaching", "more-entry"]
T_975_DF19 = 2.093024  # Student t quantile at 0.975 for 19 degrees of freedom
Z_975 = 1.959963984540054  # normal quantile at 0.975, for the Wilson interval

# models/innovation/src/metrics.cpp, in order, with units.
METRICS = {
    "tech_smes": "firms", "htes": "firms", "hte_new": "firms", "hte_renewed": "firms",
    "hte_lapsed": "firms", "entries": "firms", "exits": "firms", "firms_alive": "firms",
    "invention_patents": "patents", "invention_patents_per_10k": "patents per 10,000 residents",
    "rd_spend": "yuan", "tech_contract_turnover": "yuan", "hte_rewards_paid": "yuan",
    "rd_subsidies_paid": "yuan", "patent_subsidies_paid": "yuan", "talent_paid": "yuan",
    "subsidies_paid": "yuan", "budget_left": "yuan", "unpaid_claims": "claims",
    "carrier_occupancy": "slots", "carrier_capacity": "slots", "platforms": "platforms",
    "hte_exits": "firms", "hte_rejected": "firms", "hte_renewal_rejected": "firms", "hte_new_entrants": "firms",
    "tech_sme_renewed": "firms",
    "hte_new_rewards_province": "yuan",
    "hte_new_rewards_fund": "yuan",
    "hte_renewal_rewards_province": "yuan",
    "hte_renewal_rewards_fund": "yuan",
    "coaching_cost": "yuan",
    "outreach_cost": "yuan",
    "carrier_build_cost": "yuan",
    "carrier_operation_cost": "yuan",
    "platform_build_cost": "yuan",
    "rd_deduction_foregone": "yuan",
    "hte_rate_foregone": "yuan",
    "county_cost": "yuan",
    "province_cost": "yuan",
    "tax_expenditure": "yuan",
    "public_cost": "yuan",
}
METRIC_DESCRIPTIONS = {"tech_smes": "technology-based SMEs registered in the year",
                       "htes": "high-tech enterprises with a valid certificate on 31 December",
                       "invention_patents_per_10k": "invention patents held per 10,000 residents on 31 December",
                       "rd_spend": "R&D spending of all firms in the year", "subsidies_paid": "all rewards and subsidies paid"}
SUMMARY_COLUMNS = ["mean", "sd", "p05", "p50", "p95"]
COMPARISON_COLUMNS = ["mean_difference", "ci95_low", "ci95_high", "variance_base", "variance_alternative",
                      "variance_difference", "variance_reduction"]
ROOT_ATTRIBUTES = ["format", "format_version", "leapsim_version", "created", "command_line", "study_file",
                   "study_yaml", "study_name", "seed", "replications", "first_year", "last_year", "scenarios",
                   "events", "run_seconds", "ranks", "hosts"]
# The report's yearly columns (apps/leapsim/report.cpp): metric, divisor, decimals.
REPORT_COLUMNS = [("tech_smes", 1.0, 0), ("htes", 1.0, 0), ("invention_patents_per_10k", 1.0, 2),
                  ("rd_spend", 1.0e6, 0), ("subsidies_paid", 1.0e6, 1)]


def binary():
    """The leapsim binary, found as the `leapsim` fixture finds it (for Popen)."""
    build = pathlib.Path(os.environ.get("LEAPSIM_BUILD_DIR", ROOT / "build" / "release"))
    return str(build / "apps" / "leapsim" / "leapsim")


@pytest.fixture(scope="module")
def tiny(leapsim, tmp_path_factory):
    """The tiny study run once with -o: (file, printed report)."""
    path = tmp_path_factory.mktemp("tiny") / "tiny.h5"
    proc = leapsim("run", TINY_STUDY, "-r", REPLICATIONS, "-j", 2, "-q", "-o", path)
    return path, proc.stdout


def close(a, b, rtol=1e-12):
    """Equal up to rounding: the C++ code and numpy sum in different orders."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(1.0, float(np.max(np.abs(np.concatenate([a.ravel(), b.ravel()])))))
    return np.allclose(a, b, rtol=rtol, atol=rtol * scale)


def cell(values, decimals, scale=1.0):
    """A report cell 'mean [p05, p95]' formatted as report.cpp does (printf %.*f)."""
    return "{:.{d}f} [{:.{d}f}, {:.{d}f}]".format(*(v / scale for v in values), d=decimals)


def target_rows(stdout):
    """The printed target probabilities: [(label, {scenario: (p, low, high) as printed})]."""
    targets, inside = [], False
    for line in stdout.splitlines():
        if line.startswith("== "):
            inside = line.startswith("== Probability of meeting each target")
            continue
        if not inside or not line.strip():
            continue
        m = re.match(r"^  (\S.*?)\s+([\d.]+)%  \[\s*([\d.]+)%,\s*([\d.]+)%\]$", line)
        if m:
            targets[-1][1][m[1]] = (m[2], m[3], m[4])
        else:
            targets.append((line, {}))
    return targets


def comparison_rows(stdout):
    """Rows of the comparison table: {alternative: [(mean, low, high, reduction) as printed]}."""
    rows, inside = {}, False
    for line in stdout.splitlines():
        if line.startswith("== "):
            inside = line.startswith("== Alternatives against")
            continue
        if inside and line and not line.startswith("alternative"):
            name = line.split()[0]
            rows[name] = re.findall(r"([-+][\d.]+) \[([-+][\d.]+), ([-+][\d.]+)\] \((~[\d,]+|exact)\)", line)
    return rows


def reduction_text(value, replications=REPLICATIONS):
    """What common random numbers bought, as printed: about how many unpaired replications would be
    as precise (replications x variance reduction, two significant figures)."""
    if not math.isfinite(value):
        return "exact"
    n = replications * value
    step = 10 ** max(0, math.floor(math.log10(max(n, 1.0))) - 1)
    return f"~{round(n / step) * step:,}"


def h5dump_objects(path):
    """Every group and dataset `h5dump -H` lists: {path: 'group' or dataset shape tuple}."""
    out = subprocess.run([H5DUMP, "-H", str(path)], capture_output=True, text=True, check=True).stdout
    stack, objects = [], {}
    for line in out.splitlines():
        s = line.strip()
        m = re.match(r'^(GROUP|DATASET) "(.*)" \{$', s)
        if m:
            stack.append((m[1], m[2]))
            full = "/" + "/".join(name for kind, name in stack if kind and name != "/")
            objects[full] = "group" if m[1] == "GROUP" else None
        elif s.endswith("{"):
            stack.append((None, None))
        elif s == "}":
            stack.pop()
        elif s.startswith("DATASPACE") and stack and stack[-1][0] == "DATASET":
            dims = re.search(r"SIMPLE \{ \( ([\d, ]+) \)", s)
            full = "/" + "/".join(name for kind, name in stack if kind and name != "/")
            objects[full] = tuple(int(d) for d in dims[1].split(","))
    return objects


def expected_objects(scenarios, replications, years, targets):
    """The documented layout of a results file: {path: 'group' or dataset shape}."""
    objects = {"/": "group", "/years": (years,), "/scenarios": "group", "/comparisons": "group",
               "/targets": "group"}
    for s in scenarios:
        objects[f"/scenarios/{s}"] = objects[f"/scenarios/{s}/metrics"] = "group"
        objects[f"/scenarios/{s}/summary"] = "group"
        for m in METRICS:
            objects[f"/scenarios/{s}/metrics/{m}"] = (replications, years)
            objects[f"/scenarios/{s}/summary/{m}"] = (years, 5)
    for s in scenarios[1:]:
        objects[f"/comparisons/{s}"] = "group"
        for m in METRICS:
            objects[f"/comparisons/{s}/{m}"] = (years, 7)
    for name in ("probability", "wilson95_low", "wilson95_high", "replications_met"):
        objects[f"/targets/{name}"] = (targets, len(scenarios))
    return objects


def wait_for_exit(proc, timeout=60):
    """(exit code, stdout, stderr) of a started run; a run that hangs is killed, then fails the test."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return proc.returncode, out, err


# ---- (a) the layout, and the file against the printed report and numpy -------------------------


def test_root_attributes_and_years(tiny):
    path, _ = tiny
    with h5py.File(path, "r") as f:
        assert list(f.attrs) == ROOT_ATTRIBUTES  # creation order is tracked
        a = f.attrs
        assert a["format"] == "leapsim-results" and a["format_version"] == 1
        assert re.fullmatch(r"\d+\.\d+\.\d+.*", a["leapsim_version"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", a["created"])
        assert a["command_line"].split()[1:3] == ["run", str(TINY_STUDY)] and str(path) in a["command_line"]
        assert a["study_name"] == "Tiny study"
        assert a["study_file"] == str(TINY_STUDY)
        assert a["study_yaml"] == TINY_STUDY.read_text()
        assert a["seed"] == 12345 and a["replications"] == REPLICATIONS
        assert (a["first_year"], a["last_year"]) == (YEARS[0], YEARS[-1])
        assert list(a["scenarios"]) == SCENARIOS
        assert a["events"] == sum(f[f"scenarios/{s}"].attrs["events"] for s in SCENARIOS) > 0
        assert a["run_seconds"] > 0
        assert a["ranks"] == 1 and len(a["hosts"]) == 1 and a["hosts"][0]  # one process on this machine
        for name in ("format_version", "replications", "first_year", "last_year", "events"):
            assert isinstance(a[name], np.int64), name
        assert isinstance(a["seed"], np.uint64)  # seeds use all 64 bits
        assert isinstance(a["run_seconds"], np.float64)
        assert list(f["/"]) == ["years", "scenarios", "comparisons", "targets"]
        years = f["years"]
        assert years.dtype == np.float64 and years[()].tolist() == YEARS
        assert years.attrs["unit"] == "calendar year"


def test_every_scenario_has_its_metrics_and_summaries(tiny):
    path, _ = tiny
    descriptions = {"bigger-reward": "County adds 200,000 yuan per new HTE.",
                    "coaching": "Coach 5 firms a year from 2020.", "more-entry": ""}
    with h5py.File(path, "r") as f:
        assert list(f["scenarios"]) == SCENARIOS
        for s in SCENARIOS:
            g = f[f"scenarios/{s}"]
            assert list(g.attrs) == ["description", "source", "resolved_yaml", "events", "cost_items", "cost_payers"]
            assert g.attrs["events"] > 0
            items, payers = list(g.attrs["cost_items"]), list(g.attrs["cost_payers"])
            assert len(items) == len(payers) == len(set(items)) > 0
            assert set(items) <= set(METRICS) and set(payers) <= {"county", "province", "tax"}
            assert g.attrs["resolved_yaml"].startswith("# LeapSim scenario parameters, fully resolved")
            if s == "base":
                assert g.attrs["source"] == str(TINY_SCENARIO)
            else:
                assert g.attrs["source"] == str(TINY_STUDY)
                assert g.attrs["description"] == descriptions[s]
            assert list(g) == ["metrics", "summary"]
            assert list(g["metrics"]) == list(METRICS) and list(g["summary"]) == list(METRICS)
            for m, unit in METRICS.items():
                values, summary = g[f"metrics/{m}"], g[f"summary/{m}"]
                assert values.shape == (REPLICATIONS, len(YEARS)) and values.dtype == np.float64
                assert summary.shape == (len(YEARS), 5) and summary.dtype == np.float64
                assert list(values.attrs) == ["unit", "description", "description_zh"]
                assert list(summary.attrs) == ["unit", "description", "description_zh", "columns"]
                assert values.attrs["unit"] == summary.attrs["unit"] == unit
                assert values.attrs["description"] and values.attrs["description_zh"]
                assert list(summary.attrs["columns"]) == SUMMARY_COLUMNS
                assert values.chunks is None  # 80 values: under the 1024 that are compressed
        assert f["scenarios/base/metrics/htes"].attrs["description_zh"] == "年末有效高新技术企业数"


def test_summaries_are_numpy_statistics_of_the_metrics(tiny):
    path, _ = tiny
    with h5py.File(path, "r") as f:
        for s in SCENARIOS:
            for m in METRICS:
                x = f[f"scenarios/{s}/metrics/{m}"][()]
                summary = f[f"scenarios/{s}/summary/{m}"][()]
                assert close(summary[:, 0], x.mean(axis=0)), (s, m)
                assert close(summary[:, 1], x.std(axis=0, ddof=1)), (s, m)
                q = np.quantile(x, [0.05, 0.5, 0.95], axis=0)  # numpy's default: linear, type 7
                assert close(summary[:, 2:5], q.T), (s, m)


def test_printed_forecasts_are_the_file_summaries(tiny):
    path, stdout = tiny
    with h5py.File(path, "r") as f:
        for s in SCENARIOS:
            rows = forecast_rows(stdout, s)
            assert sorted(rows) == YEARS, s
            for y, year in enumerate(YEARS):
                expected = []
                for metric, scale, decimals in REPORT_COLUMNS:
                    mean, _, p05, _, p95 = f[f"scenarios/{s}/summary/{metric}"][y]
                    expected.append(cell((mean, p05, p95), decimals, scale))
                assert rows[year] == expected, (s, year)


def test_printed_target_probabilities_are_the_file_targets(tiny):
    path, stdout = tiny
    printed = target_rows(stdout)
    with h5py.File(path, "r") as f:
        t = f["targets"]
        assert list(t.attrs) == ["label", "metric", "year", "comparison", "threshold", "scenarios"]
        assert list(t) == ["probability", "wilson95_low", "wilson95_high", "replications_met"]
        assert list(t.attrs["label"]) == ["illustrative: 5 HTEs in 2021", "illustrative: 20 tech SMEs in 2022"]
        assert list(t.attrs["metric"]) == ["htes", "tech_smes"]
        assert t.attrs["year"].tolist() == [2021, 2022] and t.attrs["year"].dtype == np.int64
        assert list(t.attrs["comparison"]) == [">=", ">="]
        assert t.attrs["threshold"].tolist() == [5.0, 20.0]
        assert list(t.attrs["scenarios"]) == SCENARIOS
        p, lo, hi, met = (t[k][()] for k in ("probability", "wilson95_low", "wilson95_high", "replications_met"))
        assert p.shape == (2, len(SCENARIOS))
        assert [label for label, _ in printed] == [
            f"{label} ({metric} {cmp} {threshold:g} in {year})" for label, metric, cmp, threshold, year in
            zip(t.attrs["label"], t.attrs["metric"], t.attrs["comparison"], t.attrs["threshold"], t.attrs["year"])]
        ops = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
        for i, (_, by_scenario) in enumerate(printed):
            assert list(by_scenario) == SCENARIOS
            year = int(t.attrs["year"][i])
            for j, s in enumerate(SCENARIOS):
                assert by_scenario[s] == tuple(f"{100 * v[i, j]:.1f}" for v in (p, lo, hi)), (i, s)
                values = f[f"scenarios/{s}/metrics/{t.attrs['metric'][i]}"][:, YEARS.index(year)]
                hits = int(np.count_nonzero(ops[t.attrs["comparison"][i]](values, t.attrs["threshold"][i])))
                assert met[i, j] == hits and p[i, j] == hits / REPLICATIONS
                n, q, z = REPLICATIONS, hits / REPLICATIONS, Z_975
                centre = (q + z * z / (2 * n)) / (1 + z * z / n)
                half = z / (1 + z * z / n) * math.sqrt(q * (1 - q) / n + z * z / (4 * n * n))
                assert close([lo[i, j], hi[i, j]], [max(0.0, centre - half), min(1.0, centre + half)])


def test_comparisons_are_paired_t_intervals(tiny):
    path, _ = tiny
    with h5py.File(path, "r") as f:
        c = f["comparisons"]
        assert list(c.attrs) == ["base", "confidence", "columns"]
        assert c.attrs["base"] == "base" and c.attrs["confidence"] == 0.95
        assert list(c.attrs["columns"]) == COMPARISON_COLUMNS
        assert list(c) == SCENARIOS[1:]
        for alt in SCENARIOS[1:]:
            assert list(c[alt]) == list(METRICS)
            for m in METRICS:
                table = c[f"{alt}/{m}"]
                assert table.shape == (len(YEARS), 7)
                assert list(table.attrs) == ["unit", "description", "description_zh"]
                base = f[f"scenarios/base/metrics/{m}"][()]
                other = f[f"scenarios/{alt}/metrics/{m}"][()]
                for y in range(len(YEARS)):
                    d = other[:, y] - base[:, y]  # replication r against replication r
                    va, vb, vd = base[:, y].var(ddof=1), other[:, y].var(ddof=1), d.var(ddof=1)
                    row = table[y]
                    assert close(row[[0, 3, 4, 5]], [d.mean(), va, vb, vd], rtol=1e-9), (alt, m, y)
                    half = T_975_DF19 * math.sqrt(vd / REPLICATIONS)
                    assert close(row[1:3], [d.mean() - half, d.mean() + half], rtol=1e-6), (alt, m, y)
                    if math.isinf(row[6]):
                        assert vd <= 1e-12 * (va + vb + 1.0), (alt, m, y)
                    else:
                        assert close(row[6], (va + vb) / vd, rtol=1e-6), (alt, m, y)
    # The tiny study has rows of both kinds: a difference that never varies, and one that does.
    with h5py.File(path, "r") as f:
        assert math.isinf(f["comparisons/more-entry/htes"][3, 6])
        assert math.isfinite(f["comparisons/coaching/htes"][3, 6])


# ---- (b) h5dump, any HDF5 tool, sees the same layout ----------------------------------------------


def test_h5dump_lists_the_documented_groups_and_datasets(tiny):
    path, _ = tiny
    assert h5dump_objects(path) == expected_objects(SCENARIOS, REPLICATIONS, len(YEARS), 2)
    header = subprocess.run([H5DUMP, "-H", "-A", "0", "--sort_by=creation_order", str(path)],
                            capture_output=True, text=True, check=True).stdout
    tops = re.findall(r'^   (?:GROUP|DATASET) "(.*)"', header, re.M)
    assert tops == ["years", "scenarios", "comparisons", "targets"]  # links keep creation order


def test_datasets_of_1024_values_or_more_are_chunked_and_compressed(leapsim, tmp_path):
    path = tmp_path / "r256.h5"
    leapsim("run", TINY_STUDY, "-r", 256, "-q", "-o", path)  # 256 x 4 = 1024 values per metrics dataset
    with h5py.File(path, "r") as f:
        values = f["scenarios/base/metrics/htes"]
        assert values.shape == (256, 4)
        assert values.chunks is not None and values.chunks[1] == 4  # whole rows
        assert values.compression == "gzip" and values.shuffle
        summary = f["scenarios/base/summary/htes"]
        assert summary.chunks is None and summary.compression is None
        assert values[()].sum() > 0
    dump = subprocess.run([H5DUMP, "-p", "-H", "-d", "/scenarios/base/metrics/htes", str(path)],
                          capture_output=True, text=True, check=True).stdout
    assert "CHUNKED" in dump and "COMPRESSION DEFLATE" in dump and "PREPROCESSING SHUFFLE" in dump


# ---- (c) info and compare read the file back --------------------------------------------------


def test_info_names_the_groups(leapsim, tiny):
    path, _ = tiny
    out = leapsim("info", path).stdout
    lines = out.splitlines()
    assert lines[0] == str(path)
    assert "  format: leapsim-results" in lines
    assert "  scenarios: [" + ", ".join(SCENARIOS) + "]" in lines
    assert "/years  [4]  calendar year" in lines
    for s in SCENARIOS:
        assert f"/scenarios/{s}/metrics/  {len(METRICS)} datasets [20 x 4], one per metric" in lines
        assert f"/scenarios/{s}/summary/  {len(METRICS)} datasets [4 x 5], one per metric" in lines
    for s in SCENARIOS[1:]:
        assert f"/comparisons/{s}/  {len(METRICS)} datasets [4 x 7], one per metric" in lines
    for name in ("probability", "wilson95_low", "wilson95_high", "replications_met"):
        assert f"/targets/{name}  [2 x 4]" in lines


def test_compare_prints_the_differences_in_the_file(leapsim, tiny):
    path, _ = tiny
    out = leapsim("compare", path, "--metric", "htes", "--year", 2021).stdout
    assert "Alternatives against base in 2021" in out
    rows = comparison_rows(out)
    assert list(rows) == SCENARIOS[1:]
    with h5py.File(path, "r") as f:
        for alt in SCENARIOS[1:]:
            row = f[f"comparisons/{alt}/htes"][YEARS.index(2021)]
            expected = (f"{row[0]:+.2f}", f"{row[1]:+.2f}", f"{row[2]:+.2f}", reduction_text(row[6]))
            assert rows[alt] == [expected], alt
    # Without --metric and --year: the report's five columns in the last year, as `run` printed them.
    _, run_stdout = tiny
    again = leapsim("compare", path).stdout
    assert [len(cells) for cells in comparison_rows(again).values()] == [5, 5, 5]
    assert comparison_rows(again) == comparison_rows(run_stdout)
    assert again.split("\n== Alternatives")[1] == run_stdout.split("\n== Alternatives")[1]


def mechanism_lines(stdout):
    """The mechanism section of a printed report: {(alternative, metric heading): [line, sub-lines...]}."""
    section = stdout.split("\n== Why each alternative differs from ")[1].splitlines()[1:]
    lines = {}
    for line in section:
        if line.startswith("== "):
            break
        if line.startswith("  "):
            lines[key].append(line.strip())
            continue
        m = re.match(r"^(\S+): (?:no difference in (.+) in any replication|\S+ \[\S+, \S+\] (.+?) in \d{4} )", line)
        key = (m[1], m[2] or m[3])
        lines[key] = [line]
    return lines


def test_run_says_what_each_figure_counts_and_what_is_assumed(tiny):
    _, stdout = tiny
    counts = stdout.split("== What the figures count\n")[1].split("\n\n")[0].splitlines()
    for (metric, _, _), line in zip(REPORT_COLUMNS, counts):
        assert line.endswith(METRIC_DESCRIPTIONS[metric]), (metric, line)
    assert counts[len(REPORT_COLUMNS)].startswith('Assumptions: parameters marked "assumption"')
    assert "CRN variance reduction" not in stdout
    assert "(common random numbers: as precise as about N unpaired replications)" in stdout


def test_run_prints_each_packages_difference_by_mechanism_in_words(tiny):
    path, stdout = tiny
    lines = mechanism_lines(stdout)
    assert sorted(lines) == sorted((alt, noun) for alt in SCENARIOS[1:] for noun in ("HTEs", "tech SMEs"))
    with h5py.File(path, "r") as f:
        for alt in SCENARIOS[1:]:
            row = f[f"comparisons/{alt}/htes"][-1]
            line = lines[(alt, "HTEs")]
            if row[0] == 0 and row[5] == 0:
                assert line == [f"{alt}: no difference in HTEs in any replication"]
                continue
            head = line[0]
            assert head.startswith(f"{alt}: {row[0]:+.1f} [{row[1]:+.1f}, {row[2]:+.1f}] HTEs in 2022 against base")
            # The printed parts add up to the printed total within their rounding: 0.05 for the total
            # and for each of the four HTE mechanisms, printed or left out as showing zero.
            parts = [float(x) for x in re.findall(r"(?:^|; )([-+][\d.]+) \[", head.split(" against base: ")[1])]
            assert parts and abs(sum(parts) - round(row[0], 1)) <= 0.05 * 5 + 1e-9, head
            words = re.findall(r"\] from ([^;]+)", head)
            assert set(words) <= {"extra new certifications", "lapses avoided (renewals kept)",
                                  "exits of certified firms avoided", "different starting certificates"}, words
    assert any(len(v) > 1 for v in lines.values())  # some package's mechanism is split further


def test_a_file_from_before_the_mechanism_counters_compares_and_says_it_cannot_be_explained(leapsim, tiny, tmp_path):
    path, stdout = tiny
    old = tmp_path / "old.h5"
    shutil.copy(path, old)
    with h5py.File(old, "a") as f:  # the layout an earlier version wrote
        for name in list(METRICS)[22:]:
            for s in SCENARIOS:
                del f[f"scenarios/{s}/metrics/{name}"], f[f"scenarios/{s}/summary/{name}"]
            for s in SCENARIOS[1:]:
                del f[f"comparisons/{s}/{name}"]
    out = leapsim("compare", old).stdout
    assert comparison_rows(out) == comparison_rows(stdout)
    assert "(no breakdown: results file: no per-replication 'hte_exits' for scenario 'base'" in out
    assert "Alternatives against coaching in 2022" in leapsim("compare", old, "--base", "coaching").stdout


# ---- (d) the same bits on any number of threads ---------------------------------------------------


def test_the_file_is_the_same_for_any_thread_count(leapsim, tmp_path):
    one, two = tmp_path / "j1.h5", tmp_path / "j2.h5"
    leapsim("run", TINY_STUDY, "-r", REPLICATIONS, "-j", 1, "-q", "-o", one)
    leapsim("run", TINY_STUDY, "-r", REPLICATIONS, "-j", 2, "-q", "-o", two)
    found = assert_same_results(one, two)
    assert sum(1 for name in found if "/metrics/" in name) == len(SCENARIOS) * len(METRICS)


# ---- (e) an existing output is replaced only with --force ----------------------------------------


def test_an_existing_output_needs_force(leapsim, tmp_path):
    path = tmp_path / "out.h5"
    leapsim("run", TINY_STUDY, "-r", 5, "-q", "-o", path)
    before = path.read_bytes()
    started = time.monotonic()
    proc = leapsim("run", HEBEI, "-r", 50, "-q", "-o", path, check=False)  # refused before running
    assert time.monotonic() - started < 5
    assert proc.returncode == 1
    assert proc.stderr.startswith("leapsim: error:") and "--force" in proc.stderr and str(path) in proc.stderr
    assert proc.stdout == ""
    assert path.read_bytes() == before
    leapsim("run", TINY_STUDY, "-r", 7, "-q", "-o", path, "--force")
    with h5py.File(path, "r") as f:
        assert f.attrs["replications"] == 7
        assert f["scenarios/base/metrics/htes"].shape == (7, 4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.h5"]  # no partial file left


# ---- (f) a killed or interrupted run never leaves a partial file at the output path ----------------


def start_long_run(out, *extra):
    """The Hebei study on two threads: tens of seconds, so a signal lands during the simulation."""
    return subprocess.Popen([binary(), "run", str(HEBEI), "-r", "50", "-j", "2", "-o", str(out), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def leftovers(folder, keep=()):
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def long_run_over(leapsim, out, previous):
    """Writes a small complete file at `out` first if asked, then starts the long run over it and
    lets it simulate for 1.5 s; returns the process and the previous file's bytes (or None)."""
    before = None
    if previous:
        leapsim("run", TINY_STUDY, "-r", 5, "-q", "-o", out)
        before = out.read_bytes()
    proc = start_long_run(out, *(["--force"] if previous else []))
    time.sleep(1.5)
    assert proc.poll() is None, "the run ended before the signal"
    return proc, before


@pytest.mark.parametrize("previous", [False, True], ids=["no-previous-file", "previous-file"])
def test_sigkill_never_leaves_a_partial_output(leapsim, tmp_path, previous):
    out = tmp_path / "out.h5"
    proc, before = long_run_over(leapsim, out, previous)
    proc.kill()
    code, _, _ = wait_for_exit(proc)
    assert code == -signal.SIGKILL
    if previous:
        assert out.read_bytes() == before  # the complete previous file, byte for byte
    else:
        assert not out.exists()
    # SIGKILL cannot be caught, so nothing cleans up: had the kill landed while the file was being
    # written, the hidden temporary .out.h5.partial-<pid> would remain (it is never the output).
    assert set(leftovers(tmp_path, keep={"out.h5"})) <= {f".out.h5.partial-{proc.pid}"}


def test_sigkill_while_writing_keeps_the_previous_file(leapsim, tmp_path):
    out = tmp_path / "out.h5"
    leapsim("run", TINY_STUDY, "-r", 5, "-q", "-o", out)
    before = out.read_bytes()
    # 4,000 replications of the tiny study: about 2 s of simulation, then about 0.1 s of writing.
    proc = subprocess.Popen([binary(), "run", str(TINY_STUDY), "-r", "4000", "-j", "2", "-q", "--force",
                             "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    partial = tmp_path / f".out.h5.partial-{proc.pid}"
    deadline = time.monotonic() + 60
    while not partial.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.0005)
    assert proc.poll() is None, "the write finished before the kill: raise -r"
    proc.kill()
    code, _, _ = wait_for_exit(proc)
    assert code == -signal.SIGKILL
    # Killed while writing: the temporary stays behind (documented), the output is the old file.
    assert partial.exists(), "the kill did not land during the write"
    assert out.read_bytes() == before
    assert leftovers(tmp_path) == sorted(["out.h5", partial.name])
    # The next write of the same file removes it: its process is gone (issue 15, case 3).
    leapsim("run", TINY_STUDY, "-r", 5, "-q", "-o", out, "--force")
    assert leftovers(tmp_path) == ["out.h5"]


@pytest.mark.parametrize("sig,previous", [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGINT, True)],
                         ids=["SIGINT", "SIGTERM", "SIGINT-previous-file"])
def test_an_interrupted_run_writes_nothing(leapsim, tmp_path, sig, previous):
    out = tmp_path / "out.h5"
    proc, before = long_run_over(leapsim, out, previous)
    proc.send_signal(sig)
    code, stdout, stderr = wait_for_exit(proc)  # stops after the replications in flight
    assert code == 130, stderr
    assert re.search(r"^leapsim: interrupted: .*; nothing was written$", stderr, re.M), stderr
    assert stdout == ""
    if previous:
        assert out.read_bytes() == before
        assert leftovers(tmp_path) == ["out.h5"]
    else:
        assert leftovers(tmp_path) == []  # no output and no partial file


# ---- (g) bad arguments -------------------------------------------------------------------------


def test_info_on_a_file_that_is_not_hdf5(leapsim, tmp_path):
    bad = tmp_path / "bad.h5"
    bad.write_text("not HDF5\n")
    proc = leapsim("info", bad, check=False)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [f"leapsim: error: {bad}: not an HDF5 file"]
    assert proc.stdout == ""


def test_info_on_an_hdf5_file_that_is_not_a_results_file(leapsim, tmp_path):
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = np.arange(3.0)
    proc = leapsim("info", other, check=False)
    assert proc.returncode == 1
    assert len(proc.stderr.splitlines()) == 1 and "not a LeapSim results file" in proc.stderr


def test_compare_against_another_base_recomputes_from_the_metrics(leapsim, tiny):
    path, _ = tiny
    out = leapsim("compare", path, "--base", "coaching", "--metric", "htes", "--year", 2022).stdout
    assert "Alternatives against coaching in 2022" in out
    rows = comparison_rows(out)
    assert sorted(rows) == sorted(s for s in SCENARIOS if s != "coaching")
    y = YEARS.index(2022)
    with h5py.File(path, "r") as f:
        base = f["scenarios/coaching/metrics/htes"][:, y]
        for alt in rows:
            d = f[f"scenarios/{alt}/metrics/htes"][:, y] - base
            half = T_975_DF19 * d.std(ddof=1) / np.sqrt(len(d))
            expected = (f"{d.mean():+.2f}", f"{d.mean() - half:+.2f}", f"{d.mean() + half:+.2f}")
            assert rows[alt][0][:3] == expected, alt
    proc = leapsim("compare", path, "--base", "nope", check=False)
    assert proc.returncode == 1 and "no scenario 'nope'" in proc.stderr and "coaching" in proc.stderr


def test_compare_refuses_an_unknown_metric_and_year(leapsim, tiny):
    path, _ = tiny
    proc = leapsim("compare", path, "--metric", "no_such_metric", check=False)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == ["leapsim: error: unknown metric 'no_such_metric'"]
    proc = leapsim("compare", path, "--year", 2030, check=False)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == ["leapsim: error: year 2030 is outside the results (2019-2022)"]


def test_bad_flags_exit_with_2(leapsim, tmp_path):
    # Whatever CLI11 calls the error (a missing file, an unknown flag), the documented code is 2.
    proc = leapsim("info", tmp_path / "missing.h5", check=False)
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    proc = leapsim("run", TINY_STUDY, "-o", tmp_path / "x.h5", "--no-such-flag", check=False)
    assert proc.returncode == 2 and "--no-such-flag" in proc.stderr
    assert not (tmp_path / "x.h5").exists()


# ---- bugs found by these tests, fixed since (each keeps its test) ------------------------------


def test_info_and_compare_read_a_study_without_targets(leapsim, tmp_path):
    shutil.copy(TINY_SCENARIO, tmp_path)  # a study names files in its own folder tree
    study = tmp_path / "no-targets.yaml"
    study.write_text(f"study: {{name: No targets, replications: 5, seed: 3}}\nbase: {TINY_SCENARIO.name}\n"
                     "alternatives:\n  - name: more-entry\n    overrides: {entry: {base_rate: 12}}\n")
    out = tmp_path / "out.h5"
    leapsim("run", study, "-q", "-o", out)
    with h5py.File(out, "r") as f:  # the file itself is fine
        assert f["targets/probability"].shape == (0, 2) and len(f["targets"].attrs["label"]) == 0
    info = leapsim("info", out, check=False)
    assert info.returncode == 0, info.stderr
    compare = leapsim("compare", out, check=False)
    assert compare.returncode == 0, compare.stderr


def test_a_study_that_validates_can_be_written(leapsim, tmp_path):
    shutil.copy(TINY_SCENARIO, tmp_path)
    study = tmp_path / "slash.yaml"
    study.write_text(f"study: {{name: Slash, replications: 3, seed: 3}}\nbase: {TINY_SCENARIO.name}\n"
                     "alternatives:\n  - name: entry 12/yr\n    overrides: {entry: {base_rate: 12}}\n")
    # The name cannot be an HDF5 group: validate refuses it up front, and run refuses to start.
    proc = leapsim("validate", study, check=False)
    assert proc.returncode == 1 and "cannot name a group in a results file" in proc.stderr, proc.stderr
    out = tmp_path / "out.h5"
    proc = leapsim("run", study, "-q", "-o", out, check=False)
    assert proc.returncode == 1 and "cannot name a group" in proc.stderr
    assert not out.exists()


def test_a_large_seed_is_reported_as_given(leapsim, tmp_path):
    seed = 2**63
    out = tmp_path / "out.h5"
    proc = leapsim("run", TINY_STUDY, "-r", 3, "-q", "--seed", seed, "-o", out)
    with h5py.File(out, "r") as f:
        assert int(f.attrs["seed"]) == seed  # stored as an unsigned 64-bit integer
    assert proc.stdout.splitlines()[0].endswith(f"seed {seed}"), proc.stdout.splitlines()[0]


def test_record_events_keeps_a_log_that_adds_up_to_the_metrics(leapsim, tmp_path):
    out = tmp_path / "events.h5"
    leapsim("run", TINY_STUDY, "-r", 6, "-q", "-o", out, "--record", "events", "--record-replications", 2)
    with h5py.File(out, "r") as f:
        for scenario in SCENARIOS:
            log = f[f"scenarios/{scenario}/events"]
            assert log.dtype.names == ("replication", "time", "firm", "kind", "value", "detail")
            assert log.compression == "gzip"
            rows = log[:]
            kinds = [k.decode() if isinstance(k, bytes) else k for k in log.attrs["kind_names"]]
            assert sorted(set(rows["replication"])) == [0, 1]  # only the first two replications
            for rep in (0, 1):
                mine = rows[rows["replication"] == rep]
                assert np.all(np.diff(mine["time"]) >= 0)  # in simulation order
                for metric, kind in (("exits", "exited"), ("entries", "entered"), ("hte_new", "hte_certified")):
                    per_year = [np.sum((mine["kind"] == kinds.index(kind)) & (np.floor(mine["time"]) == y))
                                for y in YEARS]
                    assert per_year == f[f"scenarios/{scenario}/metrics/{metric}"][rep].tolist(), (scenario, metric)
    proc = leapsim("run", TINY_STUDY, "-r", 2, "--record", "events", check=False)
    assert proc.returncode == 1 and "needs an output file" in proc.stderr


def test_record_firms_keeps_year_end_snapshots_that_add_up_to_the_metrics(leapsim, tmp_path):
    out = tmp_path / "firms.h5"
    leapsim("run", TINY_STUDY, "-r", 3, "-q", "-o", out, "--record", "events,firms")
    with h5py.File(out, "r") as f:
        for scenario in SCENARIOS:
            assert "events" in f[f"scenarios/{scenario}"]  # both kinds kept, from one comma list
            rows = f[f"scenarios/{scenario}/firms"][:]
            assert sorted(set(rows["replication"])) == [0]  # the default: the first replication
            metrics = f[f"scenarios/{scenario}/metrics"]
            for i, y in enumerate(YEARS):
                year = rows[rows["year"] == y]
                assert len(year) == metrics["firms_alive"][0, i]
                assert year["hte"].sum() == metrics["htes"][0, i]
                # tech_smes counts the year's registrations, also of firms that exited after registering
                registered_and_exited = metrics["tech_smes"][0, i] - year["tech_sme"].sum()
                assert 0 <= registered_and_exited <= metrics["exits"][0, i]
                assert year["incubated"].sum() == metrics["carrier_occupancy"][0, i]
                assert year["invention_patents"].sum() == metrics["invention_patents"][0, i]
                assert np.all(year["revenue"] > 0) and np.all(year["age"] >= 0)
