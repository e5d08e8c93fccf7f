from museum.catalog import Exhibit

EXHIBIT = Exhibit(
    slug="xor",
    room="foundations",
    order=3,
    year=1969,
    title={"en": "XOR and the First Winter", "zh": "异或与第一次寒冬"},
    teaser={
        "en": "The same rule on XOR never settles: its weights go round in a cycle.",
        "zh": "同一条规则在异或上永不停歇：权重在一个循环里打转。",
    },
    claim={
        "en": "On XOR the weights revisit an earlier state (a cycle) and no epoch is mistake-free.",
        "zh": "在异或上，权重回到先前的状态（出现循环），且没有一个轮次零错误。",
    },
    lab="exhibits.foundations.xor.lab:XorLab",
    view="exhibits.foundations.xor.view:XorView",
    default_speed=5.0,
)
