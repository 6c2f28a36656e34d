#!/usr/bin/env bash
# Writes the package.json, tsconfig.json and .mocharc.json of one workspace package.
#   scripts/new-package.sh DIR NAME "DESCRIPTION" "dep1 dep2" "ref1 ref2"
set -euo pipefail
dir=$1 name=$2 desc=$3 deps=${4:-} refs=${5:-}
mkdir -p "$dir/src"
depjson=""
for d in $deps; do
  case $d in
    @unitkit/*) v='"0.1.0"';;
    inversify) v='"^8.2.3"';;
    reflect-metadata) v='"^0.2.2"';;
    eventemitter3) v='"^5.0.4"';;
    *) v='"*"';;
  esac
  depjson+="${depjson:+,}\n    \"$d\": $v"
done
refjson=""
for r in $refs; do refjson+="${refjson:+,}\n    { \"path\": \"$r\" }"; done
printf '{
  "name": "%s",
  "version": "0.1.0",
  "description": "%s",
  "license": "MIT",
  "type": "module",
  "main": "dist/index.js",
  "types": "dist/index.d.ts",
  "exports": { ".": { "types": "./dist/index.d.ts", "default": "./dist/index.js" } },
  "files": ["dist", "!dist/**/*.spec.*"],
  "scripts": {
    "build": "tsc -b",
    "clean": "tsc -b --clean",
    "test": "mocha"
  },
  "dependencies": {%b
  }
}
' "$name" "$desc" "$depjson" > "$dir/package.json"
printf '{
  "extends": "%s/tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist" },
  "include": ["src"],
  "references": [%b
  ]
}
' "$(realpath --relative-to="$dir" .)" "$refjson" > "$dir/tsconfig.json"
printf '{ "spec": "dist/**/*.spec.js", "timeout": 10000, "exit": true }\n' > "$dir/.mocharc.json"
