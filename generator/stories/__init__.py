"""stories: articles -> stories (one event or development, across outlets, languages and scripts).

features.py computes each article's StoryFeatures once (cacheable with its record); similarity.py
scores two articles; group.py assigns articles to stories incrementally, with stable ids and a
person's overrides; command.py is `digest stories`.
"""
