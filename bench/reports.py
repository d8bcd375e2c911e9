"""Measure a published report: compiling it, its public page and its PDF.

Run from the project folder: `.venv/bin/python bench/reports.py [--profile big|seed]`.
The big profile (the default) is described below; `--profile seed` makes the seed report's
content instead: 6 themes with 13 sub-themes, 60 quotes (one key quote per top-level theme),
7 findings with 1 or 2 quotes each; the people, stories and demographics are the same.
It drops and recreates the PostgreSQL database `corpro_bench_reports`, migrates it and, through
the services, creates a project with two facilitators, a curator and three peer interviewers;
100 storytellers with varied demographic answers (so the "who shared" tables have shown and
hidden rows; about a third each credited by name, by pseudonym and anonymous); and 100 stories
whose consent grants every scope (60 published, 40 submitted), each with an uploaded WebVTT
transcript of 10 to 30 timed cues, questions alternating with longer answers (about 3,000 to
8,000 characters; the sentences come from archive.Words). It adds 30 themes (12 top-level,
18 sub-themes under 10 of them) and two workshops of 50 stories each. 2,000 quotes are written
in bulk (words of one storyteller cue: valid offsets, text snapshots and the cue's times; 1 to
3 themes each; 200 marked key), then 2 to 4 findings per top-level theme with 1 to 4
supporting quotes (services.write_finding), and a report on both workshops is written and
published (create_report, edit_report, publish_report).
It then measures, checking every result:
1. compile_report in this process: time and query count;
2. the public report page served by gunicorn (2 sync workers, `bench.settings`), requested
   one at a time: time and size; every response must be 200 and name every theme. The same
   page through Django's test client in this process gives its query count;
3. the PDF through the real task: for each run a fresh ReportFile is made as
   report_views.report_pdf makes it, and a new process calls `render_report_pdf.call()` and
   reports the call's seconds and its peak memory (ru_maxrss); the page count, the file size
   and the text (read with pypdf, which must name every theme) are checked. Last, the whole
   flow once: ask for the PDF from gunicorn as the page's button does (a POST, which queues the
   task), run `manage.py worker --batch`, and download the PDF;
4. the Word file: `report_docx` in this process, compiled once as the view does.
"""

import argparse
import html
import http.client
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path and this file would shadow the app
# `sensemaking`; put the project folder there instead.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import archive  # noqa: E402 (after fixing sys.path)

PYTHON = sys.executable
DATABASE = "corpro_bench_reports"
SERVER_URL = archive.SERVER_URL
SEED = 20261130
REQUEST_TIMEOUT = archive.REQUEST_TIMEOUT

STORIES = 100
PUBLISHED_SHARE = 0.6
TRANSCRIPT_CHARACTERS = (2_500, 7_000)  # asked for; cues end on whole sentences, so a bit more
CUES = (10, 30)
WORKSHOPS = 2
QUOTES = 2_000
KEY_SHARE = 0.1
QUOTE_WORDS = (8, 50)
SPEAKING_RATE = 15.0  # characters a second: about 160 words a minute

