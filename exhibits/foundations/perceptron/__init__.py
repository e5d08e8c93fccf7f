from museum.catalog import Exhibit

EXHIBIT = Exhibit(
    slug="perceptron",
    room="foundations",
    order=2,
    year=1958,
    title={"en": "The Perceptron", "zh": "感知机"},
    teaser={
        "en": "Rosenblatt's learning rule moves a line until it separates two classes.",
        "zh": "罗森布拉特的学习规则不断移动一条直线，直到它把两类点分开。",
    },
    claim={
        "en": "On separable points the rule finds a separating line: an epoch with no mistake.",
        "zh": "在线性可分的点上，规则找到一条分界线：出现一个零错误的轮次。",
    },
    lab="exhibits.foundations.perceptron.lab:PerceptronLab",
    view="exhibits.foundations.perceptron.view:PerceptronView",
    default_speed=10.0,
)
