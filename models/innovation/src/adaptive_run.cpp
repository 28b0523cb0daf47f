#include "leapsim/innovation/adaptive_run.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/stats.hpp"
#include "leapsim/innovation/results_tree.hpp"

namespace leapsim::innovation {

namespace {

/// The overall miss probability the planned looks share.
constexpr double kAlpha = 0.05;

/// A finite number spelled whole, or nothing.
std::optional<double> number(std::string_view text) {
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

UsageError bad_precision(std::string_view text, const std::string& what) {
  return UsageError("--precision " + std::string(text) + ": " + what);
}

const Target* target_labelled(const Study& study, const std::string& label) {
  for (const Target& t : study.targets)
    if (t.label == label) return &t;
  return nullptr;
}

/// The value a precision judges in one replication: its metric in its year, or, when it names
/// `target`, whether the target was met (1 or 0).
double judged_value(const Precision& p, const Target* target, const MetricTable& metrics) {
  if (target == nullptr) return metrics.at(p.metric, p.year);
  return target->met(metrics.at(target->metric, target->year)) ? 1.0 : 0.0;
}

/// The widest half-width among precision p's intervals over the first n replications.
double widest_half_width(const Precision& p, const std::vector<std::vector<double>>& by_scenario, std::uint32_t n,
                         double confidence, std::size_t cluster) {
  double widest = 0.0;
  if (p.target) {
    for (const std::vector<double>& values : by_scenario) {
      const stats::Interval w = stats::wilson_clustered(std::span<const double>(values.data(), n), cluster, confidence);
      widest = std::max(widest, (w.high - w.low) / 2);
    }
    return widest;
  }
  const std::span<const double> base(by_scenario.front().data(), n);
  for (std::size_t s = 1; s < by_scenario.size(); ++s) {
    const stats::PairedDifference d =
        stats::paired_difference(base, std::span<const double>(by_scenario[s].data(), n), confidence, cluster);
    widest = std::max(widest, (d.interval.high - d.interval.low) / 2);
  }
  return widest;
}

}  // namespace

Precision parse_precision(std::string_view text) {
  const std::size_t first = text.find(':'), last = text.rfind(':');
  if (first == std::string_view::npos || first == last)
    throw bad_precision(text, "expected METRIC:YEAR:HALFWIDTH (e.g. htes:2025:1) or target:LABEL:HALFWIDTH");
  Precision p;
  p.text = std::string(text);
  const std::string_view head = text.substr(0, first), middle = text.substr(first + 1, last - first - 1);
  const std::optional<double> half = number(text.substr(last + 1));
  if (!half || *half <= 0.0)
    throw bad_precision(text,
                        "the half-width must be a positive number, got '" + std::string(text.substr(last + 1)) + "'");
  p.half_width = *half;
  if (head == "target") {
    if (middle.empty()) throw bad_precision(text, "expected target:LABEL:HALFWIDTH with a target's label");
    if (p.half_width >= 0.5) throw bad_precision(text, "a probability's half-width must be below 0.5");
    p.target = std::string(middle);
    return p;
  }
  const std::optional<Metric> metric = metric_by_name(head);
  if (!metric)
    throw bad_precision(text, "unknown metric '" + std::string(head) + "' (a name from `leapsim info`, e.g. htes)");
  p.metric = *metric;
  int year = 0;
  const auto [end, ec] = std::from_chars(middle.data(), middle.data() + middle.size(), year);
  if (ec != std::errc{} || end != middle.data() + middle.size() || middle.empty())
    throw bad_precision(text, "the year must be a whole number, got '" + std::string(middle) + "'");
  p.year = year;
  return p;
}

std::vector<std::uint32_t> AdaptivePlan::looks() const {
  std::vector<std::uint32_t> at;
  for (std::uint64_t n = first_batch; n < max_replications; n *= 2) at.push_back(static_cast<std::uint32_t>(n));
  at.push_back(max_replications);
  return at;
}

double AdaptivePlan::confidence() const { return 1.0 - kAlpha / static_cast<double>(looks().size()); }

AdaptivePlan plan_adaptive(const Study& study, std::vector<Precision> precisions, std::uint32_t first_batch,
                           std::optional<std::uint32_t> max_replications) {
  if (precisions.empty()) throw UsageError("an adaptive run needs at least one --precision");
  const int first_year = study.base.parameters.start_year, last_year = study.base.parameters.end_year;
  for (const Precision& p : precisions) {
    if (p.target) {
      if (target_labelled(study, *p.target) == nullptr) {
        std::string known;
        for (const Target& t : study.targets) known += (known.empty() ? "" : ", ") + t.label;
        throw bad_precision(p.text,
                            "the study has no target labelled '" + *p.target + "'" +
                                (known.empty() ? std::string(" (it has no targets)") : " (it has: " + known + ")"));
      }
      continue;
    }
    if (p.year < first_year || p.year > last_year)
      throw bad_precision(p.text, "year " + std::to_string(p.year) + " is outside the study (" +
                                      std::to_string(first_year) + "-" + std::to_string(last_year) + ")");
    if (study.alternatives.empty())
      throw bad_precision(p.text,
                          "a paired difference needs alternatives, and the study has none (a target's probability, "
                          "target:LABEL:HALFWIDTH, needs none)");
  }
  AdaptivePlan plan;
  plan.precisions = std::move(precisions);
  plan.first_batch = std::max(first_batch, kMinFirstBatch);
  const std::uint64_t default_cap = std::uint64_t{plan.first_batch} * kDefaultCapFactor;
  plan.max_replications =
      max_replications.value_or(static_cast<std::uint32_t>(std::min<std::uint64_t>(default_cap, 10000000)));
  if (plan.max_replications < plan.first_batch)
    throw UsageError("--max-replications " + std::to_string(plan.max_replications) + " is below the first batch of " +
                     std::to_string(plan.first_batch) + " replications (-r or the study's replications, at least " +
                     std::to_string(kMinFirstBatch) + ")");
  return plan;
}

bool AdaptiveOutcome::met(std::size_t i, const AdaptivePlan& plan) const {
  return !looks.empty() && looks.back().widest.at(i) <= plan.precisions.at(i).half_width;
}

AdaptiveRun::AdaptiveRun(const Study& study, AdaptivePlan plan, std::uint64_t seed, const RecordRequest& record,
                         std::size_t lookahead)
    : plan_(std::move(plan)),
      cluster_(replication_cluster(study)),
      looks_(plan_.looks()),
      run_(study, plan_.max_replications, seed, record, lookahead),
      items_of_(plan_.max_replications),
      values_(plan_.precisions.size(),
              std::vector<std::vector<double>>(run_.scenario_count(), std::vector<double>(plan_.max_replications))) {
  for (const Precision& p : plan_.precisions)
    targets_.push_back(p.target ? target_labelled(study, *p.target) : nullptr);
  for (std::size_t i = 0; i < run_.items(); ++i) items_of_[run_.item_at(i).first].push_back(i);
  make_batch(0, looks_.front());
}

void AdaptiveRun::make_batch(std::uint32_t from, std::uint32_t to) {
  batch_.clear();
  for (std::uint32_t r = from; r < to; ++r) batch_.insert(batch_.end(), items_of_[r].begin(), items_of_[r].end());
  std::sort(batch_.begin(), batch_.end());  // the StudyRun's order: shared starts made ahead of their users
}

std::size_t AdaptiveRun::items_through_batch() const noexcept {
  return std::size_t{looks_[std::min(look_, looks_.size() - 1)]} * run_.scenario_count();
}

RunnerOptions AdaptiveRun::batch_options(const RunnerOptions& runner) const {
  RunnerOptions options = runner;
  if (runner.on_progress) {
    const std::size_t before = items_through_batch() - batch_.size(), total = items_through_batch();
    options.on_progress = [&runner, before, total](const Progress& p) {
      runner.on_progress(Progress{before + p.done, total, p.running});
    };
  }
  return options;
}

void AdaptiveRun::keep(std::size_t item, ReplicationOutcome&& outcome) {
  const auto [r, s] = run_.item_at(item);
  for (std::size_t p = 0; p < plan_.precisions.size(); ++p)
    values_[p][s][r] = judged_value(plan_.precisions[p], targets_[p], outcome.metrics);
  run_.keep(item, std::move(outcome));
}

bool AdaptiveRun::judge() {
  const std::uint32_t n = looks_[look_];
  Look look{n, {}};
  bool all_met = true;
  for (std::size_t p = 0; p < plan_.precisions.size(); ++p) {
    look.widest.push_back(widest_half_width(plan_.precisions[p], values_[p], n, plan_.confidence(), cluster_));
    all_met = all_met && look.widest.back() <= plan_.precisions[p].half_width;
  }
  outcome_.looks.push_back(std::move(look));
  outcome_.replications = n;
  if (all_met)
    outcome_.stopped_by = "precision";
  else if (look_ + 1 == looks_.size())
    outcome_.stopped_by = "max_replications";
  return all_met || look_ + 1 == looks_.size();
}

void AdaptiveRun::advance(bool stop) {
  if (stop) {
    outcome_.replications = looks_[look_];
    batch_.clear();
    return;
  }
  ++look_;
  make_batch(looks_[look_ - 1], looks_[look_]);
}

StudyResults AdaptiveRun::finish() && {
  StudyResults results = std::move(run_).finish();
  const std::uint32_t used = outcome_.replications;
  results.replications = used;
  if (!results.particles.empty()) results.particles.resize(used);
  for (ScenarioResults& s : results.scenarios) {
    s.replications.resize(used);
    if (s.event_logs.size() > used) s.event_logs.resize(used);
    if (s.firms.size() > used) s.firms.resize(used);
  }
  return results;
}

StudyResults run_study_adaptive(const Study& study, const AdaptivePlan& plan, std::uint64_t seed,
                                const RunnerOptions& runner, const RecordRequest& record, AdaptiveOutcome& outcome,
                                const std::function<void(const Look&)>& on_look) {
  const ReplicationRunner pool(runner);
  AdaptiveRun run(study, plan, seed, record, pool.threads());
  run.set_interrupt(runner.stop);
  while (!run.stopped()) {
    const std::vector<std::size_t>& batch = run.batch();
    ReplicationRunner(run.batch_options(runner)).run(batch.size(), [&](std::size_t j) {
      run.keep(batch[j], run.compute(batch[j]));
    });
    const bool stop = run.judge();
    if (on_look) on_look(run.outcome().looks.back());
    run.advance(stop);
  }
  outcome = run.outcome();
  return std::move(run).finish();
}

void add_adaptive_group(ResultGroup& root, const AdaptivePlan& plan, const AdaptiveOutcome& outcome) {
  ResultGroup& g = root.add_group("adaptive");
  std::vector<std::string> texts;
  std::vector<double> asked, reached;
  std::vector<std::int64_t> met, looks_at;
  for (std::size_t i = 0; i < plan.precisions.size(); ++i) {
    texts.push_back(plan.precisions[i].text);
    asked.push_back(plan.precisions[i].half_width);
    reached.push_back(outcome.looks.back().widest[i]);
    met.push_back(outcome.met(i, plan) ? 1 : 0);
  }
  for (const std::uint32_t n : plan.looks()) looks_at.push_back(n);
  g.attributes = {
      {"stopped_by", outcome.stopped_by},
      {"replications_used", static_cast<std::int64_t>(outcome.replications)},
      {"first_batch", static_cast<std::int64_t>(plan.first_batch)},
      {"max_replications", static_cast<std::int64_t>(plan.max_replications)},
      {"planned_looks", looks_at},
      {"confidence_per_look", plan.confidence()},
      {"stopping_rule",
       std::string("looks at a first batch doubling to the cap, each interval judged at confidence 1 - 0.05 / "
                   "(planned looks) (Bonferroni over the looks): the final intervals cover with probability >= 0.95")},
      {"precision", texts},
      {"half_width", asked},
      {"half_width_reached", reached},
      {"met", met},
  };
  // Each look's widest half-width per precision: how the intervals narrowed.
  ResultArray history{"looks", {outcome.looks.size(), 1 + plan.precisions.size()}, {}, {}};
  for (const Look& look : outcome.looks) {
    history.values.push_back(look.replications);
    history.values.insert(history.values.end(), look.widest.begin(), look.widest.end());
  }
  history.attributes = {{"columns", std::vector<std::string>{"replications"}}};
  auto& columns = std::get<std::vector<std::string>>(history.attributes[0].value);
  columns.insert(columns.end(), texts.begin(), texts.end());
  g.arrays.push_back(std::move(history));
}

}  // namespace leapsim::innovation
