from museum.catalog import Exhibit

EXHIBIT = Exhibit(
    slug="backprop",
    room="backprop",
    order=1,
    year=1986,
    title={"en": "Backpropagation Learns XOR", "zh": "反向传播学会异或"},
    teaser={
        "en": "Errors flow backwards through a 2-2-1 net; its hidden units make XOR separable.",
        "zh": "误差在 2-2-1 网络中向后流动，隐藏单元让异或变得线性可分。",
    },
    claim={
        "en": "All four XOR cases right (output on the correct side of 0.5) and mean squared "
        "error below 0.05.",
        "zh": "异或的四种情形全部答对（输出在 0.5 的正确一侧），且均方误差低于 0.05。",
    },
    lab="exhibits.backprop.backprop.lab:BackpropLab",
    view="exhibits.backprop.backprop.view:BackpropView",
    default_speed=20.0,
)
