"""Measure sense-making workshops: saving highlights, the transcript page and the theme board.

Run from the project folder: `.venv/bin/python bench/sensemaking.py`.
It drops and recreates the PostgreSQL database `corpro_bench_sm`, migrates it and, through the
services, creates a project, a facilitator, an interviewer and a curator, two published stories
whose consent grants every scope (one with a 60,000-character transcript in 150 paragraphs, one
with a 6,000-character transcript in 16), 30 themes, and two workshops (one per story). Quotes are
written in bulk (valid offsets and text snapshots, 1 to 3 themes each) to reach exactly 0, 500
and 2,000 quotes before each measurement. It then serves the app with gunicorn (2 sync workers,
`DJANGO_SETTINGS_MODULE=bench.settings`) on 127.0.0.1, signs in as the facilitator through the
login form, and measures each scenario with a few http.client clients, checking every response.
Quotes saved while measuring (and themes they created) are deleted afterwards, so each
measurement starts from the stated number of quotes. With `--compare-with FOLDER` (another
checkout, such as `git archive main | tar -x -C FOLDER`) that code is served too, by gunicorn on
the same database, and the transcript page, the board and saving are measured on both in turn, in
the same run. The KB column is the page's HTML as sent.
"""

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
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
DATABASE = "corpro_bench_sm"
SERVER_URL = archive.SERVER_URL
SEED = 20261124
FACILITATOR = "bench-facilitator"
PASSWORD = "bench-facilitator-password-0451"  # noqa: S105 (a throwaway benchmark database)
THEMES = 30
LONG = (60_000, 150)  # characters, paragraphs
SHORT = (6_000, 16)
QUOTE_WORDS = (5, 40)
REQUEST_TIMEOUT = archive.REQUEST_TIMEOUT

TARGETS = {"save": 20.0, "transcript": 50.0, "board": 100.0}  # p95, ms
GROWTH_TOLERANCE = 1.2  # "not growing": p95 at most this many times the 500-quote, long figure

QUOTE_COUNT = re.compile(rb"data-quote-count>\((\d+)\)")
SEGMENT_ITEM = re.compile(rb'<li class="segment"')
THEME_COUNT = re.compile(rb'<p class="meta">(\d+) quotes? from')


# ---- Making the database --------------------------------------------------------------------


