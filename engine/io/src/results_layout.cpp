#include "leapsim/io/results_layout.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <set>
#include <sstream>
#include <string_view>

#include "leapsim/engine/errors.hpp"

namespace leapsim::io {
namespace {

using Texts = std::vector<std::string>;
using Integers = std::vector<std::int64_t>;
using Numbers = std::vector<double>;

// The statistic columns the report reads by position; docs/output-format.md names them.
constexpr const char* kSummaryColumns[] = {"mean", "sd", "p05", "p50", "p95"};
constexpr const char* kComparisonColumns[] = {
    "mean_difference",     "ci95_low",          "ci95_high", "variance_base", "variance_alternative",
    "variance_difference", "variance_reduction"};
constexpr const char* kComparisonSymbols[] = {">=", ">", "<=", "<"};
constexpr const char* kDecompositionColumns[] = {"total_variance", "between_draws", "within_draws", "parameter_share"};
/// The calendar years a scenario may span: dates are written YYYY-MM-DD.
constexpr std::int64_t kFirstYear = 1, kLastYear = 9999;

/// How each alternative of AttributeValue is named in messages, in the variant's order.
constexpr const char* kKindNames[] = {
    "text", "a float64", "an int64", "a uint64", "a list of float64", "a list of int64", "a list of text"};

template <class T>
const char* kind_name() {
  return kKindNames[AttributeValue(T{}).index()];
}

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string out;
  for (const std::size_t d : shape) out += (out.empty() ? "" : " x ") + std::to_string(d);
  return out.empty() ? "a scalar" : out;
}

bool is_whole(double v) { return std::isfinite(v) && v == std::floor(v); }

/// One pass over a tree against the layout; the first problem ends it with IoError.
class Layout {
 public:
  Layout(const ResultGroup& root, std::string file) : root_(root), file_(std::move(file)) {}

  void check() {
    check_root();
    check_scenarios();
    check_comparisons();
    check_targets();
    check_parameter_draws();
  }

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw IoError(file_ + ": " + where + ": " + what);
  }

  template <class T>
  const T* optional(const std::vector<Attribute>& attributes, const std::string& path, const char* name) const {
    const auto found =
        std::find_if(attributes.begin(), attributes.end(), [name](const Attribute& a) { return a.name == name; });
    if (found == attributes.end()) return nullptr;
    const AttributeValue* v = &found->value;
    if (!std::holds_alternative<T>(*v))
      fail(path, std::string("attribute '") + name + "' is " + kKindNames[v->index()] + ", expected " + kind_name<T>());
    return &std::get<T>(*v);
  }

  template <class T>
  const T& required(const std::vector<Attribute>& attributes, const std::string& path, const char* name) const {
    const T* v = optional<T>(attributes, path, name);
    if (v == nullptr) fail(path, std::string("has no attribute '") + name + "' (" + kind_name<T>() + ")");
    return *v;
  }

  /// A list attribute that must have `length` entries.
  template <class T>
  const T& list(const ResultGroup& g, const std::string& path, const char* name, std::size_t length,
                const char* what) const {
    const T& v = required<T>(g.attributes, path, name);
    if (v.size() != length)
      fail(path, std::string("attribute '") + name + "' has " + std::to_string(v.size()) + " entries, expected " +
                     std::to_string(length) + " (" + what + ")");
    return v;
  }

  const ResultGroup& group(const ResultGroup& parent, const std::string& path, const std::string& name) const {
    const ResultGroup* g = parent.group(name);
    if (g == nullptr) fail(path + name, "missing group");
    return *g;
  }

  /// The dataset `name` of `parent`, which must be rows x columns.
  const ResultArray& array(const ResultGroup& parent, const std::string& path, const std::string& name,
                           std::vector<std::size_t> shape, const char* axes) const {
    const ResultArray* a = parent.array(name);
    if (a == nullptr) fail(path + name, "missing dataset");
    if (a->shape != shape)
      fail(path + name, "shape " + shape_text(a->shape) + ", expected " + shape_text(shape) + " (" + axes + ")");
    return *a;
  }

