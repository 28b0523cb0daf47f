"""The package's report page, workbook, Chinese plots and progress bar, from Python: sections a
results file does not hold are named as absent (never an error), a section it holds is listed,
Chinese labels draw with no missing glyph, and leapsim.run shows a tqdm bar."""

import io
import pathlib
import shutil
import warnings

import h5py
import pytest

import leapsim
import leapsim.html_report
import leapsim.plot

ROOT = pathlib.Path(__file__).resolve().parents[2]
TINY_STUDY = ROOT / "scenarios" / "small" / "tiny-study.yaml"
TINY_SCENARIO = ROOT / "scenarios" / "small" / "tiny.yaml"
MISSING_GLYPH = "missing from current font"


@pytest.fixture(scope="module")
def results():
    return leapsim.run(leapsim.load(TINY_STUDY), replications=10, progress=False)


@pytest.fixture(scope="module")
def saved(results, tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny") / "tiny.h5"
    results.save(path)
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_bare_scenario_gives_a_report_that_says_what_it_lacks(tmp_path, lang):
    bare = leapsim.run(leapsim.load(TINY_SCENARIO), replications=3, progress=False)  # no targets, no alternatives
    path = leapsim.report(bare, tmp_path / "bare.html", lang=lang)
    text = pathlib.Path(path).read_text(encoding="utf-8")
    expected = {"zh": ["本研究没有设定目标。", "本研究没有备选方案", "未提供敏感性分析，本节从略", "此结果文件不含后验分布或校准结果"],
                "en": ["The study sets no targets.", "The study has no alternatives",
                       "No sensitivity analysis was given, so the section is left out",
                       "holds no posterior or calibration results"]}[lang]
    for line in expected:
        assert line in text


def test_a_section_the_file_holds_is_listed_not_called_absent(saved, tmp_path):
    copy = tmp_path / "with-calibration.h5"
    shutil.copy(saved, copy)
    with h5py.File(copy, "a") as f:  # a later layout's group: the page lists what it cannot draw yet
        f.create_group("calibration").create_dataset("fit", data=[[1.0, 2.0]])
    text = leapsim.html_report.render(leapsim.open(copy), "en")
    assert "holds no posterior or calibration results" not in text
    assert "calibration/fit" in text and "cannot show yet" in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_says_which_assumptions_drive_the_answer(results, tmp_path, lang):
    inputs = [("policy.budget", 1.0e11, 1.0e12), ("initial[1].count", 6, 30)]
    s = leapsim.sensitivity(leapsim.load(TINY_STUDY), inputs, trajectories=3, replications=3, threads=2)
    saved = tmp_path / "sens.h5"
    s.save(saved)
    text = leapsim.html_report.render(results, lang, sensitivity=saved)
    strongest = s.ranked("tech_smes_2021")  # the decision year is the first target's, 2021
    assert "initial[1].count" in text and f"initial[1].count {strongest['mu_star'].iloc[0]:.3g}" in text
    assert f"{s.outputs.loc['tech_smes_2021', 'noise_floor']:.3g}" in text
    assert ("改变名次的输入" if lang == "zh" else "the inputs that change it") in text
    assert ("未提供敏感性分析" if lang == "zh" else "No sensitivity analysis was given") not in text
    # A study the analysis was not made from is pointed out, not hidden.
    other = leapsim.run(leapsim.load(TINY_SCENARIO), replications=3, progress=False)
    assert ("研究文件" if lang == "zh" else "made from another study file") in \
        leapsim.html_report.render(other, lang, sensitivity=s)


def test_the_page_tells_how_an_adaptive_run_stopped(tmp_path):
    adaptive = leapsim.run(leapsim.load(TINY_STUDY), replications=4, precision="htes:2021:50", progress=False)
    text = leapsim.html_report.render(adaptive, "en")
    assert "Adaptive replications" in text and "every precision asked for was reached" in text
    assert "htes:2021:50" in text and "asked at most 50: reached" in text
    assert "Adaptive replications" not in leapsim.html_report.render(
        leapsim.run(leapsim.load(TINY_STUDY), replications=4, progress=False), "en")


def test_unknown_language_is_refused(results, tmp_path):
    for call in (lambda: leapsim.report(results, tmp_path / "r.html", lang="fr"),
                 lambda: results.to_excel(tmp_path / "r.xlsx", lang="fr"),
                 lambda: leapsim.plot.fan(results, "htes", ax=_axes(), lang="fr")):
        with pytest.raises(ValueError, match="unknown language 'fr'"):
            call()
    assert list(tmp_path.iterdir()) == []


def test_to_excel_writes_the_workbook(results, tmp_path):
    import openpyxl
    path = results.to_excel(tmp_path / "tiny.xlsx", lang="en")
    book = openpyxl.load_workbook(path, read_only=True)
    header = next(book["Yearly summary"].iter_rows(values_only=True))
    assert header == ("scenario", "year", "metric code", "metric", "unit", "mean", "standard deviation",
                      "5% quantile", "median", "95% quantile")
    with pytest.raises(leapsim.UsageError, match="exists"):
        results.to_excel(path)


def _axes(figsize=(6, 4)):
    from matplotlib.figure import Figure
    return Figure(figsize=figsize).subplots()


def _png_warnings(figure):
    """Every warning matplotlib gives while rendering the figure to PNG."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught]


def test_chinese_plots_draw_every_glyph(results):
    assert leapsim.plot.cjk_font() is not None, "no CJK font: scripts/install-deps.sh installs fonts-noto-cjk"
    ax = _axes()
    leapsim.plot.fan(results, "subsidies_paid", ax=ax, lang="zh")
    assert ax.get_ylabel() == "奖补资金支出合计（万元）" and ax.get_legend().get_texts()[0].get_text() == "基准方案"
    figures = [ax.figure]
    ax = _axes()
    leapsim.plot.differences(results, "htes", ax=ax, lang="zh")
    assert "年末有效高新技术企业数" in ax.get_xlabel()
    figures.append(ax.figure)
    ax = _axes()
    leapsim.plot.target_probabilities(results, ax=ax, lang="zh")
    assert ax.get_ylabel() == "达成目标的概率"
    figures.append(ax.figure)
    figures.append(leapsim.plot.fan_grid(results, "tech_smes", lang="zh"))
    for figure in figures:
        assert [w for w in _png_warnings(figure) if MISSING_GLYPH in w] == []


def test_the_glyph_check_catches_a_font_without_chinese():
    ax = _axes()
    ax.set_title("高新技术企业", fontfamily="DejaVu Sans")  # no fallback: the boxes the issue saw
    assert any(MISSING_GLYPH in w for w in _png_warnings(ax.figure))


def test_fan_money_in_wan_yuan(results):
    ax = _axes()
    leapsim.plot.fan(results, "subsidies_paid", scenarios=["base"], ax=ax, lang="zh")
    drawn = ax.lines[0].get_ydata()
    import numpy as np
    assert np.allclose(drawn, np.median(results.metric("subsidies_paid"), axis=0) / 1e4)


def test_run_shows_a_progress_bar(capsys):
    leapsim.run(leapsim.load(TINY_STUDY), replications=3, progress=True)
    err = capsys.readouterr().err
    assert "leapsim: 100%|" in err and "12/12" in err  # tqdm's bar: 4 scenarios x 3 replications


def test_the_summary_names_the_best_package_by_cost_per_extra_hte(tmp_path):
    congtai = leapsim.run(leapsim.load(ROOT / "scenarios" / "congtai-2019.yaml"), replications=20, progress=False)
    ce = congtai.cost_effectiveness("htes", 2025)
    clear = ce[ce["extra_low"] > 0]
    free = clear[clear["extra_cost"] <= 0]
    expected = free.loc[free["extra"].idxmax()] if not free.empty else clear.loc[clear["cost_per_unit"].idxmin()]
    text = leapsim.html_report.render(congtai, "en")
    assert f'By the county\'s cost per extra HTE in 2025, the best package is "{expected["scenario"]}"' in \
        text.replace("&#34;", '"').replace("&#39;", "'")
