"""Helpers for the extractor tests: one invented speech around a test sentence."""
from kg.extract import extract_document
from kg.model import Document

TITLE = "在全市园区建设推进会上的讲话"


def run(text, title=TITLE):
    """The extraction of a speech titled ``title`` whose body is ``text``."""
    doc = Document(id="t", source="t.txt", title=title, text=title + "\n" + text)
    return extract_document(doc)


def found(extraction, etype):
    """The labels of the ``etype`` mentions."""
    return {m.label for m in extraction.mentions if m.type == etype}
