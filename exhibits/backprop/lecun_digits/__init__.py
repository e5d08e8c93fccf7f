from museum.catalog import Exhibit

EXHIBIT = Exhibit(
    slug="lecun_digits",
    room="backprop",
    order=2,
    year=1989,
    title={"en": "LeCun's Digits", "zh": "杨立昆的手写数字"},
    teaser={
        "en": "A small convolutional net learns to read real handwritten digits; draw your own.",
        "zh": "一个小小的卷积神经网络学会读真实的手写数字；你也可以自己画一个。",
    },
    claim={
        "en": "A convnet reads ≥ 95% of 360 held-out digits.",
        "zh": "卷积网络在 360 个留出数字上正确率 ≥ 95%。",
    },
    lab="exhibits.backprop.lecun_digits.lab:DigitsLab",
    view="exhibits.backprop.lecun_digits.view:DigitsView",
    default_speed=20.0,
)
