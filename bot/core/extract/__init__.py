"""Draft knowledge from a new article, for a maintainer to curate: never loaded as it is.

It proposes what a careful reader would mark up: every quoted passage with its likely speaker, every
sentence of reported speech ("X said ..."), every date mention resolved (against the publication, or against
the event the sentence dates it from) with the article's own words kept, and the sentences whose numbers are
facts. It over-proposes on purpose: deleting a wrong proposal costs a maintainer a second, missing a quote
costs a story. What it cannot know (a decade, "last week") it asks about in a YAML comment, never guesses.

It reads the article as a reader does, not as a page: headline, byline, datelines ("SEOUL, Nov 10
(Reuters) -"), photo captions and page furniture ("Next In World", crawl dates) are not the story and
propose nothing. Every step is a single left-to-right pass with bounded look-back, so time grows linearly
with the article (runs of capitalised words made an earlier version quadratic).

The package's modules follow those steps: `page` (the story's paragraphs and sentences), `vocabulary` and
`speakers` (who said what), `dates` (date mentions resolved), `proposal` (the one pass over the article) and
`draft` (the YAML a maintainer curates, or adds `--into` a topic file).
"""

from bot.core.extract.dates import DateMention
from bot.core.extract.draft import SECTIONS, Topic, add_to_topic, draft, to_yaml
from bot.core.extract.page import paragraphs, sentence_spans, sentences
from bot.core.extract.proposal import Proposal, Quote, extract
from bot.core.extract.speakers import person_name

__all__ = [
    "SECTIONS",
    "DateMention",
    "Proposal",
    "Quote",
    "Topic",
    "add_to_topic",
    "draft",
    "extract",
    "paragraphs",
    "person_name",
    "sentence_spans",
    "sentences",
    "to_yaml",
]
