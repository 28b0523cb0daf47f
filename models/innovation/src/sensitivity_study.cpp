#include "leapsim/innovation/sensitivity_study.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/stats.hpp"
#include "leapsim/innovation/study_runner.hpp"

namespace leapsim::innovation {
namespace {

/// A name made of letters, digits, '-' and '_' only, so it can name an HDF5 group.
std::string slug(const std::string& name) {
  std::string out;
  for (const char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return out.empty() ? "_" : out;
}

std::string metric_name(Metric m) { return std::string(metric_infos()[static_cast<std::size_t>(m)].name); }

std::vector<sensitivity::Input> engine_inputs(const std::vector<SensitivityInput>& inputs) {
  std::vector<sensitivity::Input> out;
  for (const SensitivityInput& in : inputs) out.push_back({in.path.path, in.low, in.high});
  return out;
}

std::vector<const Scenario*> scenarios_of(const Study& study) {
  std::vector<const Scenario*> out{&study.base};
  for (const Scenario& a : study.alternatives) out.push_back(&a);
  return out;
}

/// Packages ordered best first by their effect (the base's is 0), ties in file order.
std::vector<std::size_t> ranking(const std::vector<double>& effects, bool higher_is_better) {
  std::vector<std::size_t> order(effects.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return higher_is_better ? effects[a] > effects[b] : effects[a] < effects[b];
  });
  return order;
}

}  // namespace

const char* to_string(SensitivityMethod method) noexcept {
  return method == SensitivityMethod::morris ? "morris" : "sobol";
}

const char* to_string(SensitivityOutput::Kind kind) noexcept {
  switch (kind) {
    case SensitivityOutput::Kind::metric:
      return "metric";
    case SensitivityOutput::Kind::target:
      return "target";
    case SensitivityOutput::Kind::difference:
      return "difference";
    case SensitivityOutput::Kind::extra_cost:
      return "extra_cost";
    case SensitivityOutput::Kind::cost_per_unit:
      return "cost_per_unit";
  }
  return "?";
}

SensitivityStudy::SensitivityStudy(const Study& study, SensitivitySettings settings)
    : study_(study), settings_(std::move(settings)) {
  SensitivitySettings& s = settings_;
  const Parameters& base = study.base.parameters;
  if (s.replications < 2)
    throw UsageError("sensitivity: at least 2 replications a point are needed (the noise floor is their spread)");
  if (s.metrics.empty()) throw UsageError("sensitivity: no metrics to read");
  const std::vector<sensitivity::Input> inputs = engine_inputs(s.inputs);
  sensitivity::validate(inputs);
  for (const SensitivityInput& in : s.inputs) {
    for (const double x : {in.low, in.high})
      if (!in_domain(in.path, x))
        throw UsageError("input '" + in.path.path + "': " + schema::format_number(x) + " is outside the field's " +
                         domain_words(in.path));
    if (study.posterior)
      for (const ParameterPath& drawn : study.posterior->parameters)
        if (drawn.path == in.path.path)
          throw UsageError("input '" + in.path.path + "': the study's posterior (" + study.posterior_file +
                           ") draws it in every replication; leave it out, or run on a study without the posterior");
  }
  // Years and the decision.
  if (s.years.empty())
    for (int y = base.start_year; y <= base.end_year; ++y) s.years.push_back(y);
  if (!s.decision_metric) {
    if (!study.targets.empty()) {
      const Target& t = study.targets.front();
      s.decision_metric = t.metric, s.decision_year = s.decision_year.value_or(t.year);
      higher_is_better_ = t.comparison == Comparison::at_least || t.comparison == Comparison::more_than;
    } else {
      s.decision_metric = Metric::htes;
    }
  }
  if (!s.decision_year) s.decision_year = base.end_year;
  if (std::find(s.metrics.begin(), s.metrics.end(), *s.decision_metric) == s.metrics.end())
    s.metrics.push_back(*s.decision_metric);
  if (std::find(s.years.begin(), s.years.end(), *s.decision_year) == s.years.end()) s.years.push_back(*s.decision_year);
  std::sort(s.years.begin(), s.years.end());
  for (const int y : s.years)
    if (y < base.start_year || y > base.end_year)
      throw UsageError("sensitivity: the year " + std::to_string(y) + " is outside the study's horizon " +
                       std::to_string(base.start_year) + "-" + std::to_string(base.end_year));
  decision_ = metric_name(*s.decision_metric) + " in " + std::to_string(*s.decision_year);

  // Outputs: base metrics by year, target probabilities per scenario, differences per alternative.
  const std::vector<const Scenario*> scenarios = scenarios_of(study);
  std::set<std::string> names;
  auto add = [&](SensitivityOutput o) {
    std::string name = o.name;
    for (int n = 2; !names.insert(name).second; ++n) name = o.name + "_" + std::to_string(n);
    o.name = std::move(name);
    outputs_.push_back(std::move(o));
  };
  for (const Metric m : s.metrics)
    for (const int y : s.years)
      add({metric_name(m) + "_" + std::to_string(y), SensitivityOutput::Kind::metric, m, y, study.base.name,
           metric_name(m) + " " + std::to_string(y)});
  for (std::size_t t = 0; t < study.targets.size(); ++t)
    for (std::size_t sc = 0; sc < scenarios.size(); ++sc) {
      const Target& target = study.targets[t];
      const std::string id = "target_" + std::to_string(t + 1);
      add({sc == 0 ? id : id + "_" + slug(scenarios[sc]->name), SensitivityOutput::Kind::target, target.metric,
           target.year, scenarios[sc]->name, "P(" + target.label + ")" + (sc == 0 ? "" : " " + scenarios[sc]->name),
           t});
    }
  decision_outputs_.assign(study.alternatives.size(), 0);
  for (std::size_t a = 0; a < study.alternatives.size(); ++a)
    for (const Metric m : s.metrics)
      for (const int y : s.years) {
        if (m == *s.decision_metric && y == *s.decision_year) decision_outputs_[a] = outputs_.size();
        const std::string& alt = study.alternatives[a].name;
        add({"diff_" + slug(alt) + "_" + metric_name(m) + "_" + std::to_string(y), SensitivityOutput::Kind::difference,
             m, y, alt, alt + " - base, " + metric_name(m) + " " + std::to_string(y)});
      }
  // What each package's effect on the decision costs the county: its extra cost through the
  // decision year, and that over the extra effect.
  for (std::size_t a = 0; a < study.alternatives.size(); ++a) {
    const std::string& alt = study.alternatives[a].name;
    const std::string year = std::to_string(*s.decision_year), metric = metric_name(*s.decision_metric);
    const std::size_t cost = outputs_.size();
    add({"extra_county_cost_" + slug(alt) + "_" + year, SensitivityOutput::Kind::extra_cost, Metric::county_cost,
         *s.decision_year, alt, alt + " - base, county cost " + std::to_string(base.start_year) + "-" + year});
    SensitivityOutput ratio{"county_cost_per_extra_" + metric + "_" + slug(alt) + "_" + year,
                            SensitivityOutput::Kind::cost_per_unit,
                            *s.decision_metric,
                            *s.decision_year,
                            alt,
                            alt + ", county cost per extra " + metric + " " + year};
    ratio.numerator = cost;
    ratio.denominator = decision_outputs_[a];
    cost_outputs_.push_back(outputs_.size());
    add(std::move(ratio));
  }

  // The design (its points' scenarios are checked by run(), on the threads, before any simulation).
  if (s.method == SensitivityMethod::morris) {
    morris_ = sensitivity::morris_design(inputs, {s.trajectories, s.levels, s.seed});
    points_ = morris_->points;
  } else {
    sobol_ = sensitivity::sobol_design(inputs, {s.samples, sensitivity::Sampling::sobol, s.seed, s.bootstrap});
    points_ = sobol_->points;
  }
  // Where each input lives in each scenario, and whether the scenario takes it (the base always;
  // an alternative that sets its own value keeps it: that number is its package).
  for (const Scenario* sc : scenarios) {
    std::vector<std::optional<ParameterPath>> own;
    for (const SensitivityInput& in : s.inputs) try {
        ParameterPath path = find_parameter(sc->parameters, in.path.path);
        const bool takes = sc == &study.base || parameter_value(sc->parameters, path) == parameter_value(base, in.path);
        own.push_back(takes ? std::optional<ParameterPath>(std::move(path)) : std::nullopt);
      } catch (const UsageError& e) {
        throw UsageError("input '" + in.path.path + "' in scenario '" + sc->name + "': " + e.what());
      }
    paths_.push_back(std::move(own));
  }
}

Study SensitivityStudy::study_at(std::size_t point) const {
  const std::vector<double>& x = points_.at(point);
  Study out;
  out.name = study_.name;
  out.source = study_.source;
  out.targets = study_.targets;
  out.posterior_file = study_.posterior_file;
  out.runs_per_draw = study_.runs_per_draw;
  out.posterior = study_.posterior;
  auto copy = [&](const Scenario& from) {
    Scenario sc;
    sc.name = from.name;
    sc.source = from.source;
    sc.posterior = from.posterior;
    sc.parameters = from.parameters;
    return sc;
  };
  out.base = copy(study_.base);
  for (const Scenario& a : study_.alternatives) out.alternatives.push_back(copy(a));
  std::vector<Scenario*> scenarios{&out.base};
  for (Scenario& a : out.alternatives) scenarios.push_back(&a);
  for (std::size_t sc = 0; sc < scenarios.size(); ++sc)
    for (std::size_t i = 0; i < x.size(); ++i)
      if (paths_[sc][i]) set_parameter(scenarios[sc]->parameters, *paths_[sc][i], x[i]);
  for (Scenario* sc : scenarios) try {
      validate(sc->parameters);
    } catch (const UsageError& e) {
      std::string where;
      for (std::size_t i = 0; i < x.size(); ++i)
        where += (i ? ", " : "") + settings_.inputs[i].path.path + " = " + schema::format_number(x[i]);
      throw UsageError("design point " + std::to_string(point + 1) + " (" + where + "): scenario '" + sc->name +
                       "' is invalid there: " + e.what() + "; narrow the ranges");
    }
  return out;
}

void SensitivityStudy::check_points(const RunnerOptions& runner) const {
  // On the threads (setting a path walks the schema), each point's problem in its own slot so
  // the first bad point is reported whatever the thread count.
  std::vector<std::string> problems(points_.size());
  ReplicationRunner({runner.threads, {}, runner.stop}).run(points_.size(), [&](std::size_t p) {
    try {
      (void)study_at(p);
    } catch (const UsageError& e) {
      problems[p] = e.what();
    }
  });
  for (const std::string& problem : problems)
    if (!problem.empty()) throw UsageError(problem);
}

std::uint64_t SensitivityStudy::runs() const noexcept {
  return static_cast<std::uint64_t>(points_.size() + 1) * settings_.replications * (1 + study_.alternatives.size());
}

std::vector<double> SensitivityStudy::outputs_of(const StudyResults& r, std::size_t replication) const {
  std::vector<double> y;
  y.reserve(outputs_.size());
  const MetricTable& base = r.scenarios[0].replications[replication];
  for (const SensitivityOutput& o : outputs_) {
    if (o.kind == SensitivityOutput::Kind::metric) {
      y.push_back(base.at(o.metric, o.year));
      continue;
    }
    std::size_t s = 0;
    while (r.scenarios[s].name != o.scenario) ++s;
    const MetricTable& own = r.scenarios[s].replications[replication];
    if (o.kind == SensitivityOutput::Kind::difference) {
      y.push_back(own.at(o.metric, o.year) - base.at(o.metric, o.year));
    } else if (o.kind == SensitivityOutput::Kind::extra_cost) {
      double extra = 0.0;
      for (int year = base.first_year; year <= o.year; ++year)
        extra += own.at(o.metric, year) - base.at(o.metric, year);
      y.push_back(extra);
    } else if (o.kind == SensitivityOutput::Kind::cost_per_unit) {
      y.push_back(0.0);  // a ratio of the point's means: with_ratios() fills it in
    } else {
      y.push_back(study_.targets[o.target].met(own.at(o.metric, o.year)) ? 1.0 : 0.0);
    }
  }
  return y;
}

void SensitivityStudy::with_ratios(std::vector<double>& mean, std::vector<std::vector<double>>* each) const {
  for (std::size_t o = 0; o < outputs_.size(); ++o) {
    const SensitivityOutput& out = outputs_[o];
    if (out.kind != SensitivityOutput::Kind::cost_per_unit) continue;
    const double cost = mean[out.numerator], effect = mean[out.denominator];
    mean[o] = effect != 0.0 ? cost / effect : std::numeric_limits<double>::quiet_NaN();
    // Each replication's linearised share of the ratio (the delta method): their mean is the
    // ratio and their spread its seed noise, as the other outputs' replications give theirs.
    if (each)
      for (std::vector<double>& y : *each) y[o] = mean[o] + (y[out.numerator] - mean[o] * y[out.denominator]) / effect;
  }
}

SensitivityStudy::ItemOutputs SensitivityStudy::run_item(std::size_t item, const RunnerOptions& runner) const {
  const std::uint32_t reps = settings_.replications;
  const std::size_t per_point = static_cast<std::size_t>(reps) * (1 + study_.alternatives.size());
  const std::size_t total = items() * per_point;
  RunnerOptions options = runner;
  if (runner.on_progress)
    options.on_progress = [&](const Progress& p) { runner.on_progress({item * per_point + p.done, total, p.running}); };
  // Each item is what `leapsim run` gives for its point (shared starts included).
  const StudyResults r = run_study(item == 0 ? study_ : study_at(item - 1), reps, settings_.seed, options);
  ItemOutputs out;
  out.mean.assign(outputs_.size(), 0.0);
  for (std::uint32_t k = 0; k < reps; ++k) {
    std::vector<double> y = outputs_of(r, k);
    for (std::size_t o = 0; o < y.size(); ++o) out.mean[o] += y[o];
    if (item == 0) out.each.push_back(std::move(y));
  }
  for (double& v : out.mean) v /= static_cast<double>(reps);
  with_ratios(out.mean, item == 0 ? &out.each : nullptr);
  return out;
}

SensitivityStudyResult SensitivityStudy::run(const RunnerOptions& runner) const {
  const auto started = std::chrono::steady_clock::now();
  check_points(runner);
  // Points one after another, each one's replications over the threads: one point's runs are in
  // memory at a time.
  std::vector<ItemOutputs> all;
  for (std::size_t item = 0; item < items(); ++item) all.push_back(run_item(item, runner));
  return analyse(std::move(all), std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

SensitivityStudyResult SensitivityStudy::analyse(std::vector<ItemOutputs> items, double seconds) const {
  const SensitivitySettings& s = settings_;
  const std::uint32_t reps = s.replications;
  if (items.size() != this->items()) throw UsageError("sensitivity: outputs of every point are needed");
  SensitivityStudyResult out;
  out.method = s.method;
  for (const SensitivityInput& in : s.inputs) {
    out.inputs.push_back(in.path.path);
    out.low.push_back(in.low);
    out.high.push_back(in.high);
    out.nominal_inputs.push_back(parameter_value(study_.base.parameters, in.path));
  }
  out.outputs = outputs_;
  out.points = points_;
  out.replications = reps;
  out.seed = s.seed;
  out.decision = decision_;
  out.higher_is_better = higher_is_better_;
  out.packages.push_back(study_.base.name);
  for (const Scenario& a : study_.alternatives) out.packages.push_back(a.name);
  out.nominal = std::move(items[0].mean);
  const std::vector<std::vector<double>> nominal_runs = std::move(items[0].each);
  for (std::size_t p = 1; p < items.size(); ++p) out.values.push_back(std::move(items[p].mean));

  // The noise floor: each output's spread over the nominal point's single replications.
  out.noise.runs = reps;
  for (std::size_t o = 0; o < outputs_.size(); ++o) {
    std::vector<double> col(reps);
    for (std::uint32_t k = 0; k < reps; ++k) col[k] = nominal_runs[k][o];
    out.noise.mean.push_back(stats::mean(col));
    out.noise.sd.push_back(std::sqrt(stats::variance(col)));
  }
  if (morris_) {
    out.morris = sensitivity::morris_analyse(*morris_, out.values);
    out.delta = morris_->delta;
    // Twice the sd of an elementary effect that seed noise alone gives (independent noise at the
    // two ends; common random numbers make the true one smaller, so the floor is cautious).
    for (std::size_t o = 0; o < outputs_.size(); ++o)
      out.floor.push_back(2.0 * out.noise.effect_sd(o, reps, out.delta));
  } else {
    out.sobol = sensitivity::sobol_analyse(*sobol_, out.values,
                                           {s.samples, sensitivity::Sampling::sobol, s.seed, s.bootstrap, 0.95});
    for (std::size_t o = 0; o < outputs_.size(); ++o)
      out.floor.push_back(out.noise.variance_share(o, reps, out.sobol->variance[o]));
  }

  // Does the decision change? The packages ranked by the decision's paired difference, and the
  // alternatives by what an extra unit of it costs the county.
  const RankingChange by_effect = ranking_change(
      [&](const std::vector<double>& y) {
        std::vector<double> effects{0.0};
        for (const std::size_t o : decision_outputs_) effects.push_back(y[o]);
        return ranking(effects, higher_is_better_);
      },
      out.nominal, out.values);
  out.nominal_ranking = by_effect.nominal;
  out.rankings = by_effect.points;
  out.ranking_changed = by_effect.changed;
  out.ranking_flips = by_effect.flips;
  const RankingChange by_cost = ranking_change(
      [&](const std::vector<double>& y) {
        std::vector<double> costs;
        for (const std::size_t o : cost_outputs_)
          costs.push_back(std::isnan(y[o]) ? std::numeric_limits<double>::infinity() : y[o]);
        std::vector<std::size_t> order = ranking(costs, false);
        for (std::size_t& a : order) ++a;  // package indices: the base is 0
        return order;
      },
      out.nominal, out.values);
  out.cost_nominal_ranking = by_cost.nominal;
  out.cost_rankings = by_cost.points;
  out.cost_ranking_changed = by_cost.changed;
  out.cost_ranking_flips = by_cost.flips;
  out.runs = runs();
  out.seconds = seconds;
  return out;
}

SensitivityStudy::RankingChange SensitivityStudy::ranking_change(
    const std::function<std::vector<std::size_t>(const std::vector<double>&)>& rank, const std::vector<double>& nominal,
    const std::vector<std::vector<double>>& values) const {
  RankingChange r;
  r.nominal = rank(nominal);
  std::size_t changed = 0;
  for (const std::vector<double>& y : values) {
    r.points.push_back(rank(y));
    if (r.points.back() != r.nominal) ++changed;
  }
  r.changed = values.empty() ? 0.0 : static_cast<double>(changed) / static_cast<double>(values.size());
  const std::size_t k = settings_.inputs.size();
  std::vector<double> flips(k, 0.0), moves(k, 0.0);
  if (morris_) {
    for (std::size_t j = 0; j < points_.size(); ++j)
      if (morris_->direction[j] != 0.0) {
        const std::size_t i = morris_->moved[j];
        moves[i] += 1.0;
        flips[i] += r.points[j] != r.points[j - 1] ? 1.0 : 0.0;
      }
  } else {
    const std::size_t n = sobol_->base_samples;
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        moves[i] += 1.0;
        flips[i] += r.points[(2 + i) * n + j] != r.points[j] ? 1.0 : 0.0;
      }
  }
  for (std::size_t i = 0; i < k; ++i) r.flips.push_back(moves[i] > 0.0 ? flips[i] / moves[i] : 0.0);
  return r;
}

namespace {

ResultArray vector_array(std::string name, std::vector<double> values) {
  const std::size_t n = values.size();
  return {std::move(name), {n}, std::move(values), {}};
}

ResultArray matrix_array(std::string name, const std::vector<std::vector<double>>& rows, std::size_t cols) {
  ResultArray a{std::move(name), {rows.size(), cols}, {}, {}};
  for (const auto& row : rows) a.values.insert(a.values.end(), row.begin(), row.end());
  return a;
}

std::vector<double> flags_above(const std::vector<double>& index, double floor) {
  std::vector<double> out;
  for (const double v : index) out.push_back(v > floor ? 1.0 : 0.0);
  return out;
}

}  // namespace

ResultGroup sensitivity_tree(const SensitivityStudyResult& r, const RunRecord& record,
                             const std::string& settings_text) {
  ResultGroup root;
  root.name = "/";
  root.attributes = provenance_attributes(record, "leapsim-sensitivity");
  root.attributes.insert(root.attributes.end(), {{"settings_yaml", settings_text},
                                                 {"method", std::string(to_string(r.method))},
                                                 {"seed", r.seed},
                                                 {"replications", std::int64_t{r.replications}},
                                                 {"runs", r.runs},
                                                 {"seconds", r.seconds}});
  if (r.morris) root.attributes.push_back({"delta", r.delta});
  ResultGroup& inputs = root.add_group("inputs");
  inputs.attributes.push_back({"names", r.inputs});
  inputs.arrays = {vector_array("low", r.low), vector_array("high", r.high), vector_array("nominal", r.nominal_inputs)};

  std::vector<std::string> output_names;
  for (const SensitivityOutput& o : r.outputs) output_names.push_back(o.name);
  ResultGroup& design = root.add_group("design");
  design.attributes.push_back({"outputs", output_names});
  design.arrays.push_back(matrix_array("points", r.points, r.inputs.size()));
  design.arrays.push_back(matrix_array("outputs", r.values, r.outputs.size()));
  std::vector<std::vector<double>> ranks;
  for (const auto& order : r.rankings) ranks.emplace_back(order.begin(), order.end());
  design.arrays.push_back(matrix_array("ranking", ranks, r.packages.size()));
  std::vector<std::vector<double>> cost_ranks;
  for (const auto& order : r.cost_rankings) cost_ranks.emplace_back(order.begin(), order.end());
  design.arrays.push_back(matrix_array("cost_ranking", cost_ranks, r.packages.size() - 1));

  ResultGroup& nominal = root.add_group("nominal");
  nominal.attributes.push_back({"outputs", output_names});
  nominal.arrays = {vector_array("outputs", r.nominal), vector_array("noise_sd", r.noise.sd),
                    vector_array("noise_floor", r.floor)};

  ResultGroup& decision = root.add_group("decision");
  decision.attributes = {{"decision", r.decision},
                         {"higher_is_better", std::int64_t{r.higher_is_better ? 1 : 0}},
                         {"packages", r.packages},
                         {"ranking_changed", r.ranking_changed},
                         {"cost_ranking_changed", r.cost_ranking_changed}};
  decision.arrays = {
      vector_array("nominal_ranking", {r.nominal_ranking.begin(), r.nominal_ranking.end()}),
      vector_array("ranking_flips", r.ranking_flips),
      vector_array("cost_nominal_ranking", {r.cost_nominal_ranking.begin(), r.cost_nominal_ranking.end()}),
      vector_array("cost_ranking_flips", r.cost_ranking_flips)};

  ResultGroup& indices = root.add_group("sensitivity");
  indices.attributes.push_back({"inputs", r.inputs});
  for (std::size_t o = 0; o < r.outputs.size(); ++o) {
    const SensitivityOutput& out = r.outputs[o];
    ResultGroup& g = indices.add_group(out.name);
    g.attributes = {{"kind", std::string(to_string(out.kind))},
                    {"metric", metric_name(out.metric)},
                    {"year", std::int64_t{out.year}},
                    {"scenario", out.scenario},
                    {"label", out.label},
                    {"nominal", r.nominal[o]},
                    {"noise_sd", r.noise.sd[o]},
                    {"noise_floor", r.floor[o]}};
    if (r.morris) {
      g.arrays = {vector_array("mu", r.morris->mu[o]), vector_array("mu_star", r.morris->mu_star[o]),
                  vector_array("sigma", r.morris->sigma[o]),
                  vector_array("distinguishable", flags_above(r.morris->mu_star[o], r.floor[o]))};
    } else {
      const sensitivity::SobolResult& s = *r.sobol;
      g.attributes.push_back({"variance", s.variance[o]});
      g.arrays = {vector_array("S1", s.first[o]),
                  vector_array("S1_low", s.first_low[o]),
                  vector_array("S1_high", s.first_high[o]),
                  vector_array("ST", s.total[o]),
                  vector_array("ST_low", s.total_low[o]),
                  vector_array("ST_high", s.total_high[o]),
                  vector_array("distinguishable", flags_above(s.total[o], r.floor[o]))};
    }
  }
  return root;
}

}  // namespace leapsim::innovation
