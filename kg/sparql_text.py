"""Looking for a SPARQL keyword in a query's text without parsing the query.

pyoxigraph parses queries but shows no algebra, and the server and ``kg query`` need to
know before running a query whether it federates (SERVICE) or reads named graphs (GRAPH,
FROM). The keyword is looked for as a SPARQL lexer would see it: outside IRIs, strings and
comments, after the \\u/\\U escapes are decoded, and not as part of a name (?service,
ex:GRAPH, MYFROM are not keywords). A doubtful case counts as the keyword being there.
"""
from __future__ import annotations

import re

# what may hide a keyword without being one, tried left to right: IRIs, long and short
# strings, comments
_NOT_KEYWORDS = re.compile("|".join((
    r'<[^<>"{}|^`\\\x00-\x20]*>',
    r"'''(?:[^'\\]|\\.|'(?!''))*'''",
    r'"""(?:[^"\\]|\\.|"(?!""))*"""',
    r"'(?:[^'\\\n\r]|\\.)*'",
    r'"(?:[^"\\\n\r]|\\.)*"',
    r"#[^\n\r]*")))
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _decoded(m: re.Match) -> str:
    try:
        return chr(int(m.group(1) or m.group(2), 16))
    except ValueError:
        return m.group(0)


def uses_keyword(sparql: str, *keywords: str) -> bool:
    """Does the query use any of ``keywords`` (case-insensitive) as a keyword?"""
    words = "|".join(map(re.escape, keywords))
    pattern = re.compile(rf"(?<![\w:?$\-])(?:{words})(?![\w:\-])", re.IGNORECASE)
    return bool(pattern.search(_NOT_KEYWORDS.sub(" ", _CODEPOINT.sub(_decoded, sparql))))