def interview(words: archive.Words, speaker: str, length: int, paragraphs: int) -> str:
    """Plain text of an interview whose stored transcript is exactly `length` characters.

    Questions from "Interviewer" (60 to 180 characters) alternate with longer answers; the
    stored text is the paragraphs without their labels, joined by a blank line.
    """
    rng = words.rng
    questions = (paragraphs + 1) // 2
    question_sizes = [rng.randint(60, 180) for _ in range(questions)]
    body = length - 2 * (paragraphs - 1)  # characters of paragraph text
    answer_total = body - sum(question_sizes)
    shares = [rng.uniform(0.4, 1.6) for _ in range(paragraphs - questions)]
    answer_sizes = [int(share * answer_total / sum(shares)) for share in shares]
    answer_sizes[-1] += answer_total - sum(answer_sizes)
    lines = []
    for n in range(paragraphs):
        size = question_sizes[n // 2] if n % 2 == 0 else answer_sizes[n // 2]
        text = ""
        while len(text) < size:
            sentence = words.pool[rng.randrange(len(words.pool))]
            # No colons or brackets, so no sentence is read as a speaker label or a time.
            sentence = re.sub(r"[:\[\]()]", "", sentence)
            text = f"{text} {sentence}" if text else sentence
        text = text[:size]
        if text[-1].isspace():
            text = text[:-1] + "."
        lines.append(f"{'Interviewer' if n % 2 == 0 else speaker}: {text}")
    return "\n\n".join(lines)


def build() -> dict:
    """Create the project, people, stories, themes and workshops with the services."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from sensemaking import services
    from stories import choices
    from stories import services as story_services
    from stories.models import Membership, Project, Transcript
    from stories.transcripts import parse_plain_text

    users = get_user_model().objects
    project = Project.objects.create(name="Bench project", slug="bench-project")
    people = {}
    for role in ("facilitator", "interviewer", "curator"):
        people[role] = users.create_user(
            f"bench-{role}", password=PASSWORD, first_name=role.title(), last_name="Bench"
        )
        Membership.objects.create(project=project, user=people[role], role=role)
    words = archive.Words(random.Random(SEED), pool_size=5_000)
    scopes = dict.fromkeys(choices.CONSENT_SCOPES, True)
    made = {}
    for key, (length, paragraphs), name in (("long", LONG, "Marcia"), ("short", SHORT, "Dev")):
        storyteller = story_services.add_storyteller(
            project=project,
            by=people["interviewer"],
            credit_preference="pseudonym",
            credit_name=name,
        )
        story = story_services.create_story(
            storyteller=storyteller,
            by=people["interviewer"],
            title=f"{name}'s story",
            summary="A story told for the sense-making benchmark.",
        )
        story_services.record_consent(
            story=story,
            scopes=scopes,
            method="written",
            obtained_on=date(2026, 5, 1),
            obtained_by=people["interviewer"],
            recorded_by=people["interviewer"],
        )
        transcript = story_services.add_transcript(
            story=story,
            parsed=parse_plain_text(interview(words, name, length, paragraphs)),
            by=people["interviewer"],
            origin=Transcript.Origin.PASTED,
        )
        story_services.submit_story(story=story, by=people["interviewer"])
        story_services.publish_story(story=story, by=people["curator"])
        assert len(transcript.text) == length, (key, len(transcript.text))
        assert transcript.segments.count() == paragraphs, (key, transcript.segments.count())
        workshop = services.create_workshop(
            project=project,
            title=f"Workshop on {name}'s story",
            by=people["facilitator"],
            held_on=date(2026, 11, 24),
            stories=[story],
        )
        made[key] = {"workshop": workshop.pk, "story": story.pk, "transcript": transcript.pk}
    names = [f"Theme {n:02d} {words.vocabulary[n]}" for n in range(THEMES)]
    themes = services.themes_named(project, names)
    connection.close()
    return {
        **made,
        "project": project.pk,
        "facilitator": people["facilitator"].pk,
        "themes": [theme.name for theme in themes],
    }


def set_quotes(setup: dict, key: str, count: int, rng: random.Random) -> int:
    """Bulk-write quotes until the workshop has `count`; return its number of theme links."""
    from django.db import connection

    from sensemaking import services
    from sensemaking.models import Quote, QuoteTheme, Theme
    from stories.models import Segment, Transcript

    ids = setup[key]
    have = Quote.objects.filter(workshop_id=ids["workshop"]).count()
    assert have <= count, (key, have, count)
    transcript = Transcript.objects.get(pk=ids["transcript"])
    segments = list(Segment.objects.filter(transcript=transcript).order_by("index"))
    themes = list(Theme.objects.filter(project_id=setup["project"], name__in=setup["themes"]))
    quotes = []
    for _ in range(count - have):
        start, end = span(rng, segments)
        quotes.append(
            Quote(
                workshop_id=ids["workshop"],
                story_id=ids["story"],
                transcript=transcript,
                char_start=start,
                char_end=end,
                text=transcript.text[start:end],
                note=rng.choice(["", "", "", "Strong words about trust."]),
                created_by_id=setup["facilitator"],
            )
        )
    Quote.objects.bulk_create(quotes, batch_size=1000)
    links = [
        QuoteTheme(tag=theme, content_object=quote)
        for quote in quotes
        for theme in rng.sample(themes, rng.randint(1, 3))
    ]
    QuoteTheme.objects.bulk_create(links, batch_size=1000)
    services.record_theme_ids([quote.pk for quote in quotes])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert Quote.objects.filter(workshop_id=ids["workshop"]).count() == count
    return QuoteTheme.objects.filter(content_object__workshop_id=ids["workshop"]).count()


def span(rng: random.Random, segments) -> tuple[int, int]:
    """A run of 5 to 40 whole words within one paragraph: (char_start, char_end)."""
    segment = rng.choice(segments)
    tokens = [match.span() for match in re.finditer(r"\S+", segment.text)]
    length = min(rng.randint(*QUOTE_WORDS), len(tokens))
    first = rng.randrange(len(tokens) - length + 1)
    start, end = tokens[first][0], tokens[first + length - 1][1]
    return segment.char_start + start, segment.char_start + end


def high_water(setup: dict) -> tuple[int, int]:
    """The highest quote and theme ids now, to delete what saving adds after it."""
    from sensemaking.models import Quote, Theme

    return (
        Quote.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        Theme.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    )


def restore(setup: dict, mark: tuple[int, int]) -> int:
    """Delete the quotes and themes made since `mark`; return how many quotes were deleted."""
    from sensemaking.models import Quote, Theme

    deleted = Quote.objects.filter(pk__gt=mark[0]).count()
    Quote.objects.filter(pk__gt=mark[0]).delete()
    Theme.objects.filter(pk__gt=mark[1]).delete()
    return deleted


# ---- Measuring ------------------------------------------------------------------------------


class Session:
    """Cookies (csrftoken, sessionid) for requests made as the signed-in facilitator."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None, connection=None):
        own = connection is None
        connection = connection or http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
        )
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        if own:
            connection.close()
        return response, data

    def sign_in(self, username: str, password: str) -> None:
        response, page = self.request("GET", "/accounts/login/")
        self._keep(response)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token, "next": ""}
        )
        response, _ = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}/accounts/login/",
            },
        )
        self._keep(response)
        if response.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"signing in failed: status {response.status}")

    def _keep(self, response) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value


