#include "help.hpp"

#include <memory>
#include <string>

namespace leapsim::app {
namespace {

/// The examples shown below each command's options.
struct Examples {
  const char* command;  // "" for the top level
  const char* text;
};
constexpr Examples kExamples[] = {
    {"",
     "Examples:\n"
     "  leapsim run scenarios/congtai-2019.yaml -r 40 -o results/congtai.h5\n"
     "  leapsim report results/congtai.h5 -o congtai.html\n"
     "  leapsim COMMAND --help"},
    {"demo", "Example:\n  leapsim demo -r 100 --seed 7"},
    {"run",
     "Examples:\n"
     "  leapsim run scenarios/congtai-2019.yaml -r 40 -o results/congtai.h5\n"
     "  leapsim run scenarios/small/tiny-study.yaml --lang zh -q\n"
     "  leapsim run scenarios/congtai-2019.yaml --precision htes:2025:1 --max-replications 3200"},
    {"compare",
     "Examples:\n"
     "  leapsim compare results/congtai.h5 --metric htes --year 2022\n"
     "  leapsim compare results/congtai.h5 --base bigger-hte-reward --lang zh"},
    {"info", "Example:\n  leapsim info results/congtai.h5"},
    {"validate", "Example:\n  leapsim validate scenarios/congtai-2019.yaml scenarios/small/*.yaml"},
    {"calibrate",
     "Examples:\n"
     "  leapsim calibrate scenarios/hebei-2016.calibration.yaml -o hebei.posterior.h5   (docs/calibration.md)\n"
     "  leapsim calibrate scenarios/hebei-2016.yaml --fit hte.apply_probability=htes:2017:3174 -r 40   (quick "
     "mode)"},
    {"backtest",
     "Examples:\n"
     "  leapsim backtest scenarios/backtest/hebei-2013.calibration.yaml --cutoff 2015\n"
     "  leapsim backtest scenarios/backtest/hebei-2013.calibration.yaml --cutoff 2015 -o hebei.csv --plot hebei.png"},
    {"sensitivity",
     "Examples:\n"
     "  leapsim sensitivity scenarios/congtai-2019.yaml --inputs bench/congtai-2019.sensitivity.yaml -o "
     "congtai-morris.h5\n"
     "  leapsim sensitivity scenarios/congtai-2019.yaml --inputs few-inputs.yaml --method sobol -r 20 -o "
     "congtai-sobol.h5   (docs/sensitivity.md)"},
    {"report",
     "Examples:\n"
     "  leapsim report results/congtai.h5 -o congtai.html\n"
     "  leapsim report results/congtai.h5 -o congtai-en.html --lang en"},
    {"export",
     "Examples:\n"
     "  leapsim export results/congtai.h5 -o congtai.xlsx\n"
     "  leapsim export results/congtai.h5 -o congtai.csv --lang en"},
};

/// A value's word for a reader: FILE for an existing file (or the files a check names), the choices for a set, N for a
/// number, TEXT otherwise; range checks (`UINT in [1 - 10000000]`) are left to the description.
std::string plain_type(const std::string& full) {
  std::string word = full.substr(0, full.find(':'));
  if (word == "UINT" || word == "INT" || word == "NUMBER" || word == "FLOAT") word = "N";
  for (std::size_t at = full.find(':'); at != std::string::npos;) {
    const std::size_t next = full.find(':', at + 1);
    const std::string check = full.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
    if (check.find("FILE") != std::string::npos || (!check.empty() && check.front() == '{')) word = check;
    at = next;
  }
  return word;
}

/// CLI11's formatter with plain value words and the default appended to each description.
class PlainFormatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* opt) const override {
    if (!opt->get_option_text().empty()) return " " + opt->get_option_text();
    std::string out;
    if (opt->get_type_size() != 0) {
      out += " " + plain_type(opt->get_type_name());
      if (opt->get_expected_max() == CLI::detail::expected_max_vector_size) out += " ...";
      if (opt->get_required()) out += " " + get_label("REQUIRED");
    }
    return out;
  }

  std::string make_option_desc(const CLI::Option* opt) const override {
    std::string description = opt->get_description();
    const std::string value = opt->get_default_str();
    if (opt->get_type_size() != 0 && !opt->get_required() && !value.empty() && value != "[]" &&
        description.find("default") == std::string::npos)
      description += " (default: " + value + ")";
    return description;
  }
};

void explain(CLI::App& command, const std::shared_ptr<CLI::Formatter>& formatter) {
  command.formatter(formatter);
  for (CLI::Option* opt : command.get_options()) opt->capture_default_str();
  for (const Examples& e : kExamples)
    if (command.get_name() == e.command) command.footer(e.text);
}

}  // namespace

void explain_help(CLI::App& app) {
  const auto formatter = std::make_shared<PlainFormatter>();
  explain(app, formatter);
  for (CLI::App* sub : app.get_subcommands({})) explain(*sub, formatter);
}

}  // namespace leapsim::app
