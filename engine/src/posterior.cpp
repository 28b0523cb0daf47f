#include "leapsim/engine/posterior.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "leapsim/engine/errors.hpp"

namespace leapsim::abc {
namespace {

// ---- words ----------------------------------------------------------------------------------

template <class E>
using WordTable = std::pair<E, const char*>;

constexpr WordTable<PriorKind> kPriorKinds[] = {
    {PriorKind::uniform, "uniform"}, {PriorKind::log_uniform, "log_uniform"}, {PriorKind::normal, "normal"}};
constexpr WordTable<Qualifier> kQualifiers[] = {{Qualifier::exact, "exact"},
                                                {Qualifier::lower_bound, "lower_bound"},
                                                {Qualifier::upper_bound, "upper_bound"},
                                                {Qualifier::interval, "interval"}};
constexpr WordTable<ToleranceSchedule> kSchedules[] = {{ToleranceSchedule::quantile, "quantile"},
                                                       {ToleranceSchedule::ess, "ess"}};
constexpr WordTable<KernelKind> kKernels[] = {{KernelKind::twice_covariance, "twice_covariance"},
                                              {KernelKind::local_optimal, "local_optimal"}};
constexpr WordTable<SeedSharing> kSeedSharings[] = {{SeedSharing::independent, "independent"},
                                                    {SeedSharing::per_particle, "per_particle"},
                                                    {SeedSharing::per_generation, "per_generation"}};
// abc_smc.hpp's to_string names the stop reasons; the table only lists them.
const WordTable<StopReason> kStopReasons[] = {
    {StopReason::final_tolerance, to_string(StopReason::final_tolerance)},
    {StopReason::max_generations, to_string(StopReason::max_generations)},
    {StopReason::simulation_budget, to_string(StopReason::simulation_budget)},
    {StopReason::acceptance_too_low, to_string(StopReason::acceptance_too_low)}};

template <class E, std::size_t N>
const char* word_in(const WordTable<E> (&table)[N], E value) noexcept {
  for (const auto& [e, word] : table)
    if (e == value) return word;
  return "unknown";
}

template <class E, std::size_t N>
std::optional<E> value_in(const WordTable<E> (&table)[N], std::string_view word) {
  for (const auto& [e, w] : table)
    if (word == w) return e;
  return std::nullopt;
}

/// "'a', 'b' or 'c'", for messages.
template <class E, std::size_t N>
std::string choices(const WordTable<E> (&table)[N]) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i)
    out += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + ("'" + std::string(table[i].second) + "'");
  return out;
}

/// A number as messages show it: shortest form that reads back, "inf" for infinity.
std::string shown(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", x);
  for (int digits = 1; digits < 17; ++digits) {
    char shorter[32];
    std::snprintf(shorter, sizeof shorter, "%.*g", digits, x);
    if (std::strtod(shorter, nullptr) == x) return shorter;
  }
  return text;
}

// ---- writing --------------------------------------------------------------------------------

Attribute whole(std::string name, std::size_t value) { return {std::move(name), static_cast<std::int64_t>(value)}; }

ResultArray vector_array(std::string name, const std::vector<double>& values) {
  return {std::move(name), {values.size()}, values, {}};
}

/// Rows of equal length as a [rows x columns] array with the columns' names.
ResultArray matrix_array(std::string name, const std::vector<std::vector<double>>& rows,
                         const std::vector<std::string>& columns) {
  ResultArray a{std::move(name), {rows.size(), columns.size()}, {}, {{"names", columns}}};
  a.values.reserve(rows.size() * columns.size());
  for (const std::vector<double>& row : rows) a.values.insert(a.values.end(), row.begin(), row.end());
  return a;
}

/// One column of a table from a field of each item.
template <class Item, class F>
TableColumn column_of(std::string name, const std::vector<Item>& items, F field) {
  using Value = decltype(field(items.front()));
  if constexpr (std::is_floating_point_v<Value>) {
    std::vector<double> v;
    for (const Item& item : items) v.push_back(field(item));
    return {std::move(name), std::move(v)};
  } else {
    std::vector<std::int64_t> v;
    for (const Item& item : items) v.push_back(static_cast<std::int64_t>(field(item)));
    return {std::move(name), std::move(v)};
  }
}

