from museum.catalog import Exhibit

EXHIBIT = Exhibit(
    slug="rbm_dbn",
    room="revival",
    order=1,
    year=2006,
    title={"en": "Boltzmann Machines Dream", "zh": "玻尔兹曼机的梦"},
    teaser={
        "en": "An RBM learns bars and stripes by contrastive divergence, then dreams new ones.",
        "zh": "受限玻尔兹曼机用对比散度学会横纹与竖条，再在梦里画出新的图案。",
    },
    claim={
        "en": "At three checks in a row, at least 90 of 100 fresh dreams are exact "
        "bars-or-stripes images, of 10+ kinds.",
        "zh": "连续三次检验，100 个新梦里都至少有 90 个恰是横纹或竖条，且不少于 10 种。",
    },
    lab="exhibits.revival.rbm_dbn.lab:RBMLab",
    view="exhibits.revival.rbm_dbn.view:RBMView",
    default_speed=5.0,
)
