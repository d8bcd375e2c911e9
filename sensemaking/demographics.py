"""Who shared their stories: counts, percentages and charts, with small numbers kept private.

Everything here is pure: it takes storytellers (model instances or plain dicts with the
demographic fields) and never touches the database. A table holds only what may be published,
so anything built from a table (its text, its chart) cannot leak a hidden number.

How answers are counted
- Percentages are of all storytellers (including those who did not answer), rounded half up to
  whole numbers.
- Single-choice questions (age band, gender, ethnicity, disability, LGBTQIA+): every storyteller
  is in exactly one row, so the rows add up to the total. A blank or unknown answer counts as
  "Not answered".
- Multi-choice questions (sector, role, lived experience): a storyteller counts once in every
  row they chose, so percentages can add up to more than 100%. "Prefer not to say" is honoured
  over anything ticked with it (the form already makes it exclusive). Nothing known ticked
  counts as "Not answered".
- Rows follow the order of the answer list, with "Not answered" last. An answer nobody gave is
  left out: a zero cannot point at anyone.

How small numbers are kept private (threshold N, 5 unless the caller says otherwise)
1. Fewer than N storytellers in all: show only "fewer than N storytellers", no tables.
2. Primary suppression: an answer given by 1 to N-1 storytellers is not shown, nor one given
   by every one of them (a row of 100% would say something about each storyteller, including
   those named in the credits); "Not answered" and "Prefer not to say" are exempt
   from that second part, as they say nothing about anyone.
3. Every hidden row reads the same ("not shown"), whether it is small or hidden to protect a
   small one. Saying "fewer than N" only for some would tell a reader which are which, and
   saying it for all would be untrue of the bigger ones.
4. Secondary suppression hides more rows, smallest first; rows tied for smallest are hidden
   together, because choosing between them by their place in the list tells a reader something.
   It stops once the tests below pass. They aim to leave every hidden row at least two
   possible values even for a reader who knows these rules, and they use only what that
   reader sees (shown counts, which rows are hidden, the total), so any population whose
   hidden rows are all small is hidden in exactly the same way.
5. Single-choice: the rows add up to the total, so a reader knows how many storytellers the
   hidden rows hold between them. Stop when at least two rows are hidden, and they hold at
   least N storytellers, and more storytellers than there are hidden rows (otherwise each would
   have to be 1), and not exactly N-1 per hidden row (otherwise, if all were small, each would
   have to be N-1). Yes/no questions follow the same rule: hiding "Yes" always hides another
   row, so "No", "Prefer not to say" and the total cannot give "Yes" away.
6. Multi-choice: rows overlap, so nothing adds up, but there are bounds. With A storytellers
   who ticked a real answer (A = total - "Not answered" - "Prefer not to say"), every real row
   is at most A and the real rows together at least A. Stop when at least two rows are hidden
   and, for every hidden row, those bounds leave at least two possible values, both when the
   hidden rows could be any size and when they are all under N. ("Not answered" is the row
   this most often protects: if one row holds everybody who answered, the total minus that
   row is exactly "Not answered" plus "Prefer not to say".)
7. If that hides every row, the table shows no rows at all, only a note, so a hidden row's
   presence (at least 1) cannot be combined with the total.
8. Text alternatives, age ranges and charts are built from the table, which holds only what
   is shown; hidden rows are named but never counted, and charts draw no bar for them.
This is checked, not proved: for many small random populations the tests list every
population that would publish exactly the same table and find at least two values for each
hidden row.

How figures stay the same between versions (`fixed_figures`)
Suppression protects one table, but two tables counted from populations that differ by one
person would give that person's answers away. So figures are counted when a report version is
saved, stored with it, and never recounted on a visit. When a version is saved again, the
figures are counted again only if the storytellers they would cover differ, by at least N
people joined plus left, from every population whose tables anyone in the project was ever
shown; otherwise the figures already shown are kept. Any two sets of figures anyone can see
are then identical, or differ by the answers of at least N people at once. Figures with no
tables ("fewer than N storytellers", or none yet) show no answers, so they never hold back a
later count.
"""