/// Throws UsageError unless the posterior is one its reader accepts in shape.
void check_writable(const Posterior& p) {
  const AbcResult& r = p.result;
  auto refuse = [](const std::string& what) { throw UsageError("posterior: " + what); };
  const std::size_t n = r.particles.size();
  const std::size_t d = p.priors.size();
  const std::size_t m = p.targets.size();
  if (n == 0) refuse("there are no particles to write (generation 0 did not complete)");
  if (d == 0 || m == 0) refuse("a posterior needs at least one parameter and one observed figure");
  if (r.weights.size() != n || r.distances.size() != n || r.summaries.size() != n)
    refuse("weights, distances and summaries must have one entry per particle");
  for (std::size_t i = 0; i < n; ++i)
    if (r.particles[i].size() != d || r.summaries[i].size() != m)
      refuse("particle " + std::to_string(i) + " has the wrong number of values or summaries");
  if (!p.predictive.empty()) {
    if (p.predictive.size() != n) refuse("the predictive check must have one row per particle");
    for (const std::vector<double>& row : p.predictive)
      if (row.size() != m) refuse("a row of the predictive check has the wrong number of summaries");
  }
  if (r.parameters.size() != d) refuse("the parameter reports must have one entry per prior");
  if (r.generations.empty()) refuse("there are no generations to write");
  if (p.settings.particles != n) refuse("settings.particles differs from the number of particles");
  if (!r.names.empty() && r.names.size() != d) refuse("the result names a different number of parameters");
  for (std::size_t k = 0; k < d; ++k)
    if ((!r.names.empty() && r.names[k] != p.priors[k].name) || r.parameters[k].name != p.priors[k].name)
      refuse("parameter " + std::to_string(k + 1) + " is named differently in the priors and the result");
}

ResultGroup settings_group(const AbcOptions& o) {
  ResultGroup g{"settings", {}, {}, {}, {}};
  g.attributes = {whole("particles", o.particles),
                  {"seed", o.seed},
                  {"initial_epsilon", o.initial_epsilon},
                  {"final_epsilon", o.final_epsilon},
                  whole("max_generations", o.max_generations),
                  whole("max_simulations", o.max_simulations),
                  whole("max_attempts_per_particle", o.max_attempts_per_particle),
                  {"schedule", std::string(to_word(o.schedule))},
                  {"tolerance_quantile", o.tolerance_quantile},
                  {"ess_fraction", o.ess_fraction},
                  {"kernel", std::string(to_word(o.kernel))},
                  {"seeds", std::string(to_word(o.seeds))},
                  whole("replicates", o.replicates),
                  {"identified_width_ratio", o.identified_width_ratio}};
  return g;
}

// ---- reading --------------------------------------------------------------------------------

const AttributeValue* find_attribute(const std::vector<Attribute>& attributes, const std::string& name) {
  for (const Attribute& a : attributes)
    if (a.name == name) return &a.value;
  return nullptr;
}

/// Reads a tree into a Posterior, object by object; every refusal names the file and the object.
class TreeReader {
 public:
  TreeReader(const ResultGroup& root, std::string file) : root_(root), file_(std::move(file)) {}

