"""Sums `twiggy top --format csv` rows by crate: the crate a function's demangled name
starts with (for `<T as Trait>::f`, the crate of T). Data segments and unnamed items are
listed apart. Then the bytes of the functions built for each serde backend (a name that
mentions serde_json or serde_yaml anywhere, wherever it starts)."""

import collections
import csv
import re
import sys

csv.field_size_limit(1 << 30)
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
# What the bytes do, whatever crate they are in (LTO inlines across crates, so a function
# of kubeprint_core may hold most of a k8s-openapi type's code): the first match wins.
KINDS = [
    # std's sorts, a copy per element type and comparator (core/src/order.rs keeps it one).
    ("sorting (std's sorts)", r"core::slice::sort::"),
    ("deserializing (serde de, visitors, from_json)", r"Deserializ|::de::|Visitor|from_json|from_value|MapAccess|SeqAccess"),
    ("serializing (serde ser, to_doc, to_value)", r"Serializ|::ser::|to_doc|to_value|to_json|YamlCache"),
    ("UI runtime (leptos, tachys, reactive_graph)", r"tachys|leptos|reactive_graph|reactive_stores"),
    ("data segments (text, tables)", r"^data segment"),
    ("the rules", r"::rules"),
    ("render", r"::render"),
    ("export (bundle, Helm, Argo CD, compose)", r"::export|bundle"),
    ("import", r"::import"),
    ("YAML parser (libyaml)", r"libyaml|serde_yaml::loader"),
    ("jiff (k8s-openapi's Time)", r"jiff"),
]
kinds = collections.Counter()
by_crate = collections.Counter()
backend = collections.Counter()
for row in rows:
    name, size = row["Name"], int(row["ShallowSize"])
    if name.endswith("subsection") or name.startswith("custom section") or "section headers" in name:
        continue  # the names themselves and other custom sections: not shipped
    if name.startswith(("data[", "data segment")):
        crate = "(data segments)"
    elif re.match(r"^(code|elem|type|import|export|table|global|func|memory)[\[ ]", name) or (
        not name[:1].isalpha() and not name.startswith("<")
    ):
        crate = "(wasm sections, unnamed)"
    else:
        bare = re.sub(r"^[<&*]+|\b(mut|dyn|const) ", "", name)
        m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)", bare)
        crate = m.group(1) if m else "(other)"
        if re.fullmatch(r"[A-Z]|str|bool|char|[iuf](8|16|32|64|128|size)", crate):
            crate = "(impls on generics, primitives)"
    by_crate[crate] += size
    for b in ("serde_json", "serde_yaml"):
        if b in name:
            backend[b] += size
    if not name.endswith("subsection"):
        for what, pattern in KINDS:
            if re.search(pattern, name):
                kinds[what] += size
                break
        else:
            kinds["everything else"] += size

total = sum(by_crate.values())
print(f"{'crate':32} {'bytes':>10} {'share':>6}")
for crate, size in by_crate.most_common(30):
    print(f"{crate:32} {size:10d} {100 * size / total:5.1f}%")
rest = total - sum(s for _, s in by_crate.most_common(30))
if rest:
    print(f"{'(the other crates)':32} {rest:10d} {100 * rest / total:5.1f}%")
print(f"{'total':32} {total:10d}")
print()
print(f"{'what':48} {'bytes':>10} {'share':>6}")
for what, size in kinds.most_common():
    print(f"{what:48} {size:10d} {100 * size / total:5.1f}%")
print()
for b, size in sorted(backend.items()):
    print(f"functions naming {b:14} {size:10d} {100 * size / total:5.1f}%")
