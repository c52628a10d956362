"""Roles: offices held by officials (kg/lexicons/roles.txt), labelled with the organisation
the text attaches (开发区党工委书记) and linked to it. Company titles and duties are left out."""
from __future__ import annotations

from functools import lru_cache, partial

from kg import lexicon
from kg.extract.base import glued_into_word, mention
from kg.model import Document, Mention, Sentence


@lru_cache(maxsize=1)
def _matcher() -> lexicon.TermMatcher:
    exclude = set(lexicon.load("role_exclude.txt")) | set(lexicon.load("company_titles.txt"))
    return lexicon.TermMatcher({t: t for t in lexicon.load("roles.txt") if t not in exclude})


@lru_cache(maxsize=1)
def _org_heads() -> tuple[str, ...]:
    """Organisation words that, written right before a title, make it that body's office."""
    terms = set(lexicon.load("organizations.txt")) | set(lexicon.load("zone_generic.txt"))
    return tuple(sorted(terms, key=len, reverse=True))


def attached_org(text: str, start: int) -> str | None:
    for org in _org_heads():
        if text.endswith(org, 0, start):
            return org
    return None


@lru_cache(maxsize=1)
def _bodies() -> tuple[str, ...]:
    return tuple(sorted(lexicon.load("organizations.txt"), key=len, reverse=True))


def _body(prefix: str, title: str) -> str | None:
    """The organisation an office belongs to: the body its title starts with, under the
    zone or place written before it (开发区 + 党工委书记 → 开发区党工委), or the body
    written before it (市委 + 常委). A bare zone is no organisation."""
    head = next((b for b in _bodies() if title.startswith(b) and len(b) < len(title)), None)
    if head:
        return prefix + head
    return prefix if prefix in _bodies() else None


def _with_admin_prefix(text: str, org_start: int, org: str) -> int:
    """市高新区主要负责人: the city's own zone, as the zone extractor reads 市高新区."""
    if org not in _zone_words():
        return org_start
    from kg.extract.zone import _admin_prefix
    return _admin_prefix(text, org_start)


_zone_words = partial(lexicon.terms, "zone_generic.txt")


def extract(doc: Document, sentences: list[Sentence]) -> list[Mention]:
    found = []
    for s in sentences:
        for start, end, term, _ in _matcher().find(s.text):
            if glued_into_word(s.text, start, end):
                continue
            org = attached_org(s.text, start)
            if org and not term.startswith(org):
                org_start = _with_admin_prefix(s.text, start - len(org), org)
                org = s.text[org_start:start]
                found.append(mention(doc, s, org_start, end, "Role", label=org + term,
                                     organization=_body(org, term),
                                     bare_title=_aliases().get(term, term),
                                     canonical=org + _aliases()[term] if term in _aliases() else None))
            else:
                found.append(mention(doc, s, start, end, "Role", organization=_body("", term),
                                     canonical=_aliases().get(term)))
    _bare_as_attached(found)
    return found


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    """Other forms of a title (kg/lexicons/role_aliases.tsv) → canonical title."""
    return {row[0]: row[1] for row in lexicon.load("role_aliases.tsv") if isinstance(row, tuple)}


def _bare_as_attached(found: list[Mention]) -> None:
    """A bare title that the same speech writes with one organisation (党工委书记 after
    开发区党工委书记) names that office: it takes the attached label as its canonical."""
    attached: dict[str, set[str]] = {}
    for m in found:
        if m.attrs.get("bare_title"):
            attached.setdefault(m.attrs["bare_title"], set()).add(m.attrs.get("canonical") or m.label)
    for m in found:
        labels = attached.get(m.attrs.get("canonical") or m.label, ())
        if not m.attrs.get("bare_title") and len(labels) == 1:
            m.attrs["canonical"] = next(iter(labels))