  Posterior read() {
    check_format();
    Posterior p;
    p.method = text(root_.attributes, "/", "method");
    if (p.method != "abc-smc") fail("/", "method '" + p.method + "' is not known (this LeapSim reads 'abc-smc')");
    p.created_by = text(root_.attributes, "/", "created_by");
    p.calibration_file = text(root_.attributes, "/", "calibration_file");
    p.calibration_text = text(root_.attributes, "/", "calibration_text");
    p.data_text = text(root_.attributes, "/", "data_text");
    p.scenario_text = text(root_.attributes, "/", "scenario_text");
    AbcResult& r = p.result;
    r.simulations = count(root_.attributes, "/", "simulations");
    r.stopped_by = word(root_.attributes, "/", "stopped_by", kStopReasons);

    const ResultArray& draws = matrix("draws");
    const std::size_t n = draws.shape[0];
    const std::size_t d = draws.shape[1];
    r.names = texts(draws.attributes, "/draws", "names", d);
    p.priors = read_priors(r.names);
    r.particles = rows_of(draws);
    check_support(p.priors, r.particles);
    r.weights = read_weights(n);
    r.distances = vector("distances", n);
    for (std::size_t i = 0; i < n; ++i)
      if (!(r.distances[i] >= 0.0))
        fail("/distances",
             "particle " + std::to_string(i) + "'s distance is " + shown(r.distances[i]) + "; a distance is 0 or more");

    p.targets = read_targets();
    r.summaries = per_target("summaries", n, p.targets);
    check_summaries(r);
    if (root_.array("predictive") != nullptr)  // optional: written when the check was run
      p.predictive = per_target("predictive", n, p.targets);

    r.generations = read_generations(n);
    r.parameters = read_parameters(r.names);
    p.settings = read_settings(n);
    return p;
  }

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw IoError(file_ + ": " + where + ": " + what);
  }

  void check_format() const {
    const AttributeValue* format = root_.attribute("format");
    if (format == nullptr) throw IoError(file_ + " is not a LeapSim posterior file (no format attribute)");
    const std::string* name = std::get_if<std::string>(format);
    if (name == nullptr) throw IoError(file_ + " is not a LeapSim posterior file (its format attribute is not text)");
    if (*name == "leapsim-results")
      throw IoError(file_ + " is a results file, not a posterior file (format 'leapsim-results')");
    if (*name != kPosteriorFormat) throw IoError(file_ + " is not a LeapSim posterior file (format '" + *name + "')");
    const AttributeValue* version = root_.attribute("version");
    if (version == nullptr) fail("/", "has no attribute 'version'");
    const std::int64_t* v = std::get_if<std::int64_t>(version);
    const std::uint64_t* u = std::get_if<std::uint64_t>(version);
    if (v == nullptr && u == nullptr) fail("/", "attribute 'version' is not an integer");
    if ((v != nullptr && *v != kPosteriorVersion) || (u != nullptr && *u != std::uint64_t(kPosteriorVersion)))
      fail("/", "version " + (v != nullptr ? std::to_string(*v) : std::to_string(*u)) +
                    " is not known (this LeapSim reads posterior files of version " +
                    std::to_string(kPosteriorVersion) + ")");
  }

  // -- attributes --

  const AttributeValue& attribute(const std::vector<Attribute>& attributes, const std::string& where,
                                  const std::string& name) const {
    const AttributeValue* a = find_attribute(attributes, name);
    if (a == nullptr) fail(where, "has no attribute '" + name + "'");
    return *a;
  }

  std::string text(const std::vector<Attribute>& attributes, const std::string& where, const std::string& name) const {
    const std::string* s = std::get_if<std::string>(&attribute(attributes, where, name));
    if (s == nullptr) fail(where, "attribute '" + name + "' is not text");
    return *s;
  }

  std::vector<std::string> texts(const std::vector<Attribute>& attributes, const std::string& where,
                                 const std::string& name, std::size_t expected) const {
    const auto* s = std::get_if<std::vector<std::string>>(&attribute(attributes, where, name));
    if (s == nullptr) fail(where, "attribute '" + name + "' is not a list of texts");
    if (s->size() != expected)
      fail(where, "attribute '" + name + "' has " + std::to_string(s->size()) + " entries, expected " +
                      std::to_string(expected));
    return *s;
  }

  /// A whole number of zero or more, stored signed (as h5py writes a Python int) or unsigned.
  std::uint64_t count(const std::vector<Attribute>& attributes, const std::string& where,
                      const std::string& name) const {
    const AttributeValue& a = attribute(attributes, where, name);
    if (const auto* u = std::get_if<std::uint64_t>(&a)) return *u;
    const auto* v = std::get_if<std::int64_t>(&a);
    if (v == nullptr) fail(where, "attribute '" + name + "' is not an integer");
    if (*v < 0) fail(where, "attribute '" + name + "' is " + std::to_string(*v) + "; it counts, so it is 0 or more");
    return static_cast<std::uint64_t>(*v);
  }

  /// A number; infinity allowed only where `infinite_ok` (a tolerance of "accept everything").
  double number(const std::vector<Attribute>& attributes, const std::string& where, const std::string& name,
                bool infinite_ok = false) const {
    const AttributeValue& a = attribute(attributes, where, name);
    double x = 0.0;
    if (const auto* f = std::get_if<double>(&a))
      x = *f;
    else if (const auto* v = std::get_if<std::int64_t>(&a))
      x = static_cast<double>(*v);
    else if (const auto* u = std::get_if<std::uint64_t>(&a))
      x = static_cast<double>(*u);
    else
      fail(where, "attribute '" + name + "' is not a number");
    if (std::isnan(x) || (!infinite_ok && !std::isfinite(x)))
      fail(where, "attribute '" + name + "' is " + shown(x) + "; it must be a finite number");
    return x;
  }

  template <class E, std::size_t N>
  E word(const std::vector<Attribute>& attributes, const std::string& where, const std::string& name,
         const WordTable<E> (&table)[N]) const {
    const std::string w = text(attributes, where, name);
    const std::optional<E> e = value_in(table, w);
    if (!e) fail(where, "attribute '" + name + "' is '" + w + "'; expected " + choices(table));
    return *e;
  }

  // -- arrays --

  static std::string shape_text(const std::vector<std::size_t>& shape) {
    std::string out;
    for (const std::size_t s : shape) out += (out.empty() ? "" : " x ") + std::to_string(s);
    return out.empty() ? "(a scalar)" : out;
  }

  const ResultArray& array(const std::string& name) const {
    const ResultArray* a = root_.array(name);
    if (a == nullptr) fail("/" + name, "is missing (a dataset of numbers)");
    return *a;
  }

  /// A [rows x columns] array with at least one of each.
  const ResultArray& matrix(const std::string& name) const {
    const ResultArray& a = array(name);
    if (a.shape.size() != 2 || a.shape[0] == 0 || a.shape[1] == 0)
      fail("/" + name, "shape " + shape_text(a.shape) + "; expected two dimensions, neither empty");
    return a;
  }

  std::vector<double> vector(const std::string& name, std::size_t n) const {
    const ResultArray& a = array(name);
    if (a.shape.size() != 1 || a.shape[0] != n)
      fail("/" + name, "shape " + shape_text(a.shape) + ", expected " + std::to_string(n) + " (one per particle)");
    return a.values;
  }

  /// A [particles x targets] array whose `names` are the targets', as rows.
  std::vector<std::vector<double>> per_target(const std::string& name, std::size_t n,
                                              const std::vector<Target>& targets) const {
    const ResultArray& a = matrix(name);
    if (a.shape[0] != n || a.shape[1] != targets.size())
      fail("/" + name, "shape " + shape_text(a.shape) + ", expected " + std::to_string(n) + " x " +
                           std::to_string(targets.size()) + " (particles x targets)");
    same_names(texts(a.attributes, "/" + name, "names", targets.size()), target_names(targets), "/" + name, "/targets");
    return rows_of(a);
  }

  static std::vector<std::vector<double>> rows_of(const ResultArray& a) {
    std::vector<std::vector<double>> rows(a.shape[0]);
    for (std::size_t i = 0; i < rows.size(); ++i)
      rows[i].assign(a.values.begin() + static_cast<std::ptrdiff_t>(i * a.shape[1]),
                     a.values.begin() + static_cast<std::ptrdiff_t>((i + 1) * a.shape[1]));
    return rows;
  }

  std::vector<double> read_weights(std::size_t n) const {
    std::vector<double> w = vector("weights", n);
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(w[i]) || w[i] < 0.0)
        fail("/weights", "particle " + std::to_string(i) + "'s weight is " + shown(w[i]) +
                             "; a weight is a finite number, 0 or more");
      total += w[i];
    }
    if (!(std::abs(total - 1.0) <= kWeightSumTolerance))
      fail("/weights", "the weights sum to " + shown(total) + ", not 1 (within " + shown(kWeightSumTolerance) + ")");
    return w;
  }

  // -- tables --

  const ResultTable& table(const std::string& name, std::size_t rows, const std::string& what) const {
    const ResultTable* t = root_.table(name);
    if (t == nullptr) fail("/" + name, "is missing (a table)");
    if (t->rows() != rows)
      fail("/" + name,
           "has " + std::to_string(t->rows()) + " rows, expected " + std::to_string(rows) + " (" + what + ")");
    return *t;
  }

  const TableColumn& column(const ResultTable& t, const std::string& name) const {
    for (const TableColumn& c : t.columns)
      if (c.name == name) return c;
    fail("/" + t.name, "has no column '" + name + "'");
  }

  /// A column of numbers (integers are taken too); NaN never, infinity only where allowed.
  std::vector<double> numbers(const ResultTable& t, const std::string& name, bool infinite_ok = false) const {
    const TableColumn& c = column(t, name);
    std::vector<double> out;
    if (const auto* v = std::get_if<std::vector<double>>(&c.values))
      out = *v;
    else
      for (const std::int64_t x : std::get<std::vector<std::int64_t>>(c.values)) out.push_back(static_cast<double>(x));
    for (std::size_t i = 0; i < out.size(); ++i)
      if (std::isnan(out[i]) || (!infinite_ok && !std::isfinite(out[i])))
        fail("/" + t.name, "row " + std::to_string(i) + ": '" + name + "' is " + shown(out[i]) + "; it must be a " +
                               (infinite_ok ? "number" : "finite number"));
    return out;
  }

  /// A column of integers of zero or more.
  std::vector<std::size_t> counts(const ResultTable& t, const std::string& name) const {
    const auto* v = std::get_if<std::vector<std::int64_t>>(&column(t, name).values);
    if (v == nullptr) fail("/" + t.name, "column '" + name + "' holds floats; expected integers");
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < v->size(); ++i) {
      if ((*v)[i] < 0) fail("/" + t.name, "row " + std::to_string(i) + ": '" + name + "' is negative");
      out.push_back(static_cast<std::size_t>((*v)[i]));
    }
    return out;
  }

  template <class E, std::size_t N>
  std::vector<E> words(const ResultTable& t, const std::string& name, const WordTable<E> (&table)[N]) const {
    std::vector<E> out;
    const std::string where = "/" + t.name;
    for (const std::string& w : texts(t.attributes, where, name, t.rows())) {
      const std::optional<E> e = value_in(table, w);
      if (!e) fail(where, "attribute '" + name + "' holds '" + w + "'; expected " + choices(table));
      out.push_back(*e);
    }
    return out;
  }

  void same_names(const std::vector<std::string>& got, const std::vector<std::string>& expected,
                  const std::string& where, const std::string& other) const {
    for (std::size_t i = 0; i < got.size(); ++i)
      if (got[i] != expected[i])
        fail(where, "name " + std::to_string(i + 1) + " is '" + got[i] + "' but '" + expected[i] + "' in " + other);
  }

  static std::vector<std::string> target_names(const std::vector<Target>& targets) {
    std::vector<std::string> out;
    for (const Target& t : targets) out.push_back(t.name);
    return out;
  }

  /// Reports a UsageError of abc::validate as this file's error at `where`.
  template <class Items>
  void validated(const Items& items, const std::string& where) const {
    try {
      validate(std::span<const typename Items::value_type>(items));
    } catch (const UsageError& e) {
      fail(where, e.what());
    }
  }

  std::vector<Prior> read_priors(const std::vector<std::string>& names) const {
    const std::size_t d = names.size();
    const ResultTable& t = table("priors", d, "one per parameter");
    same_names(texts(t.attributes, "/priors", "names", d), names, "/priors", "/draws");
    const std::vector<PriorKind> kinds = words(t, "kinds", kPriorKinds);
    const std::vector<double> mean = numbers(t, "mean"), sd = numbers(t, "sd");
    const std::vector<double> low = numbers(t, "low", true), high = numbers(t, "high", true);
    std::vector<Prior> priors(d);
    for (std::size_t k = 0; k < d; ++k) priors[k] = Prior{names[k], kinds[k], mean[k], sd[k], low[k], high[k]};
    validated(priors, "/priors");
    return priors;
  }

  void check_support(const std::vector<Prior>& priors, const std::vector<std::vector<double>>& particles) const {
    for (std::size_t i = 0; i < particles.size(); ++i)
      for (std::size_t k = 0; k < priors.size(); ++k) {
        const double x = particles[i][k];
        const Prior& p = priors[k];
        if (!std::isfinite(x))
          fail("/draws", "particle " + std::to_string(i) + "'s '" + p.name + "' is " + shown(x) +
                             "; a parameter value is a finite number");
        if (x < p.low || x > p.high)
          fail("/draws", "particle " + std::to_string(i) + "'s '" + p.name + "' = " + shown(x) +
                             " lies outside its prior's support [" + shown(p.low) + ", " + shown(p.high) + "]");
      }
  }

  std::vector<Target> read_targets() const {
    const ResultTable* t = root_.table("targets");
    if (t == nullptr) fail("/targets", "is missing (a table)");
    const std::size_t m = t->rows();
    if (m == 0) fail("/targets", "is empty; a calibration fits at least one observed figure");
    const std::vector<std::string> names = texts(t->attributes, "/targets", "names", m);
    const std::vector<Qualifier> qualifiers = words(*t, "qualifiers", kQualifiers);
    const std::vector<double> value = numbers(*t, "value"), high = numbers(*t, "high");
    const std::vector<double> relative = numbers(*t, "relative_tolerance"),
                              absolute = numbers(*t, "absolute_tolerance");
    std::vector<Target> targets(m);
    for (std::size_t j = 0; j < m; ++j)
      targets[j] = Target{names[j], qualifiers[j], value[j], high[j], relative[j], absolute[j]};
    validated(targets, "/targets");
    return targets;
  }

  /// A summary may be missing (NaN, infinite) only where it made the distance infinite, which
  /// only a generation of infinite tolerance accepts.
  void check_summaries(const AbcResult& r) const {
    for (std::size_t i = 0; i < r.summaries.size(); ++i)
      for (std::size_t j = 0; j < r.summaries[i].size(); ++j)
        if (!std::isfinite(r.summaries[i][j]) && std::isfinite(r.distances[i]))
          fail("/summaries", "particle " + std::to_string(i) + "'s summary " + std::to_string(j + 1) + " is " +
                                 shown(r.summaries[i][j]) + " but its distance is finite (" + shown(r.distances[i]) +
                                 ")");
  }

  std::vector<GenerationReport> read_generations(std::size_t n) const {
    const ResultTable* found = root_.table("generations");
    if (found == nullptr) fail("/generations", "is missing (a table)");
    const ResultTable& t = *found;
    if (t.rows() == 0) fail("/generations", "is empty; a posterior comes from at least generation 0");
    const std::vector<std::size_t> index = counts(t, "generation");
    const std::vector<double> epsilon = numbers(t, "epsilon", true);
    const std::vector<std::size_t> attempts = counts(t, "attempts"), simulations = counts(t, "simulations");
    const std::vector<double> acceptance = numbers(t, "acceptance_rate"), ess = numbers(t, "effective_sample_size");
    std::vector<GenerationReport> out(t.rows());
    for (std::size_t g = 0; g < out.size(); ++g) {
      const std::string row = "row " + std::to_string(g) + ": ";
      if (index[g] != g)
        fail("/generations", row + "generation " + std::to_string(index[g]) + ", expected " + std::to_string(g));
      if (!(epsilon[g] >= 0.0)) fail("/generations", row + "epsilon " + shown(epsilon[g]) + " is negative");
      if (!(acceptance[g] >= 0.0 && acceptance[g] <= 1.0))
        fail("/generations", row + "acceptance_rate " + shown(acceptance[g]) + " lies outside [0, 1]");
      // (sum w)^2 / sum w^2 <= n exactly; rounding may pass n by a few units in the last place.
      if (!(ess[g] >= 0.0 && ess[g] <= static_cast<double>(n) * (1.0 + 1e-12)))
        fail("/generations", row + "effective_sample_size " + shown(ess[g]) + " lies outside [0, " + std::to_string(n) +
                                 "] (the particles)");
      out[g] = GenerationReport{epsilon[g], attempts[g], simulations[g], acceptance[g], ess[g]};
    }
    return out;
  }

  std::vector<ParameterReport> read_parameters(const std::vector<std::string>& names) const {
    const std::size_t d = names.size();
    const ResultTable& t = table("parameters", d, "one per parameter");
    same_names(texts(t.attributes, "/parameters", "names", d), names, "/parameters", "/draws");
    const std::vector<double> mean = numbers(t, "mean"), low = numbers(t, "low"), high = numbers(t, "high");
    const std::vector<double> prior_low = numbers(t, "prior_low"), prior_high = numbers(t, "prior_high");
    const std::vector<double> ratio = numbers(t, "width_ratio");
    const std::vector<std::size_t> identified = counts(t, "identified");
    std::vector<ParameterReport> out(d);
    for (std::size_t k = 0; k < d; ++k) {
      if (identified[k] > 1)
        fail("/parameters",
             "row " + std::to_string(k) + ": 'identified' is " + std::to_string(identified[k]) + "; expected 0 or 1");
      out[k] = ParameterReport{names[k],     mean[k],       low[k],   high[k],
                               prior_low[k], prior_high[k], ratio[k], identified[k] == 1};
    }
    return out;
  }

  AbcOptions read_settings(std::size_t n) const {
    const ResultGroup* g = root_.group("settings");
    if (g == nullptr) fail("/settings", "is missing (a group of the method's settings)");
    const std::vector<Attribute>& a = g->attributes;
    const std::string where = "/settings";
    AbcOptions o;
    o.particles = count(a, where, "particles");
    if (o.particles != n)
      fail(where, "particles is " + std::to_string(o.particles) + " but /draws holds " + std::to_string(n));
    o.seed = count(a, where, "seed");
    o.initial_epsilon = number(a, where, "initial_epsilon", true);
    o.final_epsilon = number(a, where, "final_epsilon");
    o.max_generations = count(a, where, "max_generations");
    o.max_simulations = count(a, where, "max_simulations");
    o.max_attempts_per_particle = count(a, where, "max_attempts_per_particle");
    o.schedule = word(a, where, "schedule", kSchedules);
    o.tolerance_quantile = number(a, where, "tolerance_quantile");
    o.ess_fraction = number(a, where, "ess_fraction");
    o.kernel = word(a, where, "kernel", kKernels);
    o.seeds = word(a, where, "seeds", kSeedSharings);
    o.replicates = count(a, where, "replicates");
    o.identified_width_ratio = number(a, where, "identified_width_ratio");
    return o;
  }

  const ResultGroup& root_;
  std::string file_;
};

}  // namespace