def load(session: Session, make, *, clients: int, seconds: float, max_requests: int) -> dict:
    """Send requests from `clients` threads for `seconds` (or `max_requests` in all).

    make(n) returns (method, path, body, headers, check); check(status, body) returns a problem
    or None.
    """
    latencies: list[float] = []
    problems: list[str] = []
    lock = threading.Lock()
    counter = iter(range(max_requests))
    deadline = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", session.port, timeout=REQUEST_TIMEOUT)
        mine = []
        while time.monotonic() < deadline:
            with lock:
                number = next(counter, None)
            if number is None:
                break
            method, path, body, headers, check = make(number)
            began = time.perf_counter()
            try:
                response, data = session.request(method, path, body, headers, connection)
            except (OSError, http.client.HTTPException) as error:
                problems.append(f"{path}: {error!r}")
                connection.close()
                continue
            mine.append(time.perf_counter() - began)
            if problem := check(response.status, data):
                problems.append(f"{method} {path}: {problem}")
            if response.will_close:
                connection.close()  # gunicorn's sync workers close after each response
        connection.close()
        with lock:
            latencies.extend(mine)

    elapsed = archive.run_clients(lambda _number: client(), clients)
    latencies.sort()
    return {**archive.latency_summary(latencies, elapsed), "problems": problems}


def get(path: str, check):
    return lambda _number: ("GET", path, None, {}, check)


def check_bare(status: int, body: bytes) -> str | None:
    return None if status == 200 and body == b"ok" else f"status {status}"


def check_transcript(quotes: int, paragraphs: int):
    def check(status: int, body: bytes) -> str | None:
        if status != 200:
            return f"status {status}"
        shown = QUOTE_COUNT.search(body)
        if not shown or int(shown.group(1)) != quotes:
            return f"quote count {shown and shown.group(1)!r}, expected {quotes}"
        if len(SEGMENT_ITEM.findall(body)) != paragraphs:
            return "not every paragraph shown"
        return None

    return check


def check_board(links: int):
    def check(status: int, body: bytes) -> str | None:
        if status != 200:
            return f"status {status}"
        shown = sum(int(count) for count in THEME_COUNT.findall(body))
        return None if shown == links else f"{shown} quotes under themes, expected {links}"

    return check


def saving(session: Session, setup: dict, key: str, rng: random.Random):
    """Return make(n) for saving highlights on the workshop's story, with a lock-free rng."""
    from stories.models import Segment

    ids = setup[key]
    segments = list(Segment.objects.filter(transcript_id=ids["transcript"]).order_by("index"))
    path = f"/workshops/{ids['workshop']}/stories/{ids['story']}/quotes/"
    referer = f"http://127.0.0.1:{session.port}/workshops/{ids['workshop']}/stories/{ids['story']}/"
    plans = []
    for n in range(10_000):
        start, end = span(rng, segments)
        themes = rng.sample(setup["themes"], 2)
        if n % 10 == 9:
            themes.append(f"New theme {key} {n}")
        note = "Came up twice in the group." if n % 4 == 0 else ""
        plans.append((start, end, themes, note))

    def make(number: int):
        start, end, themes, note = plans[number % len(plans)]
        body = json.dumps({"char_start": start, "char_end": end, "themes": themes, "note": note})

        def check(status: int, data: bytes) -> str | None:
            if status != 201:
                return f"status {status}: {data[:200]!r}"
            quote = json.loads(data)["quote"]
            if (quote["char_start"], quote["char_end"]) != (start, end):
                return "wrong offsets in the answer"
            if sorted(quote["themes"]) != sorted(themes):
                return f"themes {quote['themes']}, expected {themes}"
            return None

        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": session.cookies["csrftoken"],
            "Referer": referer,
        }
        return "POST", path, body, headers, check

    return make


