"""The zero-setup demo on SQLite: it loads, search works (more simply) and highlights save."""

import os
import subprocess
import sys

from django.conf import settings

CHECK = """
from django.test import Client
client = Client()
print("LIST", client.get("/stories/").status_code)
page = client.get("/stories/", {"q": "co-production"}).content.decode()
print("HITS", page.count('class="story-card"'))
redacted = client.get("/stories/", {"q": "Dean Foster"}).content.decode()
print("REDACTED", redacted.count('class="story-card"'))
print("MARK", "<mark>" in page)
from sensemaking.models import Quote
quotes = list(Quote.objects.select_related("transcript"))
print("QUOTES", len(quotes))
print("ANCHORED", all(q.transcript.text[q.char_start:q.char_end] == q.text for q in quotes))
print("REPORT", client.get("/reports/what-co-production-is-worth/").status_code)
from sensemaking import services as sensemaking_services
from sensemaking.models import Workshop
from stories import services as story_services
from stories.transcripts import parse_plain_text
workshop = Workshop.objects.first()
story = workshop.stories.first()
story_services.add_transcript(
    story=story,
    parsed=parse_plain_text("Dee: Zoë’s café 🎉 opened. Then 🌱 Siobhán planted beans."),
    by=workshop.created_by,
    origin="pasted",
)
text = story.transcripts.get(is_current=True).text
start = text.index("Siobhán")
quote = sensemaking_services.highlight(
    workshop=workshop, story=story, char_start=start, char_end=start + 15, user=workshop.created_by
)
print("WIDE", quote.text)
from stories.models import Transcript
from stories.services import SEGMENT_SEPARATOR
longest = max(Transcript.objects.filter(is_current=True), key=lambda t: t.segments.count())
edited = story_services.edit_transcript_range(
    story=longest.story,
    base_version=longest.version,
    first=1,
    last=2,
    paragraphs=[("Dee", "A corrected second paragraph."), ("", "")],
    by=workshop.created_by,
)
segments = list(edited.segments.all())
placed = all(edited.text[s.char_start : s.char_end] == s.text for s in segments)
joined = edited.text == SEGMENT_SEPARATOR.join(s.text for s in segments)
one_fewer = len(segments) == longest.segments.count() - 1
print("RANGE", placed and joined and one_fewer and segments[1].speaker == "Dee")
"""


def test_demo_loads_and_searches_on_sqlite(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "1",
        "DEMO_MODE": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ALLOWED_HOSTS": "testserver",
    }

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    manage("migrate", "--noinput")
    manage("seed_demo")
    manage("seed_demo_workshop")
    lines = manage("shell", "-c", CHECK).splitlines()
    output = dict(line.split(" ", 1) for line in lines if line.split(" ")[0].isupper())
    assert output["LIST"] == "200"
    assert int(output["HITS"]) >= 2
    assert output["REDACTED"] == "0"
    assert output["MARK"] == "True"
    # The workshop's highlights are saved through the same SQL as on PostgreSQL.
    assert int(output["QUOTES"]) >= 4
    assert output["ANCHORED"] == "True"
    assert output["REPORT"] == "200"
    assert output["WIDE"] == "Siobhán planted"  # SQLite counts characters, as PostgreSQL does.
    # The transcript editor's copy of the paragraphs around a range is plain SQL SQLite runs.
    assert output["RANGE"] == "True"
