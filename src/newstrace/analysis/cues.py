"""The cue lexicon: which words signal an attribution, of what kind, with what stance.

Keys are spaCy lemmas (lower case). Each entry says:

kind    speech | writing | belief | knowledge | intention | stance | perception
stance  assert | deny | dismiss | confirm | accuse | question | warn | promise | urge |
        criticize | praise | support | oppose
channel a channel the word itself implies ("tweeted" is on Twitter), else None
flags   "c": fires only with a clause or a quote as content (ambiguous verbs: "added sugar",
        "found a wallet", "pointed the gun"); "r": a direct object is the recipient, not the
        content ("told reporters", "warned him"); "n": never takes a bare object as content;
        "p": a plain reporting verb whose content may follow "about"/"of" ("spoke of");
        "t": the content follows "to" ("referring to the tapes");
        "q": fires only next to a quote.

The groups follow the PolNeAR annotation guidelines (Newell et al. 2018: statements, denials,
beliefs, intentions and desires, decrees, witnessing of facts, support and stance, evidence
from artifacts) and the verbs most frequent as PolNeAR train cues.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CHANNEL_WORDS",
    "CueInfo",
    "NOUN_CUES",
    "VERB_CUES",
    "channel_for",
    "noun_cue",
    "verb_cue",
]


@dataclass(frozen=True, slots=True)
class CueInfo:
    kind: str
    stance: str = "assert"
    channel: str | None = None
    flags: str = ""


def _group(kind: str, stance: str, words: str, flags: str = "", channel: str | None = None):
    return {w: CueInfo(kind, stance, channel, flags) for w in words.split()}


VERB_CUES: dict[str, CueInfo] = {}

# Plain reporting verbs: the bulk of PolNeAR cues ("said" alone is about a third of them).
VERB_CUES |= _group(
    "speech",
    "assert",
    "say state declare assert contend maintain insist argue claim explain mention "
    "announce report testify reply respond answer comment remark describe recount "
    "disclose reveal tout boast brag quip joke shout yell scream whisper stress retort "
    "emphasize reiterate repeat predict estimate suggest propose recommend "
    "acknowledge concede admit",
)
# Verbs ambiguous outside reporting ("added sugar", "noted author", "told a story" is fine,
# but "pointed the gun"): they count only with a clause or quote.
VERB_CUES |= _group("speech", "assert", "add point observe", flags="c")
# Less frequent reporting verbs seen as PolNeAR train cues ("noted the clot's existence",
# "likened him to", "detailed his plan", "echoed the claim", "labeled it").
VERB_CUES |= _group(
    "speech",
    "assert",
    "note discuss detail outline echo liken label reference chant sing "
    "highlight emphasise underscore characterize characterise portray",
)
# "talked about", "spoke of", "complained about": the content follows the preposition.
VERB_CUES |= _group("speech", "assert", "talk speak complain", flags="p")
VERB_CUES |= _group("speech", "assert", "refer", flags="t")
# "“...,” the Texas governor continues": only next to a quote ("continues to rise" is not).
VERB_CUES |= _group("speech", "assert", "continue", flags="q")
# Decrees (guidelines p.4): a ruling, an order, an appointment made by statement.
VERB_CUES |= _group("speech", "assert", "rule order decree", flags="c")
VERB_CUES |= _group("speech", "urge", "encourage", flags="r")
# Verbs whose object is the hearer: "told reporters that ..." – the content is the clause.
VERB_CUES |= _group("speech", "assert", "tell inform assure remind brief notify", flags="r")
VERB_CUES |= _group("speech", "confirm", "confirm agree affirm corroborate verify", flags="")
# Denials: "denial counts as a statement" (guidelines p.3); "denounced the report" is a
# rejection of its content, so stance deny.
VERB_CUES |= _group(
    "speech", "deny", "deny reject dispute refute rebut denounce disavow contradict repudiate"
)
# Dismissals: belittling rather than contradicting ("scoffed at the findings").
VERB_CUES |= _group("speech", "dismiss", "dismiss scoff ridicule mock downplay belittle deride")
VERB_CUES |= _group("speech", "accuse", "accuse allege charge blame", flags="")
VERB_CUES |= _group(
    "speech", "criticize", "criticize criticise condemn slam blast attack decry lambast fault"
)
VERB_CUES |= _group("speech", "praise", "praise hail applaud commend laud")
# "called her a liar", "called for a ban", "called on Congress to act": handled in extract.
VERB_CUES["call"] = CueInfo("speech", "assert")
# Speech acts with their object as content ("apologized for the post").
VERB_CUES |= _group("speech", "apologize", "apologize apologise")
VERB_CUES |= _group("speech", "question", "question ask wonder query", flags="r")
VERB_CUES |= _group("speech", "warn", "warn caution threaten", flags="r")
VERB_CUES |= _group("speech", "promise", "promise pledge vow guarantee swear", flags="")
VERB_CUES |= _group("speech", "urge", "urge demand implore beg", flags="r")
# Writing and posting: the channel is in the verb itself.
VERB_CUES |= _group("writing", "assert", "write publish email text", flags="c")
VERB_CUES |= _group("writing", "assert", "tweet retweet", channel="twitter")
VERB_CUES |= _group("writing", "assert", "post", flags="c", channel="social media")
# Documents and findings: "The report shows that ..." (guidelines p.6, evidence).
VERB_CUES |= _group("knowledge", "assert", "show indicate find conclude determine", flags="c")
VERB_CUES |= _group("knowledge", "assert", "know learn discover realize understand", flags="c")
VERB_CUES |= _group("knowledge", "assert", "recall remember recognize", flags="c")
# Beliefs (guidelines p.3): thinks, felt, believes.
VERB_CUES |= _group(
    "belief", "assert", "believe think suspect assume expect doubt fear worry suppose reckon"
)
VERB_CUES |= _group("belief", "assert", "feel consider guess", flags="c")
# Intentions and desires (guidelines p.3-4): plans, intends, hopes, wants; "try" is an
# action, not a cue (p.26), and is deliberately absent.
VERB_CUES |= _group("intention", "assert", "want plan intend hope aim wish seek refuse decline")
VERB_CUES |= _group("intention", "assert", "decide", flags="c")
# Stance toward a thing (guidelines p.3: "support (or lack of support) for something").
VERB_CUES |= _group("stance", "support", "support back endorse favor favour welcome defend")
VERB_CUES |= _group("stance", "oppose", "oppose object resist")
VERB_CUES |= _group("stance", "assert", "like love hate dislike prefer", flags="")
# Perception (guidelines p.5: "witnessing of facts").
VERB_CUES |= _group("perception", "assert", "see hear notice witness", flags="c")
# "cite" is special-cased in extract.py: its object is a source, not content.
VERB_CUES["cite"] = CueInfo("speech", "assert")
VERB_CUES["quote"] = CueInfo("speech", "assert")

# Noun cues fire only with a content clause ("the claim that ...", "his view that ...") or a
# possessor source: alone ("the accusations") they name speech without saying what was said.
NOUN_CUES: dict[str, CueInfo] = {}
NOUN_CUES |= _group(
    "speech",
    "assert",
    "statement claim assertion remark comment remarks announcement testimony argument "
    "suggestion explanation insistence admission message word words",
)
NOUN_CUES |= _group("writing", "assert", "report memo letter tweet post", flags="c")
NOUN_CUES |= _group("speech", "accuse", "accusation allegation charge", flags="")
NOUN_CUES |= _group("speech", "deny", "denial rejection", flags="")
NOUN_CUES |= _group("speech", "warn", "warning threat", flags="")
NOUN_CUES |= _group("speech", "promise", "promise pledge vow", flags="")
NOUN_CUES |= _group("speech", "urge", "call demand plea", flags="")
NOUN_CUES |= _group("belief", "assert", "view belief opinion concern fear hope assessment")
NOUN_CUES |= _group("knowledge", "assert", "finding conclusion evidence", flags="c")
NOUN_CUES |= _group("intention", "assert", "plan intention desire decision", flags="c")

# Words naming the medium of a statement ("on Twitter", "in a statement", "told CNN in an
# interview"). Looked up on the cue's prepositional phrases and on noun cues.
CHANNEL_WORDS: dict[str, str] = {
    "twitter": "twitter",
    "tweet": "twitter",
    "x": "twitter",
    "facebook": "facebook",
    "instagram": "instagram",
    "telegram": "telegram",
    "statement": "statement",
    "communique": "statement",
    "interview": "interview",
    "conference": "press conference",
    "briefing": "press conference",
    "letter": "letter",
    "email": "email",
    "e-mail": "email",
    "memo": "memo",
    "report": "report",
    "television": "television",
    "tv": "television",
    "broadcast": "television",
    "radio": "radio",
    "speech": "speech",
    "rally": "speech",
    "blog": "blog",
    "podcast": "podcast",
    "op-ed": "op-ed",
    "testimony": "testimony",
    "hearing": "testimony",
}


def verb_cue(lemma: str) -> CueInfo | None:
    return VERB_CUES.get(lemma.lower())


def noun_cue(lemma: str) -> CueInfo | None:
    return NOUN_CUES.get(lemma.lower())


def channel_for(word: str) -> str | None:
    """The channel a word names ("tweet" → twitter), matching lower-case lemma or text."""
    return CHANNEL_WORDS.get(word.lower())
