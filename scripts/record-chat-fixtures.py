#!/usr/bin/env python3
"""Records llama.cpp's greedy chat replies as fixtures for the local backend's tests.

Usage: scripts/record-chat-fixtures.py BASE_URL OUT.json
BASE_URL is a llama-server started with the default model (e.g. http://127.0.0.1:8080/v1; see
scripts/real-server-test.sh for how to build and start one). Each case is a whole conversation
(system prompt, few-shot turns, question) sent to /chat/completions at temperature 0.
"""
import json
import sys
import urllib.request

PERSONA = open(__file__.rsplit("/", 2)[0] + "/Personas/assistant.md", encoding="utf-8").read()


def persona_messages():
    # The assistant persona exactly as Parley sends it: prompt, then the examples as turns.
    body = PERSONA.split("---", 2)[2]
    prompt, *examples = body.split("## Example")
    messages = [{"role": "system", "content": prompt.strip()}]
    for example in examples:
        user = example.split("### User", 1)[1].split("### Assistant", 1)[0].strip()
        assistant = example.split("### Assistant", 1)[1].strip()
        messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    return messages


CASES = [
    {"name": "persona-three-tips", "messages": persona_messages() + [
        {"role": "user", "content": "Give me three tips for sleeping better."}]},
    {"name": "plain-capital", "messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "What is the capital of France?"}]},
    {"name": "multi-turn", "messages": [
        {"role": "system", "content": "Answer briefly."},
        {"role": "user", "content": "Name a fruit that is yellow."},
        {"role": "assistant", "content": "A banana."},
        {"role": "user", "content": "And one that is red?"}]},
]


def main():
    base, out = sys.argv[1], sys.argv[2]
    results = []
    for case in CASES:
        request = {"messages": case["messages"], "temperature": 0, "max_tokens": 40, "stream": False}
        data = json.dumps(request).encode()
        reply = json.load(urllib.request.urlopen(urllib.request.Request(
            base + "/chat/completions", data=data, headers={"Content-Type": "application/json"})))
        choice = reply["choices"][0]
        results.append({"name": case["name"], "messages": case["messages"], "maxTokens": 40,
                        "expected": choice["message"]["content"], "finishReason": choice["finish_reason"]})
    with open(out, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
