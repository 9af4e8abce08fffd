// Excel workbooks (libxlsxwriter) of run, compare, sweep and explain: a sheet per service area or
// per command, a frozen header, numbers written as numbers in the indicator's format (percent,
// decimals), RAG cells filled with their colour and named in words, and a Definitions sheet.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/render.hpp"
#include "cli/report/listings.hpp"

namespace tally::cli {

// Each indicator shown, with its definition in words (a row of the Definitions sheet).
using Definitions = std::vector<std::pair<const plan::IndicatorPlan*, std::string>>;

// The workbook's bytes; nullopt (with `error` set) when libxlsxwriter could not write it.
std::optional<std::string> run_xlsx(const runtime::RunResult& result, const RenderContext& ctx,
                                    std::string& error);
std::optional<std::string> compare_xlsx(const CompareView& view, const Definitions& definitions,
                                        std::string& error);
std::optional<std::string> sweep_xlsx(const SweepView& view, const Definitions& definitions,
                                      std::string& error);
std::optional<std::string> explain_xlsx(const runtime::ExplainResult& r,
                                        const Definitions& definitions, std::string& error);

// A sheet's name as Excel takes it: at most 31 characters, none of []:*?/\, not empty.
std::string sheet_name(const std::string& wanted);

}  // namespace tally::cli
