#!/usr/bin/env python3
"""Writes test models of other architectures from the default model's real weights.

The default model (SmolLM2-135M-Instruct, llama architecture) is rewritten into the tensor
layout and metadata of each architecture the runtime supports, keeping all its blocks (cut to
12 of 30 it is no model at all: PPL 1e9) and its vocabulary, so activations are those of a
trained model and logits comparisons with llama.cpp mean something. Where a layout computes
what the weights were trained for, the model still works (qwen2: PPL 41.6 on the English text at
ctx 128, against 38.9 for the source); added norms change more (qwen3: 236), and Gemma's GeGLU,
post-norms and scaled embeddings make a model of another function (PPL ~1e4-1e5), still a real
computation on realistic activations:

  llama-rope  llama with Llama 3's rope_freqs (factor 8, low 1, high 4), linear RoPE scaling 2 and
              a Mistral-style llama.attention.sliding_window of 16 tokens, which llama.cpp does not
              apply to llama models (were it applied, every prompt past 16 tokens would differ)
  qwen2       NEOX RoPE (Q/K rows un-permuted back to the halves layout), small random Q/K/V biases
  qwen3       NEOX RoPE, per-head Q/K RMS norms with weights near 1
  gemma2      NEOX RoPE, GeGLU, post-attention and post-FFN norms, embeddings x sqrt(d), attention
              logit cap 20 and final logit cap 15, every other layer windowed to 48 tokens
  gemma3      as gemma2 with Q/K norms, no attention cap, final cap 15, 5 of 6 layers windowed to
              48 tokens with RoPE base 10000 on them
  phi3        NEOX RoPE, fused attn_qkv and fused gate/up ffn_up

Weight matrices keep their Q4_1 blocks byte for byte (rows are only reordered or concatenated);
the added vectors are F32 from a seeded generator, so the files are the same on every run (the
fixtures record their SHA-256). With --llama-bin and --quantize, each file is also quantised
with llama-quantize (NAME.TYPE.gguf).

usage: scripts/make-test-models.py SOURCE OUT_DIR [--layers N] [--only NAME,...]
                                   [--llama-bin DIR --quantize TYPE,...]
Run it through scripts/make-test-models.sh, which provides the gguf package.
"""
import argparse
import os
import subprocess
import zlib

import numpy as np
import gguf

