"""A two-hour interview's transcript (6,000 paragraphs) is edited a page or a range at a time."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stories import services
from stories.models import AuditEvent, Segment, Transcript
from stories.services import SEGMENT_SEPARATOR
from stories.transcripts import ParsedSegment, ParsedTranscript
from tests.factories import ALL_SCOPES, make_story, redact_words

pytestmark = pytest.mark.django_db

PARAGRAPHS = 6_000


def paragraph_text(n: int) -> str:
    return f"Paragraph {n + 1} says something about the day centre."


def timed_transcript(story, by, paragraphs: int = PARAGRAPHS) -> Transcript:
    """Save a transcript of two-second paragraphs, each with its first word timed."""
    segments = [
        ParsedSegment(
            text=paragraph_text(n),
            speaker="Interviewer" if n % 2 == 0 else "Dee",
            start=n * 1.2,
            end=n * 1.2 + 1.0,
            word_times=((0, 9, n * 1.2, n * 1.2 + 0.4),),
        )
        for n in range(paragraphs)
    ]
    return services.add_transcript(
        story=story,
        parsed=ParsedTranscript(segments=segments, has_timings=True, source_format="vtt"),
        by=by,
        origin=Transcript.Origin.UPLOADED,
    )


@pytest.fixture
def story(team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, transcript=None)
    timed_transcript(story, team.interviewer)
    return story


def edit_url(story, **query) -> str:
    url = reverse("stories:transcript-edit", args=[story.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


class PostedFields(HTMLParser):
    """The fields of the editor's form (the one posting to the page itself), as a browser
    would send them."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.inside = False
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("method") == "post" and "action" not in attrs
        elif self.inside and tag == "input" and "name" in attrs:
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif self.inside and tag == "textarea":
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""

    def handle_endtag(self, tag):
        self.inside = self.inside and tag != "form"
        self.textarea = None if tag == "textarea" else self.textarea

    def handle_data(self, data):
        if self.textarea:
            # A browser drops the one newline Django writes after <textarea>.
            self.fields[self.textarea] += data.removeprefix("\n")


def form_data(html: str) -> dict[str, str]:
    parser = PostedFields()
    parser.feed(html)
    return parser.fields


def texts(transcript: Transcript) -> list[str]:
    return list(transcript.segments.values_list("text", flat=True))


def assert_consistent(transcript: Transcript) -> None:
    """Each paragraph sits at its offsets in the text, which is the paragraphs joined."""
    segments = list(transcript.segments.all())
    assert transcript.text == SEGMENT_SEPARATOR.join(s.text for s in segments)
    assert [s.index for s in segments] == list(range(len(segments)))
    for segment in segments:
        assert transcript.text[segment.char_start : segment.char_end] == segment.text
        assert segment.search_vector is not None


def test_the_editor_shows_one_page_of_a_long_transcript_with_times_and_play_links(
    client, team, story, django_assert_max_num_queries
):
    client.force_login(team.interviewer)
    # Session and user (2); the story, its current transcript and its paragraph count (3);
    # the page's 50 paragraphs (1); the roles for the player (memberships, 1) and the
    # recordings to play (1): 8, and none per paragraph.
    with django_assert_max_num_queries(8):
        response = client.get(edit_url(story))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Paragraphs 1 to 50 of 6,000" in html
    assert html.count('class="segment-row field"') == 50
    assert paragraph_text(49) in html and paragraph_text(50) not in html
    assert "at 0:58" in html  # paragraph 50 starts 58.8 seconds in
    assert 'href="?start=51"' in html
    # One page, not the whole interview: the old editor sent 6.9 MB.
    assert len(response.content) < 150_000
    assert len(form_data(html)) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


def test_going_to_a_time_opens_the_paragraph_said_then(client, team, story):
    client.force_login(team.interviewer)
    response = client.get(edit_url(story, at="1:00:00"))
    html = response.content.decode()
    # 3,600 seconds in is paragraph 3,001 (each paragraph starts 1.2 seconds after the last).
    assert "Paragraphs 3001 to 3050 of 6,000" in html
    assert paragraph_text(3000) in html
    assert 'id="paragraph-3001"' in html


