"""Compiling, versioning and publishing summary reports; consent applies to every version."""

import pytest
from django.core.exceptions import ValidationError

from sensemaking import services
from sensemaking.anonymity import ANONYMOUS
from sensemaking.models import ReportVersion
from sensemaking.reports import compile_report
from stories import services as story_services
from tests.factories import ALL_SCOPES

pytestmark = pytest.mark.django_db


def based_on(version: ReportVersion) -> str:
    return f"{version.pk}:{version.lock_version}"


def test_a_draft_presents_its_workshops_findings_and_key_quotes(reported):
    compiled = compile_report(reported.version)
    assert compiled.number == "1.0"
    (theme,) = compiled.themes
    assert theme.name == "Having a voice"
    assert [finding.statement for finding in theme.findings] == ["People felt heard."]
    assert [quote.text for quote in theme.key_quotes] == ["Co-production gave me a voice"]
    assert theme.findings[0].quotes == theme.key_quotes
    assert compiled.removed == 0


def test_quotes_are_credited_as_the_storyteller_chose_and_consent_allows(reported, story):
    (quote,) = compile_report(reported.version).key_quotes
    assert quote.credit == "River"  # the factory's pseudonym, with credited-quote consent
    story_services.change_consent_scopes(
        story=story,
        scopes={**ALL_SCOPES, "quote_credited": False},
        by=story.interviewer,
    )
    (quote,) = compile_report(reported.version).key_quotes
    assert quote.credit == ANONYMOUS


def test_publishing_freezes_a_version_and_later_edits_make_the_next(reported, team):
    version = services.publish_report(version=reported.version, by=team.curator)
    assert version.is_published and version.content["themes"]
    services.write_finding(
        workshop=reported.quote.workshop,
        theme=reported.theme,
        statement="A later finding.",
        quotes=[],
        by=team.facilitator,
    )
    statements = [f.statement for f in compile_report(version).themes[0].findings]
    assert statements == ["People felt heard."]
    draft = services.edit_report(
        report=reported.report,
        based_on=based_on(version),
        by=team.facilitator,
        workshops=list(version.workshops.all()),
        title="Value of co-production (revised)",
    )
    assert draft.number == "1.1" and not draft.is_published
    assert [f.statement for f in compile_report(draft).themes[0].findings] == [
        "People felt heard.",
        "A later finding.",
    ]
    with pytest.raises(ValidationError) as refused:
        services.publish_report(version=draft, by=team.curator)
    assert "what changed" in str(refused.value)


def test_a_second_editor_of_the_same_draft_is_told(reported, team):
    seen = based_on(reported.version)
    workshops = list(reported.version.workshops.all())
    services.edit_report(
        report=reported.report, based_on=seen, by=team.facilitator, workshops=workshops, purpose="A"
    )
    with pytest.raises(services.StaleEdit):
        services.edit_report(
            report=reported.report,
            based_on=seen,
            by=team.facilitator2,
            workshops=workshops,
            purpose="B",
        )


def test_withdrawn_quote_consent_removes_quotes_from_every_version(reported, team, story):
    published = services.publish_report(version=reported.version, by=team.curator)
    story_services.change_consent_scopes(
        story=story,
        scopes={**ALL_SCOPES, "quote_anonymous": False, "quote_credited": False},
        by=story.interviewer,
    )
    compiled = compile_report(published)
    assert compiled.key_quotes == [] and compiled.quotes == []
    assert compiled.themes[0].findings[0].quotes == []
    assert compiled.removed == 1


def test_findings_on_themes_at_any_depth_appear_under_their_top_theme(reported, team):
    money, payments, late = services.themes_named(
        team.project, ["Money", "Payments", "Late payments"]
    )
    services.update_theme(
        theme=payments, expected_version=payments.version, by=team.facilitator, parent=money
    )
    services.update_theme(
        theme=late, expected_version=late.version, by=team.facilitator, parent=payments
    )
    services.write_finding(
        workshop=reported.quote.workshop,
        theme=late,
        statement="Late payments hurt.",
        quotes=[],
        by=team.facilitator,
    )
    (section,) = [t for t in compile_report(reported.version).themes if t.name == "Money"]
    assert section.sub_themes == ["Payments", "Late payments"]
    assert [finding.statement for finding in section.findings] == ["Late payments hurt."]


def test_chapter_cues_are_one_line_of_escaped_text():
    from sensemaking.reports import Extract, chapters_vtt

    extract = Extract(
        clip_id=1,
        text="First line.\n\nSecond --> <b>bold</b> & more",
        credit="Ash",
        path="/x",
        ready=True,
        seconds=2.5,
    )
    cues = chapters_vtt([extract]).split("\n\n")
    assert cues[0] == "WEBVTT"
    number, timing, text = cues[1].strip().split("\n")
    assert (number, timing) == ("1", "00:00:00.000 --> 00:00:02.500")
    assert text == "1. “First line. Second –> &lt;b>bold&lt;/b> &amp; more” — Ash"