def other_checkout(env: dict, folder: Path, root: Path) -> dict:
    """The environment to serve another checkout (say main) on the same database, with its own
    static files collected."""
    other = {**env, "STATIC_ROOT": str(folder / "static-other")}
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=root, env=other, check=True
    )
    return other


def page_size(session: Session, path: str) -> int:
    """The bytes of a page's HTML, as sent (uncompressed)."""
    response, body = session.request("GET", path)
    assert response.status == 200, f"{path}: status {response.status}"
    return len(body)


def measure(env: dict, setup: dict, args, other_env: dict | None = None) -> list[dict]:
    rng = random.Random(SEED + 1)
    server, port = archive.start_server(env)
    session = Session(port)
    other_server = other = None
    if other_env is not None:
        other_server, other_port = archive.start_server(other_env, Path(args.compare_with))
        other = Session(other_port)
    rows = []
    limits = {"clients": args.clients, "seconds": args.seconds}
    long = setup["long"]
    story_page = f"/workshops/{long['workshop']}/stories/{long['story']}/"
    board_page = f"/workshops/{long['workshop']}/board/"

    def run(name, kind, quotes, transcript, make, max_requests, *, saves=False, by=None):
        by = by or session
        mark = high_water(setup)
        warm = load(by, make, clients=2, seconds=5, max_requests=2)  # one per worker
        if saves:
            restore(setup, mark)
        row = load(by, make, **limits, max_requests=max_requests)
        method, path, *_ = make(0)
        row["kb"] = page_size(by, path) / 1024 if method == "GET" else None
        row["problems"] = warm["problems"] + row["problems"]
        if saves:
            row["deleted"] = restore(setup, mark)
        row.update(name=name if by is session else f"{name} ({other_name})", kind=kind)
        row.update(quotes=quotes, transcript=transcript, other=by is not session)
        rows.append(row)
        print(
            f"  {name}: {row['requests']} requests, {row['rps']:.1f}/s, "
            f"p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms"
            + (f" ({len(row['problems'])} problems)" if row["problems"] else ""),
            flush=True,
        )

    other_name = Path(args.compare_with or ".").name
    sessions = [session] + ([other] if other else [])
    try:
        session.sign_in(FACILITATOR, PASSWORD)
        if other:
            other.sign_in(FACILITATOR, PASSWORD)
        response, _ = session.request("GET", f"/workshops/{long['workshop']}/")
        assert response.status == 200, f"workshop page: status {response.status}"
        pages, saves = args.max_requests, args.max_saves
        run("bare view", "bare", "", "", get("/bench/bare/", check_bare), args.max_bare)
        check = check_transcript(0, LONG[1])
        for by in sessions:
            run("transcript page", "transcript", 0, "60,000", get(story_page, check), pages, by=by)

        set_quotes(setup, "long", 500, rng)
        set_quotes(setup, "short", 500, rng)
        check = check_transcript(500, LONG[1])
        run("transcript page", "transcript", 500, "60,000", get(story_page, check), pages)
        make = saving(session, setup, "long", rng)
        run("save a highlight", "save", 500, "60,000", make, saves, saves=True)
        make = saving(session, setup, "short", rng)
        run("save a highlight", "save", 500, "6,000", make, saves, saves=True)

        links = set_quotes(setup, "long", 2000, rng)
        check = check_transcript(2000, LONG[1])
        for by in sessions:
            run(
                "transcript page",
                "transcript",
                2000,
                "60,000",
                get(story_page, check),
                pages,
                by=by,
            )
            make = get(board_page, check_board(links))
            run("theme board", "board", 2000, "60,000", make, pages, by=by)
            make = saving(by, setup, "long", rng)
            run("save a highlight", "save", 2000, "60,000", make, saves, saves=True, by=by)
    finally:
        if other_server is not None:
            other_server.terminate()
            other_server.wait(timeout=60)
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return rows


