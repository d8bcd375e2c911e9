"""Who coded what, and how far two coders agree, theme by theme, as QualCoder reports it.

QualCoder ("Coder comparisons", src/qualcoder/reports.py and report_compare_coder_file.py)
compares two coders character by character over a source's text. For one code, each character
is coded by both coders, by one only, or by neither; then

    agreement %          = 100 × (both + neither) / characters
    both %, neither %    = 100 × both / characters, 100 × neither / characters
    disagreement %       = 100 − agreement %
    agreement on coded % = 100 × both / (characters either coded)
    kappa                = (Po − Pe) / (1 − Pe), with u = characters either coded,
                           Po = both / u,
                           Pe = (first / u × second / u) × ((u − first) / u × (u − second) / u)

Percentages are rounded to 2 places and kappa to 4, as QualCoder does. QualCoder's kappa looks
only at characters someone coded, and multiplies the "yes" and "no" chance terms (its comments
explain why the usual Cohen's kappa over every character mostly repeats the agreement figure);
we follow it so figures can be compared with QualCoder's. We count only the stories both coders
quoted in (QualCoder counts every text file), and a character a coder quoted twice for the same
theme counts once (QualCoder would count it twice and then drop it from every column).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Length

from stories.models import Transcript

Span = tuple[int, int]  # character offsets: start, end (exclusive)


@dataclass(frozen=True)
class Coder:
    """Someone who made quotes in a workshop: a signed-in person or a workshop guest."""

    kind: str  # "user" or "guest"
    pk: int
    name: str

    @property
    def key(self) -> str:
        """The value that names this coder in the board's address, such as "user-12"."""
        return f"{self.kind}-{self.pk}"

    def is_maker(self, user_id: int | None, guest_id: int | None) -> bool:
        """Whether a quote made by this user or guest id is this coder's."""
        return (user_id if self.kind == "user" else guest_id) == self.pk

    def made(self) -> Q:
        """The condition on quotes that this coder made."""
        return Q(created_by_id=self.pk) if self.kind == "user" else Q(created_by_guest_id=self.pk)


def coders(quotes) -> list[Coder]:
    """Return the people and guests who made these quotes, by name, in one query."""
    rows = (
        quotes.order_by()
        .values_list(
            "created_by_id",
            "created_by__first_name",
            "created_by__last_name",
            "created_by__username",
            "created_by_guest_id",
            "created_by_guest__display_name",
        )
        .distinct()
    )
    found = set()
    for user_id, first, last, username, guest_id, guest_name in rows:
        if user_id is not None:
            found.add(Coder("user", user_id, f"{first} {last}".strip() or username))
        elif guest_id is not None:
            found.add(Coder("guest", guest_id, guest_name))
    return sorted(found, key=lambda coder: (coder.name.lower(), coder.key))


def merged(spans: list[Span]) -> list[Span]:
    """Return the spans joined where they overlap or touch, in order."""
    joined: list[list[int]] = []
    for start, end in sorted(spans):
        if joined and start <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    return [(start, end) for start, end in joined]


def covered(spans: list[Span]) -> int:
    """Return how many characters the spans cover, each character once."""
    return sum(end - start for start, end in merged(spans))


def shared(first: list[Span], second: list[Span]) -> int:
    """Return how many characters both lists of spans cover."""
    total = 0
    for a_start, a_end in merged(first):
        for b_start, b_end in merged(second):
            total += max(0, min(a_end, b_end) - max(a_start, b_start))
    return total


