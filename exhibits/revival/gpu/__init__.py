from museum.catalog import Exhibit

EXHIBIT = Exhibit(
    slug="gpu",
    room="revival",
    order=3,
    year=2009,
    title={"en": "Graphics Cards Learn to Learn", "zh": "显卡学会了学习"},
    teaser={
        "en": "CUDA (2007) and Raina, Madhavan & Ng (2009): a live matrix-multiply benchmark "
        "on this machine, beside the GPUs that mattered.",
        "zh": "CUDA（2007）与 Raina、Madhavan 和吴恩达（2009）：在这台机器上实测矩阵乘法，"
        "旁边是那些改变历史的 GPU。",
    },
    claim={
        "en": "Throughput grows with size: the largest matrix runs at ≥ 3× the GFLOP/s of "
        "the smallest; a GPU, if present, beats the CPU.",
        "zh": "吞吐量随规模增长：最大矩阵的 GFLOP/s 至少是最小矩阵的 3 倍；"
        "若有 GPU，它还要胜过 CPU。",
    },
    lab="exhibits.revival.gpu.lab:GpuLab",
    view="exhibits.revival.gpu.view:GpuView",
    default_speed=5.0,
)