  /// Checks every value of one column (or of every column when `column` is npos) of a 2-D dataset.
  void values(const ResultArray& a, const std::string& path, std::size_t column, const std::function<bool(double)>& ok,
              const char* expected) const {
    const std::size_t width = a.shape.size() == 2 ? a.shape[1] : 1;
    for (std::size_t i = 0; i < a.values.size(); ++i) {
      if (column != std::string::npos && i % width != column) continue;
      if (ok(a.values[i])) continue;
      const std::string index = a.shape.size() == 2
                                    ? "[" + std::to_string(i / width) + ", " + std::to_string(i % width) + "]"
                                    : "[" + std::to_string(i) + "]";
      fail(path, "value " + index + " is " + number_text(a.values[i]) + "; expected " + expected);
    }
  }

  void check_root() {
    const std::string at = "/";
    const auto version = required<std::int64_t>(root_.attributes, at, "format_version");
    if (version != 1) fail(at, "format_version is " + std::to_string(version) + "; this leapsim reads version 1");
    for (const char* text : {"leapsim_version", "created", "command_line", "study_file", "study_yaml"})
      optional<std::string>(root_.attributes, at, text);
    required<std::string>(root_.attributes, at, "study_name");
    required<std::uint64_t>(root_.attributes, at, "seed");
    const auto replications = required<std::int64_t>(root_.attributes, at, "replications");
    if (replications < 1) fail(at, "replications is " + std::to_string(replications) + "; expected at least 1");
    replications_ = static_cast<std::size_t>(replications);
    const auto first = required<std::int64_t>(root_.attributes, at, "first_year");
    const auto last = required<std::int64_t>(root_.attributes, at, "last_year");
    if (first < kFirstYear || last > kLastYear || first > last)
      fail(at, "years " + std::to_string(first) + "-" + std::to_string(last) +
                   "; expected first_year <= last_year, both in " + std::to_string(kFirstYear) + "-" +
                   std::to_string(kLastYear));
    years_ = static_cast<std::size_t>(last - first + 1);
    scenarios_ = required<Texts>(root_.attributes, at, "scenarios");
    if (scenarios_.empty()) fail(at, "attribute 'scenarios' is empty; expected the base at least");
    std::set<std::string> unique;
    for (const std::string& name : scenarios_)
      if (name.empty() || !unique.insert(name).second)
        fail(at, "attribute 'scenarios' lists '" + name + "' " + (name.empty() ? "(an empty name)" : "twice"));
    if (const auto* events = optional<std::int64_t>(root_.attributes, at, "events"); events != nullptr && *events < 0)
      fail(at, "events is negative");
    if (const auto* seconds = optional<double>(root_.attributes, at, "run_seconds");
        seconds != nullptr && !(std::isfinite(*seconds) && *seconds >= 0.0))
      fail(at, "run_seconds is " + number_text(*seconds) + "; expected a finite number >= 0");
    if (const auto* ranks = optional<std::int64_t>(root_.attributes, at, "ranks"); ranks != nullptr && *ranks < 1)
      fail(at, "ranks is " + std::to_string(*ranks) + "; expected at least 1");
    optional<Texts>(root_.attributes, at, "hosts");
    const ResultArray& years = array(root_, at, "years", {years_}, "years from first_year to last_year");
    values(
        years, "/years", std::string::npos, [&, y = first](double v) mutable { return v == static_cast<double>(y++); },
        "first_year, first_year + 1, ... in order");
  }

