"""Helm's own linter (through helm-sdkpy, which bundles Helm's library) on chart folders.

    python helm_lint.py CHART_DIR [--values FILE]...

Lints the chart once with its values.yaml and once more per --values file, as
`helm lint -f FILE` would: the linter here reads only the chart's own values.yaml, so each
run lints a copy of the chart whose values.yaml is the chart's values merged with FILE
by Helm's rules (maps merge key by key, the file wins, null deletes the chart's key;
anything else is replaced whole). Prints every message with its severity and path; exits 1 when a
lint reports an error (a template that does not render, a bad Chart.yaml, values that
break values.schema.json), 2 when the linter cannot run.
"""
import asyncio
import os
import shutil
import sys
import tempfile

try:
    import helm_sdkpy
    import yaml
except ImportError as e:  # the oracle is missing: fail, never pass silently
    print(f"the Helm lint oracle is not installed ({e}): run ./dev setup oracles", file=sys.stderr)
    sys.exit(2)

SEVERITY = {1: "INFO", 2: "WARNING", 3: "ERROR", 4: "ERROR"}


def merge(base, over):
    """Helm's coalescing of a values file over the chart's values: a null in the file
    deletes the chart's key."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            if v is None and k in base:
                del out[k]
            else:
                out[k] = merge(base.get(k), v) if k in base else v
        return out
    return over


def lint(chart, values_file):
    if values_file:
        with open(os.path.join(chart, "values.yaml")) as f:
            base = yaml.safe_load(f) or {}
        with open(values_file) as f:
            over = yaml.safe_load(f) or {}
        tmp = tempfile.mkdtemp()
        copy = os.path.join(tmp, os.path.basename(os.path.normpath(chart)))
        shutil.copytree(chart, copy)
        with open(os.path.join(copy, "values.yaml"), "w") as f:
            yaml.safe_dump(merge(base, over), f)
        try:
            return lint(copy, None)
        finally:
            shutil.rmtree(tmp)
    linter = helm_sdkpy.Lint(helm_sdkpy.Configuration())
    return asyncio.run(linter.run(chart))


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    chart, rest = argv[0], argv[1:]
    runs = [None]
    while rest:
        if rest[0] != "--values" or len(rest) < 2:
            print(f"unexpected argument {rest[0]}", file=sys.stderr)
            return 2
        runs.append(rest[1])
        rest = rest[2:]
    failed = False
    for values in runs:
        result = lint(chart, values)
        label = values or "values.yaml"
        for m in result.get("Messages") or []:
            sev = SEVERITY.get(m.get("Severity"), str(m.get("Severity")))
            print(f"{label}: [{sev}] {m.get('Path')}: {m.get('Err')}")
            if m.get("Severity", 0) >= 3:
                failed = True
        if result.get("Errors"):
            print(f"{label}: errors: {result['Errors']}")
            failed = True
        print(f"{label}: linted")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
