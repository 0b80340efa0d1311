"""HTTPStatus and HTTPMethod: every code, name, phrase and description of
netproto's tables equals the running python3's http module."""
import http
import os
import subprocess
import sys

tool = os.path.join(os.environ["NP_BINARY_DIR"], "tests", "http_tool_status")
out = subprocess.run([tool], check=True, capture_output=True, text=True).stdout
ours_status, ours_method, ours_phrase = [], [], {}
for line in out.splitlines():
    kind, *fields = line.split("\t")
    if kind == "status":
        ours_status.append((int(fields[0]), fields[1], fields[2], fields[3]))
    elif kind == "method":
        ours_method.append((fields[0], fields[1]))
    else:
        ours_phrase[int(fields[0])] = fields[1] if len(fields) > 1 else ""

theirs_status = sorted((s.value, s.name, s.phrase, s.description)
                       for s in http.HTTPStatus)
theirs_method = [(m.name, m.description) for m in http.HTTPMethod]
failures = 0
for a, b in zip(ours_status, theirs_status):
    if a != b:
        print("status differs:", a, b)
        failures += 1
if len(ours_status) != len(theirs_status):
    print("status count", len(ours_status), "python", len(theirs_status))
    failures += 1
if ours_method != theirs_method:
    print("methods differ:", ours_method, theirs_method)
    failures += 1
for code in range(1000):
    try:
        expected = http.HTTPStatus(code).phrase
    except ValueError:
        expected = ""
    if ours_phrase.get(code) != expected:
        print("lookup", code, ours_phrase.get(code), expected)
        failures += 1
print(f"{len(ours_status)} statuses, {len(ours_method)} methods, "
      f"{failures} differences")
sys.exit(1 if failures else 0)