from __future__ import annotations

import io
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from stories import choices

DEFAULT_THRESHOLD = 5
NOT_ANSWERED = ""
NOT_ANSWERED_LABEL = "Not answered"
PREFER_NOT = choices.PREFER_NOT[0]
HIDDEN_TEXT = "not shown"


@dataclass(frozen=True)
class Question:
    """One storyteller question as the report shows it."""

    field: str
    heading: str
    answers: list[tuple[str, str]]
    multi: bool = False
    yes_phrase: str = ""


# The order the summary report shows them in.
QUESTIONS = (
    Question("sectors", "Storytellers' experience by sector", choices.SECTORS, multi=True),
    Question(
        "coproduction_roles",
        "Storytellers' roles in co-production",
        choices.COPRODUCTION_ROLES,
        multi=True,
    ),
    Question("age_band", "Storytellers' ages", choices.AGE_BANDS),
    Question("gender", "Storytellers' gender", choices.GENDERS),
    Question(
        "lgbtqia",
        "Storytellers who identify as LGBTQIA+",
        [
            ("yes", "Identify as LGBTQIA+"),
            ("no", "Do not identify as LGBTQIA+"),
            choices.PREFER_NOT,
        ],
        yes_phrase="identify as LGBTQIA+",
    ),
    Question(
        "disability",
        "Storytellers who consider themselves disabled",
        [
            ("yes", "Consider themselves disabled"),
            ("no", "Do not consider themselves disabled"),
            choices.PREFER_NOT,
        ],
        yes_phrase="consider themselves disabled",
    ),
    Question("ethnicity", "Storytellers' ethnicity", choices.ETHNICITIES),
    Question(
        "lived_experiences",
        "Storytellers' lived experience",
        choices.LIVED_EXPERIENCES,
        multi=True,
    ),
)
QUESTION_BY_FIELD = {question.field: question for question in QUESTIONS}


@dataclass(frozen=True)
class Row:
    """One answer: its count and percentage, or neither when hidden."""

    value: str
    label: str
    count: int | None
    percent: int | None
    suppressed: bool

    @property
    def display(self) -> str:
        if self.suppressed:
            return HIDDEN_TEXT
        return f"{self.count} ({format_percent(self.percent)})"


@dataclass(frozen=True)
class Table:
    """What may be published about one question; nothing in it depends on a hidden number."""

    field: str
    heading: str
    multi: bool
    total: int
    threshold: int
    rows: tuple[Row, ...]
    hidden: bool  # every row was hidden, so none is listed
    notes: tuple[str, ...]
    text_alternative: str
    age_range: str | None = None
    rounded_to: int | None = None  # counts rounded to the nearest multiple of this

    @property
    def slug(self) -> str:
        return self.field.replace("_", "-")

    @property
    def charted_rows(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if not row.suppressed)

    @property
    def not_answered(self) -> Row | None:
        return next((row for row in self.rows if row.value == NOT_ANSWERED), None)


