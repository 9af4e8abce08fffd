#!/usr/bin/python3
"""A scripted editor session against `tally lsp`: initialize, open a file with an unknown column,
receive the diagnostic with its hint, hover, go to definition, completion, formatting, malformed
input, shutdown and exit. Exits 1 with a message on the first answer that is not as expected.

usage: lsp_session.py PATH/TO/tally
"""
import json
import os
import subprocess
import sys
import tempfile

TALLY = sys.argv[1]

DEFS = '''table cp_visits {
  child_id   text
  plan_id    text
  visit_date date
}

param cp_visit_days = 10 days  "Max days between visits"
  from 2019-04-01 = 15 days  "Committee 11/03/2019, item 6"

indicator cp_visits_on_time {
  from        cp_visits
  period      quarter
  let gap     = days(previous(visit_date per plan_id), visit_date)
  denominator count where visit_dat in period and gap is known
  numerator   count where gap <= cp_visit_days
  unit        percent
}
'''


def fail(message):
    print("lsp_session.py: " + message, file=sys.stderr)
    sys.exit(1)


class Client:
    def __init__(self):
        self.proc = subprocess.Popen([TALLY, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 1

    def write(self, raw):
        self.proc.stdin.write(raw)
        self.proc.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode("utf-8")
        self.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def read(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                fail("the server closed its output")
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        while True:
            message = self.read()
            if message.get("id") == rid:
                return message

    def notification(self, method):
        while True:
            message = self.read()
            if message.get("method") == method:
                return message["params"]


def position_of(text, needle, skip=0):
    offset = text.index(needle) + skip
    line = text.count("\n", 0, offset)
    return {"line": line, "character": offset - (text.rfind("\n", 0, offset) + 1)}


def main():
    folder = tempfile.mkdtemp(prefix="tally-lsp-")
    path = os.path.join(folder, "visits.tally")
    with open(path, "w") as f:
        f.write(DEFS)
    uri = "file://" + path
    c = Client()

    init = c.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    caps = init.get("result", {}).get("capabilities", {})
    for cap in ("hoverProvider", "definitionProvider", "completionProvider",
                "documentFormattingProvider"):
        if not caps.get(cap):
            fail("initialize does not announce %s: %s" % (cap, init))
    c.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    # Opening a file with an unknown column: the diagnostic names it, with its hint.
    c.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": "tally", "version": 1,
                                        "text": DEFS}}})
    diags = c.notification("textDocument/publishDiagnostics")
    if diags["uri"] != uri or len(diags["diagnostics"]) != 1:
        fail("expected one diagnostic for the unknown column: %s" % diags)
    d = diags["diagnostics"][0]
    if "visit_dat" not in d["message"] or "visit_date" not in d["message"]:
        fail("the diagnostic should name visit_dat and suggest visit_date: %s" % d)
    if d["range"]["start"] != position_of(DEFS, "visit_dat in"):
        fail("the diagnostic is not at the unknown column: %s" % d["range"])

    # Typing the fix clears it.
    fixed = DEFS.replace("visit_dat in", "visit_date in")
    c.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": 2},
                       "contentChanges": [{"text": fixed}]}})
    diags = c.notification("textDocument/publishDiagnostics")
    if diags["diagnostics"]:
        fail("the fixed text should have no diagnostics: %s" % diags)

    # Hover: a parameter's type and unit; an indicator's description.
    hover = c.request("textDocument/hover", {"textDocument": {"uri": uri},
                                             "position": position_of(fixed, "cp_visit_days\n", 2)})
    value = hover.get("result", {}).get("contents", {}).get("value", "")
    if "cp_visit_days" not in value or "days" not in value:
        fail("hover on cp_visit_days: %s" % hover)
    if "from 2019-04-01 = 15 days (Committee 11/03/2019, item 6)" not in value:
        fail("hover on cp_visit_days should show its dated value: %s" % hover)
    hover = c.request("textDocument/hover", {"textDocument": {"uri": uri},
                                             "position": position_of(fixed, "cp_visits_on_time", 3)})
    value = hover.get("result", {}).get("contents", {}).get("value", "")
    if "percentage" not in value:
        fail("hover on the indicator should describe it: %s" % hover)

    # Go to definition: a column used in the indicator leads to its declaration in the table.
    definition = c.request("textDocument/definition",
                           {"textDocument": {"uri": uri},
                            "position": position_of(fixed, "plan_id), visit_date", 2)})
    result = definition.get("result") or {}
    if result.get("uri") != uri or result["range"]["start"] != position_of(fixed, "plan_id    text"):
        fail("definition of plan_id: %s" % definition)
    definition = c.request("textDocument/definition",
                           {"textDocument": {"uri": uri},
                            "position": position_of(fixed, "gap is known", 1)})
    result = definition.get("result") or {}
    if result.get("range", {}).get("start") != position_of(fixed, "gap     ="):
        fail("definition of the let gap: %s" % definition)

    # Completion: names in scope and clause keywords inside an indicator.
    completion = c.request("textDocument/completion",
                           {"textDocument": {"uri": uri},
                            "position": position_of(fixed, "  unit", 2)})
    labels = {item["label"] for item in completion.get("result", [])}
    for want in ("visit_date", "gap", "cp_visit_days", "numerator", "working_days"):
        if want not in labels:
            fail("completion lacks %s: %s" % (want, sorted(labels)))

    # Formatting: the whole text replaced by its canonical layout.
    messy = fixed.replace("from        cp_visits", "from cp_visits")
    c.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": 3},
                       "contentChanges": [{"text": messy}]}})
    c.notification("textDocument/publishDiagnostics")
    formatting = c.request("textDocument/formatting",
                           {"textDocument": {"uri": uri}, "options": {"tabSize": 2,
                                                                      "insertSpaces": True}})
    edits = formatting.get("result")
    if not edits or edits[0]["newText"] != fixed:
        fail("formatting should give the canonical text: %s" % formatting)

    # Completion in an import string: the standard library's files.
    with_import = 'import "std/\n' + fixed
    c.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": 4},
                       "contentChanges": [{"text": with_import}]}})
    c.notification("textDocument/publishDiagnostics")
    completion = c.request("textDocument/completion",
                           {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 12}})
    labels = {item["label"] for item in completion.get("result", [])}
    if "std/dfe.tally" not in labels:
        fail("completion in an import lacks std/dfe.tally: %s" % sorted(labels))

    # Malformed input is answered, never fatal.
    c.write(b"Content-Length: 9\r\n\r\nnot json!")
    answer = c.read()
    if answer.get("error", {}).get("code") != -32700:
        fail("a message that is not JSON should be a parse error: %s" % answer)
    unknown = c.request("textDocument/unknownThing", {})
    if unknown.get("error", {}).get("code") != -32601:
        fail("an unknown method should be method-not-found: %s" % unknown)
    bad = c.request("textDocument/hover", {"textDocument": 7})
    if bad.get("error", {}).get("code") != -32602:
        fail("bad parameters should be invalid-params: %s" % bad)

    shutdown = c.request("shutdown", None)
    if "result" not in shutdown or shutdown["result"] is not None:
        fail("shutdown: %s" % shutdown)
    c.send({"jsonrpc": "2.0", "method": "exit"})
    c.proc.stdin.close()
    status = c.proc.wait(timeout=10)
    if status != 0:
        fail("exit after shutdown should end the server with status 0, not %d" % status)

    # Garbage and a cut-off message: answered or ignored, and the end of input ends the server
    # (status 1 without shutdown), never a crash.
    proc = subprocess.Popen([TALLY, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    garbage = (b"Content-Length: abc\r\n\r\n\x00\xff{}\r\n\r\n"
               b"Content-Length: 2\r\n\r\n[]"
               b"Content-Length: 4\r\n\r\nnull"
               b'Content-Length: 40\r\n\r\n{"jsonrpc":"2.0","id":1,"method":')
    out, _ = proc.communicate(garbage, timeout=10)
    if proc.returncode != 1:
        fail("garbage then the end of input should end the server with status 1, not %d"
             % proc.returncode)
    if out.count(b"Content-Length") < 2:
        fail("malformed messages should be answered with errors: %r" % out)
    print("lsp_session.py: the session went as expected")


if __name__ == "__main__":
    main()
