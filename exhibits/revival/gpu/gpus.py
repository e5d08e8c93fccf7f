"""GPUs that mattered, with figures from NVIDIA's own specifications (plain data for the view).

Peak figures are what the maker states for the board (theoretical: cores x clock x operations
per clock), never measured. Where NVIDIA's datasheet gives a tensor figure "with sparsity",
the dense figure (half of it) is shown and marked. A figure we could not tie to a maker's
specification is left out (None, drawn as "?"), not guessed.
"""

from __future__ import annotations

# name, year, memory, fp32 peak TFLOPS, fp16 tensor-core dense TFLOPS ("—": no tensor
# cores), memory bandwidth GB/s; a mark after a value points to a note below.
GPUS = (
    ("GTX 280", "2008", "1 GB", "0.93*", "—", "142"),
    ("GTX 580", "2010", "1.5 GB†", "1.58", "—", "192"),
    ("P100 SXM2", "2016", "16 GB", "10.6", "—", "732"),
    ("V100 SXM2", "2017", "16/32 GB", "15.7", "125", "900"),
    ("A100 SXM", "2020", "40/80 GB", "19.5", "312", "1555/2039"),
    ("H100 SXM", "2022", "80 GB", "67", "989‡", "3350"),
    ("B200", "2024§", "192 GB", None, None, "8000"),
)

HEAD = {
    "title": {"en": "GPUs that mattered · NVIDIA's figures",
              "zh": "改变历史的 GPU · NVIDIA 官方规格"},
    "gpu": {"en": "GPU", "zh": "GPU"},
    "year": {"en": "year", "zh": "年份"},
    "memory": {"en": "memory", "zh": "显存"},
    "fp32": {"en": "fp32", "zh": "FP32"},
    "tensor": {"en": "fp16 TC", "zh": "FP16 TC"},
    "bandwidth": {"en": "GB/s", "zh": "GB/s"},
    "units": {"en": "peak TFLOPS; TC: tensor cores, dense",
              "zh": "峰值 TFLOPS；TC：张量核心（稠密）"},
    "units_bw": {"en": "; GB/s: memory bandwidth", "zh": "；GB/s：显存带宽"},
}

NOTES = (
    {"en": "* MAD+MUL per clock; MAD alone: 0.62", "zh": "* 按每周期乘加+乘法计；只算乘加为 0.62"},
    {"en": "† AlexNet 2012: two 3 GB GTX 580s", "zh": "† AlexNet（2012）：两块 3 GB 版 GTX 580"},
    {"en": "‡ dense; datasheet's 1,979 is with sparsity",
     "zh": "‡ 稠密值；规格表上 1,979 为稀疏加速值"},
    {"en": "§ announced 2024; ?: not listed here", "zh": "§ 2024 年发布；?：此处不列"},
    {"en": "— no tensor cores", "zh": "— 没有张量核心"},
)
