// `tally lsp`: a Language Server Protocol server over a pair of streams (standard input and
// output), JSON-RPC 2.0 with Content-Length framing. It answers with the checker's diagnostics as
// a document changes, hover, go to definition, completion and formatting. Malformed input is
// answered with JSON-RPC errors; nothing a client sends ends the server but `exit` or the end of
// its input.
#pragma once

#include <iosfwd>

namespace tally::lsp {

// Serves until `exit` or the end of `in`; returns the exit status (0 after `shutdown`, else 1).
int serve(std::istream& in, std::ostream& out);

}  // namespace tally::lsp
