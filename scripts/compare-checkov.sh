#!/usr/bin/env bash
# Compare `kubeprint check` with checkov on each template's rendered prod bundle:
# wall time and what each finds. Installs checkov 3.3 in its own venv on first use.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS="${KUBEPRINT_TOOLS:-$HOME/.cache/kubeprint-tools}"
VENV="$TOOLS/checkov-venv"
if [ ! -x "$VENV/bin/checkov" ]; then
  echo "==> Installing checkov 3.3 in $VENV (a few minutes, once)"
  python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet "checkov>=3.3,<3.4"
fi
cd "$ROOT" && cargo build -q --release -p kubeprint-cli
K="$ROOT/target/release/kubeprint"
OUT="$(mktemp -d)"
for t in connectum miniredis framework-m stfc-fastapi; do
  "$K" new -t "$t" > "$OUT/$t.json"
  "$K" render "$OUT/$t.json" --env prod > "$OUT/$t.yaml"
  s=$(date +%s.%N)
  BC_SKIP_MAPPING=TRUE "$VENV/bin/checkov" --quiet --compact --framework kubernetes \
    --skip-download -f "$OUT/$t.yaml" -o json > "$OUT/checkov-$t.json" 2>/dev/null || true
  m=$(date +%s.%N)
  "$K" check "$OUT/$t.json" --env prod --format json > "$OUT/kp-$t.json" || true
  e=$(date +%s.%N)
  python3 - "$OUT" "$t" "$(echo "$m - $s" | bc)" "$(echo "$e - $m" | bc)" <<'EOF'
import collections, json, sys
out, t, ck_s, kp_s = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
ck = json.load(open(f"{out}/checkov-{t}.json"))
ck = ck[0] if isinstance(ck, list) else ck
failed = collections.Counter(f["check_id"] for f in ck["results"]["failed_checks"])
kp = collections.Counter(f["code"] for f in json.load(open(f"{out}/kp-{t}.json"))["findings"])
print(f"| {t} | {ck_s:.2f} s | {sum(failed.values())}: {', '.join(f'{k}×{v}' for k, v in sorted(failed.items()))} "
      f"| {kp_s*1000:.0f} ms | {sum(kp.values())}: {', '.join(f'{k}×{v}' for k, v in sorted(kp.items()))} |")
EOF
done
