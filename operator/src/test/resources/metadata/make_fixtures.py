"""Writes the weight-file fixtures of the metadata reader tests with the formats' own Python packages.

Run once, from this folder, and commit the output (a few KiB):
  python3 -m venv /tmp/venv && /tmp/venv/bin/pip install gguf==0.19.0 safetensors==0.8.0 numpy
  /tmp/venv/bin/python make_fixtures.py
"""
import json

import gguf
import numpy as np
from safetensors.numpy import save_file

# A llama-shaped GGUF: 2 layers, 4 heads, 2 KV heads, 64 wide, 32-token vocabulary; quantized tensors of three
# types and F32 norms; metadata of every value type, including arrays.
w = gguf.GGUFWriter("tiny-llama.gguf", "llama")
w.add_name("tiny-llama")
w.add_context_length(2048)
w.add_embedding_length(64)
w.add_block_count(2)
w.add_feed_forward_length(256)
w.add_head_count(4)
w.add_head_count_kv(2)
w.add_layer_norm_rms_eps(1e-5)
w.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_K_M)
w.add_tokenizer_model("gpt2")
w.add_token_list([f"t{i}" for i in range(32)])
w.add_token_scores([0.0] * 32)
w.add_uint8("test.uint8", 200)
w.add_int8("test.int8", -5)
w.add_uint16("test.uint16", 60000)
w.add_int16("test.int16", -300)
w.add_int32("test.int32", -70000)
w.add_uint64("test.uint64", 1 << 40)
w.add_int64("test.int64", -(1 << 40))
w.add_float64("test.float64", 2.5)
w.add_bool("test.bool", True)
w.add_array("test.nested", [[1, 2], [3]])


def raw(name, shape, qtype):
    # Quantized data goes in as bytes, one row of blocks per row; numpy order (outermost first), where GGUF
    # stores dimensions innermost first.
    block, size = gguf.GGML_QUANT_SIZES[qtype]
    rows, columns = shape
    w.add_tensor(name, np.zeros((rows, columns // block * size), dtype=np.uint8), raw_dtype=qtype)


w.add_tensor("token_embd.weight", np.zeros((32, 64), dtype=np.float32))
w.add_tensor("output_norm.weight", np.ones(64, dtype=np.float32))
for layer in range(2):
    raw(f"blk.{layer}.attn_q.weight", (64, 256), gguf.GGMLQuantizationType.Q4_K)
    raw(f"blk.{layer}.attn_k.weight", (32, 256), gguf.GGMLQuantizationType.Q6_K)
    raw(f"blk.{layer}.ffn_down.weight", (64, 64), gguf.GGMLQuantizationType.Q8_0)
    w.add_tensor(f"blk.{layer}.attn_norm.weight", np.ones(64, dtype=np.float32))
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()

# A Qwen2-shaped model in two safetensors shards with an index, as transformers saves a sharded checkpoint.
shard1 = {
    "model.embed_tokens.weight": np.zeros((32, 64), dtype=np.float16),
    "model.layers.0.self_attn.q_proj.weight": np.zeros((64, 64), dtype=np.float16),
    "model.layers.0.self_attn.k_proj.weight": np.zeros((16, 64), dtype=np.float16),
}
shard2 = {
    "model.layers.1.self_attn.q_proj.weight": np.zeros((64, 64), dtype=np.float16),
    "model.layers.1.self_attn.k_proj.bias": np.zeros(16, dtype=np.float16),
    "model.norm.weight": np.ones(64, dtype=np.float32),
}
save_file(shard1, "model-00001-of-00002.safetensors", metadata={"format": "pt"})
save_file(shard2, "model-00002-of-00002.safetensors", metadata={"format": "pt"})
weight_map = {name: "model-00001-of-00002.safetensors" for name in shard1}
weight_map.update({name: "model-00002-of-00002.safetensors" for name in shard2})
with open("model.safetensors.index.json", "w") as f:
    json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=2)
with open("config.json", "w") as f:
    json.dump({"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 64,
               "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 1,
               "max_position_embeddings": 32768, "torch_dtype": "float16"}, f, indent=2)