# (name, description, sub-themes): 12 top-level themes and 18 sub-themes.
THEME_TREE = [
    (
        "Being heard",
        "Whether people felt listened to, and believed, when they spoke up.",
        ["Being believed", "Feeling listened to by services"],
    ),
    (
        "Trust in services",
        "How trust in services was built, kept or lost.",
        ["Broken promises", "Having the same worker"],
    ),
    (
        "Peer support",
        "Support from people who have been through something similar.",
        ["Lived experience as expertise", "Groups that meet in person"],
    ),
    (
        "Housing and home",
        "Finding, keeping and living in a home.",
        ["Temporary accommodation", "Damp and repairs"],
    ),
    (
        "Money and benefits",
        "Income, debt and the benefits system.",
        ["Waiting for payments", "Payment for taking part"],
    ),
    (
        "Mental health",
        "Getting help with mental health, and what helped.",
        ["Waiting lists", "Crisis support"],
    ),
    (
        "Loneliness and connection",
        "Being cut off from other people, and finding a way back.",
        ["Digital exclusion"],
    ),
    (
        "Barriers to getting help",
        "What stood between people and the help they needed.",
        ["Forms and paperwork", "Language barriers"],
    ),
    ("Family and caring", "Looking after others, and being looked after.", ["Young carers"]),
    (
        "Power in decision-making",
        "Who decides, and whether co-production shares that power.",
        ["Tokenism", "Sharing power in co-production"],
    ),
    ("Hope and change", "What gave people hope, and what changed for them.", []),
    ("Feeling safe", "Safety at home, in the neighbourhood and in services.", []),
]
# The seed's report (the real Community Reporting report the project grew from): a handful of
# themes with sub-themes, one key quote leading each and short findings.
SEED_THEME_TREE = [
    (
        "Diversity of perspectives",
        "Listening to perspectives that are not usually heard.",
        ["Listening to unheard voices", "Cultural inclusion", "Seeing another point of view"],
    ),
    (
        "Depth of insights",
        "First-hand, up-to-date knowledge, less driven by an agenda.",
        ["First-hand and up to date", "Evidence from different perspectives"],
    ),
    (
        "Co-learning",
        "Finding the answers together and sharing what was learnt.",
        ["Finding the answers together", "Sharing learning more widely"],
    ),
    (
        "Sharing power",
        "Removing hierarchy and putting people with lived experience in power-holding roles.",
        ["Removing hierarchy", "Being humans together"],
    ),
    (
        "People driving change",
        "Genuine control over the project and the process.",
        ["Genuine control", "Feeling ownership"],
    ),
    (
        "Collective action and connections",
        "Connection and support as power and opportunity.",
        ["Connecting with power", "Growing empathy"],
    ),
]
# What each profile makes: the big one measures the limits, the seed one the seed's report.
PROFILES = {
    "big": {
        "themes": THEME_TREE,
        "quotes": QUOTES,
        "key_share": KEY_SHARE,
        "findings": (2, 4),
        "support": (1, 4),
    },
    "seed": {
        "themes": SEED_THEME_TREE,
        "quotes": 60,
        "key_share": None,
        "findings": (1, 2),
        "support": (1, 2),
    },
}
COLOURS = [
    "#1d4f7a", "#00703c", "#912b88", "#b58105", "#d4351c", "#28a197",
    "#4c2c92", "#505a5f", "#f47738", "#5694ca", "#85994b", "#6f72af",
]  # fmt: skip

STATEMENTS = [
    "People said {theme} made the biggest difference to whether they kept coming back.",
    "Several storytellers linked {theme} to how quickly they got the help they needed.",
    "Storytellers who had used several services talked about {theme} most often.",
    "Storytellers wanted services to take {theme} seriously from the very first contact.",
    "Younger storytellers tied {theme} to their confidence and independence.",
    "Where {theme} went well, people described feeling like partners rather than cases.",
    "Older storytellers described {theme} as something that had got harder in recent years.",
    "Peer researchers heard about {theme} far more than the project had expected.",
]
TITLES = [
    "What {topic} means to me",
    "Finding my way through {topic}",
    "{Topic}: the part nobody asks about",
    "Starting again with {topic}",
    "How {topic} changed my year",
    "My story of {topic}",
]
SURNAMES = [
    "Ahmed", "Begum", "Campbell", "Davies", "Evans", "Fraser", "Gill", "Hughes", "Iqbal",
    "Jones", "Kowalski", "Lewis", "Mensah", "Nowak", "O'Neill", "Patel", "Quinn", "Roberts",
    "Singh", "Thomas", "Usman", "Walsh", "Yates", "Zielinski",
]  # fmt: skip

# Demographic answers: (value, weight); "" is not answered. Weights give some common answers
# and some given by fewer than five storytellers, so the report shows and hides rows.
AGE_BANDS = [
    ("18-24", 8), ("25-34", 18), ("35-44", 22), ("45-54", 20), ("55-64", 15), ("65-74", 9),
    ("75+", 3), ("prefer_not_to_say", 2), ("", 3),
]  # fmt: skip
GENDERS = [
    ("woman", 52), ("man", 38), ("non_binary", 4), ("other", 1), ("prefer_not_to_say", 2), ("", 3),
]  # fmt: skip
ETHNICITIES = [
    ("white_british", 55), ("white_other", 8), ("mixed", 5), ("asian_indian", 5),
    ("asian_pakistani", 7), ("asian_bangladeshi", 3), ("asian_chinese", 1), ("asian_other", 1),
    ("black_african", 6), ("black_caribbean", 4), ("black_other", 1), ("arab", 2),
    ("other", 1), ("prefer_not_to_say", 1), ("", 3),
]  # fmt: skip
DISABILITY = [("yes", 30), ("no", 60), ("prefer_not_to_say", 6), ("", 4)]
LGBTQIA = [("yes", 12), ("no", 76), ("prefer_not_to_say", 8), ("", 4)]
SECTORS = [
    ("health_social_care", 30), ("housing", 25), ("local_authority", 12), ("community", 30),
    ("education", 10), ("criminal_justice", 6), ("employment", 8), ("research", 3),
    ("arts_culture", 4), ("other", 2),
]  # fmt: skip
ROLES = [
    ("lived_experience", 60), ("carer", 15), ("peer_researcher", 12), ("practitioner", 10),
    ("commissioner", 2), ("academic", 2), ("volunteer", 14), ("other", 2),
]  # fmt: skip
LIVED = [
    ("physical_disability", 12), ("mental_health", 35), ("neurodiversity", 10),
    ("addiction", 8), ("homelessness", 18), ("poverty", 25), ("care_system", 4),
    ("carer", 10), ("adverse_childhood", 6), ("prison", 3), ("adoption", 1),
    ("sexual_exploitation", 1), ("domestic_abuse", 7), ("other", 3),
]  # fmt: skip


