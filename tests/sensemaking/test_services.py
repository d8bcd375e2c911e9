"""Sense-making services: workshops follow consent, quotes stay anchored, edits are never lost."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from sensemaking import services
from sensemaking.models import Quote, Theme
from stories import services as story_services
from stories.models import AuditEvent
from stories.transcripts import parse_plain_text, parse_transcript_file
from tests.factories import ALL_SCOPES, highlight_phrase, make_story

pytestmark = pytest.mark.django_db


def workshop_with(team, transcript: str):
    """A story with this transcript that may be used in sense-making, in a workshop of its own."""
    story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted", transcript=transcript
    )
    workshop = services.create_workshop(
        project=team.project, title="W", by=team.facilitator, stories=[story]
    )
    return story, workshop


def words(story, phrase):
    text = story.transcripts.get(is_current=True).text
    start = text.index(phrase)
    return start, start + len(phrase)


def test_only_stories_consenting_to_sensemaking_can_join_a_workshop(team):
    refused = make_story(
        team.project,
        team.interviewer,
        scopes={**ALL_SCOPES, "use_sensemaking": False},
        status="submitted",
        title="Not for workshops",
    )
    with pytest.raises(ValidationError, match="Not for workshops"):
        services.create_workshop(
            project=team.project, title="W", by=team.facilitator, stories=[refused]
        )


def test_highlight_saves_offsets_snapshot_and_themes(team, workshop, story):
    start, end = words(story, "gave me a voice")
    themes = services.themes_named(team.project, ["Being heard", "being HEARD", "Power"])
    assert [theme.name for theme in themes] == ["Being heard", "Power"]
    quote = services.highlight(
        workshop=workshop,
        story=story,
        char_start=start,
        char_end=end,
        themes=themes,
        user=team.facilitator,
    )
    assert quote.text == "gave me a voice"
    assert sorted(quote.themes.names()) == ["Being heard", "Power"]
    assert Theme.objects.filter(project=team.project).count() == 2


def test_overlapping_quotes_are_allowed(team, workshop, story):
    for phrase in ("gave me a voice", "me a voice"):
        start, end = words(story, phrase)
        services.highlight(
            workshop=workshop,
            story=story,
            char_start=start,
            char_end=end,
            themes=[],
            user=team.facilitator,
        )
    assert Quote.objects.count() == 2


def test_theme_names_differing_only_in_case_are_refused_by_the_database(team):
    Theme.objects.create(project=team.project, name="Trust", slug="trust")
    with pytest.raises(IntegrityError):
        Theme.objects.create(project=team.project, name="TRUST", slug="trust-2")


def test_second_editor_is_told_instead_of_overwriting(team):
    (theme,) = services.themes_named(team.project, ["Trust"])
    seen = theme.version
    services.update_theme(
        theme=theme, expected_version=seen, by=team.facilitator, name="Trust in services"
    )
    with pytest.raises(services.StaleEdit) as stale:
        services.update_theme(
            theme=theme, expected_version=seen, by=team.facilitator2, name="Trust?"
        )
    assert stale.value.current.name == "Trust in services"
    assert AuditEvent.objects.filter(action="theme_renamed").count() == 1


def test_merge_moves_quotes_and_keeps_an_audit_row(team, workshop, story):
    start, end = words(story, "Funding forms")
    source, target = services.themes_named(team.project, ["Money", "Funding"])
    quote = services.highlight(
        workshop=workshop,
        story=story,
        char_start=start,
        char_end=end,
        themes=[source, target],
        user=team.facilitator,
    )
    services.merge_themes(source=source, target=target, by=team.facilitator)
    assert list(quote.themes.names()) == ["Funding"]
    assert not Theme.objects.filter(name="Money").exists()
    assert AuditEvent.objects.get(action="theme_merged").details["target"] == "Funding"


def test_split_moves_chosen_quotes_to_a_new_theme(team, workshop, story):
    (theme,) = services.themes_named(team.project, ["Voice"])
    quotes = [
        services.highlight(
            workshop=workshop,
            story=story,
            char_start=a,
            char_end=b,
            themes=[theme],
            user=team.facilitator,
        )
        for a, b in (words(story, "gave me a voice"), words(story, "hardest part"))
    ]
    new = services.split_theme(
        theme=theme, new_name="Barriers", quotes=[quotes[1]], by=team.facilitator
    )
    assert list(quotes[0].themes.names()) == ["Voice"]
    assert list(quotes[1].themes.names()) == [new.name]


def test_quotes_follow_their_words_when_the_transcript_is_edited(
    team, workshop, story, django_capture_on_commit_callbacks
):
    moved = highlight_phrase(workshop, story, "Funding forms", by=team.facilitator)
    lost = highlight_phrase(workshop, story, "gave me a voice", by=team.facilitator)
    # Saving the new version moves the quotes as it commits; no page has to do it later.
    with django_capture_on_commit_callbacks(execute=True):
        story_services.add_transcript(
            story=story,
            parsed=parse_plain_text(
                "Dee: A new opening line.\n\n" + "Dee: Funding forms were hard."
            ),
            by=team.interviewer,
            origin="edited",
        )
    moved.refresh_from_db()
    lost.refresh_from_db()
    current = story.transcripts.get(is_current=True)
    assert current.text[moved.char_start : moved.char_end] == "Funding forms"
    assert moved.transcript == current
    assert lost.needs_review
    assert lost.transcript != current  # Never re-pointed at the wrong words.


def test_withdrawn_sensemaking_consent_hides_quotes(team, workshop, story):
    highlight_phrase(workshop, story, "gave me a voice", by=team.facilitator)
    assert Quote.objects.usable_in_sensemaking().count() == 1
    story_services.change_consent_scopes(
        story=story, scopes={**ALL_SCOPES, "use_sensemaking": False}
    )
    assert Quote.objects.usable_in_sensemaking().count() == 0
    assert Quote.objects.withdrawn_from_sensemaking().count() == 1
    with pytest.raises(ValidationError, match="can’t be used any more"):
        highlight_phrase(workshop, story, "gave me a voice", by=team.facilitator)


def test_findings_refuse_lost_updates(team, workshop):
    (theme,) = services.themes_named(team.project, ["Trust"])
    finding = services.write_finding(
        workshop=workshop,
        theme=theme,
        statement="Trust grows slowly.",
        quotes=[],
        by=team.facilitator,
    )
    services.update_finding(finding=finding, expected_version=1, statement="Trust grows with time.")
    with pytest.raises(services.StaleEdit) as stale:
        services.update_finding(finding=finding, expected_version=1, statement="Overwritten?")
    assert stale.value.current.statement == "Trust grows with time."


def test_workshop_guest_link_is_private_and_expiring(team, workshop):
    guest, token = services.invite_guest(workshop=workshop, display_name="Dee", by=team.facilitator)
    assert services.find_guest(token) == guest
    assert services.find_guest(token + "x") is None
    guest.expires_at = guest.created_at
    guest.save()
    assert services.find_guest(token) is None


def test_saving_a_highlight_costs_the_same_for_long_transcripts_and_many_quotes(team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(paragraphs, existing):
        text = "\n\n".join(f"Dee: Paragraph {n} about co-production." for n in range(paragraphs))
        story, workshop = workshop_with(team, text)
        themes = services.themes_named(team.project, ["Voice", "Power"])
        for _ in range(existing):
            services.highlight(
                workshop=workshop,
                story=story,
                char_start=0,
                char_end=5,
                themes=themes,
                user=team.facilitator,
            )
        with CaptureQueriesContext(connection) as queries:
            services.highlight(
                workshop=workshop,
                story=story,
                char_start=10,
                char_end=30,
                themes=themes,
                user=team.facilitator,
            )
        return len(queries)

    assert cost(paragraphs=3, existing=0) == cost(paragraphs=300, existing=40)


def test_a_later_redaction_over_part_of_a_quote_hides_that_part(team, workshop, story):
    text = story.transcripts.get(is_current=True).text
    start = text.index("Brook Lane then")
    quote = services.highlight(
        workshop=workshop,
        story=story,
        char_start=start,
        char_end=start + len("Brook Lane then"),
        themes=[],
        user=team.facilitator,
    )
    redacted = text.index("14 Brook")
    story_services.redact_transcript(
        transcript=story.transcripts.get(is_current=True),
        char_start=redacted,
        char_end=redacted + len("14 Brook"),
        reason="An address",
        by=team.curator,
    )
    (shown,) = services.hide_redacted_words([Quote.objects.get(pk=quote.pk)])
    assert shown.display_text == "[redacted] Lane then"


TIMED = b"""WEBVTT

