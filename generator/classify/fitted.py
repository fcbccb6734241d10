"""Weights fitted by `bench/topics.py --fit` on the topic benchmark's dev half (179 labelled
articles); the by-source cross-validation of the same fitting is in the README and in the bench's
table. Regenerate after changing the features (model.FEATURES) or the shipped topics."""

from .model import Model, Weights

# features: title, lead, heading, coverage, related, mass, vocabulary, margin, title_relation, lead_relation, distinct, elsewhere
WEIGHTS = Weights(
    by_topic={
        'aukus': Model(weights=(0.2599, 0.4465, 0.0, 0.3954, 0.3423, 0.7992, 0.6072, 2.1367, 0.1101, 0.2629, 0.7032, -0.2169), bias=-0.4494),
        'rare-earths': Model(weights=(0.2895, 0.1592, 0.0, 0.3771, 0.0, 0.829, 0.7942, 2.1022, 0.0, 0.0, 0.8855, -0.2766), bias=-0.6652),
        'us-china': Model(weights=(0.5434, 0.6397, 0.0, 0.4147, 0.4147, 0.9928, 0.0187, 1.9392, 0.3887, 0.5534, 0.3968, -1.2985), bias=-2.1454),
    },
    generic=Model(weights=(0.4957, 0.4581, 0.0, 0.6592, -0.2732, 1.0172, 1.1327, 2.3197, -0.1667, 0.2481, 0.7849, -1.3836), bias=-1.7278),
    features=('title', 'lead', 'heading', 'coverage', 'related', 'mass', 'vocabulary', 'margin', 'title_relation', 'lead_relation', 'distinct', 'elsewhere'),
)
