"""Word times: WebVTT inline timestamps are kept, and a quote's extract spans just its words."""

import html
import json
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sensemaking import services as sensemaking_services
from sensemaking.models import ReportClip
from sensemaking.reports import compile_report, extract_clips
from sensemaking.tasks import cut_clip
from stories import services
from stories.models import Segment, Story, Transcript
from stories.services import SEGMENT_SEPARATOR
from stories.timing import TimedSegment, span_times
from stories.transcripts import ParsedSegment, ParsedTranscript, parse_transcript_file, to_webvtt
from tests.factories import ALL_SCOPES, highlight_phrase, make_playable, make_story, redact_words

pytestmark = pytest.mark.django_db

# One word every two seconds in a 20-second cue, as whisper or YouTube write them; then a cue
# without inline times.
WORDS_VTT = b"""WEBVTT

00:00:00.000 --> 00:00:20.000
<v Dee>When <00:00:02.000>I <00:00:04.000>was <00:00:06.000>young <00:00:08.000>we \
<00:00:10.000>lived <00:00:12.000>by <00:00:14.000>the <00:00:16.000>sea <00:00:18.000>then.

00:00:20.000 --> 00:00:24.000
<v Dee>It was cold.
"""
CUE_TEXT = "When I was young we lived by the sea then."
RECORDING_SECONDS = 24


def upload_vtt(client, story: Story, content: bytes):
    return client.post(
        reverse("stories:transcript-upload", args=[story.pk]),
        {"file": SimpleUploadedFile("talk.vtt", content)},
    )


def save_vtt(story: Story, by, content: bytes = WORDS_VTT) -> Transcript:
    return services.add_transcript(
        story=story,
        parsed=parse_transcript_file(content, "talk.vtt"),
        by=by,
        origin=Transcript.Origin.UPLOADED,
    )


def ffprobe_seconds(path: Path) -> float:
    completed = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", path],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(completed.stdout)["format"]["duration"])


def loudest(path: Path) -> float:
    """The loudest sample in the file, in dBFS, as ffmpeg's volumedetect finds it."""
    completed = subprocess.run(
        ["ffmpeg", "-nostdin", "-i", path, "-af", "volumedetect", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in completed.stderr.splitlines() if "max_volume" in line)
    value = line.split("max_volume:")[1].split()[0]
    return float("-inf") if value == "-inf" else float(value)


@pytest.fixture
def tone(tmp_path) -> Path:
    """A recording as long as the transcript: a steady tone, so silence is measurable."""
    path = tmp_path / "talk.mp3"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi",
         "-i", f"sine=frequency=440:duration={RECORDING_SECONDS}", path],
        check=True,
    )  # fmt: skip
    return path


def story_with_report_extract(team, tone: Path, phrase: str, *, redact: str = ""):
    """Publish a story with word times and a recording, and a report with `phrase` as key quote."""
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    save_vtt(story, team.interviewer)
    if redact:
        redact_words(story, redact, by=team.curator)
    with tone.open("rb") as handle:
        recording = services.upload_recording(
            story=story, upload=File(handle, name="talk.mp3"), by=team.interviewer
        )
    make_playable(recording)
    services.publish_story(story=story, by=team.curator)
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    (theme,) = sensemaking_services.themes_named(team.project, ["Home"])
    quote = highlight_phrase(workshop, story, phrase, [theme], by=team.facilitator, key=True)
    version = sensemaking_services.create_report(
        project=team.project, title="Voices", by=team.facilitator
    )
    version = sensemaking_services.publish_report(version=version, by=team.curator)
    return quote, version