  void check_scenarios() {
    const ResultGroup& scenarios = group(root_, "/", "scenarios");
    const ResultGroup& base_metrics =
        group(group(scenarios, "/scenarios/", scenarios_.front()), "/scenarios/" + scenarios_.front() + "/", "metrics");
    for (const ResultArray& a : base_metrics.arrays) metrics_.push_back(a.name);
    if (metrics_.empty()) fail("/scenarios/" + scenarios_.front() + "/metrics", "holds no metrics");
    for (const std::string& name : scenarios_) {
      const std::string path = "/scenarios/" + name + "/";
      const ResultGroup& s = group(scenarios, "/scenarios/", name);
      for (const char* text : {"description", "source", "resolved_yaml"})
        optional<std::string>(s.attributes, path, text);
      if (const auto* events = optional<std::int64_t>(s.attributes, path, "events"); events != nullptr && *events < 0)
        fail(path, "events is negative");
      const ResultGroup& metrics = group(s, path, "metrics");
      const ResultGroup& summary = group(s, path, "summary");
      for (const std::string& m : metrics_) {
        const std::string metric_path = path + "metrics/" + m;
        const ResultArray& values_of =
            array(metrics, path + "metrics/", m, {replications_, years_}, "replications x years");
        values(
            values_of, metric_path, std::string::npos, [](double v) { return std::isfinite(v); }, "a finite number");
        required<std::string>(values_of.attributes, metric_path, "unit");
        const std::string summary_path = path + "summary/" + m;
        const ResultArray& stats =
            array(summary, path + "summary/", m, {years_, std::size(kSummaryColumns)}, "years x statistics");
        check_columns(stats.attributes, summary_path, kSummaryColumns);
        values(
            stats, summary_path, std::string::npos, [](double v) { return std::isfinite(v); }, "a finite number");
        values(
            stats, summary_path, 1, [](double v) { return v >= 0.0; }, "a standard deviation >= 0");
      }
      if (const ResultTable* events = s.table("events")) check_event_kinds(*events, path + "events");
      if (const ResultGroup* split = s.group("variance_decomposition"))
        check_decomposition(*split, path + "variance_decomposition");
    }
  }

  /// A scenario's variance decomposition: years x columns per metric; shares in [0, 1] or NaN when
  /// not estimable.
  void check_decomposition(const ResultGroup& g, const std::string& path) const {
    if (root_.group("parameter_draws") == nullptr) fail(path, "a variance decomposition without /parameter_draws");
    check_columns(g.attributes, path, kDecompositionColumns);
    const auto estimable = required<std::int64_t>(g.attributes, path, "estimable");
    if (estimable != 0 && estimable != 1) fail(path, "estimable is " + std::to_string(estimable) + "; expected 0 or 1");
    for (const ResultArray& a : g.arrays) {
      const std::string p = path + "/" + a.name;
      array(g, path + "/", a.name, {years_, std::size(kDecompositionColumns)}, "years x columns");
      values(
          a, p, 0, [](double v) { return std::isfinite(v) && v >= 0.0; }, "a finite variance >= 0");
      for (std::size_t c = 1; c <= 2; ++c)
        values(
            a, p, c, [&](double v) { return estimable == 0 ? std::isnan(v) : std::isfinite(v) && v >= 0.0; },
            estimable == 0 ? "NaN (not estimable)" : "a finite variance >= 0");
      values(
          a, p, 3, [&](double v) { return std::isnan(v) || (estimable == 1 && v >= 0.0 && v <= 1.0); },
          "a share in [0, 1], or NaN");
    }
  }

  /// Each replication's posterior draw: values [replications x parameters] named by the
  /// `parameters` attribute, and a table of replication, draw and particle.
  void check_parameter_draws() const {
    const ResultGroup* g = root_.group("parameter_draws");
    if (g == nullptr) return;
    const std::string at = "/parameter_draws";
    required<std::string>(g->attributes, at, "posterior_file");
    required<std::string>(g->attributes, at, "posterior_digest");
    required<std::uint64_t>(g->attributes, at, "calibration_seed");
    const auto runs = required<std::int64_t>(g->attributes, at, "runs_per_draw");
    if (runs < 1) fail(at, "runs_per_draw is " + std::to_string(runs) + "; expected at least 1");
    const auto particles = required<std::int64_t>(g->attributes, at, "particles");
    const Texts& paths = required<Texts>(g->attributes, at, "parameters");
    const ResultArray& v = array(*g, at + "/", "values", {replications_, paths.size()}, "replications x parameters");
    values(
        v, at + "/values", std::string::npos, [](double x) { return std::isfinite(x); }, "a finite number");
    const ResultTable* t = g->table("replications");
    if (t == nullptr) fail(at + "/replications", "missing table");
    if (t->rows() != replications_)
      fail(at + "/replications", std::to_string(t->rows()) + " rows, expected one a replication");
    for (const char* name : {"replication", "draw", "particle"}) {
      const auto column =
          std::find_if(t->columns.begin(), t->columns.end(), [name](const TableColumn& c) { return c.name == name; });
      const auto* ints = column == t->columns.end() ? nullptr : std::get_if<Integers>(&column->values);
      if (ints == nullptr) fail(at + "/replications", std::string("no int64 column '") + name + "'");
      for (std::size_t r = 0; r < ints->size(); ++r) {
        const std::int64_t x = (*ints)[r];
        const std::int64_t expected = static_cast<std::int64_t>(r);
        const bool ok = std::string_view(name) == "replication" ? x == expected
                        : std::string_view(name) == "draw"      ? x == expected / runs
                                                                : x >= 0 && x < particles;
        if (!ok)
          fail(at + "/replications", "row " + std::to_string(r) + ": " + name + " is " + std::to_string(x) +
                                         (std::string_view(name) == "particle"
                                              ? "; expected an index below particles"
                                              : "; expected replication / runs_per_draw for draw, r for replication"));
      }
    }
  }