def test_a_chosen_range_or_one_paragraph_can_be_edited(client, team, story):
    client.force_login(team.interviewer)
    html = client.get(edit_url(story, start=4000, end=4000)).content.decode()
    assert html.count('class="segment-row field"') == 1
    assert "Save paragraphs 4000 to 4000" in html
    data = form_data(html)
    data["form-0-text"] = "Paragraph 4000, corrected."
    response = client.post(edit_url(story, start=4000, end=4000), data)
    assert response.status_code == 302
    assert response["Location"].endswith("?start=4000#paragraph-4000")
    current = story.transcripts.get(is_current=True)
    assert current.segments.get(index=3999).text == "Paragraph 4000, corrected."
    follow = client.get(response["Location"]).content.decode()
    assert "Paragraphs 4000 to 4000 saved as version 2" in follow


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": 7000}, "Enter a number from 1 to 6,000 (this transcript has 6,000 paragraphs)."),
        ({"start": 10, "end": 500}, "Choose at most 100 paragraphs at a time."),
        ({"start": 10, "end": 5}, "The last paragraph must come after the first."),
        ({"at": "1:75:00"}, "Minutes and seconds go up to 59, like 1:05:30."),
        ({"at": "noon"}, "Enter the time as hours, minutes and seconds, like 1:05:30."),
        ({"start": "ten"}, "Enter a whole number, like 3"),
    ],
)
def test_a_bad_choice_of_paragraphs_says_what_is_wrong(client, team, story, query, message):
    client.force_login(team.interviewer)
    response = client.get(edit_url(story, **query))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Paragraphs 1 to 50 of 6,000" in html  # the first page, nothing else changed


def test_saving_a_page_makes_a_version_that_keeps_every_other_paragraph_and_its_word_times(
    client, team, story
):
    before = story.transcripts.get(is_current=True)
    old = {s.index: (s.text, s.speaker, s.word_times, s.public_text) for s in before.segments.all()}
    client.force_login(team.interviewer)
    html = client.get(edit_url(story, start=2001)).content.decode()
    data = form_data(html)
    assert data["first"] == "2001" and data["last"] == "2050"
    data["form-9-text"] = "Paragraph 2010 was said  slowly,\n with care."
    data["form-9-speaker"] = "Dee (storyteller)"
    data["form-19-text"] = ""  # paragraph 2020 is removed
    data["form-29-speaker"] = "Dee"  # only the speaker of paragraph 2030 changes
    response = client.post(edit_url(story, start=2001), data)
    assert response.status_code == 302
    current = story.transcripts.get(is_current=True)
    assert (current.version, current.origin) == (2, Transcript.Origin.EDITED)
    assert before.segments.count() == PARAGRAPHS  # the earlier version is kept whole
    segments = list(current.segments.all())
    assert len(segments) == PARAGRAPHS - 1
    edited, moved = segments[2009], segments[2019]
    assert (edited.text, edited.speaker) == (
        "Paragraph 2010 was said slowly, with care.",
        "Dee (storyteller)",
    )
    assert (edited.start_seconds, edited.word_times) == (2009 * 1.2, [])
    assert moved.text == paragraph_text(2020)  # what was paragraph 2021 comes up one place
    assert segments[2028].speaker == "Dee" and segments[2028].word_times == old[2029][2]
    for segment in segments[:2009] + segments[2010:2028] + segments[2029:]:
        index = segment.index if segment.index < 2019 else segment.index + 1
        assert (segment.text, segment.speaker, segment.word_times, segment.public_text) == old[
            index
        ]
    assert_consistent(current)
    event = AuditEvent.objects.filter(story=story, action="transcript_saved").latest("pk")
    assert event.details["version"] == 2 and event.details["paragraphs"] == "2001-2050"
    assert event.details["segments"] == PARAGRAPHS - 1
    assert Segment.objects.filter(transcript=current, search_vector__isnull=True).count() == 0


def test_a_range_posted_alone_never_hits_the_field_limit(client, team, story):
    """Posting the whole transcript as before would be 12,000 fields and a 400."""
    client.force_login(team.interviewer)
    data = form_data(client.get(edit_url(story, start=5901, end=6000)).content.decode())
    assert len(data) == 2 * 100 + 8  # and csrf, version, first, last, 4 of the formset's own
    data["form-99-text"] = "The last words of the interview."
    response = client.post(edit_url(story), data)
    assert response.status_code == 302
    assert texts(story.transcripts.get(is_current=True))[-1] == "The last words of the interview."