@dataclass(frozen=True)
class Agreement:
    """Two coders' agreement on one theme, counted in characters of the stories both coded."""

    characters: int
    first: int  # characters the first coder gave the theme
    second: int
    both: int

    @property
    def either(self) -> int:
        return self.first + self.second - self.both

    @property
    def neither(self) -> int:
        return self.characters - self.either

    def _percent(self, part: int, whole: int) -> float | None:
        return round(100 * part / whole, 2) if whole else None

    @property
    def percent(self) -> float | None:
        return self._percent(self.both + self.neither, self.characters)

    @property
    def both_percent(self) -> float | None:
        return self._percent(self.both, self.characters)

    @property
    def neither_percent(self) -> float | None:
        return self._percent(self.neither, self.characters)

    @property
    def disagreement(self) -> float | None:
        return None if self.percent is None else round(100 - self.percent, 2)

    @property
    def coded_only_percent(self) -> float | None:
        return self._percent(self.both, self.either)

    @property
    def kappa(self) -> float | None:
        """QualCoder's kappa; None when neither coder gave the theme a character."""
        union = self.either
        if not union:
            return None
        observed = self.both / union
        yes = self.first / union * self.second / union
        no = (union - self.first) / union * (union - self.second) / union
        chance = yes * no
        return round((observed - chance) / (1 - chance), 4)


def agreement(lengths: dict[int, int], first: dict[int, list[Span]], second: dict[int, list[Span]]):
    """Return the agreement over these stories (id → characters) of two coders' spans per story."""
    return Agreement(
        characters=sum(lengths.values()),
        first=sum(covered(first.get(story, [])) for story in lengths),
        second=sum(covered(second.get(story, [])) for story in lengths),
        both=sum(shared(first.get(story, []), second.get(story, [])) for story in lengths),
    )


@dataclass(frozen=True)
class Comparison:
    """Two coders compared on the stories both quoted in: one row per theme either used."""

    first: Coder
    second: Coder
    stories: int
    characters: int
    rows: list[tuple[object, Agreement]]


def compare(quotes, first: Coder, second: Coder, themes: list) -> Comparison:
    """Compare two coders' quotes (from the board's usable quotes) theme by theme, in 3 queries.

    Only quotes on their story's current transcript count: offsets on an older version do not
    point into the text being measured.
    """
    from sensemaking.models import QuoteTheme  # models import this module's neighbours

    theirs = quotes.filter(first.made() | second.made()).order_by()
    spans = [
        (pk, story_id, transcript_id, start, end, first.is_maker(user_id, guest_id))
        for pk, story_id, transcript_id, start, end, user_id, guest_id in theirs.values_list(
            "pk",
            "story_id",
            "transcript_id",
            "char_start",
            "char_end",
            "created_by_id",
            "created_by_guest_id",
        )
    ]
    quoted_in: dict[int, set[bool]] = defaultdict(set)
    for _pk, story_id, *_span, by_first in spans:
        quoted_in[story_id].add(by_first)
    both_stories = [story for story, who in quoted_in.items() if who == {True, False}]
    current = {
        story_id: (transcript_id, length)
        for story_id, transcript_id, length in Transcript.objects.filter(
            story_id__in=both_stories, is_current=True
        )
        .annotate(length=Length("text"))
        .values_list("story_id", "pk", "length")
    }
    themes_of: dict[int, list[int]] = defaultdict(list)
    for quote_id, theme_id in QuoteTheme.objects.filter(
        content_object__in=theirs.values("pk")
    ).values_list("content_object_id", "tag_id"):
        themes_of[quote_id].append(theme_id)
    coded: dict[int, tuple[dict, dict]] = defaultdict(
        lambda: (defaultdict(list), defaultdict(list))
    )
    for pk, story_id, transcript_id, start, end, by_first in spans:
        if current.get(story_id, (None,))[0] != transcript_id:
            continue
        for theme_id in themes_of[pk]:
            coded[theme_id][0 if by_first else 1][story_id].append((start, end))
    lengths = {story_id: length for story_id, (_transcript, length) in current.items()}
    rows = [(theme, agreement(lengths, *coded[theme.pk])) for theme in themes if theme.pk in coded]
    return Comparison(
        first=first,
        second=second,
        stories=len(lengths),
        characters=sum(lengths.values()),
        rows=rows,
    )