  /// The attribute `columns` of `g` must name exactly these columns, in order.
  template <std::size_t N>
  void check_columns(const std::vector<Attribute>& attributes, const std::string& path,
                     const char* const (&expected)[N]) const {
    const Texts& columns = required<Texts>(attributes, path, "columns");
    if (!std::equal(columns.begin(), columns.end(), std::begin(expected), std::end(expected))) {
      std::string names;
      for (const char* c : expected) names += (names.empty() ? "" : ", ") + std::string(c);
      fail(path, "attribute 'columns' is not [" + names + "]");
    }
  }

  void check_event_kinds(const ResultTable& events, const std::string& path) const {
    const Texts& kinds = required<Texts>(events.attributes, path, "kind_names");
    for (const TableColumn& c : events.columns) {
      if (c.name != "kind") continue;
      const auto* codes = std::get_if<std::vector<std::int64_t>>(&c.values);
      if (codes == nullptr) fail(path, "column 'kind' holds floats, expected int64 indexes into kind_names");
      for (std::size_t r = 0; r < codes->size(); ++r)
        if ((*codes)[r] < 0 || static_cast<std::size_t>((*codes)[r]) >= kinds.size())
          fail(path, "row " + std::to_string(r) + ": kind " + std::to_string((*codes)[r]) +
                         " is not an index into the " + std::to_string(kinds.size()) + " kind_names");
      return;
    }
    fail(path, "has no column 'kind'");
  }

  void check_comparisons() {
    const std::string at = "/comparisons";
    const ResultGroup& comparisons = group(root_, "/", "comparisons");
    const std::string& base = required<std::string>(comparisons.attributes, at, "base");
    if (std::find(scenarios_.begin(), scenarios_.end(), base) == scenarios_.end())
      fail(at, "attribute 'base' is '" + base + "', not one of the scenarios");
    const double confidence = required<double>(comparisons.attributes, at, "confidence");
    if (!(confidence > 0.0 && confidence < 1.0))
      fail(at, "confidence is " + number_text(confidence) + "; expected a level between 0 and 1");
    check_columns(comparisons.attributes, at, kComparisonColumns);
    for (const ResultGroup& alternative : comparisons.groups) {
      const std::string path = at + "/" + alternative.name + "/";
      if (alternative.name == base) fail(path, "compares the base with itself");
      if (std::find(scenarios_.begin(), scenarios_.end(), alternative.name) == scenarios_.end())
        fail(path, "is not one of the scenarios");
      for (const std::string& m : metrics_) {
        const ResultArray& a = array(alternative, path, m, {years_, std::size(kComparisonColumns)}, "years x columns");
        const std::string p = path + m;
        values(
            a, p, 0, [](double v) { return std::isfinite(v); }, "a finite mean difference");
        for (std::size_t y = 0; y < years_; ++y) {
          const double* row = &a.values[y * std::size(kComparisonColumns)];
          if (std::isnan(row[1]) || std::isnan(row[2]) || !(row[1] <= row[0] && row[0] <= row[2]))
            fail(p, "year " + std::to_string(y) + ": interval [" + number_text(row[1]) + ", " + number_text(row[2]) +
                        "] does not hold the mean difference " + number_text(row[0]));
        }
        for (std::size_t c = 3; c <= 5; ++c)
          values(
              a, p, c, [](double v) { return std::isfinite(v) && v >= 0.0; }, "a finite variance >= 0");
        values(
            a, p, 6, [](double v) { return v >= 0.0; }, "a variance reduction >= 0 (inf when exact)");
      }
    }
  }

