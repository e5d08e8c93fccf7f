from museum.catalog import Exhibit

EXHIBIT = Exhibit(
    slug="mcculloch_pitts",
    room="foundations",
    order=1,
    year=1943,
    title={"en": "McCulloch–Pitts Neurons", "zh": "麦卡洛克–皮茨神经元"},
    teaser={
        "en": "All-or-none threshold units wired into AND, OR, NOT and XOR.",
        "zh": "全有或全无的阈值单元，连成与、或、非和异或。",
    },
    claim={
        "en": "A two-layer net of threshold units computes XOR on all four inputs.",
        "zh": "由阈值单元组成的两层网络在全部四种输入上都算出异或。",
    },
    lab="exhibits.foundations.mcculloch_pitts.lab:McCullochPittsLab",
    view="exhibits.foundations.mcculloch_pitts.view:McCullochPittsView",
    needs_torch=False,
    default_speed=1.0,
)
