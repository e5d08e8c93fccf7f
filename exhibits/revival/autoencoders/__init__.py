from museum.catalog import Exhibit

EXHIBIT = Exhibit(
    slug="autoencoders",
    room="revival",
    order=2,
    year=2007,
    title={"en": "Greedy Layer-Wise Pretraining", "zh": "贪心逐层预训练"},
    teaser={
        "en": "Train a deep net one autoencoder at a time, then fine-tune; beside it, the same "
        "net from a small random start, and one from a modern scaled start.",
        "zh": "先把深层网络一层一层当作自编码器训练，再整体微调；旁边是同一网络从微小随机初始化"
        "出发，以及从现代缩放初始化出发。",
    },
    claim={
        "en": "Pretrained ≥90%, small init ≤20%, scaled init ≥90%",
        "zh": "预训练 ≥90%，小初始化 ≤20%，缩放初始化 ≥90%",
    },
    lab="exhibits.revival.autoencoders.lab:AutoencodersLab",
    view="exhibits.revival.autoencoders.view:AutoencodersView",
    default_speed=100.0,
)
