#!/usr/bin/env python3
"""Records llama.cpp's greedy output as fixtures for the GGUF runtime's tests.

Starts llama-server on 127.0.0.1 with the given model (context 2048), tokenizes each
prompt with /tokenize (special tokens recognised, nothing added), asks /completion
for up to 24 greedy tokens from those ids (prompt cache off, so the whole prompt is one
batch), and writes Tests/GGUFRuntimeTests/Fixtures/greedy.json. "chat" cases are whole
conversations put through the model's own template by /apply-template; the long ones
(over 64 tokens) exercise llama.cpp's tiled F32 attention path. For "chat" cases the
output is also recorded with all but the last prompt token taken from the prompt cache
(expected_tokens_last_alone), which is what llama-server answers on a repeated request.

usage: scripts/record-llama-fixtures.py LLAMA_SERVER MODEL [OUTPUT]
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

PROMPTS = [
    ("raw", "The quick brown fox"),
    ("raw", "Once upon a time, in a small village by the sea,"),
    ("raw", "def fibonacci(n):\n"),
    ("raw", "The three primary colors are"),
    ("chatml", "What is the capital of France?"),
    ("chatml", "Write a short poem about the ocean."),
    ("chatml", "Give me three tips for staying productive when working from home."),
    ("chatml", "Explain in detail how photosynthesis works in plants, including the light-dependent "
               "reactions, the Calvin cycle, the role of chlorophyll, and why this process matters "
               "for life on Earth. Please use simple language that a curious twelve-year-old "
               "student could follow, and end with a one-sentence summary."),
    ("raw", "The history of the printing press is a story of many small inventions coming together. "
            "Long before Gutenberg, craftsmen in China carved whole pages into wooden blocks, inked "
            "them, and pressed paper against them to make copies of religious texts and calendars. "
            "Later, movable type made of baked clay and then metal allowed printers to arrange single "
            "characters and reuse them. In fifteenth-century Europe, Johannes Gutenberg combined an "
            "adjustable mould for casting metal letters, an oil-based ink that stuck to metal, and a "
            "screw press adapted from those used to make wine and olive oil. The result was a machine "
            "that could produce hundreds of identical pages a day. Within fifty years, presses were "
            "running in more than two hundred European cities, and millions of books had been printed. "
            "Prices fell, more people learned to read, and ideas spread faster than ever before. "
            "Scholars could compare identical copies of a text, which made it easier to correct errors "
            "and build on one another's work. Pamphlets and newspapers followed, and with them new "
            "arguments about religion, science and government. Historians still debate how much the "
            "press caused these changes and how much it simply sped them up, but few doubt that"),
    ("chatml", "I am planning a three-day trip to a city I have never visited. I like museums, long "
               "walks, local food markets and quiet cafes, but I do not enjoy crowded tourist spots or "
               "nightlife. I will travel by train, stay in a small hotel near the centre, and my budget "
               "is moderate. Please suggest a simple plan for each day, with a morning, an afternoon "
               "and an evening activity, and add two practical tips for travelling light."),
]

# Whole conversations (the assistant persona with its examples as turns, then a question),
# put through the model's chat template by the server.
PERSONA_SYSTEM = ("You are Parley, a helpful personal assistant running in the user's terminal.\n"
                  "Answer clearly and briefly. Use short paragraphs or a short list when it helps.\n"
                  "If you are not sure about something, say so instead of guessing.")
CHATS = [
    [{"role": "system", "content": PERSONA_SYSTEM},
     {"role": "user", "content": "What is a good way to remember to drink water during the day?"},
     {"role": "assistant", "content": "Try these:\n- Keep a full bottle on your desk where you can see it.\n"
                                      "- Drink a glass with every meal.\n- Set a reminder every two hours."},
     {"role": "user", "content": "How many minutes are in three and a half hours?"},
     {"role": "assistant", "content": "3.5 hours \u00d7 60 minutes = 210 minutes."},
     {"role": "user", "content": "Give me three tips for sleeping better."}],
    [{"role": "system", "content": PERSONA_SYSTEM},
     {"role": "user", "content": "What is a good way to start learning to cook?"},
     {"role": "assistant", "content": "Start with a few simple dishes you like to eat and cook each one "
                                      "several times. Learn basic knife skills, how to use heat, and how "
                                      "to season with salt and acid. Follow recipes closely at first, "
                                      "then change one thing at a time."},
     {"role": "user", "content": "Which three kitchen tools should I buy first?"}],
]
N_PREDICT = 24


def chatml(text):
    return "<|im_start|>user\n" + text + "<|im_end|>\n<|im_start|>assistant\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port, path, body):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
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
        root, "Tests", "GGUFRuntimeTests", "Fixtures", "greedy.json")
    port = free_port()
    server = subprocess.Popen(
        [server_path, "-m", model, "--host", "127.0.0.1", "--port", str(port), "-c", "2048"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(port, server)
        cases = []
        for kind, text in PROMPTS:
            prompt = chatml(text) if kind == "chatml" else text
            ids = post(port, "/tokenize", {"content": prompt, "add_special": False,
                                           "parse_special": True})["tokens"]
            result = post(port, "/completion", {
                "prompt": ids, "n_predict": N_PREDICT, "temperature": 0, "top_k": 1,
                "cache_prompt": False, "return_tokens": True, "seed": 1,
            })
            cases.append({"kind": kind, "prompt": prompt, "prompt_tokens": ids,
                          "expected_tokens": result["tokens"], "expected_text": result["content"]})
            print(f"{kind}: {len(ids)} prompt tokens -> {len(result['tokens'])} tokens: {result['content']!r}")
        for messages in CHATS:
            prompt = post(port, "/apply-template", {"messages": messages})["prompt"]
            ids = post(port, "/tokenize", {"content": prompt, "add_special": False,
                                           "parse_special": True})["tokens"]
            result = post(port, "/completion", {
                "prompt": ids, "n_predict": N_PREDICT, "temperature": 0, "top_k": 1,
                "cache_prompt": False, "return_tokens": True, "seed": 1,
            })
            # Asked again with the prompt cache on, the server reuses all but the last prompt
            # token and evaluates that one alone: the same tokens through the other attention path.
            post(port, "/completion", {"prompt": ids, "n_predict": 1, "temperature": 0, "top_k": 1,
                                       "cache_prompt": True, "return_tokens": True, "seed": 1})
            again = post(port, "/completion", {
                "prompt": ids, "n_predict": N_PREDICT, "temperature": 0, "top_k": 1,
                "cache_prompt": True, "return_tokens": True, "seed": 1,
            })
            if again["timings"]["cache_n"] != len(ids) - 1:
                sys.exit(f"expected {len(ids) - 1} cached prompt tokens, got {again['timings']['cache_n']}")
            cases.append({"kind": "chat", "prompt": prompt, "prompt_tokens": ids,
                          "expected_tokens": result["tokens"], "expected_text": result["content"],
                          "expected_tokens_last_alone": again["tokens"],
                          "expected_text_last_alone": again["content"]})
            print(f"chat: {len(ids)} prompt tokens -> {len(result['tokens'])} tokens: {result['content']!r}")
        fixture = {
            "source": "llama.cpp llama-server /completion, temperature 0, top_k 1, -c 2048",
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