@dataclass(frozen=True)
class Demographics:
    """The "Who shared their stories?" section: the total and one table per question."""

    total: int | None
    threshold: int
    tables: tuple[Table, ...]
    rounded_to: int | None = None

    @property
    def suppressed(self) -> bool:
        return self.total is None

    @property
    def total_display(self) -> str:
        if self.total is None:
            return f"Fewer than {self.threshold} storytellers"
        about = "About " if self.rounded_to else ""
        return f"{about}{self.total} storyteller{'' if self.total == 1 else 's'}"

    def table(self, field: str) -> Table:
        return next(table for table in self.tables if table.field == field)

    def as_json(self) -> dict:
        """Return the figures as JSON-ready data, to store with a report version."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping) -> Demographics:
        """Rebuild figures stored by `as_json`."""
        tables = tuple(
            Table(
                **{
                    **table,
                    "rows": tuple(Row(**row) for row in table["rows"]),
                    "notes": tuple(table["notes"]),
                }
            )
            for table in data["tables"]
        )
        return cls(
            total=data["total"],
            threshold=data["threshold"],
            tables=tables,
            rounded_to=data.get("rounded_to"),
        )


def who_shared(
    storytellers: Iterable[object], *, threshold: int = DEFAULT_THRESHOLD
) -> Demographics:
    """Return the totals, tables and notes for the report, with small numbers hidden."""
    people = list(storytellers)
    if 0 < len(people) < threshold:
        return Demographics(total=None, threshold=threshold, tables=())
    if not people:
        return Demographics(total=0, threshold=threshold, tables=())
    tables = tuple(tabulate(people, q.field, threshold=threshold) for q in QUESTIONS)
    return Demographics(total=len(people), threshold=threshold, tables=tables)


ROUNDING_BASE = 5


def round_to_base(count: int, base: int = ROUNDING_BASE) -> int:
    """Round to the nearest multiple of base, halves up (7 is 5, 8 is 10)."""
    return (count + base // 2) // base * base


def rounded(figures: Demographics, base: int = ROUNDING_BASE) -> Demographics:
    """Return the figures with the total and every shown count rounded to the nearest base.

    Figures are fixed per version and recounted only when enough storytellers changed; the
    rounding is what stops two or more sets of figures being added and subtracted to isolate
    one person: each rounded count hides where in a band of `base` the true count lies.
    Percentages are then worked out from the rounded numbers, so everything shown agrees.
    """
    if figures.total is None or not figures.tables:
        return figures
    total = round_to_base(figures.total, base)

    def shown(row: Row) -> Row:
        if row.suppressed:
            return row
        count = round_to_base(row.count, base)
        if count >= total and row.count < figures.total:
            # Rounded, it would read as "all of them" of an answer some did not give: hidden,
            # like the 100% rows the small-number rules hide.
            return replace(row, count=None, percent=None, suppressed=True)
        return replace(row, count=count, percent=percent_of(count, total))

    tables = []
    for table in figures.tables:
        rows = tuple(shown(row) for row in table.rows)
        tables.append(
            _with_words(
                replace(table, total=total, rows=rows, rounded_to=base),
                QUESTION_BY_FIELD[table.field],
            )
        )
    return replace(figures, total=total, tables=tuple(tables), rounded_to=base)


def fixed_figures(
    people: Mapping[int, object],
    *,
    previous: Mapping | None,
    earlier: Iterable[Mapping],
    threshold: int = DEFAULT_THRESHOLD,
    counted_on: str,
) -> dict:
    """Return the figures a report version stores: counted afresh only when that is safe.

    `people` maps storyteller ids to storytellers; `previous` is what the version (or the one it
    starts from) stored; `earlier` is what every version in the project stored, `previous` too.
    """
    population = set(people)
    counted = list(previous["counted"]) if previous else []
    shown = {}
    for snapshot in earlier:
        for count in snapshot["counted"]:
            shown.setdefault(frozenset(count["storytellers"]), count)
    near = sorted(
        (len(ids ^ population), -index, count)
        for index, (ids, count) in enumerate(shown.items())
        if len(ids ^ population) < threshold
    )
    if not near:
        figures = rounded(who_shared(people.values(), threshold=threshold))
        count = {
            "storytellers": sorted(population),
            "counted_on": counted_on,
            "figures": figures.as_json(),
        }
        if figures.tables:
            counted.append(count)
        return {"shown": count, "counted": counted}
    if previous and previous["shown"]["figures"]["tables"]:
        return dict(previous)
    # Figures already shown elsewhere in the project are as safe to show again as our own.
    nearest = near[0][2]
    if nearest not in counted:
        counted.append(nearest)
    return {"shown": nearest, "counted": counted}


def tabulate(
    storytellers: Iterable[object], field: str, *, threshold: int = DEFAULT_THRESHOLD
) -> Table:
    """Return one question's table; answers nobody gave are left out.

    Refuse fewer storytellers than the threshold: then only `who_shared`'s "fewer than N"
    may be published, not even the total.
    """
    question = QUESTION_BY_FIELD[field]
    people = list(storytellers)
    total = len(people)
    if total < max(threshold, 1):
        raise ValueError(f"{total} storytellers is too few to tabulate; use who_shared().")
    counts = count_answers(people, field)
    hidden = suppressed_cells(counts, multi=question.multi, total=total, threshold=threshold)
    labels = dict(question.answers) | {NOT_ANSWERED: NOT_ANSWERED_LABEL}
    all_hidden = bool(hidden) and hidden == {value for value, n in counts.items() if n}
    rows = ()
    if not all_hidden:
        rows = tuple(
            Row(value, labels[value], None, None, True)
            if value in hidden
            else Row(value, labels[value], count, percent_of(count, total), False)
            for value, count in counts.items()
            if count
        )
    age_range = _age_range(rows) if field == "age_band" else None
    table = Table(
        field=field,
        heading=question.heading,
        multi=question.multi,
        total=total,
        threshold=threshold,
        rows=rows,
        hidden=all_hidden,
        notes=(),
        text_alternative="",
        age_range=age_range,
    )
    return _with_words(table, question)


def count_answers(storytellers: Iterable[object], field: str) -> dict[str, int]:
    """Count each answer in list order, "Not answered" last, zeros included."""
    question = QUESTION_BY_FIELD[field]
    known = [value for value, _ in question.answers]
    tally: Counter[str] = Counter()
    for person in storytellers:
        answer = _answer(person, question.field)
        if question.multi:
            picked = set(answer or ()) if isinstance(answer, list | tuple | set) else set()
            if PREFER_NOT in picked:
                picked = {PREFER_NOT}
            picked &= set(known)
            tally.update(picked or {NOT_ANSWERED})
        else:
            tally[answer if answer in known else NOT_ANSWERED] += 1
    return {value: tally[value] for value in [*known, NOT_ANSWERED]}


def suppressed_cells(
    counts: Mapping[str, int], *, multi: bool, total: int, threshold: int
) -> set[str]:
    """Return the answers to hide, following the rules in the module docstring."""
    given = {value: n for value, n in counts.items() if n}
    # A real answer given by every storyteller says something about each of them (with the
    # named credits, about named people): it is hidden like a small row. "Not answered" and
    # "Prefer not to say" tell nothing about a person, however many.
    hidden = {
        value
        for value, n in given.items()
        if n < threshold or (n == total and value not in (NOT_ANSWERED, PREFER_NOT))
    }

    # Decide only from what a reader will see (shown rows, hidden names, total), so every
    # hidden row being small stays a possibility to a reader who knows these rules.
    def safe(cells: set[str]) -> bool:
        if len(cells) < 2:
            return False
        if multi:
            return not (
                _pinned_multi(given, cells, total)
                or _pinned_multi(given, cells, total, most=threshold - 1)
            )
        held = sum(given[value] for value in cells)
        every_one_just_under = held == len(cells) * (threshold - 1)
        return held >= max(threshold, len(cells) + 1) and not every_one_just_under

    while hidden and not safe(hidden):
        shown = [value for value in given if value not in hidden]
        if not shown:
            break
        # Rows tied for smallest go together: picking one by its place in the list would
        # tell a reader something about the hidden one.
        smallest = min(given[value] for value in shown)
        hidden |= {value for value in shown if given[value] == smallest}
    return hidden


def _pinned_multi(
    given: Mapping[str, int], hidden: set[str], total: int, *, most: int | None = None
) -> bool:
    """Tell whether a multi-choice table's bounds fix a hidden row (each at most `most`).

    With A storytellers who ticked a real answer, each real row is at most A and the real
    rows together at least A; "Prefer not to say" and "Not answered" make up the rest.
    """
    extras = (PREFER_NOT, NOT_ANSWERED)
    reals = [value for value in given if value not in extras]
    shown_reals = [given[value] for value in reals if value not in hidden]
    hidden_reals = len(reals) - len(shown_reals)
    hidden_extras = sum(1 for value in extras if value in hidden)
    fixed_extras = sum(given.get(value, 0) for value in extras if value not in hidden)
    shown_sum, shown_max = sum(shown_reals), max(shown_reals, default=0)
    top = total if most is None else most
    lows: dict[str, int] = {}
    highs: dict[str, int] = {}

    def widen(value: str, low: int, high: int) -> None:
        lows[value] = min(lows.get(value, low), low)
        highs[value] = max(highs.get(value, high), high)

    for answered in range(total + 1):
        rest = total - answered - fixed_extras
        if rest < hidden_extras or rest > hidden_extras * top:
            continue
        ceiling = min(answered, top)
        if answered < shown_max or (hidden_reals and ceiling < 1):
            continue
        if answered and shown_sum + hidden_reals * ceiling < answered:
            continue
        for value in hidden:
            if value not in extras:
                widen(value, max(1, answered - shown_sum - (hidden_reals - 1) * ceiling), ceiling)
            elif hidden_extras == 1:
                widen(value, rest, rest)
            else:
                widen(value, max(1, rest - top), min(top, rest - 1))
    # No possibility at all can only happen with `most`: then some hidden row is not small.
    return any(lows.get(value) == highs.get(value) is not None for value in hidden)


def percent_of(count: int, total: int) -> int:
    """Return count as a whole percentage of total, rounding halves up."""
    return (200 * count + total) // (2 * total)


def format_percent(percent: int | None) -> str:
    return f"{percent}%"


def _answer(person: object, field: str) -> object:
    if isinstance(person, Mapping):
        return person.get(field)
    return getattr(person, field, None)


def _age_range(rows: tuple[Row, ...]) -> str | None:
    """Describe the ages covered by the bands that are shown; hidden bands never count."""
    bands = [row.value for row in rows if not row.suppressed and _is_age_band(row.value)]
    if not bands:
        return None
    low = bands[0].split("-")[0].rstrip("+")
    last = bands[-1]
    if last.endswith("+"):
        return f"{low} and over"
    return f"{low} to {last.split('-')[1]}"


def _is_age_band(value: str) -> bool:
    return value[:1].isdigit()  # "18-24" … "75+"; not "Prefer not to say" or "Not answered"


def _with_words(table: Table, question: Question) -> Table:
    """Fill in the notes and text alternative from the table's shown rows only."""
    notes = []
    if table.hidden:
        notes.append(
            f"To protect people's privacy, we do not show this breakdown: its numbers are "
            f"too small (fewer than {table.threshold} storytellers in some answers)."
        )
        sentences = ["The numbers are too small to show without risking identifying someone."]
        return replace(table, notes=tuple(notes), text_alternative=" ".join(sentences))

    shown = table.charted_rows
    hidden = [row for row in table.rows if row.suppressed]
    if table.rounded_to:
        notes.append(
            f"Numbers are rounded to the nearest {table.rounded_to}, so they may not add up "
            f"to the total; percentages are of all about {table.total} storytellers, to whole "
            f"numbers."
        )
    else:
        notes.append(
            f"Percentages are of all {table.total} storytellers, rounded to whole numbers."
        )
    if table.multi:
        notes.append(
            "People could choose more than one answer, "
            "so the percentages can add up to more than 100%."
        )
    if hidden:
        notes.append(
            f"To protect people's privacy, we do not show groups of fewer than "
            f"{table.threshold} storytellers, or any other number that would let someone "
            f"work one out."
        )

    sentences = []
    lead = _lead_sentence(table, question)
    if lead:
        sentences.append(lead)
    if shown:
        listed = "; ".join(
            f"{row.label}: {row.count} ({format_percent(row.percent)})" for row in shown
        )
        about = "about " if table.rounded_to else ""
        sentences.append(f"Of {about}{table.total} storytellers: {listed}.")
    if hidden:
        names = _join([f"“{row.label}”" for row in hidden])
        verb = "is" if len(hidden) == 1 else "are"
        sentences.append(f"{names} {verb} not shown, to protect people's privacy.")
    if table.age_range:
        sentences.append(age_sentence(table))
    if table.multi:
        sentences.append("People could choose more than one answer.")
    return replace(table, notes=tuple(notes), text_alternative=" ".join(sentences))


