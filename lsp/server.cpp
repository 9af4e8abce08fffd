#include "lsp/server.hpp"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>

#include "lang/format/format.hpp"
#include "lsp/analysis.hpp"

namespace tally::lsp {

namespace {

// The largest message read; a longer one is skipped and answered with an error.
constexpr std::size_t kMaxMessage = 64u << 20;

// JSON-RPC error codes.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kInternalError = -32603;

struct Document {
  std::string uri;
  std::string path;  // canonical
  std::string text;
  std::unique_ptr<Analysis> analysis;  // made when first needed after a change
};

class Server {
 public:
  Server(std::istream& in, std::ostream& out) : in_(in), out_(out) {}

  int run() {
    for (;;) {
      std::optional<std::string> body;
      bool too_long = false;
      if (!read_message(body, too_long)) return shutdown_ ? 0 : 1;
      if (too_long) {
        error(nullptr, kInvalidRequest, "the message is longer than tally reads");
        continue;
      }
      if (!body) continue;  // a header block without Content-Length
      Json message;
      try {
        message = Json::parse(*body);
      } catch (const Json::exception&) {
        error(nullptr, kParseError, "the message is not JSON");
        continue;
      }
      if (!message.is_object() || !message.contains("method") || !message["method"].is_string()) {
        error(message.is_object() && message.contains("id") ? message["id"] : Json(nullptr),
              kInvalidRequest, "a request needs a method");
        continue;
      }
      const std::string method = message["method"];
      const bool request = message.contains("id");
      const Json id = request ? message["id"] : Json(nullptr);
      const Json params = message.value("params", Json::object());
      if (method == "exit") return shutdown_ ? 0 : 1;
      try {
        handle(method, request, id, params);
      } catch (const Json::exception& e) {
        if (request) error(id, kInvalidParams, fmt::format("bad parameters: {}", e.what()));
      } catch (const std::exception& e) {
        if (request) error(id, kInternalError, fmt::format("internal error: {}", e.what()));
      }
    }
  }

 private:
  // Reads one framed message. False at the end of the input.
  bool read_message(std::optional<std::string>& body, bool& too_long) {
    std::optional<std::size_t> length;
    std::string line;
    bool any = false;
    while (std::getline(in_, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) {
        if (!any) continue;  // stray blank lines between messages
        break;
      }
      any = true;
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name != "content-length") continue;
      std::size_t n = 0;
      bool digits = false;
      for (std::size_t i = colon + 1; i < line.size(); ++i) {
        const char c = line[i];
        if (c == ' ' || c == '\t') continue;
        if (c < '0' || c > '9' || n > kMaxMessage) {
          digits = false;
          break;
        }
        n = n * 10 + static_cast<std::size_t>(c - '0');
        digits = true;
      }
      if (digits) length = n;
    }
    if (!in_) return false;
    if (!length) {
      error(nullptr, kInvalidRequest, "a message needs a Content-Length header");
      return true;
    }
    if (*length > kMaxMessage) {
      in_.ignore(static_cast<std::streamsize>(*length));
      too_long = true;
      return static_cast<bool>(in_);
    }
    std::string text(*length, '\0');
    in_.read(text.data(), static_cast<std::streamsize>(*length));
    if (static_cast<std::size_t>(in_.gcount()) != *length) return false;
    body = std::move(text);
    return true;
  }