def test_webvtt_inline_timestamps_are_stored_as_the_words_times(client, team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, transcript=None)
    client.force_login(team.interviewer)
    assert upload_vtt(client, story, WORDS_VTT).status_code == 302
    first, second = Transcript.objects.get(story=story, is_current=True).segments.all()
    assert first.text == CUE_TEXT
    assert [(first.text[start:end], at, until) for start, end, at, until in first.word_times] == [
        ("When", 0.0, None),
        ("I", 2.0, None),
        ("was", 4.0, None),
        ("young", 6.0, None),
        ("we", 8.0, None),
        ("lived", 10.0, None),
        ("by", 12.0, None),
        ("the", 14.0, None),
        ("sea", 16.0, None),
        ("then.", 18.0, None),
    ]
    assert second.text == "It was cold."
    assert second.word_times == []


def test_a_quote_of_three_words_in_a_20_second_cue_is_timed_around_those_words(team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    save_vtt(story, team.interviewer)
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    quote = highlight_phrase(workshop, story, "lived by the", by=team.facilitator)
    # From "lived" starting to "sea", the word after "the", starting: not the cue's 0 to 20.
    assert (quote.start_seconds, quote.end_seconds) == (10.0, 16.0)
    across = highlight_phrase(
        workshop, story, f"sea then.{SEGMENT_SEPARATOR}It was", by=team.facilitator
    )
    # From "sea" into the next cue, which has no word times: to that cue's end.
    assert (across.start_seconds, across.end_seconds) == (16.0, 24.0)


def test_without_inline_times_a_quote_is_timed_by_its_whole_cue(team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    plain = b"WEBVTT\n\n00:00:00.000 --> 00:00:20.000\n<v Dee>" + CUE_TEXT.encode() + b"\n"
    save_vtt(story, team.interviewer, plain)
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    quote = highlight_phrase(workshop, story, "lived by the", by=team.facilitator)
    assert (quote.start_seconds, quote.end_seconds) == (0.0, 20.0)


def test_a_changed_quote_is_timed_by_its_new_words(team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    transcript = save_vtt(story, team.interviewer)
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    quote = highlight_phrase(workshop, story, "lived by the", by=team.facilitator)
    start = transcript.text.index("I was young")
    changed = sensemaking_services.edit_quote(
        quote=quote,
        expected_version=quote.version,
        char_start=start,
        char_end=start + len("I was young"),
        user=team.facilitator,
    )
    assert (changed.start_seconds, changed.end_seconds) == (2.0, 8.0)


@pytest.mark.django_db(transaction=True)
def test_the_report_extract_is_cut_around_the_quoted_words_only(team, tone):
    quote, version = story_with_report_extract(team, tone, "lived by the")
    (clip,) = extract_clips(compile_report(version))
    assert (clip.start_seconds, clip.end_seconds) == (10.0, 16.0)
    assert cut_clip.call(clip.pk) == "cut"
    clip.refresh_from_db()
    seconds = ffprobe_seconds(Path(clip.file.path))
    assert seconds == pytest.approx(6.0, abs=0.15)  # not the cue's 20 seconds
    assert loudest(Path(clip.file.path)) > -30  # the tone is heard: nothing here is redacted
    assert ReportClip.objects.filter(quote=quote).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_extract_near_a_redacted_word_stays_silent_however_narrow(team, tone):
    # "sea" is redacted: the listeners' copy silences its whole cue, so an extract of other
    # words of that cue, cut from that copy by their own times, holds no sound at all.
    _quote, version = story_with_report_extract(team, tone, "lived by the", redact="sea")
    (clip,) = extract_clips(compile_report(version))
    assert (clip.start_seconds, clip.end_seconds) == (10.0, 16.0)
    assert cut_clip.call(clip.pk) == "cut"
    clip.refresh_from_db()
    assert loudest(Path(clip.file.path)) < -60


def test_a_quote_may_not_take_in_a_redacted_word_whatever_its_times(team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    save_vtt(story, team.interviewer)
    redact_words(story, "by", by=team.curator)
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    with pytest.raises(ValidationError, match="includes redacted words"):
        highlight_phrase(workshop, story, "lived by the", by=team.facilitator)


@pytest.mark.parametrize(
    ("cue", "message"),
    [
        (
            "<v Dee>We <00:00:3.5>lived",
            "Line 4: the time “<00:00:3.5>” inside the cue is not valid. "
            "Times inside a cue look like <00:01:02.500>.",
        ),
        (
            "<v Dee>We <00:00:06.000>lived\nby <00:00:04.000>the sea",
            "Line 5: the time <00:00:04.000> inside the cue is earlier than the time before it "
            "(00:00:06.000). Times inside a cue must go forward.",
        ),
        (
            "<v Dee>We <00:00:25.000>lived",
            "Line 4: the time <00:00:25.000> inside the cue is outside the cue's own timing "
            "(00:00:00.000 --> 00:00:20.000). Each time inside a cue must be within it.",
        ),
    ],
)
def test_bad_inline_times_are_refused_with_the_line_and_nothing_is_saved(
    client, team, cue, message
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    before = list(Transcript.objects.filter(story=story).values_list("pk", "is_current"))
    content = f"WEBVTT\n\n00:00:00.000 --> 00:00:20.000\n{cue}\n".encode()
    client.force_login(team.interviewer)
    response = upload_vtt(client, story, content)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert list(Transcript.objects.filter(story=story).values_list("pk", "is_current")) == before


def test_an_edited_segment_loses_its_word_times_and_an_untouched_one_keeps_them(client, team):
    both_timed = WORDS_VTT.replace(b"It was cold.", b"It <00:00:22.000>was cold.")
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, transcript=None)
    save_vtt(story, team.interviewer, both_timed)
    kept = Transcript.objects.get(story=story, is_current=True).segments.get(index=0).word_times
    client.force_login(team.interviewer)
    response = client.post(
        reverse("stories:transcript-edit", args=[story.pk]),
        {
            "version": str(Transcript.objects.get(story=story, is_current=True).version),
            "first": "1",
            "last": "2",
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-speaker": "Dee (storyteller)",  # only the speaker changes
            "form-0-text": CUE_TEXT,
            "form-1-speaker": "Dee",
            "form-1-text": "It was freezing.",
        },
    )
    assert response.status_code == 302
    current = Transcript.objects.get(story=story, is_current=True)
    assert current.origin == Transcript.Origin.EDITED
    untouched, edited = current.segments.all()
    assert untouched.word_times == kept
    assert (edited.text, edited.word_times) == ("It was freezing.", [])
    assert (edited.start_seconds, edited.end_seconds) == (20.0, 24.0)
    services.submit_story(story=story, by=team.interviewer)
    # The edited version's quote of the changed words falls back to its segment's times.
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    quote = highlight_phrase(workshop, story, "freezing", by=team.facilitator)
    assert (quote.start_seconds, quote.end_seconds) == (20.0, 24.0)


def test_a_new_upload_does_not_take_word_times_from_the_version_before(team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, transcript=None)
    save_vtt(story, team.interviewer)
    plain = WORDS_VTT.split(b"\n\n")[0] + b"\n\n00:00:00.000 --> 00:00:20.000\n<v Dee>"
    save_vtt(story, team.interviewer, plain + CUE_TEXT.encode() + b"\n")
    (segment,) = Transcript.objects.get(story=story, is_current=True).segments.all()
    assert segment.word_times == []


@pytest.mark.parametrize(
    ("word_times", "problem"),
    [
        ([(0, 4, 2.0, None), (2, 6, 3.0, None)], "does not fit in the segment's text"),
        ([(0, 4, 3.0, None), (5, 9, 2.0, None)], "starts outside the segment or before"),
        ([(0, 4, 0.5, None)], "starts outside the segment"),
        ([(0, 4, 1.0, 9.0)], "ends before it starts or after the segment ends"),
        ([(0, 40, 1.0, None)], "does not fit in the segment's text"),
    ],
)
def test_a_service_refuses_word_times_that_do_not_fit_and_saves_nothing(team, word_times, problem):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, transcript=None)
    segment = ParsedSegment(
        text="Some words here", start=1.0, end=5.0, word_times=tuple(word_times)
    )
    parsed = ParsedTranscript(segments=[segment], has_timings=True, source_format="vtt")
    with pytest.raises(ValidationError, match=f"Paragraph 1: Word time [12] {problem}"):
        services.add_transcript(
            story=story, parsed=parsed, by=team.interviewer, origin=Transcript.Origin.AUTOMATIC
        )
    assert not Transcript.objects.filter(story=story).exists()
    assert not Segment.objects.filter(transcript__story=story).exists()


def timed(char_start, text, start, end, word_times=()):
    return TimedSegment(char_start, char_start + len(text), start, end, text, list(word_times))


def test_span_times_use_a_words_own_end_when_known_and_skip_spaces_around_the_quote():
    words = [[0, 3, 1.0, 1.4], [4, 7, 1.5, 1.9], [8, 11, 2.0, None]]
    segments = [timed(10, "one two six", 1.0, 3.0, words)]
    assert span_times(segments, 13, 18) == (1.5, 1.9)  # " two " → two's own end
    assert span_times(segments, 14, 21) == (1.5, 3.0)  # "two six" → the segment's end
    assert span_times(segments, 10, 13) == (1.0, 1.4)


def test_span_times_of_untimed_words_between_timed_ones_are_bounded_by_their_neighbours():
    words = [[0, 3, 1.0, 1.4], [10, 13, 2.0, None]]  # "and the" has no times
    segments = [timed(0, "one and the six", 1.0, 3.0, words)]
    assert span_times(segments, 4, 7) == (1.4, 2.0)  # "and": after "one" ends, before "six"
    assert span_times(segments, 0, 13) == (1.0, 3.0)  # "six" has no end: its segment's


def test_span_times_without_word_times_are_the_touched_segments_times():
    segments = [timed(0, "First part.", 0.0, 4.0), timed(13, "Second part.", 5.0, 9.0)]
    assert span_times(segments, 6, 19) == (0.0, 9.0)
    assert span_times(segments, 13, 19) == (5.0, 9.0)
    assert span_times([timed(0, "No times.", None, None)], 0, 2) is None


def test_webvtt_written_from_word_times_reads_back_with_the_same_times():
    parsed = parse_transcript_file(WORDS_VTT, "talk.vtt")
    assert parsed.segments[0].word_times  # the first cue's words are timed
    written = to_webvtt(parsed.segments)
    assert "<00:00:10.000>lived <00:00:12.000>by" in written
    again = parse_transcript_file(written.encode(), "talk.vtt")
    assert [(s.text, s.speaker, s.start, s.end, s.word_times) for s in again.segments] == [
        (s.text, s.speaker, s.start, s.end, s.word_times) for s in parsed.segments
    ]


def test_webvtt_keeps_markup_in_timed_words_escaped():
    cue = ParsedSegment(
        text="Fish & <chips> then", start=1.0, end=3.0, word_times=((7, 14, 2.0, None),)
    )
    written = to_webvtt([cue])
    assert "Fish &amp; <00:00:02.000>&lt;chips&gt; then" in written
    (again,) = parse_transcript_file(written.encode(), "talk.vtt").segments
    assert again.text == cue.text and again.word_times[-1][2] == 2.0


def test_public_captions_carry_the_word_times_except_in_a_redacted_cue(client, team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    save_vtt(story, team.interviewer)
    services.publish_story(story=story, by=team.curator)
    url = reverse("stories:public-captions", args=[story.pk])
    captions = client.get(url).content
    first, _second = parse_transcript_file(captions, "captions.vtt").segments
    stored = Segment.objects.filter(transcript__story=story, transcript__is_current=True)
    stored = stored.order_by("index").first()
    assert [list(word) for word in first.word_times] == stored.word_times
    assert first.word_times[5][2] == 10.0  # "lived", said at 10 s

    redact_words(story, "sea", by=team.curator)
    captions = client.get(url).content.decode()
    assert "<00:00:" not in captions and "sea" not in captions