def age_sentence(table: Table) -> str:
    """State the ages the shown bands cover; with a band hidden, say only what is shown."""
    if not table.age_range:
        return ""
    if any(row.suppressed and _is_age_band(row.value) for row in table.rows):
        return f"The age bands shown cover ages {table.age_range}."
    return f"Storytellers were aged {table.age_range}."


def suggested_words(figures: Demographics) -> str:
    """Offer the "who shared" words an editor starts from: the total, then a line per question.

    Built only from the shown tables, so it says nothing the figures hide.
    """
    if not figures.tables:
        return ""
    lines = []
    for table in figures.tables:
        if table.hidden:
            continue
        question = QUESTION_BY_FIELD[table.field]
        if table.field == "age_band":
            line = age_sentence(table)
        elif question.yes_phrase:
            line = _lead_sentence(table, question)
        else:
            lead = _lead_sentence(table, question)
            line = f"{table.heading}: {lead[:1].lower()}{lead[1:]}" if lead else ""
        if line:
            lines.append(line)
    total = f"{figures.total_display} shared their stories."
    return "\n\n".join(part for part in (total, "\n".join(lines)) if part)


def _lead_sentence(table: Table, question: Question) -> str:
    if question.yes_phrase:
        yes = next((row for row in table.rows if row.value == "yes"), None)
        if yes is None:
            return f"No storytellers said they {question.yes_phrase}."
        if yes.suppressed:
            return f"The number who {question.yes_phrase} is not shown."
        return (
            f"{yes.count} of {table.total} storytellers ({format_percent(yes.percent)}) "
            f"{question.yes_phrase}."
        )
    answers = [row for row in table.charted_rows if row.value not in (PREFER_NOT, NOT_ANSWERED)]
    if not answers:
        return ""
    top = max(row.count for row in answers)
    leaders = [row for row in answers if row.count == top]
    share = format_percent(leaders[0].percent)
    verb = "chose" if table.multi else "answered"
    if len(leaders) > 1:
        names = _join([f"“{row.label}”" for row in leaders])
        return f"The most common answers were {names}, {share} of storytellers each."
    if top * 2 > table.total:
        return f"Most storytellers ({share}) {verb} “{leaders[0].label}”."
    return f"The most common answer was “{leaders[0].label}”, from {share} of storytellers."


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# Chart geometry, in SVG user units; the viewBox lets the chart scale to any width.
CHART_WIDTH = 400
BAR_AREA = 320
FONT_SIZE = 14
LINE = 18
BAR_HEIGHT = 18
LABEL_CHARACTERS = 46
# GOV.UK palette: text 19:1 on white, bars 5.2:1 on white and 4.7:1 on the track.
TEXT_COLOUR = "#0b0c0c"
BAR_COLOUR = "#1d70b8"
TRACK_COLOUR = "#f3f2f1"
BACKGROUND_COLOUR = "#ffffff"


