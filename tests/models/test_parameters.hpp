#pragma once
// Small scenarios built in C++ so the model tests need no YAML.
#include "leapsim/innovation/parameters.hpp"

namespace leapsim::innovation::testing {

/// A district of about 200 firms with every process active and a fund that never runs out.
inline Parameters tiny_parameters() {
  Parameters p;
  p.region.residents = 1.0e5;
  InitialGroup hte;
  hte.status = InitialStatus::hte;
  hte.count = 6;
  hte.age_mean = 8.0;
  hte.attributes.revenue_median = 3.0e7;
  hte.attributes.rd_intensity_median = 0.07;
  hte.attributes.rd_intensity_log_sd = 0.3;
  hte.attributes.staff_share_median = 0.3;
  hte.attributes.hitech_share_median = 0.8;
  hte.attributes.hitech_share_logit_sd = 0.5;
  hte.attributes.invention_patents_mean = 2.0;
  hte.attributes.other_ip_mean = 4.0;
  InitialGroup sme;
  sme.status = InitialStatus::tech_sme;
  sme.count = 40;
  sme.attributes.rd_intensity_median = 0.05;
  sme.attributes.staff_share_median = 0.25;
  sme.attributes.hitech_share_median = 0.6;
  sme.attributes.invention_patents_mean = 0.3;
  sme.attributes.other_ip_mean = 3.0;
  InitialGroup latent;
  latent.status = InitialStatus::latent;
  latent.count = 150;
  p.initial = {hte, sme, latent};
  Carrier incubator;
  incubator.name = "incubator";
  incubator.capacity = 20;
  Carrier maker;
  maker.name = "maker space";
  maker.kind = CarrierKind::maker_space;
  maker.capacity = 10;
  maker.opens = 2021.5;
  p.carriers = {incubator, maker};
  p.initial_platforms = 2;
  p.initial_workstations = 1;
  p.platform_builds = {PlatformBuild{2020.25, 1, Level::provincial}};
  p.entry.base_rate = 20.0;
  p.entry.rate_per_free_slot = 0.5;
  p.entry.in_migration_rate = 2.0;
  p.policy.budget = Schedule::constant(1.0e12);
  return p;
}

}  // namespace leapsim::innovation::testing
