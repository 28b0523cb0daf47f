"""Forecasts that carry a posterior (study.posterior, a scenario's `posterior` key): each replication's
draw recorded at /parameter_draws and read by h5py and leapsim.Results, the same draws and bits on
one and two threads, every scenario of a replication on the same draw (re-simulated by hand), the
variance decomposition, paired differences on a Congtai study drawing from a posterior, and every
bad posterior reference refused with its file named and nothing written."""

import html
import shutil

import h5py
import numpy as np
import pytest

from conftest import ROOT
from results_files import assert_same_results
from test_calibrate import write_calibration

CONGTAI = ROOT / "scenarios" / "congtai-2019.yaml"


@pytest.fixture(scope="module")
def fitted(tmp_path_factory, leapsim):
    """A folder with tiny.yaml and a posterior fitted to it (two parameters, 40 particles)."""
    folder = tmp_path_factory.mktemp("fitted")
    leapsim("calibrate", write_calibration(folder), "-o", folder / "post.h5", "-q")
    return folder


def write_study(folder, runs_per_draw=2, replications=12, posterior="post.h5", name="study.yaml"):
    path = folder / name
    path.write_text(
        "study:\n"
        f"  name: drawn\n  replications: {replications}\n  seed: 11\n"
        f"  posterior: {posterior}\n  runs_per_draw: {runs_per_draw}\n"
        "base: tiny.yaml\n"
        "alternatives:\n"
        "  - name: bigger reward\n"
        "    overrides: {policy: {hte_reward_new: 300000}}\n", encoding="utf-8")
    return path


