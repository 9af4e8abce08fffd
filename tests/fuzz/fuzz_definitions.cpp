// libFuzzer target: any bytes as a definition file. Parsing, checking, the diagnostics in JSON,
// every printed form (syntax tree, types, plan) and describe must answer every input with
// diagnostics or output, never a crash, a hang or an exception.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lang/ast/ast.hpp"
#include "lang/base/diagnostics.hpp"
#include "lang/check/describe.hpp"
#include "lang/check/front.hpp"
#include "lang/plan/compiler.hpp"
#include "lang/plan/plan.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tally;
  static const fuzz::Scratch scratch;
  const auto path =
      scratch.write("defs.tally", std::string_view(reinterpret_cast<const char*>(data), size));
  const auto front = check::load_definitions({path.string()});
  // Diagnostics must render as valid JSON whatever bytes they quote.
  (void)render_json(front->diags, front->sources).dump();
  (void)render_text(front->diags, front->sources);
  if (front->diags.has_errors()) return 0;

  (void)ast::print(*front->module, front->sources);
  (void)check::print_types(front->program, front->sources);
  std::vector<std::uint32_t> all;
  for (std::uint32_t i = 0; i < front->program.indicators.size(); ++i) all.push_back(i);
  (void)plan::print(plan::compile(front->program, all));
  for (std::uint32_t i = 0; i < front->program.indicators.size(); ++i)
    (void)check::describe_indicator(front->program, i, {});
  return 0;
}
