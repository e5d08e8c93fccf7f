from museum.catalog import Exhibit

EXHIBIT = Exhibit(
    slug="sentiment_neuron",
    room="attention",
    order=1,
    year=2017,
    title={"en": "The Sentiment Neuron", "zh": "情感神经元"},
    teaser={
        "en": "A language model trained only to predict the next word grows one unit that "
        "tracks sentiment; clamp it and the reviews it writes change mood.",
        "zh": "只学预测下一个词的语言模型，长出了一个追踪情感的单元；"
        "把它钉住，写出的评论就换了心情。",
    },
    claim={
        "en": "One unit sorts held-out reviews (≥ 0.90); clamping it moves the positive "
        "share of samples ≥ 50 points.",
        "zh": "单个单元区分留出评论（≥ 0.90）；钉住它让正面样本比例变化 ≥ 50 个百分点。",
    },
    lab="exhibits.attention.sentiment_neuron.lab:SentimentNeuronLab",
    view="exhibits.attention.sentiment_neuron.view:SentimentNeuronView",
    default_speed=0.0,
)