def test_changing_more_paragraphs_than_allowed_at_once_is_refused_and_saves_nothing(
    client, team, story
):
    client.force_login(team.interviewer)
    data = {"version": "1", "first": "1", "last": "101", "form-TOTAL_FORMS": "101"}
    data["form-INITIAL_FORMS"] = "101"
    data.update({f"form-{n}-text": f"New {n}" for n in range(101)})
    response = client.post(edit_url(story), data)
    assert response.status_code == 200
    assert "You can change at most 100 paragraphs at a time." in response.content.decode()
    assert story.transcripts.count() == 1


def test_a_tampered_range_is_refused_and_saves_nothing(client, team, story):
    client.force_login(team.interviewer)
    data = form_data(client.get(edit_url(story)).content.decode())
    data["last"] = "60"  # ten more paragraphs than the page sent
    response = client.post(edit_url(story), data)
    assert "The page was out of date or incomplete: reload it and try again." in (
        response.content.decode()
    )
    assert story.transcripts.count() == 1


def test_save_costs_the_same_queries_for_50_and_6000_paragraphs(
    client, team, story, django_assert_max_num_queries
):
    short = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, transcript=None)
    timed_transcript(short, team.interviewer, paragraphs=50)
    client.force_login(team.interviewer)
    counts = {}
    for each in (short, story):
        data = form_data(client.get(edit_url(each)).content.decode())
        data["form-3-text"] = "Corrected words."
        with CaptureQueriesContext(connection) as queries:
            assert client.post(edit_url(each), data).status_code == 302
        counts[each.pk] = len(queries)
    assert counts[short.pk] == counts[story.pk]
    data = form_data(client.get(edit_url(story, start=51)).content.decode())
    data["form-3-text"] = "More corrected words."
    # Session and user (2); the view's story, transcript and paragraph count (3); in one
    # savepoint (2): the story locked, its transcript, the range's paragraphs and their count
    # (4); the old version no longer current (1); the new one's checks: story, creator,
    # version, one current in its own savepoint (5) and its row (1); the paragraphs around the
    # range copied (1) and the range's written (1); redactions carried (1); the range's search
    # text: transcript, paragraphs, redactions, vectors, words (5); the story touched, its
    # project and the audit row (3). 30, whatever the length. (What follows the commit, such
    # as moving quotes, never runs here: the test's transaction does not commit.)
    with django_assert_max_num_queries(30):
        assert client.post(edit_url(story, start=51), data).status_code == 302


def test_two_people_editing_different_pages_keep_each_others_words(client, team, story):
    client.force_login(team.interviewer)
    first_page = form_data(client.get(edit_url(story)).content.decode())
    later_page = form_data(client.get(edit_url(story, start=3001)).content.decode())
    first_page["form-4-text"] = "The interviewer's correction."
    first_page["form-5-text"] = ""  # and a paragraph removed before the other range
    later_page["form-0-text"] = "The curator's correction."
    assert client.post(edit_url(story), first_page).status_code == 302
    client.force_login(team.curator)
    response = client.post(edit_url(story, start=3001), later_page)
    assert response.status_code == 302
    current = story.transcripts.get(is_current=True)
    assert current.version == 3
    words = texts(current)
    assert words[4] == "The interviewer's correction."
    # Paragraph 3,001 of the version the curator opened is paragraph 3,000 now.
    assert words[2999] == "The curator's correction."
    assert words[3000] == paragraph_text(3001)
    assert len(words) == PARAGRAPHS - 1
    assert_consistent(current)


