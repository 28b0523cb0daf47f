#pragma once
// `--help` as people expect it: plain value words (N, FILE, TEXT) instead of CLI11's
// `UINT:UINT in [1 - 10000000]`, every default shown, and examples below each command's options.

#include <CLI/CLI.hpp>

namespace leapsim::app {

/// Applies the plain formatter, the defaults and the examples to the app and every sub-command;
/// call it once all options are added, before parsing.
void explain_help(CLI::App& app);

}  // namespace leapsim::app