# ---- Making the database --------------------------------------------------------------------


def pick(rng: random.Random, answers: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in answers], [weight for _, weight in answers])[0]


def pick_some(rng: random.Random, answers: list[tuple[str, int]], most: int) -> list[str]:
    """1 to `most` different answers; sometimes "prefer not to say", sometimes none."""
    roll = rng.random()
    if roll < 0.05:
        return []
    if roll < 0.08:
        return ["prefer_not_to_say"]
    chosen: list[str] = []
    for _ in range(rng.randint(1, most)):
        value = pick(rng, answers)
        if value not in chosen:
            chosen.append(value)
    return chosen


def demographic_answers(rng: random.Random) -> dict:
    return {
        "age_band": pick(rng, AGE_BANDS),
        "gender": pick(rng, GENDERS),
        "ethnicity": pick(rng, ETHNICITIES),
        "disability": pick(rng, DISABILITY),
        "lgbtqia": pick(rng, LGBTQIA),
        "sectors": pick_some(rng, SECTORS, 3),
        "coproduction_roles": pick_some(rng, ROLES, 2),
        "lived_experiences": pick_some(rng, LIVED, 3),
    }


def clean_sentence(sentence: str) -> str:
    # No colons, brackets or angle brackets, so no words are read as a label, time or tag.
    return re.sub(r"[:\[\]()<>]", "", sentence)


