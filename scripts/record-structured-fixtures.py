#!/usr/bin/env python3
"""Records llama.cpp's grammar- and schema-constrained greedy output as fixtures.

Starts llama-server on 127.0.0.1 with the given model (context 2048). For each case, the
question is put in ChatML, tokenized with /tokenize (special tokens recognised, nothing
added), and /completion is asked for greedy tokens (temperature 0, top_k 1, prompt cache
off) under the case's `json_schema` (llama.cpp converts it to a grammar itself) or its GBNF
`grammar`. Writes Tests/ParleyLocalTests/Fixtures/structured.json, which
StructuredFixtureTests replays through Parley's own runtime, converter and matcher.

usage: scripts/record-structured-fixtures.py LLAMA_SERVER MODEL [OUTPUT]
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

N_PREDICT = 160

SCHEMA_CASES = [
    ("options", "Should I take the train or fly from Berlin to Paris? List the options.",
     {"type": "object", "properties": {
         "options": {"type": "array", "items": {"type": "string", "maxLength": 24}, "minItems": 2, "maxItems": 4}},
      "required": ["options"], "additionalProperties": False}),
    ("criteria", "Which criteria matter when choosing between a dog and a cat? Give each a weight from 1 to 5.",
     {"type": "object", "properties": {
         "criteria": {"type": "array", "minItems": 2, "maxItems": 4, "items": {
             "type": "object", "properties": {
                 "name": {"type": "string", "maxLength": 20},
                 "weight": {"type": "integer", "minimum": 1, "maximum": 5}},
             "required": ["name", "weight"], "additionalProperties": False}}},
      "required": ["criteria"], "additionalProperties": False}),
    ("score", "How good is the train for cost, on a scale of 0 to 10? Give a short reason first.",
     {"type": "object", "properties": {
         "reason": {"type": "string", "maxLength": 100},
         "score": {"type": "integer", "minimum": 0, "maximum": 10}},
      "required": ["reason", "score"], "additionalProperties": False}),
    ("pros-cons", "What are the pros and cons of working from home?",
     {"type": "object", "properties": {
         "pros": {"type": "array", "items": {"type": "string", "maxLength": 60}, "maxItems": 3},
         "cons": {"type": "array", "items": {"type": "string", "maxLength": 60}, "maxItems": 3}},
      "required": ["pros", "cons"], "additionalProperties": False}),
    ("enum", "Is this review positive, negative or neutral? 'The soup was cold but the staff were lovely.'",
     {"type": "object", "properties": {"sentiment": {"enum": ["positive", "negative", "neutral"]}},
      "required": ["sentiment"]}),
    ("boolean-null", "Is Paris the capital of France? Add a note only if needed.",
     {"type": "object", "properties": {"answer": {"type": "boolean"}, "note": {"type": ["string", "null"], "maxLength": 40}},
      "required": ["answer", "note"], "additionalProperties": False}),
    ("number", "What is a comfortable room temperature in degrees Celsius?",
     {"type": "object", "properties": {"celsius": {"type": "number"}}, "required": ["celsius"], "additionalProperties": False}),
    ("date", "On which date did the first person walk on the moon?",
     {"type": "object", "properties": {"date": {"type": "string", "format": "date"}}, "required": ["date"],
      "additionalProperties": False}),
    ("any-of", "How many legs does a spider have?",
     {"type": "object", "properties": {"legs": {"anyOf": [{"type": "integer"}, {"type": "string", "maxLength": 12}]}},
      "required": ["legs"], "additionalProperties": False}),
    ("shopping", "Write a shopping list for pancakes with quantities.",
     {"type": "object", "properties": {"items": {"type": "array", "maxItems": 4, "items": {
         "type": "object", "properties": {"name": {"type": "string", "maxLength": 20},
                                          "quantity": {"type": "integer", "minimum": 1, "maximum": 99}},
         "required": ["name", "quantity"], "additionalProperties": False}}},
      "required": ["items"], "additionalProperties": False}),
    ("ref", "Who wrote Pride and Prejudice? Give the author's name and birth year.",
     {"$defs": {"person": {"type": "object", "properties": {
         "name": {"type": "string", "maxLength": 40}, "born": {"type": "integer", "minimum": 1000, "maximum": 2025}},
         "required": ["name", "born"], "additionalProperties": False}},
      "type": "object", "properties": {"author": {"$ref": "#/$defs/person"}}, "required": ["author"],
      "additionalProperties": False}),
    ("optional", "Give a title for a blog post about tea, and a subtitle if you like.",
     {"type": "object", "properties": {"title": {"type": "string", "maxLength": 50},
                                       "subtitle": {"type": "string", "maxLength": 50}},
      "required": ["title"], "additionalProperties": False}),
    ("pattern", "Make up a flight number for a flight from Berlin.",
     {"type": "object", "properties": {"flight": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{3,4}$"}},
      "required": ["flight"], "additionalProperties": False}),
]

GRAMMAR_CASES = [
    ("yes-no", "Is the sky blue on a clear day? Answer and say why.",
     'root ::= answer ", because " reason "."\nanswer ::= "Yes" | "No"\nreason ::= [a-z ]{1,60}\n'),
    ("list", "Name three fruits.",
     'root ::= item{3}\nitem ::= "- " [^\\n]{1,30} "\\n"\n'),
    ("chinese", "用中文说一个水果的名字。",
     'root ::= [\\u4e00-\\u9fff]{1,6}\n'),
]


def chatml(text):
    return "<|im_start|>user\n" + text + "<|im_end|>\n<|im_start|>assistant\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port, path, body):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.load(response)


def wait_healthy(port, server):
    for _ in range(600):
        if server.poll() is not None:
            sys.exit("llama-server exited early")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            pass
        time.sleep(0.2)
    sys.exit("llama-server did not become healthy")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    server_path, model = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    output = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
        root, "Tests", "ParleyLocalTests", "Fixtures", "structured.json")
    port = free_port()
    server = subprocess.Popen(
        [server_path, "-m", model, "--host", "127.0.0.1", "--port", str(port), "-c", "2048"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(port, server)
        cases = []
        for kind, entries in (("schema", SCHEMA_CASES), ("grammar", GRAMMAR_CASES)):
            for name, question, constraint in entries:
                prompt = chatml(question)
                ids = post(port, "/tokenize", {"content": prompt, "add_special": False,
                                               "parse_special": True})["tokens"]
                body = {"prompt": ids, "n_predict": N_PREDICT, "temperature": 0, "top_k": 1,
                        "cache_prompt": False, "return_tokens": True, "seed": 1}
                body["json_schema" if kind == "schema" else "grammar"] = constraint
                result = post(port, "/completion", body)
                case = {"name": name, "kind": kind, "prompt": prompt, "prompt_tokens": ids,
                        "expected_tokens": result["tokens"], "expected_text": result["content"],
                        "stopped": result.get("stop_type", "")}
                case["schema" if kind == "schema" else "grammar"] = constraint
                cases.append(case)
                print(f"{name}: {len(result['tokens'])} tokens ({case['stopped']}): {result['content']!r}")
        fixture = {
            "source": "llama.cpp llama-server /completion with json_schema or grammar, temperature 0, top_k 1, -c 2048",
            "model": os.path.basename(model),
            "n_predict": N_PREDICT,
            "cases": cases,
        }
        with open(output, "w") as f:
            json.dump(fixture, f, indent=1, ensure_ascii=False)
            f.write("\n")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
