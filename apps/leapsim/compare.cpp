#include "compare.hpp"

#include <ostream>

#include "leapsim/innovation/results_tree.hpp"
#include "leapsim/io/results_file.hpp"
#include "report.hpp"

namespace leapsim::app {

int compare_command(const CompareOptions& options, std::ostream& out) {
  ResultGroup tree = io::read_results(options.file);
  innovation::check_results_tree(tree);
  if (options.base) innovation::compare_against(tree, *options.base);
  ReportView view;
  view.comparisons_only = true;
  view.metric = options.metric;
  view.year = options.year;
  view.language = language_named(options.lang);
  write_report(tree, view, out);
  return 0;
}

}  // namespace leapsim::app
