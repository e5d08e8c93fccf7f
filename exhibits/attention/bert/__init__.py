from museum.catalog import Exhibit

EXHIBIT = Exhibit(
    slug="bert",
    room="attention",
    order=3,
    year=2018,
    title={"en": "BERT: Filling in the Blanks", "zh": "BERT：完形填空"},
    teaser={
        "en": "A small encoder learns words by guessing hidden ones from both sides; type a "
        "sentence with [MASK].",
        "zh": "一个小编码器从两侧的上下文猜被遮住的词；输入带 [MASK] 的句子试试。",
    },
    claim={
        "en": "Held-out masked-word accuracy ≥ 2× guessing “the”.",
        "zh": "留出集被遮词猜中率 ≥ 总猜“the”的 2 倍。",
    },
    lab="exhibits.attention.bert.lab:BertLab",
    view="exhibits.attention.bert.view:BertView",
    default_speed=0.0,
)