00:00:01.000 --> 00:00:04.000
Dee: Co-production gave me a voice.

00:00:04.500 --> 00:00:09.000
Dee: Funding forms were the hardest part.

00:00:10.000 --> 00:00:12.500
Dee: The group kept going.
"""


def test_a_highlight_takes_its_times_from_the_paragraphs_it_touches(team, workshop, story):
    story_services.add_transcript(
        story=story,
        parsed=parse_transcript_file(TIMED, "timed.vtt"),
        by=team.interviewer,
        origin="uploaded",
    )
    inside = highlight_phrase(workshop, story, "the hardest part", by=team.facilitator)
    assert (inside.start_seconds, inside.end_seconds) == (4.5, 9.0)
    across = highlight_phrase(workshop, story, "a voice.\n\nFunding forms", by=team.facilitator)
    assert (across.start_seconds, across.end_seconds) == (1.0, 9.0)
    assert across.text == "a voice.\n\nFunding forms"


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("past the end", "Select some words of the transcript."),
        ("backwards", "Select some words of the transcript."),
        ("spaces", "Select some words, not only spaces."),
    ],
)
def test_a_selection_outside_the_words_is_refused_and_nothing_is_saved(
    team, workshop, story, where, message
):
    text = story.transcripts.get(is_current=True).text
    gap = text.index("\n\n")
    start, end = {
        "past the end": (len(text) - 3, len(text) + 1),
        "backwards": (10, 4),
        "spaces": (gap, gap + 2),
    }[where]
    with pytest.raises(ValidationError, match=message):
        services.highlight(
            workshop=workshop,
            story=story,
            char_start=start,
            char_end=end,
            theme_names=["Never made"],
            user=team.facilitator,
        )
    assert not Quote.objects.exists()
    assert not Theme.objects.filter(name="Never made").exists()


def test_a_story_outside_the_workshop_cannot_be_highlighted(team, workshop):
    elsewhere = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    with pytest.raises(ValidationError, match="not part of this workshop"):
        services.highlight(
            workshop=workshop, story=elsewhere, char_start=0, char_end=5, user=team.facilitator
        )
    assert not Quote.objects.exists()


def test_words_touching_a_redaction_cannot_be_quoted_and_others_show_it_hidden(team):
    story, workshop = workshop_with(
        team, "Dee: I told Marsha first.\n\nDee: Marsha said to bring the forms."
    )
    transcript = story.transcripts.get(is_current=True)
    first = transcript.text.index("Marsha")
    story_services.redact_transcript(
        transcript=transcript,
        char_start=first,
        char_end=first + len("Marsha"),
        reason="A name",
        by=team.curator,
    )
    with pytest.raises(ValidationError, match="includes redacted words"):
        highlight_phrase(workshop, story, "told Marsha", by=team.facilitator)
    # The curator hid the name where it was said first; a quote of it said again hides it too.
    quote = highlight_phrase(workshop, story, "Marsha said to bring", by=team.facilitator)
    assert quote.text == "Marsha said to bring"
    assert quote.display_text == "[redacted] said to bring"
    assert Quote.objects.count() == 1


def test_offsets_count_characters_not_bytes(team):
    text = "Dee: Zoë’s café 🎉 opened.\n\nDee: Then 🌱 Siobhán planted the beans."
    story, workshop = workshop_with(team, text)
    stored = story.transcripts.get(is_current=True).text
    quote = highlight_phrase(workshop, story, "Siobhán planted", by=team.facilitator)
    assert quote.text == stored[quote.char_start : quote.char_end] == "Siobhán planted"
    with pytest.raises(ValidationError, match="Select some words of the transcript"):
        services.highlight(
            workshop=workshop,
            story=story,
            char_start=len(stored) - 2,
            char_end=len(stored) + 1,
            user=team.facilitator,
        )


def test_one_workshops_rules_agree_with_the_querysets_for_everyone(team, workshop):
    from django.contrib.auth.models import AnonymousUser

    from sensemaking.models import Workshop
    from tests.factories import make_user

    joined, removed = make_user(), make_user()
    workshop.participants.add(team.interviewer, joined, removed)
    workshop.participants.remove(removed)
    admin = make_user(is_superuser=True)
    people = [
        *(getattr(team, name) for name in vars(team) if name not in ("project", "other_project")),
        joined,
        removed,
        admin,
        AnonymousUser(),
    ]
    runs, sees = {}, {}
    for person in people:
        runs[person] = workshop.is_run_by(person)
        sees[person] = runs[person] or workshop.has_participant(person)
        assert runs[person] == Workshop.objects.run_by(person).filter(pk=workshop.pk).exists()
        assert sees[person] == Workshop.objects.visible_to(person).filter(pk=workshop.pk).exists()
    assert [person for person in people if runs[person]] == [
        team.curator,
        team.curator2,
        team.facilitator,
        team.facilitator2,
        admin,
    ]
    assert [person for person in people if sees[person] and not runs[person]] == [
        team.interviewer,
        joined,
    ]


def test_a_theme_someone_else_just_added_is_used_not_added_twice(team, workshop, story):
    (trust,) = services.themes_named(team.project, ["Trust"])
    # As if another participant saved "Trust" between this one's lookup and insert.
    assert services._new_theme(team.project, "TRUST") == trust
    quote = highlight_phrase(workshop, story, "gave me a voice", by=team.facilitator)
    services.tag_quote(quote=quote, themes=[trust])  # The transaction is still usable.
    assert Theme.objects.filter(project=team.project).count() == 1
