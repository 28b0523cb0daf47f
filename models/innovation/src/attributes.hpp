#pragma once
// A firm's attributes at birth (docs/model.md §3 and §4.7): correlated normal draws on the scale
// each attribute lives on, for the initial groups and the entrants alike.
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <cmath>
#include <cstdint>

#include "firm.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/random.hpp"
#include "leapsim/innovation/parameters.hpp"

namespace leapsim::innovation::model {

/// The logistic function.
inline double logistic(double x) noexcept { return 1.0 / (1.0 + std::exp(-x)); }
/// The logit function.
inline double logit(double p) noexcept { return std::log(p / (1.0 - p)); }

/// A distribution's lower Cholesky factor and location terms, computed once per distribution:
/// set-up draws thousands of firms per replication, several times each when a status must be met.
struct AttributeSampler {
  const AttributeDistribution* d = nullptr;
  Eigen::Matrix4d lower;
  double log_revenue_median, log_employees_median, log_rd_median, logit_staff_median, logit_hitech_median,
      log_asset_ratio_median;
  boost::random::poisson_distribution<int, double> inventions{1.0}, other_ip{1.0};

  /// The sampler of a distribution; throws UsageError when its correlation is not positive definite.
  explicit AttributeSampler(const AttributeDistribution& dist)
      : d(&dist),
        log_revenue_median(std::log(dist.revenue_median)),
        log_employees_median(std::log(dist.employees_median)),
        log_rd_median(std::log(dist.rd_intensity_median)),
        logit_staff_median(logit(dist.staff_share_median)),
        logit_hitech_median(logit(dist.hitech_share_median)),
        log_asset_ratio_median(std::log(dist.asset_ratio_median)) {
    const Eigen::Matrix4d c = Eigen::Map<const Eigen::Matrix<double, 4, 4, Eigen::RowMajor>>(dist.correlation.data());
    Eigen::LLT<Eigen::Matrix4d> llt(c);
    if (llt.info() != Eigen::Success) throw UsageError("attribute correlation matrix is not positive definite");
    lower = llt.matrixL();
    if (dist.invention_patents_mean > 0.0) inventions = decltype(inventions)(dist.invention_patents_mean);
    if (dist.other_ip_mean > 0.0) other_ip = decltype(other_ip)(dist.other_ip_mean);
  }
};

/// A count held in a 16-bit field.
inline std::uint16_t capped(int count) noexcept { return static_cast<std::uint16_t>(std::min(count, 0xFFFF)); }

/// Draws a new firm's attributes from the sampler's distribution into its record. The draws come
/// in a fixed order from the firm's own stream, so the k-th firm gets the same attributes in
/// every scenario with the same distribution.
inline void draw_attributes(const CaughtUpFirm& caught_up, AttributeSampler& sampler, const GrowthParameters& growth,
                            RandomStream& s) {
  FirmState& firm = caught_up.record;
  const AttributeDistribution& d = *sampler.d;
  boost::random::normal_distribution<double> normal;
  Eigen::Vector4d z;
  for (int i = 0; i < 4; ++i) z[i] = normal(s);
  const Eigen::Vector4d x = sampler.lower * z;
  const double log_rev = sampler.log_revenue_median + d.revenue_log_sd * x[0];
  const double log_emp = sampler.log_employees_median + d.employees_log_sd * x[1];
  const double rd = std::min(0.5, std::exp(sampler.log_rd_median + d.rd_intensity_log_sd * x[2]));
  firm.log_revenue = static_cast<float>(log_rev);
  firm.employee_offset = static_cast<float>(log_emp - growth.employment_elasticity * log_rev);
  firm.rd_base = firm.rd_intensity = static_cast<float>(rd);
  firm.staff_share = static_cast<float>(logistic(sampler.logit_staff_median + d.staff_share_logit_sd * x[3]));
  firm.hitech_share = static_cast<float>(logistic(sampler.logit_hitech_median + d.hitech_share_logit_sd * normal(s)));
  firm.log_asset_ratio = static_cast<float>(sampler.log_asset_ratio_median + d.asset_ratio_log_sd * normal(s));
  firm.flags = s.uniform() < d.manufacturing_share ? static_cast<std::uint8_t>(Flag::manufacturer) : 0;
  caught_up.inventions() = d.invention_patents_mean > 0.0 ? capped(sampler.inventions(s)) : 0;
  caught_up.other_ip() = d.other_ip_mean > 0.0 ? capped(sampler.other_ip(s)) : 0;
}

}  // namespace leapsim::innovation::model
