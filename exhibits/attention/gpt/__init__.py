from museum.catalog import Exhibit

EXHIBIT = Exhibit(
    slug="gpt",
    room="attention",
    order=4,
    year=2018,
    title={"en": "GPT: Learning to Write by Predicting", "zh": "GPT：靠预测下一个字学会写作"},
    teaser={
        "en": "A tiny decoder reads the stdlib's docstrings one character at a time and starts "
        "to write its own.",
        "zh": "一个微型解码器逐字符阅读 Python 标准库的文档字符串，开始写出自己的文字。",
    },
    claim={
        "en": "Held-out loss ≥ 0.2 nats/char below a character bigram's.",
        "zh": "留出集损失比字符二元模型低至少 0.2 奈特/字符。",
    },
    lab="exhibits.attention.gpt.lab:GptLab",
    view="exhibits.attention.gpt.view:GptView",
    default_speed=0.0,
)