@dataclass(frozen=True)
class _Text:
    x: float
    y: float  # the baseline
    text: str


@dataclass(frozen=True)
class _Bar:
    x: float
    y: float
    width: float
    colour: str


def _chart_layout(table: Table) -> tuple[int, list[_Text | _Bar]]:
    """Lay out the bar chart of the table's shown rows: its height and what is drawn, in order.

    One layout, drawn as SVG for the web page and the PDF and as PNG for the Word file.
    """
    items: list[_Text | _Bar] = []
    y = 4
    for row in table.charted_rows:
        lines = textwrap.wrap(row.label, LABEL_CHARACTERS) or [""]
        for line in lines:
            y += LINE
            items.append(_Text(0, y - 4, line))
        bar_top = y + 4
        width = max(BAR_AREA * row.percent / 100, 1)
        items.append(_Bar(0, bar_top, BAR_AREA, TRACK_COLOUR))
        items.append(_Bar(0, bar_top, round(width, 1), BAR_COLOUR))
        items.append(
            _Text(round(width + 6, 1), bar_top + 14, f"{format_percent(row.percent)} ({row.count})")
        )
        y = bar_top + BAR_HEIGHT + 10
    if not table.charted_rows:
        y += LINE
        items.append(_Text(0, y - 4, "Numbers too small to show."))
    return y + 6, items


