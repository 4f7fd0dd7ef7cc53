#!/usr/bin/env python3
"""Extracts the request schema of POST /chat/completions from OpenAI's OpenAPI document.

Usage: python3 extract.py path/to/openapi.json > chat-completions-request.schema.json

The source is https://github.com/openai/openai-openapi (MIT, see LICENSE here); the vendored
file names the commit it came from. It keeps CreateChatCompletionRequest and every schema it
refers to, under $defs, with "#/components/schemas/X" rewritten to "#/$defs/X", so a JSON Schema
2020-12 validator reads it on its own (OpenAPI's own keywords such as "nullable" and
"discriminator" are left in and ignored by the validator).
"""
import json
import sys

spec = json.load(open(sys.argv[1]))
schemas = spec["components"]["schemas"]


def refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for x in node:
            yield from refs(x)


def rewrite(node):
    if isinstance(node, dict):
        return {k: (v.replace("#/components/schemas/", "#/$defs/") if k == "$ref" and isinstance(v, str) else rewrite(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [rewrite(x) for x in node]
    return node


seen, stack = set(), ["CreateChatCompletionRequest"]
while stack:
    name = stack.pop()
    if name in seen:
        continue
    seen.add(name)
    stack.extend(r.split("/")[-1] for r in refs(schemas[name]))

out = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$comment": "POST /chat/completions request body, from openai/openai-openapi " + (sys.argv[2] if len(sys.argv) > 2 else "")
                + " (OpenAPI " + spec["openapi"] + ", API " + spec["info"]["version"] + "); MIT, see LICENSE",
    "$ref": "#/$defs/CreateChatCompletionRequest",
    "$defs": {k: rewrite(schemas[k]) for k in sorted(seen)},
}
json.dump(out, sys.stdout, indent=1, sort_keys=False)
print()