GGML = gguf.GGMLQuantizationType
NAMES = ["llama-rope", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"]
# A plain copy, to check the rewriting itself: it must score exactly as the source.
CHECK = "llama"


def rng_for(name, tensor):
    return np.random.default_rng(zlib.crc32(f"{name}/{tensor}".encode()))


def unpermute(rows, heads):
    """Undoes convert_hf_to_gguf's llama Q/K permutation on whole rows (any row byte layout):
    GGUF rows (head, pair, 2) back to (head, 2, pair), the layout NEOX RoPE rotates."""
    n, width = rows.shape
    return rows.reshape(heads, n // heads // 2, 2, width).swapaxes(1, 2).reshape(n, width)


def llama3_rope_factors(base, dims, factor=8.0, low=1.0, high=4.0, original=8192):
    freqs = 1.0 / (base ** (np.arange(0, dims, 2, dtype=np.float64) / dims))
    low_wavelen, high_wavelen = original / low, original / high
    out = []
    for f in freqs:
        wavelen = 2 * np.pi / f
        if wavelen < high_wavelen:
            out.append(1.0)
        elif wavelen > low_wavelen:
            out.append(factor)
        else:
            smooth = (original / wavelen - low) / (high - low)
            out.append(1.0 / ((1 - smooth) / factor + smooth))
    return np.array(out, dtype=np.float32)


class Source:
    def __init__(self, path):
        self.reader = gguf.GGUFReader(path)
        self.tensors = {t.name: t for t in self.reader.tensors}

    def field(self, key):
        f = self.reader.fields[key]
        return f.contents()

    def raw(self, name):
        t = self.tensors[name]
        data = np.array(t.data)
        if t.tensor_type in (GGML.F32, GGML.F16):
            return data, t.tensor_type
        return data.reshape(data.shape[0], -1), t.tensor_type


def write_model(source, name, out_path, layers):
    arch = {"llama-rope": "llama"}.get(name, name)
    w = gguf.GGUFWriter(out_path, arch)
    # Not the layout in the name: llama.cpp gives models named "phi3" special-token attributes
    # by name, tokens this vocabulary does not have.
    w.add_name("Parley test model from SmolLM2-135M-Instruct")
    n_head, n_kv, n_embd, n_ff = 9, 3, 576, 1536
    hd = n_embd // n_head
    w.add_context_length(8192)
    w.add_embedding_length(n_embd)
    w.add_block_count(layers)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_rope_freq_base(100000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_dimension_count(hd)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_1)
    if name == "llama-rope":
        w.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
        w.add_rope_scaling_factor(2.0)
        w.add_uint32(f"{arch}.attention.sliding_window", 16)
    if name == "gemma2":
        w.add_float32(f"{arch}.attn_logit_softcapping", 20.0)
        w.add_float32(f"{arch}.final_logit_softcapping", 15.0)
        w.add_uint32(f"{arch}.attention.sliding_window", 48)
    if name == "gemma3":
        w.add_float32(f"{arch}.final_logit_softcapping", 15.0)
        w.add_uint32(f"{arch}.attention.sliding_window", 48)
        w.add_float32(f"{arch}.rope.freq_base_swa", 10000.0)
    for key, field in source.reader.fields.items():
        if not key.startswith("tokenizer."):
            continue
        value = field.contents()
        vtype = field.types[0]
        if vtype == gguf.GGUFValueType.ARRAY:
            w.add_key_value(key, value, vtype, sub_type=field.types[-1])
        else:
            w.add_key_value(key, value, vtype)

    def add(tensor_name, data, dtype):
        if dtype in (GGML.F32, GGML.F16):
            w.add_tensor(tensor_name, data)
        else:
            w.add_tensor(tensor_name, np.ascontiguousarray(data, dtype=np.uint8), raw_dtype=dtype)

    def vector(tensor_name, count, low, high):
        return rng_for(name, tensor_name).uniform(low, high, count).astype(np.float32)

    emb, emb_type = source.raw("token_embd.weight")
    add("token_embd.weight", emb, emb_type)
    add("output_norm.weight", *source.raw("output_norm.weight"))
    if name == "llama-rope":
        add("rope_freqs.weight", llama3_rope_factors(100000.0, hd), GGML.F32)
    neox = name not in ("llama-rope", CHECK)
    for i in range(layers):
        p = f"blk.{i}."
        q, qt = source.raw(p + "attn_q.weight")
        k, kt = source.raw(p + "attn_k.weight")
        v, vt = source.raw(p + "attn_v.weight")
        if neox:
            q, k = unpermute(q, n_head), unpermute(k, n_kv)
        add(p + "attn_norm.weight", *source.raw(p + "attn_norm.weight"))
        if name == "phi3":
            assert qt == kt == vt
            add(p + "attn_qkv.weight", np.concatenate([q, k, v]), qt)
        else:
            add(p + "attn_q.weight", q, qt)
            add(p + "attn_k.weight", k, kt)
            add(p + "attn_v.weight", v, vt)
        if name == "qwen2":
            add(p + "attn_q.bias", vector(p + "attn_q.bias", n_head * hd, -0.05, 0.05), GGML.F32)
            add(p + "attn_k.bias", vector(p + "attn_k.bias", n_kv * hd, -0.05, 0.05), GGML.F32)
            add(p + "attn_v.bias", vector(p + "attn_v.bias", n_kv * hd, -0.05, 0.05), GGML.F32)
        if name in ("qwen3", "gemma3"):
            add(p + "attn_q_norm.weight", vector(p + "attn_q_norm.weight", hd, 0.8, 1.2), GGML.F32)
            add(p + "attn_k_norm.weight", vector(p + "attn_k_norm.weight", hd, 0.8, 1.2), GGML.F32)
        add(p + "attn_output.weight", *source.raw(p + "attn_output.weight"))
        add(p + "ffn_norm.weight", *source.raw(p + "ffn_norm.weight"))
        gate, gt = source.raw(p + "ffn_gate.weight")
        up, ut = source.raw(p + "ffn_up.weight")
        if name == "phi3":
            assert gt == ut
            add(p + "ffn_up.weight", np.concatenate([gate, up]), gt)
        else:
            add(p + "ffn_gate.weight", gate, gt)
            add(p + "ffn_up.weight", up, ut)
        add(p + "ffn_down.weight", *source.raw(p + "ffn_down.weight"))
        if name in ("gemma2", "gemma3"):
            add(p + "post_attention_norm.weight", vector(p + "post_attention_norm.weight", n_embd, 1.5, 2.5), GGML.F32)
            add(p + "post_ffw_norm.weight", vector(p + "post_ffw_norm.weight", n_embd, 1.5, 2.5), GGML.F32)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source")
    parser.add_argument("out_dir")
    parser.add_argument("--layers", type=int, default=30)
    parser.add_argument("--only", default=",".join(NAMES))
    parser.add_argument("--llama-bin")
    parser.add_argument("--quantize", default="")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    source = Source(args.source)
    for name in args.only.split(","):
        if name not in NAMES + [CHECK]:
            parser.error(f"unknown model {name}; known: {', '.join(NAMES)}")
        path = os.path.join(args.out_dir, f"{name}.gguf")
        write_model(source, name, path, args.layers)
        print(path)
        for qtype in filter(None, args.quantize.split(",")):
            if not args.llama_bin:
                parser.error("--quantize needs --llama-bin")
            out = os.path.join(args.out_dir, f"{name}.{qtype}.gguf")
            subprocess.run([os.path.join(args.llama_bin, "llama-quantize"), "--allow-requantize", path, out, qtype],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(out)


if __name__ == "__main__":
    main()
