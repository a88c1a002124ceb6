#!/usr/bin/env python3
"""Writes LoRA adapters for the default model, as llama.cpp's convert_lora_to_gguf.py lays them out.

general.type = adapter, adapter.type = lora, adapter.lora.alpha, and for every block's attention
(attn_q, attn_k, attn_v, attn_output) and feed-forward (ffn_gate, ffn_up, ffn_down) weight W
(n_in columns, n_out rows) a pair W.lora_a (n_in x rank) and W.lora_b (rank x n_out), seeded
random. The adapter adds alpha/rank * scale * B(Ax) to Wx. Written three times, with the pairs in
F32, F16 and Q8_0 (lora-f32.gguf, lora-f16.gguf, lora-q8_0.gguf), rank 32 (Q8_0 rows hold whole
32-element blocks), alpha 16; and a mismatched one (lora-mismatch.gguf: attn_q pairs for 9 heads
of 32 instead of 64) that must be refused.

usage: scripts/make-test-lora.py SOURCE OUT_DIR   (run through scripts/make-test-models.sh)
"""
import os
import sys
import zlib

import numpy as np
import gguf

GGML = gguf.GGMLQuantizationType
RANK, ALPHA = 32, 16.0


def main():
    source, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    reader = gguf.GGUFReader(source)
    shapes = {t.name: (int(t.shape[0]), int(t.shape[1])) for t in reader.tensors if len(t.shape) == 2}
    targets = [name for name in shapes if name.startswith("blk.") and name.split(".")[2] in
               ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down")]
    targets.sort(key=lambda n: (int(n.split(".")[1]), n))
    variants = [("f32", GGML.F32), ("f16", GGML.F16), ("q8_0", GGML.Q8_0), ("mismatch", GGML.F32)]
    for suffix, qtype in variants:
        path = os.path.join(out_dir, f"lora-{suffix}.gguf")
        w = gguf.GGUFWriter(path, "llama")
        w.add_type(gguf.GGUFType.ADAPTER)
        w.add_string(gguf.Keys.Adapter.TYPE, "lora")
        w.add_float32(gguf.Keys.Adapter.LORA_ALPHA, ALPHA)
        for name in targets:
            n_in, n_out = shapes[name]
            if suffix == "mismatch" and name.endswith("attn_q.weight"):
                n_out //= 2
            rng = np.random.default_rng(zlib.crc32(name.encode()))
            # A spreads the input over the rank; B is small, so the adapter moves the model
            # without breaking it.
            a = rng.normal(0, 1 / np.sqrt(n_in), (RANK, n_in)).astype(np.float32)
            b = rng.normal(0, 0.04, (n_out, RANK)).astype(np.float32)
            base = name[: -len(".weight")] + ".weight"
            for tensor_name, data in ((base + ".lora_a", a), (base + ".lora_b", b)):
                if qtype == GGML.F32:
                    w.add_tensor(tensor_name, data)
                elif qtype == GGML.F16:
                    w.add_tensor(tensor_name, data.astype(np.float16))
                else:
                    w.add_tensor(tensor_name, gguf.quants.quantize(data, qtype), raw_dtype=qtype)
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
        print(path)


if __name__ == "__main__":
    main()