  void send(const Json& message) {
    const std::string text = message.dump(-1, ' ', false, Json::error_handler_t::replace);
    out_ << "Content-Length: " << text.size() << "\r\n\r\n" << text;
    out_.flush();
  }
  void reply(const Json& id, Json result) {
    send(Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
  }
  void error(const Json& id, int code, const std::string& message) {
    send(Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }
  void notify(const std::string& method, Json params) {
    send(Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }

  Document* document(const Json& params) {
    const std::string uri = params.at("textDocument").at("uri").get<std::string>();
    auto it = documents_.find(uri);
    return it == documents_.end() ? nullptr : &it->second;
  }
  Analysis& analysis(Document& d) {
    if (!d.analysis) {
      std::map<std::string, std::string> open;
      for (const auto& [uri, doc] : documents_) open[doc.path] = doc.text;
      d.analysis = std::make_unique<Analysis>(d.path, open);
    }
    return *d.analysis;
  }
  void changed(Document& d) {
    for (auto& [uri, doc] : documents_) doc.analysis.reset();  // others may import it
    notify("textDocument/publishDiagnostics",
           Json{{"uri", d.uri}, {"diagnostics", analysis(d).diagnostics()}});
  }
  std::size_t offset(const Document& d, const Json& params) {
    const Json& pos = params.at("position");
    return offset_at(d.text, pos.at("line").get<int>(), pos.at("character").get<int>());
  }

  void handle(const std::string& method, bool request, const Json& id, const Json& params) {
    if (shutdown_ && request) {
      error(id, kInvalidRequest, "the server is shutting down");
      return;
    }
    if (method == "initialize") {
      reply(id, Json{{"capabilities",
                      {{"textDocumentSync", {{"openClose", true}, {"change", 1}}},
                       {"hoverProvider", true},
                       {"definitionProvider", true},
                       {"completionProvider", {{"triggerCharacters", {".", "\"", "/"}}}},
                       {"documentFormattingProvider", true}}},
                     {"serverInfo", {{"name", "tally"}, {"version", "0.1.0"}}}});
    } else if (method == "initialized") {
    } else if (method == "shutdown") {
      shutdown_ = true;
      reply(id, nullptr);
    } else if (method == "textDocument/didOpen") {
      const Json& td = params.at("textDocument");
      const std::string uri = td.at("uri").get<std::string>();
      std::error_code ec;
      const std::string path = path_of_uri(uri);
      const auto real = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
      Document& d = documents_[uri];
      d.uri = uri;
      d.path = ec ? path : real.string();
      d.text = td.at("text").get<std::string>();
      changed(d);
    } else if (method == "textDocument/didChange") {
      Document* d = document(params);
      const Json& changes = params.at("contentChanges");
      if (!d || !changes.is_array() || changes.empty()) return;
      // Full synchronisation: the last change holds the whole text.
      d->text = changes.back().at("text").get<std::string>();
      changed(*d);
    } else if (method == "textDocument/didClose") {
      const std::string uri = params.at("textDocument").at("uri").get<std::string>();
      documents_.erase(uri);
      for (auto& [u, doc] : documents_) doc.analysis.reset();
      notify("textDocument/publishDiagnostics", Json{{"uri", uri}, {"diagnostics", Json::array()}});
    } else if (method == "textDocument/hover" || method == "textDocument/definition" ||
               method == "textDocument/completion") {
      Document* d = document(params);
      if (!d) {
        reply(id, method == "textDocument/completion" ? Json::array() : Json(nullptr));
        return;
      }
      const std::size_t at = offset(*d, params);
      Analysis& a = analysis(*d);
      reply(id, method == "textDocument/hover"        ? a.hover(at)
                : method == "textDocument/definition" ? a.definition(at)
                                                      : a.completion(at));
    } else if (method == "textDocument/formatting") {
      Document* d = document(params);
      if (!d) {
        reply(id, nullptr);
        return;
      }
      const format::Outcome out = format::format_source(d->path, d->text);
      if (out.status != format::Outcome::Status::ok) {
        error(id, kInvalidRequest,
              out.status == format::Outcome::Status::parse_error
                  ? "the file does not parse; fix the errors first"
                  : "tally fmt cannot format this file safely");
        return;
      }
      Json edits = Json::array();
      if (out.text != d->text)
        edits.push_back(
            {{"range",
              {{"start", position_at(d->text, 0)}, {"end", position_at(d->text, d->text.size())}}},
             {"newText", out.text}});
      reply(id, edits);
    } else if (request) {
      error(id, kMethodNotFound, fmt::format("tally does not answer {}", method));
    }
  }

  std::istream& in_;
  std::ostream& out_;
  std::map<std::string, Document> documents_;
  bool shutdown_ = false;
};

}  // namespace

int serve(std::istream& in, std::ostream& out) {
  Server server(in, out);
  return server.run();
}

}  // namespace tally::lsp