  void check_targets() {
    const std::string at = "/targets";
    const ResultGroup& targets = group(root_, "/", "targets");
    const std::size_t n = required<Texts>(targets.attributes, at, "label").size();
    list<Texts>(targets, at, "metric", n, "one per label");
    list<Integers>(targets, at, "year", n, "one per label");
    for (const std::string& c : list<Texts>(targets, at, "comparison", n, "one per label"))
      if (std::find(std::begin(kComparisonSymbols), std::end(kComparisonSymbols), c) == std::end(kComparisonSymbols))
        fail(at, "comparison '" + c + "' is not one of >=, >, <=, <");
    for (const double t : list<Numbers>(targets, at, "threshold", n, "one per label"))
      if (!std::isfinite(t)) fail(at, "threshold " + number_text(t) + " is not a finite number");
    if (list<Texts>(targets, at, "scenarios", scenarios_.size(), "one per scenario") != scenarios_)
      fail(at, "attribute 'scenarios' differs from the root's");
    const std::vector<std::size_t> shape{n, scenarios_.size()};
    const auto share = [](double v) { return v >= 0.0 && v <= 1.0; };
    const ResultArray& p = array(targets, at + "/", "probability", shape, "targets x scenarios");
    values(p, at + "/probability", std::string::npos, share, "a probability in [0, 1]");
    const ResultArray& low = array(targets, at + "/", "wilson95_low", shape, "targets x scenarios");
    values(low, at + "/wilson95_low", std::string::npos, share, "a probability in [0, 1]");
    const ResultArray& high = array(targets, at + "/", "wilson95_high", shape, "targets x scenarios");
    values(high, at + "/wilson95_high", std::string::npos, share, "a probability in [0, 1]");
    const ResultArray& met = array(targets, at + "/", "replications_met", shape, "targets x scenarios");
    const double r = static_cast<double>(replications_);
    values(
        met, at + "/replications_met", std::string::npos, [r](double v) { return is_whole(v) && v >= 0.0 && v <= r; },
        "a whole number of replications, 0 to replications");
    constexpr double kRounding = 1e-9;  // the Wilson bounds are computed in floating point
    for (std::size_t i = 0; i < p.values.size(); ++i) {
      const std::string cell =
          "[" + std::to_string(i / scenarios_.size()) + ", " + std::to_string(i % scenarios_.size()) + "]";
      if (std::abs(p.values[i] - met.values[i] / r) > kRounding)
        fail(at + "/probability",
             "value " + cell + " is " + number_text(p.values[i]) + ", not replications_met / replications");
      if (!(low.values[i] <= p.values[i] + kRounding && p.values[i] <= high.values[i] + kRounding))
        fail(at, "target " + cell + ": the Wilson interval [" + number_text(low.values[i]) + ", " +
                     number_text(high.values[i]) + "] does not hold the probability " + number_text(p.values[i]));
    }
  }

  const ResultGroup& root_;
  std::string file_;
  std::size_t replications_ = 0;
  std::size_t years_ = 0;
  Texts scenarios_;
  Texts metrics_;
};

}  // namespace

bool declares_leapsim_results(const ResultGroup& root) {
  const AttributeValue* format = root.attribute("format");
  return format != nullptr && std::holds_alternative<std::string>(*format) &&
         std::get<std::string>(*format) == "leapsim-results";
}

void check_results_layout(const ResultGroup& root, const std::string& file) { Layout(root, file).check(); }

}  // namespace leapsim::io
