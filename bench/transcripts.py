"""Measure the transcript editor: its page and a save, at 50 and 6,000 paragraphs.

Run from the project folder: `.venv/bin/python bench/transcripts.py`.
It drops and recreates the PostgreSQL database `corpro_bench_tx`, migrates it and, through the
services, creates a project, a peer interviewer and two stories with timed transcripts: 50
caption cues, and 6,000 (a two-hour interview cued every 1.2 seconds), each cue of 4 to 14
words with a time for every word, as whisper writes them. It serves the app with gunicorn (2
sync workers, `DJANGO_SETTINGS_MODULE=bench.settings`) on 127.0.0.1, signs in as the
interviewer through the login form, and measures a bare view (the reference: what gunicorn and
the middleware cost alone), the editor's page (the first page, and the page in the middle of
the long transcript) and saving a page of 50 paragraphs (one changed), checking every response.
Saves run one at a time, each on the version the one before made. With `--compare-with FOLDER`
(another checkout, such as `git archive main | tar -x -C FOLDER`) that code is served too, on
the same database, and its editor is measured in the same run (fewer runs: its long page takes
seconds). The KB column is the page's HTML as sent.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path and bench/sensemaking.py would shadow
# the app `sensemaking`; put the project folder there instead.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import archive  # noqa: E402 (after fixing sys.path)
from bench.sensemaking import Session, get, load, other_checkout  # noqa: E402

DATABASE = "corpro_bench_tx"
SEED = 20261203
INTERVIEWER = "bench-interviewer"
PASSWORD = "bench-interviewer-password-0913"  # noqa: S105 (a throwaway benchmark database)
SIZES = (50, 6_000)
CUE_SECONDS = 1.2
PAGE = 50


def cues(words: archive.Words, count: int):
    """Caption cues of 4 to 14 words, every word timed, alternating between two speakers."""
    from stories.transcripts import ParsedSegment

    rng = words.rng
    made = []
    for n in range(count):
        sentence = words.pool[rng.randrange(len(words.pool))].split()
        text = " ".join(sentence[: rng.randint(4, 14)]).strip(" :") or "Yes."
        start = round(n * CUE_SECONDS, 3)
        step = (CUE_SECONDS - 0.2) / len(text.split())
        word_times, position = [], 0
        for index, word in enumerate(text.split()):
            begin = text.index(word, position)
            position = begin + len(word)
            word_start = round(start + index * step, 3)
            word_times.append((begin, position, word_start, round(word_start + step, 3)))
        made.append(
            ParsedSegment(
                text=text,
                speaker="Interviewer" if n % 2 == 0 else "Marcia",
                start=start,
                end=round(start + CUE_SECONDS - 0.2, 3),
                word_times=tuple(word_times),
            )
        )
    return made


def build() -> dict[int, int]:
    """Create the project, the interviewer and one story per size; return story ids by size."""
    from django.contrib.auth import get_user_model

    from stories import choices, services
    from stories.models import Membership, Project, Transcript
    from stories.transcripts import ParsedTranscript

    project = Project.objects.create(name="Bench project", slug="bench-project")
    interviewer = get_user_model().objects.create_user(INTERVIEWER, password=PASSWORD)
    Membership.objects.create(project=project, user=interviewer, role="interviewer")
    words = archive.Words(random.Random(SEED), pool_size=5_000)
    stories = {}
    for size in SIZES:
        storyteller = services.add_storyteller(
            project=project, by=interviewer, credit_preference="pseudonym", credit_name="Marcia"
        )
        story = services.create_story(
            storyteller=storyteller, by=interviewer, title=f"Interview of {size} cues"
        )
        services.record_consent(
            story=story,
            scopes=dict.fromkeys(choices.CONSENT_SCOPES, True),
            method="written",
            obtained_on=story.created_at.date(),
            obtained_by=interviewer,
            recorded_by=interviewer,
        )
        services.add_transcript(
            story=story,
            parsed=ParsedTranscript(
                segments=cues(words, size), has_timings=True, source_format="vtt"
            ),
            by=interviewer,
            origin=Transcript.Origin.UPLOADED,
        )
        stories[size] = story.pk
    return stories


def edit_path(story: int, start: int | None = None) -> str:
    return f"/gather/{story}/transcript/edit/" + (f"?start={start}" if start else "")


def check_page(paragraphs: int):
    def check(status: int, body: bytes) -> str | None:
        if status != 200:
            return f"status {status}"
        shown = body.count(b'class="segment-row field"')
        return None if shown == paragraphs else f"{shown} paragraphs on the page, not {paragraphs}"

    return check


def check_bare(status: int, body: bytes) -> str | None:
    return None if status == 200 and body == b"ok" else f"status {status}"


def current_segments(story: int, first: int, count: int):
    from stories.models import Transcript

    transcript = Transcript.objects.get(story_id=story, is_current=True)
    rows = transcript.segments.filter(index__gte=first, index__lt=first + count)
    return transcript.version, list(rows.values_list("speaker", "text"))


def saving(session: Session, story: int, first: int, *, old_form: bool = False):
    """Return make(n) for saving paragraphs first+1 to first+50 with one of them changed.

    The saves must run one at a time: each is based on the version the one before made. With
    old_form, post what the main branch's editor posts: every paragraph of the transcript.
    """
    version, rows = current_segments(story, first, PAGE if not old_form else 10**6)
    state = {"version": version, "statuses": Counter()}
    path = edit_path(story, first + 1 if first else None)

    def make(number: int):
        changed = [list(row) for row in rows]
        changed[number % len(changed)][1] += f" (checked {number})"
        data = {
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "form-TOTAL_FORMS": len(changed),
            "form-INITIAL_FORMS": len(changed),
        }
        if not old_form:
            data.update(version=state["version"], first=first + 1, last=first + len(changed))
        for index, (speaker, text) in enumerate(changed):
            data[f"form-{index}-speaker"], data[f"form-{index}-text"] = speaker, text

        def check(status: int, body: bytes) -> str | None:
            state["statuses"][status] += 1
            if status == 302:
                state["version"] += 1
                return None
            # The main branch's editor cannot take a long transcript: that is what is measured.
            return None if old_form and status == 400 else f"status {status}: {body[:120]!r}"

        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{session.port}{path}",
        }
        return "POST", path, urlencode(data), headers, check

    make.statuses = state["statuses"]
    return make


def measure(env: dict, stories: dict[int, int], args, other_env: dict | None) -> list[dict]:
    server, port = archive.start_server(env)
    session = Session(port)
    other_server = other = None
    if other_env is not None:
        other_server, other_port = archive.start_server(other_env, Path(args.compare_with))
        other = Session(other_port)
    other_name = Path(args.compare_with or ".").name
    rows = []

    def run(name, paragraphs, make, max_requests, *, clients=args.clients, by=None):
        by = by or session
        if make(0)[0] == "GET":
            load(by, make, clients=2, seconds=60, max_requests=2)  # one per worker
        row = load(by, make, clients=clients, seconds=args.seconds, max_requests=max_requests)
        method, path, *_ = make(0)
        if method == "GET":
            _response, body = by.request("GET", path)
            row["kb"] = len(body) / 1024
        statuses = getattr(make, "statuses", {})
        row["statuses"] = ", ".join(f"{n} × {status}" for status, n in sorted(statuses.items()))
        row.update(name=name, paragraphs=paragraphs, code="" if by is session else other_name)
        rows.append(row)
        print(
            f"  {name} ({paragraphs:,}{', ' + other_name if by is other else ''}): "
            f"{row['requests']} requests, p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms"
            + (f" ({len(row['problems'])} problems)" if row["problems"] else ""),
            flush=True,
        )

    try:
        for by in [session] + ([other] if other else []):
            by.sign_in(INTERVIEWER, PASSWORD)
        run("bare view (reference)", 0, get("/bench/bare/", check_bare), args.max_bare)
        for size in SIZES:
            story = stories[size]
            run("editor page", size, get(edit_path(story), check_page(PAGE)), args.max_requests)
            if size > PAGE:
                middle = get(edit_path(story, size // 2 + 1), check_page(PAGE))
                run("editor page, the middle", size, middle, args.max_requests)
            first = size // 2 if size > PAGE else 0
            make = saving(session, story, first)
            run("save 50 paragraphs", size, make, args.max_saves, clients=1)
        if other:
            for size in SIZES:
                story = stories[size]
                shown = check_page(size)
                run("editor page", size, get(edit_path(story), shown), args.max_old, by=other)
                make = saving(other, story, 0, old_form=True)
                run("save the whole transcript", size, make, args.max_old, clients=1, by=other)
    finally:
        for running in (other_server, server):
            if running is not None:
                running.terminate()
                try:
                    running.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    running.kill()
                    running.wait()
    return rows


def time_listener_check(stories: dict[int, int], runs: int) -> list[dict]:
    """Time, in this process, what a save sets off that reads the whole transcript: the check
    of the listeners' copies (stories.tasks.refresh_listener_copies), run after every new
    transcript version even when the story has no recording."""
    from stories.tasks import refresh_listener_copies

    rows = []
    for size in SIZES:
        latencies = []
        for _ in range(runs):
            began = time.perf_counter()
            refresh_listener_copies(story_id=stories[size])
            latencies.append(time.perf_counter() - began)
        latencies.sort()
        summary = archive.latency_summary(latencies, sum(latencies))
        summary.update(
            name="of which: the listeners' copies check, in-process",
            paragraphs=size,
            code="",
            problems=[],
            statuses="",
        )
        rows.append(summary)
    return rows


def print_table(rows: list[dict]) -> None:
    print()
    print("| measured | paragraphs | code | runs | p50 ms | p95 ms | KB | saves answered |")
    print("|---|---:|---|---:|---:|---:|---:|---|")
    for row in rows:
        kb = "" if row.get("kb") is None else format(row["kb"], ",.0f")
        print(
            f"| {row['name']} | {row['paragraphs'] or ''} | {row['code'] or 'this branch'} "
            f"| {row['requests']:,} | {row['p50']:,.1f} | {row['p95']:,.1f} | {kb} "
            f"| {row['statuses']} |"
        )
    problems = [(row["name"], problem) for row in rows for problem in row["problems"]]
    if problems:
        print(f"\n{len(problems)} problems, for example:")
        for name, problem in problems[:10]:
            print(f"  {name}: {problem}")
    else:
        print(
            "\nEvery response had the expected status (302 for saves, 200 for pages, 400 for "
            "the other code's save of a long transcript)."
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2, help="concurrent clients for pages")
    parser.add_argument("--seconds", type=float, default=15, help="seconds per measurement")
    parser.add_argument("--max-requests", type=int, default=300, help="requests per page")
    parser.add_argument("--max-saves", type=int, default=100, help="saves per transcript")
    parser.add_argument("--max-bare", type=int, default=2_000, help="requests to the bare view")
    parser.add_argument("--max-old", type=int, default=5, help="requests to the other code")
    parser.add_argument(
        "--compare-with",
        metavar="FOLDER",
        help="another checkout (such as the main branch's) to serve on the same database and "
        "measure in the same run",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        env = archive.prepare_database(DATABASE, Path(folder))
        stories = build()
        print(
            f"created {DATABASE}: stories {stories} by paragraphs "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        print(
            f"measuring: {args.clients} clients for pages, 1 for saves, {args.seconds:g} s or "
            f"{args.max_requests:,} page requests ({args.max_saves:,} saves, {args.max_bare:,} "
            f"bare, {args.max_old} to the other code) each; load average before: "
            f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores",
            flush=True,
        )
        other_env = (
            other_checkout(env, Path(folder), Path(args.compare_with))
            if args.compare_with
            else None
        )
        rows = measure(env, stories, args, other_env)
        rows += time_listener_check(stories, args.max_saves)
    print_table(rows)
    print(
        f"\nload average after: {os.getloadavg()[0]:.2f}; whole run "
        f"{time.perf_counter() - started:.0f} s"
    )
    print(
        f"\nThe {DATABASE} database is kept for inspection; drop it with:\n"
        f"  psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE {DATABASE}'"
    )
    if any(row["problems"] for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