def interview_vtt(words: archive.Words, speaker: str) -> bytes:
    """A WebVTT file of an interview: short questions, longer answers, timed as spoken."""
    from stories.transcripts import ParsedSegment, to_webvtt

    rng = words.rng
    cues = rng.randint(*CUES)
    length = rng.randint(*TRANSCRIPT_CHARACTERS)
    questions = (cues + 1) // 2
    question_sizes = [rng.randint(60, 180) for _ in range(questions)]
    shares = [rng.uniform(0.4, 1.6) for _ in range(cues - questions)]
    answer_total = max(length - sum(question_sizes), 200 * len(shares))
    answer_sizes = [int(share * answer_total / sum(shares)) for share in shares]
    segments, clock = [], rng.uniform(1, 4)
    for n in range(cues):
        size = question_sizes[n // 2] if n % 2 == 0 else answer_sizes[n // 2]
        text = ""
        while len(text) < size:
            sentence = clean_sentence(words.pool[rng.randrange(len(words.pool))])
            text = f"{text} {sentence}" if text else sentence
        duration = len(text) / SPEAKING_RATE
        segments.append(
            ParsedSegment(
                text=text,
                speaker="Interviewer" if n % 2 == 0 else speaker,
                start=round(clock, 3),
                end=round(clock + duration, 3),
            )
        )
        clock += duration + rng.uniform(0.3, 2.0)
    return to_webvtt(segments).encode()


def build(profile: dict) -> dict:
    """Create the project, people, stories, themes, workshops, quotes, findings and report."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from sensemaking import services
    from sensemaking.models import Quote, QuoteTheme
    from stories import choices
    from stories import services as story_services
    from stories.models import Membership, Project, Segment, Transcript
    from stories.transcripts import parse_transcript_file

    rng = random.Random(SEED)
    words = archive.Words(random.Random(SEED), pool_size=5_000)
    users = get_user_model().objects
    project = Project.objects.create(name="Voices of Northfield", slug="voices-of-northfield")
    people = {}
    for role, username, first, last in (
        ("facilitator", "bench-facilitator", "Alex", "Morgan"),
        ("facilitator", "bench-facilitator-2", "Sam", "Okafor"),
        ("curator", "bench-curator", "Ruth", "Adeyemi"),
        ("interviewer", "bench-interviewer-1", "Gaz", "Whitfield"),
        ("interviewer", "bench-interviewer-2", "Priya", "Sharma"),
        ("interviewer", "bench-interviewer-3", "Tomasz", "Nowak"),
    ):
        user = users.create_user(username, first_name=first, last_name=last)
        Membership.objects.create(project=project, user=user, role=role)
        people[username] = user
    facilitator, curator = people["bench-facilitator"], people["bench-curator"]
    interviewers = [people[f"bench-interviewer-{n}"] for n in (1, 2, 3)]

    scopes = dict.fromkeys(choices.CONSENT_SCOPES, True)
    published = set(rng.sample(range(STORIES), int(STORIES * PUBLISHED_SHARE)))
    stories = []
    for number in range(STORIES):
        interviewer = interviewers[number % len(interviewers)]
        credit = rng.choice(["name", "pseudonym", "anonymous"])
        first = rng.choice(archive.FIRST_NAMES)
        name = {"name": f"{first} {rng.choice(SURNAMES)}", "pseudonym": first}.get(credit, "")
        storyteller = story_services.add_storyteller(
            project=project,
            by=interviewer,
            credit_preference=credit,
            credit_name=name,
            demographics=demographic_answers(rng),
        )
        topic = rng.choice(archive.TOPICS)
        story = story_services.create_story(
            storyteller=storyteller,
            by=interviewer,
            title=rng.choice(TITLES).format(topic=topic, Topic=topic.capitalize()),
            summary=" ".join(clean_sentence(words.pool[rng.randrange(1000)]) for _ in range(2)),
            place=rng.choice(archive.PLACES),
            recorded_on=date(2026, 3, 1) + timedelta(days=rng.randrange(200)),
        )
        story_services.record_consent(
            story=story,
            scopes=scopes,
            method="written",
            obtained_on=story.recorded_on,
            obtained_by=interviewer,
            recorded_by=interviewer,
        )
        story_services.add_transcript(
            story=story,
            parsed=parse_transcript_file(interview_vtt(words, name or "Storyteller"), "story.vtt"),
            by=interviewer,
            origin=Transcript.Origin.UPLOADED,
            original_filename="interview.vtt",
        )
        story_services.submit_story(story=story, by=interviewer)
        if number in published:
            story_services.publish_story(story=story, by=curator)
        stories.append(story)

    themes = {}
    for position, (top_name, description, children) in enumerate(profile["themes"]):
        (top,) = services.themes_named(project, [top_name])
        top = services.update_theme(
            theme=top,
            expected_version=top.version,
            by=facilitator,
            description=description,
            colour=COLOURS[position],
        )
        themes[top_name] = (top, None)
        for child in services.themes_named(project, children):
            child = services.update_theme(
                theme=child, expected_version=child.version, by=facilitator, parent=top
            )
            themes[child.name] = (child, top)
    assert len(themes) == sum(1 + len(children) for _n, _d, children in profile["themes"])

    shuffled = rng.sample(stories, len(stories))
    share = len(stories) // WORKSHOPS
    workshops = [
        services.create_workshop(
            project=project,
            title=f"Sense-making workshop {n + 1}",
            by=facilitator,
            held_on=date(2026, 10, 7) + timedelta(days=14 * n),
            stories=shuffled[n * share : (n + 1) * share],
            facilitators=[people["bench-facilitator-2"]],
        )
        for n in range(WORKSHOPS)
    ]

    # Quotes, in bulk: the words of one storyteller cue, as services.highlight would store them.
    answers = {}
    for segment in Segment.objects.filter(transcript__is_current=True).exclude(
        speaker="Interviewer"
    ):
        answers.setdefault(segment.transcript_id, []).append(segment)
    transcripts = {t.story_id: t for t in Transcript.objects.filter(is_current=True)}
    theme_list = [theme for theme, _parent in themes.values()]
    popularity = [rng.uniform(0.3, 3.0) for _ in theme_list]
    count = profile["quotes"]
    # The seed profile has one key quote per top-level theme, the first quote tagged with it.
    key = (
        set()
        if profile["key_share"] is None
        else set(rng.sample(range(count), int(count * profile["key_share"])))
    )
    quotes, tags = [], []
    for n in range(count):
        workshop = workshops[n % WORKSHOPS]
        story = rng.choice(shuffled[(n % WORKSHOPS) * share : (n % WORKSHOPS + 1) * share])
        transcript = transcripts[story.pk]
        segment = rng.choice(answers[transcript.pk])
        tokens = [match.span() for match in re.finditer(r"\S+", segment.text)]
        length = min(rng.randint(*QUOTE_WORDS), len(tokens))
        first = rng.randrange(len(tokens) - length + 1)
        start = segment.char_start + tokens[first][0]
        end = segment.char_start + tokens[first + length - 1][1]
        quotes.append(
            Quote(
                workshop=workshop,
                story=story,
                transcript=transcript,
                char_start=start,
                char_end=end,
                text=transcript.text[start:end],
                start_seconds=segment.start_seconds,
                end_seconds=segment.end_seconds,
                note=rng.choice(["", "", "", "Came up again in the group."]),
                is_key=n in key,
                created_by=facilitator,
            )
        )
        chosen, wanted = set(), rng.randint(1, 3)
        while len(chosen) < wanted:
            chosen.add(rng.choices(range(len(theme_list)), popularity)[0])
        tags.append([theme_list[index] for index in sorted(chosen)])
    if profile["key_share"] is None:
        for top, parent in themes.values():
            if parent is None:
                first = next(n for n, ts in enumerate(tags) if top in ts)
                quotes[first].is_key = True
    Quote.objects.bulk_create(quotes, batch_size=1000)
    QuoteTheme.objects.bulk_create(
        [
            QuoteTheme(tag=theme, content_object=q)
            for q, ts in zip(quotes, tags, strict=True)
            for theme in ts
        ],
        batch_size=1000,
    )
    services.record_theme_ids([q.pk for q in quotes])

    # Findings: 2 to 4 per top-level theme, on the theme or one of its sub-themes, each
    # supported by 1 to 4 quotes of the same workshop tagged with that theme.
    findings = 0
    for top, parent in themes.values():
        if parent is not None:
            continue
        children = [theme for theme, up in themes.values() if up == top]
        for n in range(rng.randint(*profile["findings"])):
            theme = top if not children or rng.random() < 0.6 else rng.choice(children)
            workshop = workshops[n % WORKSHOPS]
            candidates = [
                q
                for q, ts in zip(quotes, tags, strict=True)
                if q.workshop == workshop and theme in ts
            ]
            services.write_finding(
                workshop=workshop,
                theme=theme,
                statement=rng.choice(STATEMENTS).format(theme=theme.name.lower()),
                quotes=rng.sample(
                    candidates, min(len(candidates), rng.randint(*profile["support"]))
                ),
                by=facilitator,
            )
            findings += 1

    draft = services.create_report(
        project=project, title="What we heard in Northfield", by=facilitator
    )
    draft = services.edit_report(
        report=draft.report,
        based_on=f"{draft.pk}:{draft.lock_version}",
        by=facilitator,
        workshops=workshops,
        report_date=date(2026, 11, 20),
        purpose=REPORT_TEXT["purpose"],
        method=REPORT_TEXT["method"],
        challenges=REPORT_TEXT["challenges"],
        acknowledgements=REPORT_TEXT["acknowledgements"],
        co_authors="\n".join(f"{u.first_name} {u.last_name}" for u in interviewers),
        value_table=VALUE_TABLE,
    )
    version = services.publish_report(version=draft, by=curator)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    return {
        "version": version.pk,
        "slug": version.report.slug,
        "number": version.number,
        "themes": list(themes),
        "top_themes": [name for name, (_theme, parent) in themes.items() if parent is None],
        "findings": findings,
        "quotes": count,
        "key": sum(1 for quote in quotes if quote.is_key),
        "published": len(published),
        "characters": sum(len(t.text) for t in transcripts.values()),
        "cues": Segment.objects.filter(transcript__is_current=True).count(),
    }


REPORT_TEXT = {
    "purpose": (
        "Northfield's health and housing partners wanted to hear, in people's own words, what "
        "it is like to look for help in the town, and what would make it better.\n\n"
        "This report brings together the stories and what the sense-making workshops made of "
        "them, so that the partners can act on them."
    ),
    "method": (
        "Three peer researchers, all with lived experience of the services involved, recorded "
        "100 stories between March and September 2026. Each storyteller chose how to be "
        "credited and what their story could be used for.\n\n"
        "Storytellers, peer researchers and staff then met in two sense-making workshops, "
        "highlighted what mattered in the transcripts, grouped it into themes and agreed the "
        "findings below."
    ),
    "challenges": (
        "Some people could not take part in the evening workshops, so a second one was held in "
        "the daytime. Several storytellers found it hard to talk about money, and some stories "
        "were recorded in two sittings."
    ),
    "acknowledgements": (
        "Thank you to every storyteller who trusted us with their story, and to the community "
        "centres that lent us rooms."
    ),
}
VALUE_TABLE = {
    "columns": [
        {
            "heading": "For storytellers",
            "items": ["Felt heard", "Met others in the same situation", "Paid for their time"],
        },
        {
            "heading": "For services",
            "items": ["Changed the first letter people receive", "New drop-in hours"],
        },
        {
            "heading": "For the community",
            "items": ["Peer research training for 12 people", "A public event in the library"],
        },
    ]
}


# ---- Measuring ------------------------------------------------------------------------------


def summary(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    return {
        "runs": len(ordered),
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "min": ordered[0],
        "max": ordered[-1],
    }


def missing_names(text: str, names: list[str]) -> list[str]:
    return [name for name in names if name not in text]


def measure_compile(setup: dict, runs: int) -> dict:
    """Time compile_report in this process and count its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sensemaking.models import ReportVersion
    from sensemaking.reports import compile_report

    def version():
        return ReportVersion.objects.select_related("report__project").get(pk=setup["version"])

    compiled = compile_report(version())  # warm up
    # Count now: captured_queries reads connection.queries, which a request would reset.
    with CaptureQueriesContext(connection) as queries:
        compiled = compile_report(version())
    count = len(queries.captured_queries)
    sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    times = []
    for _ in range(runs):
        fresh = version()
        began = time.perf_counter()
        compile_report(fresh)
        times.append(time.perf_counter() - began)
    names = [theme.name for theme in compiled.themes] + [
        name for theme in compiled.themes for name in theme.sub_themes
    ]
    tables = compiled.who.tables
    shown = sum(1 for table in tables for row in table.rows if not row.suppressed)
    hidden = sum(1 for table in tables for row in table.rows if row.suppressed)
    shown_quotes = {
        quote.id for theme in compiled.themes for quote in theme.key_quotes + theme.finding_quotes
    }
    return {
        **summary(times),
        "queries": count,
        "sql_ms": sql_ms,
        "names": setup["themes"],
        "problems": [
            f"compile_report: theme missing: {n}"
            for n in missing_names("\n".join(names), setup["themes"])
        ],
        "detail": (
            f"{len(compiled.quotes):,} quotes, {len(compiled.themes)} sections, "
            f"{sum(len(t.findings) for t in compiled.themes)} findings, "
            f"{len(shown_quotes)} quotes shown; who shared: {compiled.who.total} storytellers, "
            f"{len(tables)} tables, {shown} rows shown, {hidden} hidden"
        ),
    }


def measure_docx(setup: dict, runs: int) -> dict:
    """Time building the Word document in this process (compiled once, as the view does)."""
    import io

    from docx import Document

    from sensemaking.exports import report_docx
    from sensemaking.models import ReportVersion
    from sensemaking.reports import compile_report, playlist

    version = ReportVersion.objects.select_related("report__project").get(pk=setup["version"])
    compiled = compile_report(version)
    extracts = playlist(compiled)
    report_docx(compiled, extracts=extracts, base_url="http://127.0.0.1/")  # warm up
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        content = report_docx(compiled, extracts=extracts, base_url="http://127.0.0.1/")
        times.append(time.perf_counter() - began)
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    problems = [f"DOCX: theme missing: {n}" for n in missing_names(text, setup["top_themes"])]
    return {**summary(times), "bytes": len(content), "problems": problems}


def measure_page_in_process(setup: dict, runs: int) -> dict:
    """Time the report view through Django's test client and count its queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    path = f"/reports/{setup['slug']}/"
    client.get(path)  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    count = len(queries.captured_queries)  # before the next request resets connection.queries
    problems = [] if response.status_code == 200 else [f"test client: {response.status_code}"]
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - began)
    return {**summary(times), "queries": count, "problems": problems}


def measure_page(port: int, setup: dict, runs: int) -> dict:
    """Request the public report page one at a time; each must be 200 and name every theme."""
    path = f"/reports/{setup['slug']}/"
    escaped = [html.escape(name) for name in setup["themes"]]
    times, sizes, problems = [], set(), []
    for n in range(runs + 2):  # the first two warm up each worker
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        began = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - began
        connection.close()
        if response.status != 200:
            problems.append(f"{path}: status {response.status}")
            continue
        if missing := missing_names(body.decode(), escaped):
            problems.append(f"{path}: {len(missing)} theme names missing, e.g. {missing[0]}")
        if n >= 2:
            times.append(elapsed)
            sizes.add(len(body))
    return {**summary(times), "bytes": sorted(sizes), "path": path, "problems": problems}


def pdf_text(content: bytes) -> tuple[int, str]:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), " ".join(unicodedata.normalize("NFKC", text).split())


def check_pdf(content: bytes, pages: int | None, names: list[str]) -> list[str]:
    problems = []
    if not content.startswith(b"%PDF-"):
        return ["not a PDF"]
    count, text = pdf_text(content)
    if count != pages:
        problems.append(f"pypdf reads {count} pages, ReportFile.pages is {pages}")
    if missing := missing_names(text, names):
        problems.append(f"{len(missing)} theme names missing from the PDF text, e.g. {missing[0]}")
    return problems


def clear_pdfs(version_pk: int) -> None:
    from sensemaking.models import ReportFile

    for old in ReportFile.objects.filter(version_id=version_pk):
        if old.file:
            old.file.delete(save=False)
        old.delete()


def measure_pdf(env: dict, setup: dict, runs: int, base_url: str) -> list[dict]:
    """Render the PDF `runs` times, each in a new process calling the task function."""
    from sensemaking.models import ReportFile, ReportVersion
    from sensemaking.reports import compile_report

    rows = []
    for _ in range(runs):
        clear_pdfs(setup["version"])
        version = ReportVersion.objects.select_related("report").get(pk=setup["version"])
        # As report_views.report_pdf makes it: keyed by the compiled report's fingerprint.
        pdf = ReportFile.objects.create(
            version=version,
            kind=ReportFile.Kind.PDF,
            fingerprint=compile_report(version).fingerprint,
        )
        began = time.perf_counter()
        child = subprocess.run(
            [PYTHON, __file__, "--render-pdf", str(pdf.pk), "--base-url", base_url],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "corpro.settings"},
            capture_output=True,
            text=True,
            check=True,
        )
        wall = time.perf_counter() - began
        result = json.loads(child.stdout.strip().splitlines()[-1])
        pdf.refresh_from_db()
        problems = [] if result["state"] == "ready" else [f"task returned {result['state']}"]
        size = 0
        if pdf.file:
            with pdf.file.open("rb") as handle:
                content = handle.read()
            size = len(content)
            problems += check_pdf(content, pdf.pages, setup["themes"])
        rows.append(
            {**result, "wall": wall, "pages": pdf.pages, "size": size, "problems": problems}
        )
        print(
            f"  PDF: {result['seconds']:.1f} s in the task ({wall:.1f} s for the process), "
            f"{pdf.pages} pages, {size / 1e6:.2f} MB, peak {result['peak_mb']:.0f} MB",
            flush=True,
        )
    return rows


def measure_pdf_flow(env: dict, port: int, setup: dict) -> dict:
    """Ask for the PDF (queues the task), run the worker in batch mode, then download it."""
    from sensemaking.models import ReportFile

    clear_pdfs(setup["version"])
    path = f"/reports/{setup['slug']}/v{setup['number']}/report.pdf"
    problems = []

    def send(method="GET", body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content = response.read()
        connection.close()
        return response, content

    began = time.perf_counter()
    # As the page's button does: read the page (which starts nothing), then post its form.
    response, body = send()
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    cookie = SimpleCookie(response.getheader("Set-Cookie") or "")
    if response.status != 200 or token is None or "csrftoken" not in cookie:
        problems.append(f"first request: status {response.status}, expected the progress page")
    else:
        response, _ = send(
            "POST",
            body=urlencode({"csrfmiddlewaretoken": token.group(1).decode()}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie['csrftoken'].value}",
            },
        )
        if response.status != 302:
            problems.append(f"asking for the PDF: status {response.status}, expected 302")
    worker_began = time.perf_counter()
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "corpro.settings"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _pid, status, usage = os.wait4(worker.pid, 0)
    worker.returncode = os.waitstatus_to_exitcode(status)
    worker_seconds = time.perf_counter() - worker_began
    if worker.returncode != 0:
        problems.append(f"the worker exited with {worker.returncode}")
    response, body = send()
    total = time.perf_counter() - began
    pdf = ReportFile.objects.filter(version_id=setup["version"]).first()
    pages = pdf.pages if pdf else None
    if response.status != 200 or response.getheader("Content-Type") != "application/pdf":
        problems.append(f"download: status {response.status}, {response.getheader('Content-Type')}")
    else:
        problems += check_pdf(body, pages, setup["themes"])
    return {
        "total": total,
        "worker": worker_seconds,
        "peak_mb": usage.ru_maxrss / 1024,
        "pages": pages,
        "size": len(body),
        "problems": problems,
    }


def render_child(file_id: int, base_url: str) -> None:
    """In a new process: call the task function and print its seconds and peak memory."""
    import django

    django.setup()
    began = time.perf_counter()
    import weasyprint  # noqa: F401 (imported by the task; timed apart from the render)

    imported = time.perf_counter() - began
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    from sensemaking.tasks import render_report_pdf

    began = time.perf_counter()
    state = render_report_pdf.call(file_id, base_url)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "state": str(state),
                "seconds": seconds,
                "import_seconds": imported,
                "before_mb": before / 1024,
                "peak_mb": peak / 1024,
            }
        )
    )


def print_tables(
    compiled: dict, in_process: dict, page: dict, pdfs: list[dict], flow: dict, docx: dict
):
    def ms(value: float) -> str:
        return f"{value * 1000:,.0f}"

    print()
    print("| measured | runs | p50 | p95 | details |")
    print("|---|---:|---:|---:|---|")
    print(
        f"| `compile_report` (in process) | {compiled['runs']} | {ms(compiled['p50'])} ms "
        f"| {ms(compiled['p95'])} ms | {compiled['queries']} queries "
        f"({compiled['sql_ms']:,.0f} ms of SQL); {compiled['detail']} |"
    )
    print(
        f"| report page, Django test client (in process) | {in_process['runs']} "
        f"| {ms(in_process['p50'])} ms | {ms(in_process['p95'])} ms "
        f"| {in_process['queries']} queries |"
    )
    sizes = " / ".join(f"{size / 1024:,.0f} KiB" for size in page["bytes"])
    print(
        f"| report page via gunicorn (`{page['path']}`) | {page['runs']} "
        f"| {ms(page['p50'])} ms | {ms(page['p95'])} ms | {sizes} of HTML; one request at a "
        f"time |"
    )
    print(
        f"| DOCX: `report_docx` (in process, compiled once) | {docx['runs']} "
        f"| {ms(docx['p50'])} ms | {ms(docx['p95'])} ms | {docx['bytes'] / 1024:,.0f} KiB |"
    )
    seconds = summary([row["seconds"] for row in pdfs])
    per_page = summary([row["seconds"] / row["pages"] for row in pdfs if row["pages"]])
    pages = ", ".join(sorted({str(row["pages"]) for row in pdfs}))
    size = ", ".join(sorted({f"{row['size'] / 1e6:.2f} MB" for row in pdfs}))
    peak = max(row["peak_mb"] for row in pdfs)
    before = max(row["before_mb"] for row in pdfs)
    print(
        f"| PDF: `render_report_pdf.call()` in a new process | {seconds['runs']} "
        f"| {seconds['p50']:.1f} s | {seconds['max']:.1f} s (max) | {pages} pages, {size}; "
        f"peak memory {peak:,.0f} MB ({before:,.0f} MB before rendering); importing "
        f"WeasyPrint {statistics.median(row['import_seconds'] for row in pdfs):.1f} s more |"
    )
    print(
        f"| PDF: render seconds per page | {per_page['runs']} | {per_page['p50']:.3f} s "
        f"| {per_page['max']:.3f} s (max) | |"
    )
    print(
        f"| PDF: ask, `manage.py worker --batch`, download | 1 | {flow['total']:.1f} s | "
        f"| worker process {flow['worker']:.1f} s, peak memory {flow['peak_mb']:,.0f} MB; "
        f"{flow['pages']} pages, {flow['size'] / 1e6:.2f} MB |"
    )
    problems = (
        compiled["problems"]
        + in_process["problems"]
        + page["problems"]
        + [p for row in pdfs for p in row["problems"]]
        + flow["problems"]
        + docx["problems"]
    )
    if problems:
        print(f"\n{len(problems)} problems:")
        for problem in problems[:10]:
            print(f"  {problem}")
    else:
        print(
            f"\nEvery page was 200 and named all {len(compiled['names'])} themes; every PDF was "
            f"made, had the pages ReportFile.pages says and named all the themes in its text; "
            f"the DOCX named every top-level theme."
        )
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile-runs", type=int, default=20, help="compile_report runs")
    parser.add_argument("--page-runs", type=int, default=20, help="requests of the page")
    parser.add_argument("--pdf-runs", type=int, default=3, help="PDF renders")
    parser.add_argument("--docx-runs", type=int, default=5, help="DOCX builds")
    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="big",
        help="big: 30 themes, 2,000 quotes; seed: the seed report's 6 themes and 60 quotes",
    )
    parser.add_argument("--render-pdf", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.render_pdf is not None:
        render_child(args.render_pdf, args.base_url)
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        env = archive.prepare_database(DATABASE, Path(folder))
        setup = build(PROFILES[args.profile])
        print(
            f"created {DATABASE}: {STORIES} stories ({setup['published']} published), "
            f"{setup['characters']:,} transcript characters in {setup['cues']:,} timed cues, "
            f"profile {args.profile}: {setup['quotes']:,} quotes ({setup['key']} key), "
            f"{len(setup['themes'])} themes, "
            f"{setup['findings']} findings; report version {setup['number']} published "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        print(
            f"measuring: load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores",
            flush=True,
        )
        compiled = measure_compile(setup, args.compile_runs)
        print(f"  compile_report: p50 {compiled['p50'] * 1000:.0f} ms", flush=True)
        docx = measure_docx(setup, args.docx_runs)
        print(f"  DOCX: p50 {docx['p50'] * 1000:.0f} ms", flush=True)
        in_process = measure_page_in_process(setup, min(args.page_runs, 5))
        server, port = archive.start_server(env)
        try:
            page = measure_page(port, setup, args.page_runs)
            print(f"  report page: p50 {page['p50'] * 1000:.0f} ms", flush=True)
            pdfs = measure_pdf(env, setup, args.pdf_runs, f"http://127.0.0.1:{port}/")
            flow = measure_pdf_flow(env, port, setup)
        finally:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    problems = print_tables(compiled, in_process, page, pdfs, flow, docx)
    print(
        f"\nload average after: {os.getloadavg()[0]:.2f}; whole run "
        f"{time.perf_counter() - started:.0f} s"
    )
    print(
        f"\nThe {DATABASE} database is kept for inspection (its files were in a temporary "
        f"folder, now removed); drop it with:\n"
        f"  psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE {DATABASE}'"
    )
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