def test_each_replication_draw_is_recorded_and_the_same_on_one_and_two_threads(leapsim, fitted, tmp_path):
    study = write_study(fitted)
    one, two = tmp_path / "one.h5", tmp_path / "two.h5"
    report = leapsim("run", study, "-j", 1, "-q", "-o", one).stdout
    leapsim("run", study, "-j", 2, "-q", "-o", two)
    found = assert_same_results(one, two)
    assert "parameter_draws/values" in found and "parameter_draws/replications" in found
    assert "Parameter uncertainty: 6 draws from" in report and "share of the variance in 2022" in report
    with h5py.File(one, "r") as f, h5py.File(fitted / "post.h5", "r") as post:
        g = f["parameter_draws"]
        assert list(g.attrs["parameters"]) == ["tech_sme.register_probability", "initial[2].count"]
        assert g.attrs["runs_per_draw"] == 2 and g.attrs["calibration_seed"] == 5
        assert g.attrs["posterior_digest"].startswith("fnv1a64:")
        assert g.attrs["posterior_file"].endswith("post.h5")
        rows = g["replications"][()]
        assert list(rows["replication"]) == list(range(12))
        assert list(rows["draw"]) == [r // 2 for r in range(12)]
        values, particles = g["values"][()], post["draws"][()]
        assert values.shape == (12, 2)
        for r, particle in enumerate(rows["particle"]):
            # The values set are the particle's, counts rounded as set_parameter does.
            assert values[r, 0] == particles[particle, 0]
            assert values[r, 1] == np.floor(particles[particle, 1] + 0.5)
            if r % 2:
                assert rows["particle"][r] == rows["particle"][r - 1]
        assert len(set(rows["particle"])) >= 2  # six draws from 40 particles
        split = f["scenarios/base/variance_decomposition"]
        assert split.attrs["estimable"] == 1 and split.attrs["draws"] == 6
        assert set(split) == {"tech_smes", "htes", "subsidies_paid"}
        shares = split["htes"][()][:, 3]
        assert np.all((shares >= 0) & (shares <= 1))


def test_every_scenario_of_a_replication_runs_its_draw_as_if_set_by_hand(fitted):
    import leapsim as lp
    study = lp.load(write_study(fitted, runs_per_draw=1, replications=6))
    assert study.posterior_file.endswith("post.h5") and study.runs_per_draw == 1
    results = lp.run(study, progress=False, threads=2)
    draws = results.parameter_draws()
    assert list(draws.columns) == ["draw", "particle", "tech_sme.register_probability", "initial[2].count"]
    assert draws.attrs["runs_per_draw"] == 1 and draws.attrs["calibration_seed"] == 5
    split = results.variance_decomposition("htes")
    assert split["parameter_share"].isna().all()  # one run a draw: not estimable, not made up
    assert "not estimable" in results._tree.attributes("scenarios/base/variance_decomposition")["method"]
    base = lp.load(fitted / "tiny.yaml")
    for r in (0, 4):
        changes = {path: float(draws.loc[r, path]) for path in draws.columns[2:]}
        for name, scenario in (("base", base),
                               ("bigger reward", base.with_changes({"policy.hte_reward_new": 300000}))):
            alone = lp.run(scenario.with_changes(changes), replications=r + 1, seed=11, progress=False)
            for metric in ("tech_smes", "htes", "subsidies_paid"):
                assert np.array_equal(alone.metric(metric)[r], results.metric(metric, name)[r]), (name, r, metric)


def test_a_scenario_naming_a_posterior_draws_from_it_in_python(fitted, tmp_path):
    import leapsim as lp
    shutil.copy(fitted / "tiny.yaml", tmp_path / "tiny.yaml")
    shutil.copy(fitted / "post.h5", tmp_path / "post.h5")
    scenario = tmp_path / "drawn.yaml"
    scenario.write_text("extends: tiny.yaml\nposterior: post.h5\n", encoding="utf-8")
    results = lp.run(lp.load(scenario), replications=4, seed=3, progress=False)
    assert results.has_posterior and len(results.parameter_draws()) == 4
    plain = lp.run(lp.load(tmp_path / "tiny.yaml"), replications=4, seed=3, progress=False)
    assert not plain.has_posterior


def test_congtai_paired_differences_under_posterior_draws_keep_their_variance_reduction(leapsim, tmp_path):
    """Congtai's packages against its base, every replication drawing its behaviour from a posterior
    fitted to Congtai's own first years: common draws and streams keep the differences paired, so
    the variance of each difference stays far below that of independent runs (reduction > 1)."""
    study = CONGTAI.read_text(encoding="utf-8")
    drawn = study[study.index("  posterior: "):study.index("\nbase:")]  # the study's Hebei draws, replaced below
    (tmp_path / "congtai.yaml").write_text(study.replace(drawn, "", 1), encoding="utf-8")
    cal = tmp_path / "fit.yaml"
    cal.write_text(
        "calibration:\n  name: congtai fit\n  scenario: congtai.yaml\n  up_to: 2020\n  figures:\n"
        "    - {metric: htes, year: 2020, value: 45, tolerance: 0.3}\n"
        "    - {metric: tech_smes, year: 2020, value: 800, tolerance: 0.3}\n"
        "  priors:\n    hte.apply_probability: {uniform: [0.3, 0.8]}\n"
        "    tech_sme.register_probability: {uniform: [0.4, 0.9]}\n"
        "  method: {particles: 30, seed: 2, max_simulations: 300, max_generations: 3}\n", encoding="utf-8")
    leapsim("calibrate", cal, "-o", tmp_path / "post.h5", "-q", "-j", 2)
    text = (tmp_path / "congtai.yaml").read_text(encoding="utf-8")
    text = text.replace("  seed: 20190614", "  seed: 20190614\n  posterior: post.h5\n  runs_per_draw: 4", 1)
    (tmp_path / "congtai.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "congtai.h5"
    report = leapsim("run", tmp_path / "congtai.yaml", "-r", 40, "-j", 2, "-q", "-o", out).stdout
    assert "Parameter uncertainty: 10 draws" in report
    with h5py.File(out, "r") as f:
        columns = list(f["comparisons"].attrs["columns"])
        reduction = columns.index("variance_reduction")
        figures = {}
        for alternative in f["comparisons"]:
            row = f[f"comparisons/{alternative}/htes"][()][-1]  # 2025
            figures[alternative] = row[reduction]
            assert row[reduction] > 1.0, (alternative, row)
        print("Congtai 2025 HTE variance reduction under posterior draws:", figures)
        assert f["scenarios/base/variance_decomposition"].attrs["estimable"] == 1


@pytest.mark.parametrize("case", ["missing", "foreign", "truncated", "no such path"])
def test_a_bad_posterior_is_refused_naming_it_and_nothing_is_written(leapsim, fitted, tmp_path, case):
    shutil.copy(fitted / "tiny.yaml", tmp_path / "tiny.yaml")
    if case == "foreign":  # a results file is not a posterior
        leapsim("run", ROOT / "scenarios" / "small" / "tiny-study.yaml", "-r", 2, "-q", "-o", tmp_path / "post.h5")
    elif case == "truncated":
        data = (fitted / "post.h5").read_bytes()
        (tmp_path / "post.h5").write_bytes(data[: len(data) // 2])
    elif case == "no such path":  # a scenario with two initial groups lacks initial[2]
        shutil.copy(fitted / "post.h5", tmp_path / "post.h5")
        text = (tmp_path / "tiny.yaml").read_text(encoding="utf-8")
        start = text.index("  - status: latent")
        end = text.index("carriers:")
        (tmp_path / "tiny.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    study = write_study(tmp_path)
    out = tmp_path / "out.h5"
    proc = leapsim("run", study, "-q", "-o", out, check=False)
    assert proc.returncode != 0
    expected = {
        "missing": f"{study}:5:14: error: posterior \"post.h5\" not found",
        "foreign": "is a results file, not a posterior file",
        "truncated": "post.h5",
        "no such path": "post.h5: parameter 'initial[2].count' has no element [2]: initial holds 2",
    }[case]
    assert expected in proc.stderr, proc.stderr
    assert not out.exists()


def test_a_saved_file_reopens_with_its_draws_and_a_damaged_draw_table_is_refused(leapsim, fitted, tmp_path):
    import leapsim as lp
    out = tmp_path / "drawn.h5"
    leapsim("run", write_study(fitted), "-q", "-o", out)
    reopened = lp.open(out)
    assert len(reopened.parameter_draws()) == 12 and reopened.variance_decomposition("tech_smes").shape == (8, 4)
    info = leapsim("info", out)
    assert info.returncode == 0
    bad = tmp_path / "bad.h5"
    shutil.copy(out, bad)
    with h5py.File(bad, "r+") as f:
        rows = f["parameter_draws/replications"][()]
        rows["particle"][0] = 999  # the posterior has 40 particles
        f["parameter_draws/replications"][...] = rows
    proc = leapsim("info", bad, check=False)
    assert proc.returncode == 1
    assert "/parameter_draws/replications: row 0: particle is 999; expected an index below particles" in proc.stderr
    orphan = tmp_path / "orphan.h5"
    shutil.copy(out, orphan)
    with h5py.File(orphan, "r+") as f:
        del f["parameter_draws"]
    proc = leapsim("info", orphan, check=False)
    assert "a variance decomposition without /parameter_draws" in proc.stderr, proc.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_page_tells_where_the_draws_came_from_and_the_parameters_share(leapsim, fitted, tmp_path, lang):
    import leapsim as lp
    out = tmp_path / "drawn.h5"
    leapsim("run", write_study(fitted), "-q", "-o", out)
    results = lp.open(out)
    page = (tmp_path / "report.html")
    results.report(page, lang=lang)
    html = page.read_text(encoding="utf-8")
    share = results.variance_decomposition("htes", "base").loc[("base", 2022), "parameter_share"]
    assert f"{100 * share:.1f}%" in html
    assert {"en": "(6 draws, 2 replications each)", "zh": "（6 组参数，每组 2 次模拟）"}[lang] in html
    assert {"en": "holds no posterior", "zh": "不含后验分布"}[lang] not in html
    # The fit's quality: each fitted figure against its posterior predictive 90%, as the file has it.
    figures = lp.open_posterior(fitted / "post.h5").figures
    assert {"en": "Fit quality: the posterior predictive check", "zh": "拟合质量：后验预测检验"}[lang] in html
    for _, f in figures.iterrows():
        inside = f["predictive_p05"] <= f["value"] <= f["predictive_p95"]
        cell = f"{f['predictive_mean']:,.0f} [{f['predictive_p05']:,.0f}, {f['predictive_p95']:,.0f}]"
        assert f["name"] in html and cell in html
        assert {"en": ("inside" if inside else "outside"), "zh": ("在区间内" if inside else "在区间外")}[lang] in html
    # Without the posterior file where the run read it, one line says so.
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.copy(out, moved / "drawn.h5")
    saved = (fitted / "post.h5").read_bytes()
    (fitted / "post.h5").unlink()
    try:
        text = lp.html_report.render(lp.open(moved / "drawn.h5"), lang)
    finally:
        (fitted / "post.h5").write_bytes(saved)
    assert {"en": "cannot be read", "zh": "无法读取"}[lang] in text


def write_borrowing_study(folder, taken, posterior="post.h5"):
    """A study taking only some of the posterior's parameters (study.posterior_parameters)."""
    path = folder / "borrow.yaml"
    listed = "" if taken is None else f"  posterior_parameters: [{', '.join(taken)}]\n"
    named = "" if posterior is None else f"  posterior: {posterior}\n"
    path.write_text("study:\n  name: borrowing\n  replications: 6\n  seed: 11\n" + named + listed +
                    "base: tiny.yaml\n", encoding="utf-8")
    return path


def test_a_study_takes_only_the_posterior_parameters_it_names(leapsim, fitted, tmp_path):
    study = write_borrowing_study(fitted, ["tech_sme.register_probability"])
    out = tmp_path / "borrowed.h5"
    leapsim("run", study, "-q", "-o", out)
    assert leapsim("validate", study).stdout.strip().endswith(": ok (study)")
    with h5py.File(out, "r") as f, h5py.File(fitted / "post.h5", "r") as post:
        g = f["parameter_draws"]
        assert list(g.attrs["parameters"]) == ["tech_sme.register_probability"]
        particles = post["draws"][()]
        values, rows = g["values"][()], g["replications"][()]
        assert values.shape == (6, 1)
        for r, particle in enumerate(rows["particle"]):  # the same particles, one column of each
            assert values[r, 0] == particles[particle, 0]
        # the latent pool keeps the scenario's own count: the base's resolved YAML is the file's
        assert "initial[2].count" not in list(g.attrs["parameters"])


@pytest.mark.parametrize("case", ["not in the posterior", "no posterior"])
def test_a_bad_posterior_parameter_list_is_located_and_nothing_is_written(leapsim, fitted, tmp_path, case):
    for name in ("tiny.yaml", "post.h5"):
        shutil.copy(fitted / name, tmp_path / name)
    if case == "not in the posterior":
        study = write_borrowing_study(tmp_path, ["tech_sme.register_probability", "hte.apply_probability"])
        expected = (f"{study}:6:57: error: study.posterior_parameters[1]: 'hte.apply_probability' is not a "
                    f"parameter of {tmp_path / 'post.h5'}; it holds: tech_sme.register_probability, initial[2].count")
    else:
        study = write_borrowing_study(tmp_path, ["hte.apply_probability"], posterior=None)
        expected = f"{study}:2:3: error: study.posterior_parameters: the parameters to take from a posterior need"
    out = tmp_path / "out.h5"
    proc = leapsim("run", study, "-q", "-o", out, check=False)
    assert proc.returncode != 0 and expected in proc.stderr, proc.stderr
    assert not out.exists()
    checked = leapsim("validate", study, check=False)
    assert checked.returncode == 1 and expected in checked.stderr, checked.stderr


def _clustered_half_width(d, k, confidence=0.95):
    """The cluster-robust t half-width of the mean of d, clusters of k consecutive values
    (stats.hpp), computed here with numpy and scipy."""
    from scipy import stats as st
    n = len(d)
    sums = np.array([(d[i:i + k] - d.mean()).sum() for i in range(0, n, k)])
    g = len(sums)
    return st.t.ppf(0.5 + confidence / 2, g - 1) * np.sqrt(g / (g - 1) * (sums ** 2).sum() / n ** 2)


def test_intervals_under_two_replications_a_draw_count_the_draws(leapsim, tmp_path):
    """The Congtai study runs two replications a posterior draw: its paired intervals are the
    cluster-robust ones over the draws (recomputed here from the replications), wider than the
    textbook ones that would take correlated replications as independent; both reports say so.
    At one replication a draw they are the textbook intervals."""
    from scipy import stats as st
    out = tmp_path / "congtai.h5"
    report = leapsim("run", CONGTAI, "-r", 40, "-j", 2, "-q", "-o", out).stdout
    assert "(replications per draw: 2)" in report and "count the 20 draws as the independent units" in report
    leapsim("report", out, "--lang", "zh", "-o", tmp_path / "zh.html")
    with h5py.File(out, "r") as f:
        columns = list(f["comparisons"].attrs["columns"])
        mean, high = columns.index("mean_difference"), columns.index("ci95_high")
        base = f["scenarios/base/metrics/htes"][()][:, -1]
        wider = 0
        for alternative in f["comparisons"]:
            d = f[f"scenarios/{alternative}/metrics/htes"][()][:, -1] - base
            row = f[f"comparisons/{alternative}/htes"][()][-1]
            assert np.isclose(row[high] - row[mean], _clustered_half_width(d, 2), rtol=1e-7), alternative
            wider += _clustered_half_width(d, 2) > st.t.ppf(0.975, 39) * d.std(ddof=1) / np.sqrt(40)
        assert wider >= 1  # the draws' correlation shows in at least one package's difference
    one = tmp_path / "one.yaml"
    shutil.copy(ROOT / "scenarios" / "hebei-2016.posterior.h5", tmp_path)
    one.write_text(CONGTAI.read_text(encoding="utf-8").replace("  runs_per_draw: 2 ", "  runs_per_draw: 1 ", 1),
                   encoding="utf-8")
    leapsim("run", one, "-r", 40, "-j", 2, "-q", "-o", tmp_path / "one.h5")
    with h5py.File(tmp_path / "one.h5", "r") as f:
        base = f["scenarios/base/metrics/htes"][()][:, -1]
        d = f["scenarios/bigger-hte-reward/metrics/htes"][()][:, -1] - base
        row = f["comparisons/bigger-hte-reward/htes"][()][-1]
        assert np.isclose(row[2] - row[0], st.t.ppf(0.975, 39) * d.std(ddof=1) / np.sqrt(40), rtol=1e-7)
    page = html.unescape((tmp_path / "zh.html").read_text(encoding="utf-8"))
    leapsim("report", out, "-o", tmp_path / "en.html", "--lang", "en")
    assert "count the 20 draws as the independent units" in html.unescape((tmp_path / "en.html").read_text("utf-8"))
    assert "以 20 组参数为独立单位计算" in page
