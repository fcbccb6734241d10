"""Weights fitted by `bench/topics.py --fit` on the topic benchmark's dev half (179 labelled
articles); the by-source cross-validation of the same fitting is in the README and in the bench's
table. Regenerate after changing the features (model.FEATURES) or the shipped topics."""

from .model import Model, Weights

# features: title, lead, heading, coverage, related, mass, vocabulary, margin, title_relation, lead_relation, distinct, elsewhere, title_crowded
WEIGHTS = Weights(
    by_topic={
        'aukus': Model(weights=(0.2599, 0.4465, 0.0, 0.3954, 0.3423, 0.7992, 0.6072, 2.1367, 0.1101, 0.2629, 0.7032, -0.2169, 0.0), bias=-0.4494),
        'rare-earths': Model(weights=(0.2895, 0.1592, 0.0, 0.3771, 0.0, 0.829, 0.7942, 2.1022, 0.0, 0.0, 0.8855, -0.2766, 0.0), bias=-0.6652),
        'us-china': Model(weights=(0.4336, 0.6027, 0.0, 0.3888, 0.3888, 0.8226, 0.0946, 1.8636, 0.2029, 0.5163, 0.3903, -1.2153, -1.4195), bias=-1.5294),
    },
    generic=Model(weights=(0.3337, 0.383, 0.0, 0.5883, -0.1066, 0.8741, 1.0377, 2.2794, -0.2986, 0.2496, 0.8563, -1.307, -1.8154), bias=-1.2321),
    features=('title', 'lead', 'heading', 'coverage', 'related', 'mass', 'vocabulary', 'margin', 'title_relation', 'lead_relation', 'distinct', 'elsewhere', 'title_crowded'),
)