def bar_chart_svg(table: Table, *, id_prefix: str = "chart") -> SafeString:
    """Return an accessible horizontal bar chart of the table's shown rows as inline SVG."""
    base = f"{id_prefix}-{table.slug}"
    height, items = _chart_layout(table)
    parts = [
        format_html('<text x="{}" y="{}">{}</text>', _number(item.x), _number(item.y), item.text)
        if isinstance(item, _Text)
        else format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
            _number(item.x), _number(item.y), _number(item.width), BAR_HEIGHT, item.colour,
        )
        for item in items
    ]  # fmt: skip
    opening = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" class="bar-chart" '
        'width="100%" viewBox="0 0 {} {}" preserveAspectRatio="xMinYMin meet" '
        'role="img" aria-labelledby="{} {}" font-family="Arial, Helvetica, sans-serif" '
        'font-size="{}" fill="{}">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>'
        '<rect width="{}" height="{}" fill="{}"/>',
        CHART_WIDTH,
        height,
        f"{base}-title",
        f"{base}-desc",
        FONT_SIZE,
        TEXT_COLOUR,
        f"{base}-title",
        table.heading,
        f"{base}-desc",
        table.text_alternative,
        CHART_WIDTH,
        height,
        BACKGROUND_COLOUR,
    )
    return mark_safe(opening + "".join(parts) + "</svg>")  # noqa: S308 every piece is escaped


