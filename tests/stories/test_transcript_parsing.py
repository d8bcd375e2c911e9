"""Reading transcripts from text, Word, WebVTT and SubRip files."""

import io
import zipfile
from pathlib import Path

import docx
import pytest

from stories import transcripts
from stories.transcripts import (
    ParsedSegment,
    TranscriptError,
    parse_plain_text,
    parse_transcript_file,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "transcripts"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


def parse_fixture(name: str):
    return parse_transcript_file((FIXTURES / name).read_bytes(), name)


def parse_error(data: bytes, filename: str) -> TranscriptError:
    with pytest.raises(TranscriptError) as caught:
        parse_transcript_file(data, filename)
    return caught.value


def word_document(*paragraphs: str, table: bool = False) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        document.add_table(rows=1, cols=2).rows[0].cells[0].text = "Interviewer"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


# Plain text


def test_interview_text_gives_one_segment_per_paragraph_and_line_level_turn():
    parsed = parse_fixture("interview.txt")

    assert parsed.source_format == "txt"
    assert parsed.has_timings is False
    assert len(parsed.segments) == 19
    assert [segment.speaker for segment in parsed.segments[8:11]] == [
        "Interviewer",
        "Storyteller",
        "Interviewer",
    ]
    assert parsed.segments[10].text == "Good to hear."


def test_text_before_the_first_label_has_no_speaker_and_keeps_label_like_lines():
    first = parse_fixture("interview.txt").segments[0]

    assert first.speaker == ""
    assert first.text.startswith("Peer research interview - lived experience of homelessness")
    assert "Recorded: 12 March 2024" in first.text


def test_wrapped_lines_are_joined_with_single_spaces():
    segment = parse_fixture("interview.txt").segments[1]

    assert segment == ParsedSegment(
        text="Thanks for meeting me today. Before we start, can you tell me how you got "
        "involved with the peer research project?",
        speaker="Interviewer",
    )


def test_paragraph_without_label_continues_the_previous_speaker():
    segments = parse_fixture("interview.txt").segments

    assert segments[5].speaker == "Storyteller"
    assert segments[5].text.startswith("Before that I'd filled in surveys")


def test_mid_line_colon_and_url_are_not_speakers():
    segments = parse_fixture("interview.txt").segments

    assert "One thing to note: the payments were vouchers" in segments[7].text
    assert segments[12].speaker == "Storyteller"
    assert segments[12].text.startswith("https://example.org/peer-research has the full report")


def test_speaker_labels_may_have_several_words_and_numbers():
    parsed = parse_plain_text("Mary Jones: Hello.\n\nStoryteller 3: Hi.\n\nQ: Why?\n\nA: Because.")

    assert [(s.speaker, s.text) for s in parsed.segments] == [
        ("Mary Jones", "Hello."),
        ("Storyteller 3", "Hi."),
        ("Q", "Why?"),
        ("A", "Because."),
    ]
    assert parsed.source_format == "paste"


def test_phrases_ending_in_a_colon_are_not_speakers():
    parsed = parse_plain_text("Here's the thing: nobody asked us.")

    assert parsed.segments == [ParsedSegment(text="Here's the thing: nobody asked us.")]


def test_labels_over_forty_characters_are_not_speakers():
    label = "Abcdefghij Abcdefghij Abcdefghij Abcdefghij"

    parsed = parse_plain_text(f"{label}: text")

    assert parsed.segments[0].speaker == ""
    assert parsed.segments[0].text == f"{label}: text"


def test_label_on_a_line_of_its_own_names_the_speaker_of_the_next_paragraph():
    parsed = parse_plain_text("Interviewer:\n\nHow did it start?\n\nStoryteller:\nAt the hub.")

    assert [(s.speaker, s.text) for s in parsed.segments] == [
        ("Interviewer", "How did it start?"),
        ("Storyteller", "At the hub."),
    ]


def test_leading_times_give_start_seconds_and_timings_when_every_segment_has_one():
    parsed = parse_plain_text(
        "[00:01:02] Interviewer: Hello.\n\n(1:05) Storyteller: Hi.\n\nStoryteller: [1:02:03.5] Bye."
    )

    assert [(s.start, s.speaker) for s in parsed.segments] == [
        (62.0, "Interviewer"),
        (65.0, "Storyteller"),
        (3723.5, "Storyteller"),
    ]
    assert parsed.has_timings is True


def test_timings_are_missing_when_any_segment_has_no_time():
    parsed = parse_plain_text("[00:01] Interviewer: Hello.\n\nStoryteller: Hi.")

    assert parsed.segments[0].start == 1.0
    assert parsed.has_timings is False


def test_windows_1252_text_with_curly_quotes_is_decoded():
    parsed = parse_fixture("windows_1252.txt")

    assert parsed.segments[0].text == "What did “lived experience” mean to the group?"
    assert parsed.segments[1] == ParsedSegment(
        text="It meant we’d been there – not just read about it. Café meetings, not boardrooms.",
        speaker="Storyteller",
    )


def test_utf8_byte_order_mark_is_removed():
    parsed = parse_transcript_file("\ufeffInterviewer: Café?".encode(), "bom.TXT")

    assert parsed.segments == [ParsedSegment(text="Café?", speaker="Interviewer")]


def test_pasted_text_that_is_blank_is_refused():
    with pytest.raises(TranscriptError, match=r"^The transcript is empty\.$"):
        parse_plain_text(" \n\n\t")


def test_text_with_only_speaker_labels_is_refused():
    with pytest.raises(TranscriptError, match="speaker names or times but no words"):
        parse_plain_text("Interviewer:\n\nStoryteller:")


# Word documents


def test_word_document_gives_one_segment_per_non_empty_paragraph(tmp_path):
    path = tmp_path / "interview.docx"
    path.write_bytes(
        word_document(
            "Interviewer: What does peer research mean to you?",
            "",
            "Storyteller: Research with us, not about us.",
            "It means we ask the questions too.",
        )
    )

    parsed = parse_transcript_file(path.read_bytes(), path.name)

    assert parsed.source_format == "docx"
    assert parsed.has_timings is False
    assert [(s.speaker, s.text) for s in parsed.segments] == [
        ("Interviewer", "What does peer research mean to you?"),
        ("Storyteller", "Research with us, not about us."),
        ("Storyteller", "It means we ask the questions too."),
    ]


def test_word_line_breaks_between_labels_start_new_segments():
    document = docx.Document()
    paragraph = document.add_paragraph("Interviewer: Ready?")
    paragraph.add_run().add_break()
    paragraph.add_run("Storyteller: Ready.")
    buffer = io.BytesIO()
    document.save(buffer)

    parsed = parse_transcript_file(buffer.getvalue(), "breaks.docx")

    assert [(s.speaker, s.text) for s in parsed.segments] == [
        ("Interviewer", "Ready?"),
        ("Storyteller", "Ready."),
    ]


def test_word_document_without_text_is_empty():
    error = parse_error(word_document("", "  "), "blank.docx")

    assert str(error) == "The transcript file is empty."


def test_word_document_with_text_only_in_tables_is_explained():
    error = parse_error(word_document(table=True), "table.docx")

    assert "all in tables" in str(error)


def test_text_named_docx_is_not_a_word_document():
    error = parse_error(b"Interviewer: hello", "notes.docx")

    assert str(error).startswith("This file is not a Word document that can be opened.")


def test_zip_without_a_word_document_inside_is_refused():
    error = parse_error(zip_bytes("notes.txt", b"hello"), "archive.docx")

    assert str(error).startswith("This file is not a Word document")


def test_word_document_that_unpacks_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(transcripts, "MAX_DOCX_UNPACKED_BYTES", 1000)

    error = parse_error(word_document("Interviewer: hello"), "big.docx")

    assert "too large" in str(error)


# WebVTT


def test_vtt_cues_give_timed_segments_with_voice_speakers():
    parsed = parse_fixture("interview.vtt")

    assert parsed.source_format == "vtt"
    assert parsed.has_timings is True
    assert len(parsed.segments) == 7
    assert parsed.segments[0] == ParsedSegment(
        text="Thanks for joining me. How did you get involved?",
        speaker="Interviewer",
        start=1.0,
        end=4.5,
    )


def test_vtt_voice_with_class_and_cue_settings_are_read():
    segment = parse_fixture("interview.vtt").segments[1]

    assert segment == ParsedSegment(
        text="I saw a poster at the day centre, asking for peer researchers.",
        speaker="Amina Yusuf",
        start=5.0,
        end=9.25,
    )


def test_vtt_styling_tags_are_removed_and_entities_unescaped():
    segments = parse_fixture("interview.vtt").segments

    assert segments[2] == ParsedSegment(
        text="Lived experience was the point & that mattered.", start=9.5, end=12.0
    )
    assert segments[4].text == "We shared the budget and the decisions <all of them>."


def test_vtt_minutes_only_timing_and_name_label_are_read():
    segment = parse_fixture("interview.vtt").segments[3]

    assert (segment.speaker, segment.start, segment.end) == ("Interviewer", 62.5, 65.0)


def test_vtt_hours_and_milliseconds_are_converted_to_seconds():
    segment = parse_fixture("interview.vtt").segments[4]

    assert (segment.start, segment.end) == (3723.004, 3724.0)


def test_vtt_cue_with_two_voices_gives_two_segments_with_its_timing():
    segments = parse_fixture("interview.vtt").segments[5:]

    assert [(s.speaker, s.text, s.start, s.end) for s in segments] == [
        ("Interviewer", "So who chose the questions?", 3725.0, 3729.0),
        ("Amina Yusuf", "We did, together.", 3725.0, 3729.0),
    ]


def test_vtt_cues_without_text_and_note_blocks_are_left_out():
    texts = [segment.text for segment in parse_fixture("interview.vtt").segments]

    assert not any("Checked by the storyteller" in text for text in texts)
    assert not any(segment.start == 12.0 for segment in parse_fixture("interview.vtt").segments)


def test_vtt_with_invalid_timing_names_its_line():
    error = parse_error((FIXTURES / "malformed_timing.vtt").read_bytes(), "malformed_timing.vtt")

    assert error.line == 12
    assert str(error) == (
        "Line 12: the cue timing “00:01:70.000 --> 00:01:72.000” is not valid. "
        "Timings look like 00:01:02.500 --> 00:01:05.000."
    )


def test_vtt_without_header_is_refused_at_line_one():
    error = parse_error((FIXTURES / "missing_header.vtt").read_bytes(), "missing_header.vtt")

    assert error.line == 1
    assert str(error).startswith("Line 1: a WebVTT file must start with “WEBVTT”")


def test_vtt_with_header_but_no_cues_is_refused():
    error = parse_error(b"WEBVTT\n\nNOTE nothing here yet\n", "empty.vtt")

    assert error.line is None
    assert str(error).startswith("The WebVTT file has no cues.")


def test_vtt_cue_first_after_header_without_blank_line_is_read():
    parsed = parse_transcript_file(b"WEBVTT\n00:00:01.000 --> 00:00:02.000\nHello.\n", "a.vtt")

    assert parsed.segments == [ParsedSegment(text="Hello.", start=1.0, end=2.0)]


def test_vtt_identifier_without_timing_names_the_line_where_timing_was_expected():
    data = b"WEBVTT\n\nintro\n00:00:01.000 00:00:02.000\nHello.\n"

    error = parse_error(data, "no_arrow.vtt")

    assert error.line == 4
    assert "expected a cue timing such as 00:01:02.500 --> 00:01:05.000" in str(error)


def test_vtt_timing_without_milliseconds_is_refused():
    error = parse_error(b"WEBVTT\n\n00:00:01 --> 00:00:02\nHello.\n", "short.vtt")

    assert error.line == 3


# SubRip


def test_srt_with_windows_line_endings_and_out_of_order_index_is_read():
    data = (FIXTURES / "interview_crlf.srt").read_bytes()
    assert b"\r\n" in data

    parsed = parse_transcript_file(data, "interview_crlf.srt")

    assert parsed.source_format == "srt"
    assert parsed.has_timings is True
    assert [(s.speaker, s.start, s.end) for s in parsed.segments] == [
        ("Interviewer", 1.0, 3.5),
        ("Storyteller", 4.0, 8.25),
        ("Storyteller", 8.5, 11.0),
        ("", 62.5, 65.0),
    ]


def test_srt_tags_are_removed_and_lines_joined():
    segments = parse_fixture("interview_crlf.srt").segments

    assert segments[0].text == "Thanks for coming in today."
    assert segments[2].text == "Being a peer researcher changed how I saw that time."
    assert segments[3].text == "It's co-production: we decide together."


def test_srt_without_index_numbers_is_read():
    data = b"00:00:01,000 --> 00:00:02,000\nHello.\n\n00:00:03,000 --> 00:00:04,000\nBye.\n"

    parsed = parse_transcript_file(data, "no_index.srt")

    assert [(s.text, s.start) for s in parsed.segments] == [("Hello.", 1.0), ("Bye.", 3.0)]


def test_srt_that_ends_before_it_starts_names_its_line():
    error = parse_error((FIXTURES / "end_before_start.srt").read_bytes(), "end_before_start.srt")

    assert error.line == 10
    assert str(error).startswith(
        "Line 10: the subtitle ends (00:00:10,000) before it starts (00:00:12,000)."
    )


def test_srt_timing_without_arrow_names_its_line():
    data = (
        b"1\r\n00:00:01,000 --> 00:00:02,000\r\nHi.\r\n\r\n2\r\n00:00:03,000 - 00:00:04,000\r\nBye."
    )

    error = parse_error(data, "bad.srt")

    assert error.line == 6
    assert "but found “00:00:03,000 - 00:00:04,000”" in str(error)


def test_srt_where_every_subtitle_is_empty_is_refused():
    error = parse_error(b"1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n", "blank.srt")

    assert str(error) == "None of the subtitles in this file have any text."


# Files that are not transcripts


def test_png_named_txt_is_refused_as_not_text():
    error = parse_error(PNG_BYTES, "photo.txt")

    assert str(error).startswith("This file holds PNG data, not text.")


def test_zip_named_txt_is_refused_as_not_text():
    error = parse_error(zip_bytes("notes.txt", b"hello"), "notes.txt")

    assert str(error).startswith("This file holds ZIP data, not text.")


def test_word_document_named_txt_is_told_to_use_the_docx_ending():
    error = parse_error(word_document("Interviewer: hello"), "interview.txt")

    assert "Give its name the .docx ending" in str(error)


def test_pdf_named_srt_is_refused_as_not_text():
    error = parse_error(b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n", "captions.srt")

    assert str(error).startswith("This file holds PDF data, not text.")


def test_utf16_text_is_refused_with_advice_to_save_as_utf8():
    error = parse_error("Interviewer: hello".encode("utf-16"), "utf16.txt")

    assert "Save the transcript as UTF-8 text" in str(error)


def test_control_characters_mark_a_file_as_not_text():
    error = parse_error(b"Interviewer: \x01\x02\x03 hello", "odd.txt")

    assert str(error).startswith("This file is not a text file.")


@pytest.mark.parametrize("data", [b"", b"  \r\n\t\n"])
@pytest.mark.parametrize("filename", ["empty.txt", "empty.vtt", "empty.srt", "empty.docx"])
def test_empty_files_are_refused(data, filename):
    error = parse_error(data, filename)

    assert str(error) == "The transcript file is empty."
    assert error.line is None


@pytest.mark.parametrize("filename", ["bom.txt", "bom.vtt", "bom.srt"])
def test_text_file_with_only_a_byte_order_mark_is_empty(filename):
    error = parse_error(b"\xef\xbb\xbf\r\n", filename)

    assert str(error) == "The transcript file is empty."


def test_empty_fixture_file_is_refused():
    error = parse_error((FIXTURES / "empty.txt").read_bytes(), "empty.txt")

    assert str(error) == "The transcript file is empty."


@pytest.mark.parametrize("filename", ["interview.pdf", "recording.mp3", "interview"])
def test_unknown_extensions_name_the_accepted_formats(filename):
    error = parse_error(b"Interviewer: hello", filename)

    assert str(error).endswith("Upload a .txt, .docx, .vtt or .srt file.")


def test_older_word_files_are_told_to_save_as_docx():
    error = parse_error(b"\xd0\xcf\x11\xe0", "interview.doc")

    assert (
        str(error)
        == "Older Word .doc files can't be read. Save it from Word as .docx or .txt instead."
    )


def test_error_without_line_number_is_just_the_message():
    error = TranscriptError("The transcript file is empty.")

    assert (error.message, error.line, str(error)) == (
        "The transcript file is empty.",
        None,
        "The transcript file is empty.",
    )


def test_error_with_line_number_is_a_value_error_naming_the_line():
    error = TranscriptError("the cue timing is not valid.", line=14)

    assert isinstance(error, ValueError)
    assert str(error) == "Line 14: the cue timing is not valid."