def test_two_people_editing_the_same_paragraphs_get_a_conflict_and_lose_nothing(
    client, team, story
):
    client.force_login(team.interviewer)
    mine = form_data(client.get(edit_url(story, start=101)).content.decode())
    theirs = dict(mine)
    theirs["form-2-text"] = "Their version of paragraph 103."
    client.force_login(team.curator)
    assert client.post(edit_url(story, start=101), theirs).status_code == 302
    client.force_login(team.interviewer)
    mine["form-2-text"] = "My version of paragraph 103."
    response = client.post(edit_url(story, start=101), mine)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved changes to these paragraphs (version 2)" in html
    assert "My version of paragraph 103." in html  # my words are still in the form
    assert "Their version of paragraph 103." in html  # theirs are shown beside them
    assert story.transcripts.count() == 2  # nothing saved
    assert texts(story.transcripts.get(is_current=True))[102] == "Their version of paragraph 103."
    # Saving again after seeing theirs applies mine to the version now current.
    again = form_data(html)
    assert again["version"] == "2" and again["form-2-text"] == "My version of paragraph 103."
    assert client.post(edit_url(story, start=101), again).status_code == 302
    assert texts(story.transcripts.get(is_current=True))[102] == "My version of paragraph 103."


def test_a_new_upload_since_opening_the_editor_is_a_conflict(client, team, story):
    client.force_login(team.interviewer)
    data = form_data(client.get(edit_url(story, start=5001)).content.decode())
    timed_transcript(story, team.curator, paragraphs=10)
    data["form-0-text"] = "Words for a transcript that was replaced."
    response = client.post(edit_url(story, start=5001), data)
    assert "Someone else saved changes to these paragraphs (version 2)" in response.content.decode()
    assert story.transcripts.count() == 2


def test_redactions_stay_on_their_words_after_a_range_is_edited(client, team, story):
    client.force_login(team.interviewer)
    outside = redact_words(story, "Paragraph 4500 says", by=team.curator)
    inside = redact_words(story, "Paragraph 20 says", by=team.curator)
    data = form_data(client.get(edit_url(story)).content.decode())
    data["form-0-text"] = "A much longer first paragraph than the one that was there before."
    data["form-19-text"] = "Now Paragraph 20 says it differently."
    assert client.post(edit_url(story), data).status_code == 302
    current = story.transcripts.get(is_current=True)
    hidden = {current.text[r.char_start : r.char_end] for r in current.redactions.all()}
    assert hidden == {"Paragraph 4500 says", "Paragraph 20 says"}
    assert outside.transcript_id != current.pk and inside.transcript_id != current.pk
    segments = current.segments.all()
    assert segments[4499].public_text.startswith("[redacted]")
    assert segments[19].public_text == "Now [redacted] it differently."
    assert_consistent(current)


def test_removing_every_paragraph_of_a_page_joins_the_text_around_it(team, story):
    current = story.transcripts.get(is_current=True)
    # The first page, the last page (of what is left), then 100 from the middle.
    for first, last in ((0, 49), (5900, 5949), (2000, 2099)):
        current = services.edit_transcript_range(
            story=story,
            base_version=current.version,
            first=first,
            last=last,
            paragraphs=[("", "")] * (last - first + 1),
            by=team.interviewer,
        )
        assert_consistent(current)
    words = texts(current)
    assert len(words) == PARAGRAPHS - 200
    assert words[0] == paragraph_text(50) and words[-1] == paragraph_text(5949)


def test_a_transcript_keeps_at_least_one_paragraph(client, team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, transcript="Only this.")
    client.force_login(team.interviewer)
    data = form_data(client.get(edit_url(story)).content.decode())
    data["form-0-text"] = ""
    response = client.post(edit_url(story), data)
    assert "A transcript needs at least one paragraph." in response.content.decode()
    assert story.transcripts.count() == 1


def test_a_short_transcript_is_edited_whole_as_before(client, team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    client.force_login(team.interviewer)
    html = client.get(edit_url(story)).content.decode()
    total = story.transcripts.get(is_current=True).segments.count()
    assert html.count('class="segment-row field"') == total
    assert "Save transcript" in html and "Show these paragraphs" not in html
    data = form_data(html)
    data["form-0-text"] = "A corrected first paragraph."
    response = client.post(edit_url(story), data)
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()


@pytest.mark.parametrize("who", ["interviewer2", "facilitator", "outsider"])
def test_people_who_may_not_edit_the_story_cannot_save_a_range(client, team, story, who):
    client.force_login(team.interviewer)
    data = form_data(client.get(edit_url(story)).content.decode())
    data["form-0-text"] = "Words put in by someone else."
    client.force_login(getattr(team, who))
    assert client.get(edit_url(story)).status_code == 404
    assert client.post(edit_url(story), data).status_code == 404
    assert story.transcripts.count() == 1
