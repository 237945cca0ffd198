"""eval stage: scorers against the shared annotated corpora, one module per corpus.

``polnear`` (attribution spans, agreeing with ``shared/tools/polnear_score.py``), ``naeb``
(body and metadata extraction), ``basil`` and ``speakers`` (quote speakers), ``agencies``
(wire-agency detection). Each returns plain dicts of figures; the CLI prints them.
"""
