"""Weights fitted by `bench/topics.py --fit` on the topic benchmark's dev half (179 labelled
articles); the by-source cross-validation of the same fitting is in the README and in the bench's
table. Regenerate after changing the features (model.FEATURES) or the shipped topics."""

from generator.articles.classify.model import Model, Weights

# features: title, lead, heading, coverage, related, mass, vocabulary, margin, title_relation, lead_relation, distinct, elsewhere, title_crowded
WEIGHTS = Weights(
    by_topic={
        'aukus': Model(weights=(0.2599, 0.4465, 0.0, 0.3954, 0.3423, 0.7992, 0.6072, 2.1367, 0.1101, 0.2629, 0.7032, -0.2168, 0.0), bias=-0.4494),
        'rare-earths': Model(weights=(0.2892, 0.1587, 0.0, 0.3768, 0.0, 0.8289, 0.794, 2.1016, 0.0, 0.0, 0.8853, -0.2801, 0.0), bias=-0.6647),
        'us-china': Model(weights=(0.4625, 0.6193, 0.0, 0.4181, 0.4181, 0.8548, -0.0338, 1.9, 0.2502, 0.6046, 0.346, -0.9714, -1.5682), bias=-1.4887),
    },
    generic=Model(weights=(0.3476, 0.4095, 0.0, 0.6159, -0.0424, 0.9434, 0.8951, 2.3029, -0.2242, 0.3638, 0.8185, -1.0749, -1.9415), bias=-1.224),
    features=('title', 'lead', 'heading', 'coverage', 'related', 'mass', 'vocabulary', 'margin', 'title_relation', 'lead_relation', 'distinct', 'elsewhere', 'title_crowded'),
)
