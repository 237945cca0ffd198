"""analysis stage: Article + spaCy Doc → attributions and relay chain.

- ``pipeline``: ``Analyzer`` (loads spaCy once, batches with ``nlp.pipe``) and ``analyze_doc``;
- ``extract``: dependency rules → ``Hit``s, and ``merge_hits`` with the trained tagger's spans;
- ``cues``: the cue lexicon (kind, stance, channel); ``hedges``: hedging words;
- ``sources``: coreference, canonical names, type and anonymity of sources;
- ``chain``: the relay chain (publisher → agency → relaying media → origins);
- ``tagger``: the trained CRF span tagger.

Nothing is imported here, so that ``import newstrace.analysis`` stays cheap (spaCy loads only
when a pipeline module is imported).
"""
