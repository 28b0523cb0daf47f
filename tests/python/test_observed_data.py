"""The observed figures the calibration fits: the CSV parses, each row is complete, no figure
is for a year after 2018 (those years are what the forecasts are for), and every qualifier is
one the README defines."""

import csv
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "observed"
COLUMNS = ["geography", "year", "metric", "value", "qualifier", "source", "note"]


def rows():
    with open(DATA / "observed.csv", newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def documented_qualifiers():
    """The qualifiers listed in the README's table, so the code and the docs cannot drift."""
    text = (DATA / "README.md").read_text(encoding="utf-8")
    section = text.split("Qualifiers", 1)[1].split("## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M))


def test_every_row_is_complete_and_numeric():
    table = rows()
    assert len(table) >= 40
    for line, row in enumerate(table, start=2):
        for column in COLUMNS[:-1]:
            assert row[column].strip(), f"observed.csv line {line}: empty {column}"
        assert re.fullmatch(r"[a-z_]+", row["geography"]), f"line {line}: geography {row['geography']!r}"
        assert re.fullmatch(r"[a-z0-9_]+", row["metric"]), f"line {line}: metric {row['metric']!r}"
        assert float(row["value"]) >= 0, f"line {line}: value {row['value']!r}"


def test_no_figure_after_2018():
    for line, row in enumerate(rows(), start=2):
        year = int(row["year"])
        assert 2000 <= year <= 2018, f"observed.csv line {line}: year {year} is outside 2000-2018"


def test_every_qualifier_is_known():
    known = documented_qualifiers()
    assert {"exact", "more_than", "mid_year", "first_half", "definition_change"} <= known
    for line, row in enumerate(rows(), start=2):
        words = row["qualifier"].split(";")
        for word in words:
            assert word in known, f"observed.csv line {line}: unknown qualifier {word!r}"
        assert not ("exact" in words and len(words) > 1), f"line {line}: 'exact' with other qualifiers"


def test_no_row_is_given_twice():
    seen = {}
    for line, row in enumerate(rows(), start=2):
        key = (row["geography"], row["year"], row["metric"], row["qualifier"], row["value"])
        assert key not in seen, f"observed.csv line {line} repeats line {seen[key]}"
        seen[key] = line


def test_the_shared_figures_are_all_kept():
    """Every figure of the project's starting table is here (Handan's year-end row renamed)."""
    table = {(r["geography"], r["year"], r["metric"], float(r["value"])) for r in rows()}
    shared = [
        ("hebei", "2012", "hte", 685), ("hebei", "2016", "hte", 1630), ("hebei", "2017", "hte", 3174),
        ("hebei", "2017", "hte_new", 1079), ("hebei", "2013", "tech_sme", 8900),
        ("hebei", "2016", "tech_sme", 38000), ("hebei", "2017", "tech_sme", 55000),
        ("handan", "2012", "hte", 43), ("handan", "2015", "hte", 94), ("handan", "2015", "tech_sme", 2485),
        ("handan", "2015", "tech_sme", 4000), ("congtai", "2018", "hte", 27), ("congtai", "2018", "tech_sme", 667),
    ]
    for g, y, m, v in shared:
        assert (g, y, m, float(v)) in table, f"missing {g} {y} {m} {v}"