def bar_chart_png(table: Table, *, scale: int = 3) -> tuple[bytes, int, int]:
    """Draw the same chart as a PNG for the Word file: its bytes, width and height in points.

    Drawn at `scale` times its size in points, so it stays sharp when printed.
    """
    from PIL import Image, ImageDraw, ImageFont  # only the Word export draws pictures

    height, items = _chart_layout(table)
    image = Image.new("RGB", (CHART_WIDTH * scale, height * scale), BACKGROUND_COLOUR)
    draw = ImageDraw.Draw(image)
    # DejaVu Sans is installed with WeasyPrint's fonts (the Makefile's fonts-dejavu-core).
    font = ImageFont.truetype("DejaVuSans.ttf", FONT_SIZE * scale)
    for item in items:
        if isinstance(item, _Text):
            draw.text(
                (item.x * scale, item.y * scale),
                item.text,
                font=font,
                fill=TEXT_COLOUR,
                anchor="ls",
            )
        else:
            box = (
                item.x * scale,
                item.y * scale,
                (item.x + item.width) * scale,
                (item.y + BAR_HEIGHT) * scale,
            )
            draw.rectangle(box, fill=item.colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), CHART_WIDTH, height


def _number(value: float) -> str:
    """Write a coordinate as SVG needs it: "12" for a whole number, "12.5" otherwise."""
    return f"{value:g}"
