from museum.catalog import Exhibit

EXHIBIT = Exhibit(
    slug="transformer",
    room="attention",
    order=2,
    year=2017,
    title={"en": "Attention Is All You Need", "zh": "注意力就是你所需要的一切"},
    teaser={
        "en": "A tiny Transformer learns four jobs at once and its heads divide the work; "
        "then an LSTM and self-attention race over longer sequences.",
        "zh": "一个小小的 Transformer 同时学四项任务，各个注意力头分工合作；"
        "再让 LSTM 与自注意力在更长的序列上赛跑。",
    },
    claim={
        "en": "≥95% right on held-out words; each job has a head with ≥0.9 attention on its target",
        "zh": "留出单词正确率 ≥95%，且每项任务都有一个头把 ≥0.9 的注意力放在目标位置",
    },
    lab="exhibits.attention.transformer.lab:TransformerLab",
    view="exhibits.attention.transformer.view:TransformerView",
    default_speed=0.0,
)
