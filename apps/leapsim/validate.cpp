#include "validate.hpp"

#include <ostream>

#include "leapsim/innovation/scenario/loader.hpp"

namespace leapsim::app {

int validate_command(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  int status = 0;
  for (const std::string& file : files) {
    const std::vector<innovation::Diagnostic> problems = innovation::check_file(file);
    if (problems.empty()) {
      out << file << ": ok (" << (innovation::is_study_file(file) ? "study" : "scenario") << ")\n";
      continue;
    }
    status = 1;
    for (const innovation::Diagnostic& d : problems) err << d.to_string() << '\n';
  }
  return status;
}

}  // namespace leapsim::app