const char* to_word(PriorKind kind) noexcept { return word_in(kPriorKinds, kind); }
const char* to_word(Qualifier qualifier) noexcept { return word_in(kQualifiers, qualifier); }
const char* to_word(ToleranceSchedule schedule) noexcept { return word_in(kSchedules, schedule); }
const char* to_word(KernelKind kernel) noexcept { return word_in(kKernels, kernel); }
const char* to_word(SeedSharing seeds) noexcept { return word_in(kSeedSharings, seeds); }

ResultGroup posterior_tree(const Posterior& p) {
  check_writable(p);
  const AbcResult& r = p.result;
  std::vector<std::string> names;
  for (const Prior& prior : p.priors) names.push_back(prior.name);
  std::vector<std::string> target_names;
  std::vector<std::string> qualifiers;
  for (const Target& t : p.targets) {
    target_names.push_back(t.name);
    qualifiers.emplace_back(to_word(t.qualifier));
  }
  std::vector<std::string> kinds;
  for (const Prior& prior : p.priors) kinds.emplace_back(to_word(prior.kind));

  ResultGroup root{"/", {}, {}, {}, {}};
  root.attributes = {{"format", std::string(kPosteriorFormat)},
                     {"version", kPosteriorVersion},
                     {"method", p.method},
                     {"created_by", p.created_by},
                     {"calibration_file", p.calibration_file},
                     {"calibration_text", p.calibration_text},
                     {"data_text", p.data_text},
                     {"scenario_text", p.scenario_text},
                     whole("simulations", r.simulations),
                     {"stopped_by", std::string(to_string(r.stopped_by))}};
  root.arrays = {matrix_array("draws", r.particles, names), vector_array("weights", r.weights),
                 vector_array("distances", r.distances), matrix_array("summaries", r.summaries, target_names)};
  if (!p.predictive.empty()) root.arrays.push_back(matrix_array("predictive", p.predictive, target_names));

  ResultTable priors{"priors",
                     {column_of("mean", p.priors, [](const Prior& x) { return x.mean; }),
                      column_of("sd", p.priors, [](const Prior& x) { return x.sd; }),
                      column_of("low", p.priors, [](const Prior& x) { return x.low; }),
                      column_of("high", p.priors, [](const Prior& x) { return x.high; })},
                     {{"names", names}, {"kinds", kinds}}};
  ResultTable targets{
      "targets",
      {column_of("value", p.targets, [](const Target& x) { return x.value; }),
       column_of("high", p.targets, [](const Target& x) { return x.high; }),
       column_of("relative_tolerance", p.targets, [](const Target& x) { return x.relative_tolerance; }),
       column_of("absolute_tolerance", p.targets, [](const Target& x) { return x.absolute_tolerance; })},
      {{"names", target_names}, {"qualifiers", qualifiers}}};
  std::vector<std::int64_t> generation(r.generations.size());
  for (std::size_t g = 0; g < generation.size(); ++g) generation[g] = static_cast<std::int64_t>(g);
  ResultTable generations{
      "generations",
      {{"generation", generation},
       column_of("epsilon", r.generations, [](const GenerationReport& x) { return x.epsilon; }),
       column_of("attempts", r.generations, [](const GenerationReport& x) { return x.attempts; }),
       column_of("simulations", r.generations, [](const GenerationReport& x) { return x.simulations; }),
       column_of("acceptance_rate", r.generations, [](const GenerationReport& x) { return x.acceptance_rate; }),
       column_of("effective_sample_size", r.generations,
                 [](const GenerationReport& x) { return x.effective_sample_size; })},
      {}};
  ResultTable parameters{
      "parameters",
      {column_of("mean", r.parameters, [](const ParameterReport& x) { return x.mean; }),
       column_of("low", r.parameters, [](const ParameterReport& x) { return x.low; }),
       column_of("high", r.parameters, [](const ParameterReport& x) { return x.high; }),
       column_of("prior_low", r.parameters, [](const ParameterReport& x) { return x.prior_low; }),
       column_of("prior_high", r.parameters, [](const ParameterReport& x) { return x.prior_high; }),
       column_of("width_ratio", r.parameters, [](const ParameterReport& x) { return x.width_ratio; }),
       column_of("identified", r.parameters, [](const ParameterReport& x) { return x.identified ? 1 : 0; })},
      {{"names", names}}};
  root.tables = {std::move(priors), std::move(targets), std::move(generations), std::move(parameters)};
  root.groups.push_back(settings_group(p.settings));
  return root;
}

Posterior posterior_from_tree(const ResultGroup& root, const std::string& file) {
  return TreeReader(root, file).read();
}

std::size_t draw_particle(std::span<const double> weights, double u) {
  if (weights.empty()) throw UsageError("draw_particle: there are no particles");
  if (!(u >= 0.0 && u < 1.0)) throw UsageError("draw_particle: u must lie in [0, 1), got " + shown(u));
  double total = 0.0;
  std::size_t last_positive = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] >= 0.0) || !std::isfinite(weights[i]))
      throw UsageError("draw_particle: weight " + std::to_string(i) + " is " + shown(weights[i]) +
                       "; weights are finite and 0 or more");
    total += weights[i];
    if (weights[i] > 0.0) last_positive = i;
  }
  if (!(total > 0.0)) throw UsageError("draw_particle: every weight is zero");
  const double target = u * total;
  double cumulative = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    cumulative += weights[i];
    if (cumulative > target) return i;  // a zero weight never lifts it past u x total
  }
  return last_positive;  // u x total rounded to the total itself
}

}  // namespace leapsim::abc