def verdicts(rows: list[dict]) -> None:
    """Mark each row against its target; saves must also not grow with quotes or length."""
    first_save = next(row for row in rows if row["kind"] == "save")
    for row in rows:
        row["target"], row["met"] = "", ""
        if row.get("other"):
            continue
        if row["kind"] == "save":
            limit = TARGETS["save"]
            row["target"] = f"p95 ≤ {limit:g} ms"
            row["met"] = "met" if row["p95"] <= limit else "not met"
            if row is not first_save:
                growth = row["p95"] / first_save["p95"]
                grows = "not growing" if growth <= GROWTH_TOLERANCE else "GROWING"
                row["met"] += f"; p95 {growth:.2f}× the first save row: {grows}"
        elif row["kind"] == "transcript" and row["quotes"] == 2000:
            row["target"] = f"p95 ≤ {TARGETS['transcript']:g} ms"
            row["met"] = "met" if row["p95"] <= TARGETS["transcript"] else "not met"
        elif row["kind"] == "board":
            row["target"] = f"p95 ≤ {TARGETS['board']:g} ms"
            row["met"] = "met" if row["p95"] <= TARGETS["board"] else "not met"


def print_table(rows: list[dict]) -> None:
    print()
    print(
        "| measured | quotes | transcript chars | requests | req/s | p50 ms | p95 ms | KB "
        "| target |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        quotes = f"{row['quotes']:,}" if row["quotes"] != "" else ""
        if "deleted" in row:
            quotes += f" → {row['quotes'] + row['deleted']:,}"
        target = f"{row['target']}: {row['met']}" if row["target"] else ""
        print(
            f"| {row['name']} | {quotes} | {row['transcript']} | {row['requests']:,} "
            f"| {row['rps']:,.1f} | {row['p50']:,.1f} | {row['p95']:,.1f} "
            f"| {'' if row.get('kb') is None else format(row['kb'], ',.0f')} | {target} |"
        )
    problems = [problem for row in rows for problem in row["problems"]]
    if problems:
        print(f"\n{len(problems)} problems, for example:")
        for problem in problems[:10]:
            print(f"  {problem}")
    else:
        print("\nEvery response had the expected status (201 for saves, 200 for pages).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2, help="concurrent clients (≤ 4)")
    parser.add_argument("--seconds", type=float, default=15, help="seconds per measurement")
    parser.add_argument("--max-requests", type=int, default=1_000, help="requests per page")
    parser.add_argument("--max-saves", type=int, default=400, help="highlights saved per run")
    parser.add_argument("--max-bare", type=int, default=5_000, help="requests to the bare view")
    parser.add_argument(
        "--compare-with",
        metavar="FOLDER",
        help="another checkout (such as the main branch's) to serve on the same database and "
        "measure in the same run: the transcript page, the board and saving",
    )
    args = parser.parse_args()
    if not 1 <= args.clients <= 4:
        parser.error("use 1 to 4 clients")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        env = archive.prepare_database(DATABASE, Path(folder))
        setup = build()
        print(
            f"created {DATABASE}: workshop {setup['long']['workshop']} (story "
            f"{setup['long']['story']}, {LONG[0]:,} characters in {LONG[1]} paragraphs), "
            f"workshop {setup['short']['workshop']} (story {setup['short']['story']}, "
            f"{SHORT[0]:,} characters in {SHORT[1]} paragraphs), {THEMES} themes "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        print(
            f"measuring: {args.clients} clients, {args.seconds:g} s or {args.max_requests:,} "
            f"page requests ({args.max_saves:,} saves, {args.max_bare:,} bare) each; "
            f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores",
            flush=True,
        )
        other_env = (
            other_checkout(env, Path(folder), Path(args.compare_with))
            if args.compare_with
            else None
        )
        rows = measure(env, setup, args, other_env)
    verdicts(rows)
    print_table(rows)
    print(
        f"\nload average after: {os.getloadavg()[0]:.2f}; whole run "
        f"{time.perf_counter() - started:.0f} s"
    )
    print(
        f"\nThe {DATABASE} database is kept for inspection (workshop {setup['long']['workshop']} "
        f"has 2,000 quotes); drop it with:\n"
        f"  psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE {DATABASE}'"
    )
    if any(row["problems"] for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
